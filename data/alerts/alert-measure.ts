// What each kind of rule measures, read from the database at the time of a check: the value an
// episode starts and ends on (data/alerts/alert-kinds.ts), or undefined when there is nothing to
// judge by (no PM2.5 for hours, no index published for the day), which leaves the episode as it is.
import type { Kysely } from 'kysely';
import { EXCLUDED_FROM_MEANS, FLAGS } from '../flags.js';
import { localDate, nextDate } from '../local-days.js';
import type { AlertRule, Database } from '../schema.js';
import type { AlertKind } from './alert-kinds.js';

export type MeasureOptions = {
  now: number;
  /** Zone of the commune indices' days (SOUFFLE_TIMEZONE). */
  timeZone: string;
  /** The span of the PM2.5 mean: an hour (shorter in tests). */
  meanWindowMs: number;
  /** PM2.5 older than this is no basis to start or end an episode. */
  freshMs: number;
};

export const MEASURE_DEFAULTS = { meanWindowMs: 3_600_000, freshMs: 3 * 3_600_000 } as const;

type Measure = (db: Kysely<Database>, rule: AlertRule, o: MeasureOptions) => Promise<number | undefined>;

const MEASURES: Record<AlertKind, Measure> = {
  /** Seconds since the device was last heard from (or since the rule was made, if later). */
  async offline(db, rule, { now }) {
    if (!rule.device_id) return undefined;
    const d = await db
      .selectFrom('devices')
      .select('last_seen')
      .where('id', '=', rule.device_id)
      .executeTakeFirst();
    if (!d) return undefined;
    return (now - Math.max(d.last_seen ?? 0, rule.created_at)) / 1000;
  },

  /** 1 if the newest reading of any of the device's series is flagged stuck, else 0. */
  async stuck(db, rule) {
    const station = await deviceStation(db, rule);
    if (!station) return undefined;
    const series = await db.selectFrom('series').select('id').where('station_id', '=', station).execute();
    let stuck = 0;
    for (const s of series) {
      const last = await db
        .selectFrom('readings')
        .select('flags')
        .where('series_id', '=', s.id)
        .orderBy('time', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && (last.flags & FLAGS.stuck) !== 0) stuck = 1;
    }
    return stuck;
  },

  /** Messages of the device rejected within the rule's window. */
  async rejections(db, rule, { now }) {
    if (!rule.device_id || !rule.window_ms) return undefined;
    const r = await db
      .selectFrom('ingest_errors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', rule.device_id)
      .where('time', '>', now - rule.window_ms)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },

  /**
   * The station's PM2.5 mean over the newest hour of data (readings that count in means), if that
   * hour is recent: an AtmoSud hourly mean arrives one to two hours late and is its own hour.
   */
  async pm25(db, rule, { now, meanWindowMs, freshMs }) {
    if (!rule.station_id) return undefined;
    const series = db
      .selectFrom('series')
      .select('id')
      .where('station_id', '=', rule.station_id)
      .where('phenomenon', '=', 'pm25');
    const newest = await db
      .selectFrom('readings')
      .select((eb) => eb.fn.max('time').as('t'))
      .where('series_id', 'in', series)
      .executeTakeFirst();
    const t = newest?.t === null || newest?.t === undefined ? undefined : Number(newest.t);
    if (t === undefined || t < now - freshMs) return undefined;
    const rows = await db
      .selectFrom('readings')
      .select(['value', 'flags'])
      .where('series_id', 'in', series)
      .where('time', '>', t - meanWindowMs)
      .execute();
    const counted = rows.filter((r) => (r.flags & EXCLUDED_FROM_MEANS) === 0);
    if (counted.length === 0) return undefined;
    return counted.reduce((a, r) => a + r.value, 0) / counted.length;
  },

  /** The commune's official ATMO index of today (1–6; 0 "absent" and 7 "event" are no level). */
  commune_index: (db, rule, o) => communeIndex(db, rule, localDate(o.now, o.timeZone)),
  /** The same, forecast for tomorrow (AtmoSud publishes J+1; ingest/atmosud/commune-indices.ts). */
  commune_forecast: (db, rule, o) => communeIndex(db, rule, nextDate(localDate(o.now, o.timeZone))),
};

async function deviceStation(db: Kysely<Database>, rule: AlertRule): Promise<string | undefined> {
  if (!rule.device_id) return undefined;
  const d = await db
    .selectFrom('devices')
    .select('station_id')
    .where('id', '=', rule.device_id)
    .executeTakeFirst();
  return d?.station_id;
}

async function communeIndex(
  db: Kysely<Database>,
  rule: AlertRule,
  date: string,
): Promise<number | undefined> {
  if (!rule.commune) return undefined;
  const row = await db
    .selectFrom('commune_indices')
    .select('code_qual')
    .where('insee', '=', rule.commune)
    .where('date', '=', date)
    .executeTakeFirst();
  return row && row.code_qual >= 1 && row.code_qual <= 6 ? row.code_qual : undefined;
}

export function measureRule(
  db: Kysely<Database>,
  rule: AlertRule,
  options: MeasureOptions,
): Promise<number | undefined> {
  const measure = MEASURES[rule.kind as AlertKind];
  return measure ? measure(db, rule, options) : Promise.resolve(undefined);
}

/** The level an episode starts above (a rule stores it in its unit). */
export function startLevel(rule: AlertRule): number {
  if (rule.kind === 'offline') return (rule.window_ms ?? 0) / 1000;
  if (rule.kind === 'stuck') return 0;
  return rule.threshold ?? Infinity;
}

/** The level an episode ends at or below. */
export function clearLevel(rule: AlertRule): number {
  if (rule.kind === 'offline') return (rule.window_ms ?? 0) / 1000;
  if (rule.kind === 'stuck') return 0;
  return rule.clear_below ?? rule.threshold ?? -Infinity;
}
