// Hourly measures of one station over one window: fetch, validate value by value, store with
// upsertReadings (a validated value replaces its provisional version and the rollups of its
// buckets are recomputed), and advance the station × pollutant cursors, all in one transaction.
import type { Transaction } from 'kysely';
import { toCanonical } from '../../data/phenomena.js';
import type { Database } from '../../data/schema.js';
import { getCursor, setCursor } from '../../data/store/cursors.js';
import { upsertReadings, type NewReading } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { ATMOSUD_SOURCE } from './error-log.js';
import type { PullContext } from './pull-context.js';
import { ATMOSUD_PHENOMENA, NOM_POLLUANT, lookupPollutant, type AtmosudPhenomenon } from './pollutants.js';
import { check, describeZodError, measureListSchema, measureSchema } from './schemas.js';
import { parseInstant, type ReferenceStation } from './stations.js';
import { floorHour, isoParam, type TimeWindow } from './time-windows.js';
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
  rejected: number;
  /** Stored values of a pollutant the station's metadata says is not in service. */
  notInService: number;
};

export const emptyMeasureStats = (): MeasureStats => ({
  inserted: 0,
  replaced: 0,
  unchanged: 0,
  skippedNull: 0,
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

export async function pullStationWindow(
  ctx: PullContext,
  station: ReferenceStation,
  window: TimeWindow,
  options: WindowOptions,
): Promise<MeasureStats> {
  const query = {
    station_id: station.code,
    // Every pulled pollutant, not only those in service: metadata can lag behind the analysers,
    // and a value AtmoSud publishes is real reference data (docs/atmosud.md).
    nom_polluant: ATMOSUD_PHENOMENA.map((p) => NOM_POLLUANT[p]).join(','),
    temporalite: 'horaire',
    date_debut: isoParam(window.from),
    date_fin: isoParam(window.to),
    format: 'json',
    download: 'false',
  };
  const { data, request } = await ctx.client.getJson(MEASURES_PATH, query, measureListSchema, ctx.signal);
  const stats = emptyMeasureStats();
  const reject = (reason: string, item: unknown) => {
    stats.rejected += 1;
    ctx.errors.add({ request, reason: `${station.code}: ${reason}`, body: JSON.stringify(item) });
  };

  // Keyed by phenomenon and time: a response listing an hour twice keeps its last value.
  const values = new Map<
    string,
    { phenomenon: AtmosudPhenomenon; time: number; value: number; validation: string }
  >();
  for (const item of data) {
    const parsed = check(measureSchema, item);
    if (!parsed.success) {
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
      reject(
        `unknown pollutant (polluant_id ${JSON.stringify(m.polluant_id)}, label ${JSON.stringify(m.label_polluant)})`,
        item,
      );
      continue;
    }
    const phenomenon = pollutant.phenomenon;
    const time = parseInstant(m.date_debut);
    if (time === null) {
      reject(`field "date_debut": "${m.date_debut}" is not an ISO 8601 instant`, item);
      continue;
    }
    if (m.valeur === null) {
      stats.skippedNull += 1;
      continue;
    }
    // The registry knows AtmoSud's "µg-m3" spelling; a missing unit is the documented µg/m³.
    const unit = m.unite?.trim() || undefined;
    const canonical = toCanonical(phenomenon, m.valeur, unit);
    if (!canonical.ok) {
      reject(`${new Date(time).toISOString()}: ${canonical.reason}`, item);
      continue;
    }
    values.set(`${phenomenon}@${time}`, {
      phenomenon,
      time,
      value: canonical.value,
      validation: validationOf(m.validation),
    });
  }

  return storeWindow(ctx, station, window, options, [...values.values()], stats);
}

async function storeWindow(
  ctx: PullContext,
  station: ReferenceStation,
  window: TimeWindow,
  options: WindowOptions,
  values: readonly { phenomenon: AtmosudPhenomenon; time: number; value: number; validation: string }[],
  stats: MeasureStats,
): Promise<MeasureStats> {
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const readings: NewReading[] = [];
      const seen = new Set<AtmosudPhenomenon>();
      for (const v of values) {
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
