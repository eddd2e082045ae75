// A fake AtmoSud open-data API (Hono on a real port) serving the shapes AtmoSud documents
// (summarised in docs/atmosud.md), with faults a test can queue: an HTML page with status 200, a
// status (500, 429 + Retry-After), a request that never answers, malformed JSON. It records every
// request, so tests assert what the puller asked for. It serves every station it holds, whatever
// `station_en_service` says, so that the handling of a station out of service is exercised.
//
// The answers and the record builders are the demo's stand-in's (sensors-sim/atmosud/): one
// description of AtmoSud's shapes. Standalone, it serves the small Marseille dataset below
// (`souffle demo` has the whole metropolis built in, with no server):
//   npx tsx tests/helpers/fake-atmosud.ts --port 9999
//   ATMOSUD_URL=http://127.0.0.1:9999 npm start
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { communeIndices, hourlyMeasures, type AtmosudDataset } from '../../sensors-sim/atmosud/metropolis.js';
import { standinAnswers } from '../../sensors-sim/atmosud/standin.js';
import { atmosudStation, type Json } from '../../sensors-sim/atmosud/shapes.js';

export {
  atmosudCommuneIndices as fakeCommuneIndices,
  atmosudMeasure as fakeMeasure,
  atmosudStation as fakeStation,
  type DaySpec,
  type StationSpec,
} from '../../sensors-sim/atmosud/shapes.js';

export type FakeRoute = 'stations' | 'measures' | 'indices' | 'other';
export type FakeRequest = { route: FakeRoute; path: string; query: Record<string, string>; at: number };
export type Fault =
  | { kind: 'html' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'body'; body: string; contentType?: string }
  /** The normal answer, after a delay (to see how many requests are in flight at once). */
  | { kind: 'delay'; ms: number };

export type FakeAtmosudData = AtmosudDataset;

export type FakeAtmosud = {
  url: string;
  port: number;
  data: FakeAtmosudData;
  requests: FakeRequest[];
  /** The most requests the fake has had in progress at the same time. */
  readonly maxInFlight: number;
  requestsTo(route: FakeRoute): FakeRequest[];
  /** The next `times` (default 1) requests to `route` matching `when` get `fault` instead of data. */
  fail(
    route: FakeRoute,
    fault: Fault,
    options?: { times?: number; when?: (query: Record<string, string>) => boolean },
  ): void;
  close(): Promise<void>;
};

export async function startFakeAtmosud(
  options: { port?: number; host?: string; data?: Partial<FakeAtmosudData> } = {},
): Promise<FakeAtmosud> {
  const data: FakeAtmosudData = { stations: [], measures: [], indices: {}, ...options.data };
  const requests: FakeRequest[] = [];
  type Queued = { fault: Fault; times: number; when?: (query: Record<string, string>) => boolean };
  const faults = new Map<FakeRoute, Queued[]>();
  const hanging = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;

  const app = new Hono();
  const handle = (route: FakeRoute, serveData: (c: Context, q: Record<string, string>) => Response) => {
    return async (c: Context) => {
      const query = c.req.query();
      requests.push({ route, path: c.req.path, query, at: Date.now() });
      const queue = faults.get(route) ?? [];
      const next = queue.find((f) => !f.when || f.when(query));
      if (!next) return serveData(c, query);
      if (--next.times <= 0) queue.splice(queue.indexOf(next), 1);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (next.fault.kind !== 'delay') return await applyFault(c, next.fault, hanging);
        await new Promise((resolve) => setTimeout(resolve, (next.fault as { ms: number }).ms));
        return serveData(c, query);
      } finally {
        inFlight -= 1;
      }
    };
  };
  const answer = standinAnswers(data);
  app.get('/observations/stations', handle('stations', answer.stations));
  app.get('/observations/stations/mesures', handle('measures', answer.measures));
  app.get('/iqa2021/commune/indices/journalier', handle('indices', answer.indices));
  app.get('/observations/stations/polluants', handle('other', answer.pollutants));
  app.all(
    '*',
    handle('other', (c) => c.json({ detail: 'Not Found' }, 404)),
  );

  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      { fetch: app.fetch, port: options.port ?? 0, hostname: options.host ?? '127.0.0.1' },
      () => resolve(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    data,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    requestsTo: (route) => requests.filter((r) => r.route === route),
    fail(route, fault, { times = 1, when } = {}) {
      faults.set(route, [...(faults.get(route) ?? []), { fault, times, when }]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of hanging) release();
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

async function applyFault(c: Context, fault: Fault, hanging: Set<() => void>): Promise<Response> {
  switch (fault.kind) {
    case 'html':
      return c.html('<!DOCTYPE html><html><body><h1>Maintenance en cours</h1></body></html>', 200);
    case 'status': {
      if (fault.retryAfter !== undefined) c.header('Retry-After', fault.retryAfter);
      return c.json({ detail: `error ${fault.status}` }, fault.status as 500);
    }
    case 'malformed':
      return c.body('{"stations":[{"id_station":"FR03043",', 200, { 'content-type': 'application/json' });
    case 'body':
      return c.body(fault.body, 200, { 'content-type': fault.contentType ?? 'application/json' });
    case 'hang':
      await new Promise<void>((resolve) => hanging.add(resolve));
      return c.body(null, 503);
    case 'delay':
      throw new Error('handled by the caller');
  }
}

// ——— the Marseille test dataset (the demo's is sensors-sim/atmosud/metropolis.ts) ———

/** Five Marseille stations as AtmoSud lists them. Rabatau's position is approximate (boulevard Rabatau). */
export function marseilleStations(): Json[] {
  return [
    atmosudStation('FR03043', {
      name: 'Marseille Longchamp',
      lat: 43.3053,
      lon: 5.3947,
      address: 'Parc Longchamp',
      pollutants: ['no2', 'o3', 'pm10', 'pm2.5', 'pm1'],
    }),
    atmosudStation('FR00008', {
      name: 'Marseille Place Verneuil',
      lat: 43.30885,
      lon: 5.36788,
      address: 'Place Henri Verneuil',
      pollutants: ['no2', 'pm2.5', 'so2'],
      retired: ['pm10'],
    }),
    atmosudStation('FR03006', {
      name: 'Marseille Rabatau',
      lat: 43.2856,
      lon: 5.3891,
      address: 'Boulevard Rabatau',
      pollutants: ['no2', 'pm10', 'pm2.5'],
    }),
    atmosudStation('FR03053', {
      name: 'Marseille L2 Kaddouz',
      lat: 43.3085,
      lon: 5.4253,
      address: 'Rocade L2',
      pollutants: ['no2', 'pm10', 'pm2.5'],
    }),
    atmosudStation('FR03030', {
      name: 'Gardanne',
      lat: 43.4536,
      lon: 5.4667,
      pollutants: ['no2', 'so2', 'pm10', 'o3'],
    }),
  ];
}

/** Hourly values at urban background levels for the stations given (metropolis.ts). */
export const marseilleMeasures = (stations: Json[], now: () => number = Date.now) =>
  hourlyMeasures(stations, now);

/** Indices for Marseille (13055) and Aix-en-Provence (13001), J-1 to J+1 around the request. */
export const marseilleIndices = (): FakeAtmosudData['indices'] =>
  communeIndices({ '13055': 'Marseille', '13001': 'Aix-en-Provence' });

export function marseilleDataset(now: () => number = Date.now): FakeAtmosudData {
  const stations = marseilleStations();
  return {
    stations,
    measures: [],
    generateMeasures: marseilleMeasures(stations, now),
    indices: marseilleIndices(),
  };
}

// ——— standalone ———

const isMain = (() => {
  try {
    return (
      process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();

if (isMain) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '9999' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const fake = await startFakeAtmosud({
    port: Number(values.port),
    host: values.host,
    data: marseilleDataset(),
  });
  process.stdout.write(
    `Fake AtmoSud on ${fake.url}: 5 stations around Marseille, hourly values, ATMO index of 13055 and 13001.\n` +
      `Point Souffle at it: ATMOSUD_URL=${fake.url} npm start   (Ctrl-C stops it)\n`,
  );
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
