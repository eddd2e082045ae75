// deploy/grafana/souffle.json queries only metrics that exist: every metric name in its queries is
// found in a real /metrics answer (an API over a database where the ingest worker's real counters
// were flushed, a station of each kind, an AtmoSud pull and a few requests), read with the
// Prometheus client's parser. A renamed metric breaks this test rather than a panel, silently.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { setCursor } from '../../data/store/cursors.js';
import { insertReadings } from '../../data/store/readings.js';
import { ensureSeries } from '../../data/store/series.js';
import { upsertStation } from '../../data/store/stations.js';
import { IngestMetrics } from '../../ingest/ingest-metrics.js';
import { parseExposition, prometheusParserUnavailable } from '../helpers/prometheus-parser.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

const DASHBOARD = new URL('../../deploy/grafana/souffle.json', import.meta.url);

type Target = { expr: string; datasource: { uid: string } };
type Panel = {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  gridPos: { x: number; w: number };
};
type Dashboard = {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: string | { query: string } }[] };
};

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

/** Every expression the dashboard sends to Prometheus: the panels' and the variables'. */
const expressions = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.flatMap((v) => (typeof v.query === 'object' ? [v.query.query] : [])),
];

/** Metric names in PromQL: Souffle's and prom-client's prefixes (functions and labels have none). */
const metricNames = (expr: string) => expr.match(/\b(?:souffle|process|nodejs)_[a-zA-Z0-9_]*/g) ?? [];

const unavailable = prometheusParserUnavailable();
if (unavailable) console.warn(`grafana dashboard: metric names not checked, ${unavailable}`);

describe('the Grafana dashboard', () => {
  it('is a dashboard of queries, each panel within the grid and on the datasource variable', () => {
    expect(dashboard.uid).toBe('souffle-operations');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type === 'row') continue;
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource.uid, p.title).toBe('${datasource}');
        expect(metricNames(t.expr).length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
      }
    }
  });

  describe.skipIf(unavailable !== undefined)('against a real /metrics', () => {
    let t: TempDb;
    let server: ApiServer;
    const now = Date.now();

    beforeAll(async () => {
      t = await tempDb({ dialect: 'sqlite' });
      await upsertStation(t.db, { id: 'balcon', source: 'citizen', name: 'Balcon', lat: 43.3, lon: 5.4 });
      await upsertStation(t.db, {
        id: 'longchamp',
        source: 'atmosud',
        name: 'Longchamp',
        lat: 43.3,
        lon: 5.4,
      });
      const s = await ensureSeries(t.db, {
        stationId: 'balcon',
        phenomenon: 'pm25',
        sensor: 'sds011',
        unit: 'µg/m³',
      });
      await insertReadings(t.db, [{ seriesId: s, time: now - 60_000, value: 9 }]);
      await setCursor(
        t.db,
        { source: 'atmosud', key: 'longchamp:no2', cursor: now - 3_600_000 },
        now - 60_000,
      );
      // The worker's own counter code, flushed as the worker flushes it.
      const metrics = new IngestMetrics();
      for (let i = 0; i < 3; i++) metrics.received();
      metrics.committed(
        [{ readings: [1], message: { receivedAt: now - 500 } }],
        { inserted: 1, duplicates: 0, replaced: 0 },
        now,
      );
      metrics.rejected([{ readings: [], rejections: [{ code: 'malformed', values: 1 }] }]);
      metrics.rateLimited();
      await metrics.flush(t.db, now, 0);
      const app = createApp({
        db: t.db,
        adminToken: 'grafana-test-admin-token',
        publicUrl: 'http://localhost',
        mqttUrl: 'mqtt://localhost',
        webDir: '/nonexistent-souffle-web',
        diskPath: t.dir,
      });
      server = await startApiServer({ app, port: 0, host: '127.0.0.1' });
      await (await fetch(`http://127.0.0.1:${server.port}/api/v1/stations`)).text();
    });

    afterAll(async () => {
      await server?.close();
      await t?.cleanup();
    });

    it('queries only metrics that /metrics serves', async () => {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      const served = new Set(parseExposition(text).map((s) => s.name));
      const queried = [...new Set(expressions.flatMap(metricNames))].sort();
      // The panels named in the issue, at least.
      for (const name of [
        'souffle_ingest_messages_received_total',
        'souffle_ingest_lag_seconds',
        'souffle_ingest_queue_depth',
        'souffle_ingest_messages_rejected_total',
        'souffle_atmosud_last_pull_timestamp_seconds',
        'souffle_stations',
        'souffle_http_request_duration_seconds_bucket',
        'process_resident_memory_bytes',
      ]) {
        expect(queried).toContain(name);
      }
      expect(queried.filter((name) => !served.has(name))).toEqual([]);
    });
  });
});
