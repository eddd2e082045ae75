// Hourly measures of one station over one window: fetch one pollutant per request (as AtmoSud's
// public clients do on this endpoint), validate value by value, store with upsertReadings (a
// validated value replaces its provisional version and the rollups of its buckets are recomputed),
// remove the provisional values AtmoSud withdrew (invalidations), and advance the station ×
// pollutant cursors, all in one transaction.
import type { Transaction } from 'kysely';
import { toCanonical } from '../../data/phenomena.js';
import type { Database } from '../../data/schema.js';
import { getCursor, setCursor } from '../../data/store/cursors.js';
import { refreshCurrentIndices } from '../../data/store/current-indices.js';
import { upsertReadings, type NewReading } from '../../data/store/readings.js';
import { removeProvisionalReadings } from '../../data/store/remove-readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { ATMOSUD_SOURCE } from './error-log.js';
import type { PullContext } from './pull-context.js';
import { ATMOSUD_PHENOMENA, NOM_POLLUANT, lookupPollutant, type AtmosudPhenomenon } from './pollutants.js';
import { check, describeZodError, measureListSchema, measureSchema } from './schemas.js';
import { parseInstant, type ReferenceStation } from './stations.js';
import { floorHour, isoParam, type TimeWindow } from './time-windows.js';
import { HOUR_MS } from '../../data/store/rollups.js';
import type { Db } from '../../data/db.js';

const REFERENCE_SENSOR = 'reference';
/** AtmoSud publishes hourly means (`date_debut` the start of the hour): each covers its whole hour,
 * so it is a valid hourly mean as published (data/hourly-validity.ts). */
const COVERS = 3_600_000;
const UNIT = 'µg/m³';
const MEASURES_PATH = '/observations/stations/mesures';

export type MeasureStats = {
  inserted: number;
  replaced: number;
  unchanged: number;
  /** `valeur: null`: AtmoSud has no value for that hour. */
  skippedNull: number;
  /** Stored provisional values AtmoSud withdrew (answered null, or no longer listed): removed. */
  removed: number;
  rejected: number;
  /** Stored values of a pollutant the station's metadata says is not in service. */
  notInService: number;
};

export const emptyMeasureStats = (): MeasureStats => ({
  inserted: 0,
  replaced: 0,
  unchanged: 0,
  skippedNull: 0,
  removed: 0,
  rejected: 0,
  notInService: 0,
});

export function addMeasureStats(into: MeasureStats, add: MeasureStats): MeasureStats {
  for (const k of Object.keys(into) as (keyof MeasureStats)[]) into[k] += add[k];
  return into;
}

const cursorKey = (stationId: string, phenomenon: string) => `${stationId}:${phenomenon}`;

/**
 * Where the regular pull of a station starts: its oldest station × pollutant cursor minus the
 * overlap (so that late and newly validated values are re-read), or `lookbackMs` ago for a
 * pollutant never pulled. Pollutants in service count; all pulled ones if none is declared.
 */
export async function incrementalStart(
  db: Db,
  station: ReferenceStation,
  options: { now: number; overlapMs: number; lookbackMs: number },
): Promise<number> {
  const phenomena = station.pollutants?.length ? station.pollutants : ATMOSUD_PHENOMENA;
  const keys = phenomena.map((p) => cursorKey(station.id, p));
  const rows = await db
    .selectFrom('pull_cursors')
    .select(['key', 'cursor'])
    .where('source', '=', ATMOSUD_SOURCE)
    .where('key', 'in', keys)
    .execute();
  const cursors = new Map(rows.map((r) => [r.key, r.cursor]));
  const starts = keys.map((k) => {
    const c = cursors.get(k);
    return c === undefined ? options.now - options.lookbackMs : c - options.overlapMs;
  });
  return floorHour(Math.min(...starts));
}

export type WindowOptions = {
  /** Move the station × pollutant cursors forward to the window's end (the regular pull). */
  advanceCursors: boolean;
  /** Runs in the same transaction as the readings (the backfill marks its window done there). */
  inTransaction?: (trx: Transaction<Database>) => Promise<void>;
};

/** "validée" (any case or accent) is validated; anything else, including nothing, is provisional. */
function validationOf(text: string | null | undefined): 'validated' | 'provisional' {
  const t = (text ?? '')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase();
  return t === 'validee' || t === 'valide' || t === 'validated' ? 'validated' : 'provisional';
}

/**
 * The pollutants asked for a station: every one its metadata names, in service or not (metadata
 * can lag behind the analysers, and a value AtmoSud publishes is real reference data), or all six
 * when it names none of them (no metadata).
 */
export function pollutantsToAsk(station: ReferenceStation): AtmosudPhenomenon[] {
  const named = new Set<AtmosudPhenomenon>([
    ...(station.pollutants ?? []),
    ...station.periods.map((p) => p.phenomenon),
  ]);
  const asked = ATMOSUD_PHENOMENA.filter((p) => named.has(p));
  return asked.length > 0 ? asked : [...ATMOSUD_PHENOMENA];
}

/** What one answer says about each hour, the last mention of an hour winning. */
type Answer = {
  /** phenomenon@time → the value, or null when AtmoSud answered `valeur: null`. */
  hours: Map<string, Hour>;
  /** Hours mentioned by items rejected for their value or unit: neither confirmed nor withdrawn. */
  rejectedHours: Set<string>;
  /**
   * Whether every item could be placed on an hour of a pollutant. An item that could not (no
   * parsable date, an unknown pollutant) might be the hour a stored value is at: the answer then
   * withdraws nothing by omission.
   */
  attributable: boolean;
};
type Hour = { phenomenon: AtmosudPhenomenon; time: number; value: number | null; validation: string };
const hourKey = (phenomenon: string, time: number) => `${phenomenon}@${time}`;

export async function pullStationWindow(
  ctx: PullContext,
  station: ReferenceStation,
  window: TimeWindow,
  options: WindowOptions,
): Promise<MeasureStats> {
  const asked = pollutantsToAsk(station);
  // One request per pollutant, in flight together (the client caps concurrency). The window is
  // stored only if every answer arrived, so that its cursor never passes a gap.
  const settled = await Promise.allSettled(asked.map((p) => fetchPollutant(ctx, station, window, p)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const stats = emptyMeasureStats();
  const answers = new Map<AtmosudPhenomenon, Answer>();
  asked.forEach((p, i) => {
    const { data, request } = (
      settled[i] as PromiseFulfilledResult<Awaited<ReturnType<typeof fetchPollutant>>>
    ).value;
    answers.set(p, readAnswer(ctx, station, data, request, stats));
  });
  return storeWindow(ctx, station, window, options, answers, stats);
}

function fetchPollutant(
  ctx: PullContext,
  station: ReferenceStation,
  window: TimeWindow,
  phenomenon: AtmosudPhenomenon,
) {
  const query = {
    station_id: station.code,
    nom_polluant: NOM_POLLUANT[phenomenon],
    temporalite: 'horaire',
    date_debut: isoParam(window.from),
    date_fin: isoParam(window.to),
    format: 'json',
    download: 'false',
  };
  return ctx.client.getJson(MEASURES_PATH, query, measureListSchema, ctx.signal);
}

/** Validates the items of one answer; rejections go to the ingest error log. */
function readAnswer(
  ctx: PullContext,
  station: ReferenceStation,
  data: readonly unknown[],
  request: string,
  stats: MeasureStats,
): Answer {
  const answer: Answer = { hours: new Map(), rejectedHours: new Set(), attributable: true };
  const reject = (reason: string, item: unknown) => {
    stats.rejected += 1;
    ctx.errors.add({ request, reason: `${station.code}: ${reason}`, body: JSON.stringify(item) });
  };
  for (const item of data) {
    const parsed = check(measureSchema, item);
    if (!parsed.success) {
      answer.attributable = false;
      reject(`measure rejected: ${describeZodError(parsed.error)}`, item);
      continue;
    }
    const m = parsed.data;
    if (m.id_station && m.id_station.trim() !== station.code) {
      reject(`measure of station "${m.id_station}" in the answer for ${station.code}`, item);
      continue;
    }
    if (m.temporalite && !/^horaire$/i.test(m.temporalite.trim())) {
      reject(`temporalite "${m.temporalite}" is not hourly`, item);
      continue;
    }
    const pollutant = lookupPollutant(m.polluant_id, m.label_polluant ?? m.nom_polluant);
    if (pollutant.kind === 'ignored') continue;
    if (pollutant.kind === 'unknown') {
      answer.attributable = false;
      reject(
        `unknown pollutant (polluant_id ${JSON.stringify(m.polluant_id)}, label ${JSON.stringify(m.label_polluant)})`,
        item,
      );
      continue;
    }
    const phenomenon = pollutant.phenomenon;
    const time = parseInstant(m.date_debut);
    if (time === null) {
      answer.attributable = false;
      reject(`field "date_debut": "${m.date_debut}" is not an ISO 8601 instant`, item);
      continue;
    }
    const key = hourKey(phenomenon, time);
    if (m.valeur === null) {
      stats.skippedNull += 1;
      answer.hours.set(key, { phenomenon, time, value: null, validation: validationOf(m.validation) });
      continue;
    }
    // The registry knows AtmoSud's "µg-m3" spelling; a missing unit is the documented µg/m³.
    const unit = m.unite?.trim() || undefined;
    const canonical = toCanonical(phenomenon, m.valeur, unit);
    if (!canonical.ok) {
      answer.rejectedHours.add(key);
      reject(`${new Date(time).toISOString()}: ${canonical.reason}`, item);
      continue;
    }
    // Keyed by phenomenon and time: a response listing an hour twice keeps its last value.
    answer.hours.set(key, {
      phenomenon,
      time,
      value: canonical.value,
      validation: validationOf(m.validation),
    });
  }
  return answer;
}

async function storeWindow(
  ctx: PullContext,
  station: ReferenceStation,
  window: TimeWindow,
  options: WindowOptions,
  answers: ReadonlyMap<AtmosudPhenomenon, Answer>,
  stats: MeasureStats,
): Promise<MeasureStats> {
  // Every hour of every answer; an hour a later answer mentions again keeps the later mention.
  const hours = new Map<string, Hour>();
  for (const answer of answers.values()) for (const [key, hour] of answer.hours) hours.set(key, hour);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const readings: NewReading[] = [];
      const seen = new Set<AtmosudPhenomenon>();
      for (const v of hours.values()) {
        if (v.value === null) continue;
        const seriesId = await ensureSeries(
          trx,
          {
            stationId: station.id,
            phenomenon: v.phenomenon,
            sensor: REFERENCE_SENSOR,
            unit: UNIT,
            covers: COVERS,
          },
          ctx.seriesCache,
        );
        readings.push({ seriesId, time: v.time, value: v.value, validation: v.validation, covers: COVERS });
        seen.add(v.phenomenon);
        if (station.pollutants && !station.pollutants.includes(v.phenomenon)) stats.notInService += 1;
      }
      const result = await upsertReadings(trx, readings);
      stats.inserted += result.inserted;
      stats.replaced += result.replaced;
      stats.unchanged += result.unchanged;
      stats.removed += await removeWithdrawn(trx, station, window, answers, hours);
      // The station's hourly means changed completed hours: its stored indices were forgotten.
      if (ctx.timeZone) await refreshCurrentIndices(trx, { now: ctx.now(), timeZone: ctx.timeZone });
      if (options.advanceCursors) {
        const cursor = Math.min(window.to, ctx.now());
        for (const p of new Set([...(station.pollutants ?? ATMOSUD_PHENOMENA), ...seen])) {
          const key = cursorKey(station.id, p);
          const old = await getCursor(trx, ATMOSUD_SOURCE, key);
          if (!old || old.cursor < cursor)
            await setCursor(trx, { source: ATMOSUD_SOURCE, key, cursor }, ctx.now());
        }
      }
      await options.inTransaction?.(trx);
      return stats;
    });
  } catch (e) {
    // Series created in the rolled-back transaction are gone: forget their cached ids.
    ctx.seriesCache.clear();
    throw e;
  }
}

/**
 * Removes the stored provisional values of the station that the answers withdraw (docs/atmosud.md,
 * "Invalidations"): an hour answered `valeur: null`, or an hour of an asked pollutant inside the
 * window that its answer no longer lists. The window's first hour is not judged by omission:
 * whether AtmoSud's `date_debut` bound is inclusive is not documented. An answer holding an item
 * it could not place on an hour withdraws nothing by omission. Validated values are never removed.
 */
async function removeWithdrawn(
  trx: Transaction<Database>,
  station: ReferenceStation,
  window: TimeWindow,
  answers: ReadonlyMap<AtmosudPhenomenon, Answer>,
  hours: ReadonlyMap<string, Hour>,
): Promise<number> {
  const nulls = [...hours.values()].filter((h) => h.value === null);
  const judged = [...answers].filter(([, a]) => a.attributable).map(([p]) => p);
  const phenomena = [...new Set([...judged, ...nulls.map((h) => h.phenomenon)])];
  if (phenomena.length === 0) return 0;
  const from = Math.min(window.from, ...nulls.map((h) => h.time));
  const to = Math.max(window.to, ...nulls.map((h) => h.time + 1));
  const provisional = await trx
    .selectFrom('readings as r')
    .innerJoin('series as s', 's.id', 'r.series_id')
    .select(['r.series_id', 's.phenomenon', 'r.time'])
    .where('s.station_id', '=', station.id)
    .where('s.sensor', '=', REFERENCE_SENSOR)
    .where('s.phenomenon', 'in', phenomena)
    .where('r.validation', '=', 'provisional')
    .where('r.time', '>=', from)
    .where('r.time', '<', to)
    .execute();
  const judgedSet = new Set<string>(judged);
  const rejected = new Set([...answers.values()].flatMap((a) => [...a.rejectedHours]));
  const withdrawn = new Map<number, number[]>();
  for (const row of provisional) {
    const time = Number(row.time);
    const key = hourKey(row.phenomenon, time);
    const mention = hours.get(key);
    const omitted =
      mention === undefined &&
      !rejected.has(key) &&
      judgedSet.has(row.phenomenon) &&
      time >= window.from + HOUR_MS &&
      time < window.to;
    if (mention?.value === null || omitted) {
      const times = withdrawn.get(row.series_id) ?? [];
      times.push(time);
      withdrawn.set(row.series_id, times);
    }
  }
  let removed = 0;
  for (const [seriesId, times] of withdrawn) {
    removed += (await removeProvisionalReadings(trx, seriesId, times)).length;
  }
  return removed;
}
