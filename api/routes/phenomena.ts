// GET /api/v1/phenomena: what Souffle measures (the registry of data/phenomena.ts) with the sensors
// seen measuring each, so an analyst can choose a phenomenon and read units without the code.
import { createRoute } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { PhenomenaSchema } from '../../data/analyst-api-schemas.js';
import { PHENOMENA, PHENOMENON_CODES } from '../../data/phenomena.js';
import { STATION_SOURCES, type StationSource } from '../../data/schema.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { cachedJson } from '../http-cache.js';

const route = createRoute({
  method: 'get',
  path: '/api/v1/phenomena',
  tags: ['stations'],
  summary: 'Phenomena measured',
  description:
    'Every phenomenon code with its names (fr, en), canonical unit, decimals, physical range, the other units accepted at ingest with their conversion (canonical = value × factor + offset), and the stations and sensors that measure it.',
  responses: {
    200: { content: { 'application/json': { schema: PhenomenaSchema } }, description: 'The phenomena.' },
  },
});

export function registerPhenomenaRoute(app: ApiApp, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const sensorRows = await deps.db
      .selectFrom('series')
      .select(['phenomenon', 'sensor', sql<number>`count(distinct station_id)`.as('stations')])
      .groupBy(['phenomenon', 'sensor'])
      .execute();
    // A station with two sensors of one phenomenon counts once.
    const stationRows = await deps.db
      .selectFrom('series as s')
      .innerJoin('stations as st', 'st.id', 's.station_id')
      .select(['s.phenomenon', 'st.source', sql<number>`count(distinct s.station_id)`.as('stations')])
      .groupBy(['s.phenomenon', 'st.source'])
      .execute();
    const phenomena = PHENOMENON_CODES.map((code) => {
      const p = PHENOMENA[code];
      const stations = Object.fromEntries(STATION_SOURCES.map((s) => [s, 0])) as Record<
        StationSource,
        number
      >;
      for (const r of stationRows) if (r.phenomenon === code) stations[r.source] = Number(r.stations);
      const sensors = sensorRows
        .filter((r) => r.phenomenon === code)
        .map((r) => ({ sensor: r.sensor, stations: Number(r.stations) }))
        .sort((x, y) => y.stations - x.stations || x.sensor.localeCompare(y.sensor));
      return {
        id: code,
        label: { fr: p.label.fr, en: p.label.en },
        unit: p.unit,
        decimals: p.decimals,
        range: { min: p.range[0], max: p.range[1] },
        // Every conversion is affine: read its factor and offset off two points.
        conversions: p.alternatives.map((u) => {
          const offset = u.toCanonical(0);
          return { unit: u.code, factor: u.toCanonical(1) - offset, offset };
        }),
        opticalPm: p.opticalPm === true,
        correctionInput: p.correctionInput === true,
        stations,
        sensors,
      };
    });
    return cachedJson(c, PhenomenaSchema, { phenomena, count: phenomena.length }, { maxAgeSeconds: 300 });
  });
}
