// A fake AtmoSud open-data API (Hono on a real port) serving the shapes AtmoSud documents
// (summarised in docs/atmosud.md), with faults a test can queue: an HTML page with status 200, a
// status (500, 429 + Retry-After), a request that never answers, malformed JSON. It records every
// request, so tests assert what the puller asked for. It serves every station it holds, whatever
// `station_en_service` says, so that the handling of a station out of service is exercised.
//
// Standalone, it serves a plausible Marseille dataset for demos (`souffle start` against it):
//   npx tsx tests/helpers/fake-atmosud.ts --port 9999
//   ATMOSUD_URL=http://127.0.0.1:9999 npm start
// This file is longer than most because it holds the server, its data builders and that demo
// dataset, which belong together (one fake, one description of AtmoSud's shapes).
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';

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

type Json = Record<string, unknown>;
export type FakeAtmosudData = {
  stations: Json[];
  measures: Json[];
  /** Measures computed on demand for a station and period (the demo dataset), added to `measures`. */
  generateMeasures?: (code: string, from: number, to: number) => Json[];
  /** The body served per INSEE code, or a function of the request's query. */
  indices: Record<string, unknown | ((query: Record<string, string>) => unknown)>;
};

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

/** National codes of the pollutants, by the name `nom_polluant` uses. */
const CODES: Record<string, { id: string; label: string }> = {
  so2: { id: '01', label: 'SO2' },
  no: { id: '02', label: 'NO' },
  no2: { id: '03', label: 'NO2' },
  o3: { id: '08', label: 'O3' },
  nox: { id: '12', label: 'NOx' },
  pm10: { id: '24', label: 'PM10' },
  'pm2.5': { id: '39', label: 'PM2.5' },
  pm1: { id: '68', label: 'PM1' },
};
const nameOfCode = (id: unknown) => Object.keys(CODES).find((n) => CODES[n]!.id === String(id));

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
  app.get(
    '/observations/stations',
    handle('stations', (c) => c.json({ stations: data.stations })),
  );
  app.get(
    '/observations/stations/mesures',
    handle('measures', (c, q) =>
      // Public clients send one pollutant per request here (comma lists are only seen on
      // /mesures/derniere): the fake refuses a list, so that a puller sending one fails its tests.
      (q.nom_polluant ?? '').includes(',')
        ? c.json({ detail: 'nom_polluant: one pollutant per request' }, 400)
        : c.json({ mesures: measuresFor(data, q) }),
    ),
  );
  app.get(
    '/iqa2021/commune/indices/journalier',
    handle('indices', (c, q) => {
      const body = data.indices[q.insee ?? ''];
      if (body === undefined) return c.json({});
      return c.json((typeof body === 'function' ? body(q) : body) as Json);
    }),
  );
  app.get(
    '/observations/stations/polluants',
    handle('other', (c) => c.json({ polluants: Object.keys(CODES) })),
  );
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

function measuresFor(data: FakeAtmosudData, q: Record<string, string>): Json[] {
  const from = q.date_debut ? Date.parse(q.date_debut) : -Infinity;
  const to = q.date_fin ? Date.parse(q.date_fin) : Infinity;
  const names = q.nom_polluant ? q.nom_polluant.split(',').map((n) => n.trim().toLowerCase()) : undefined;
  const all = [
    ...data.measures,
    ...(q.station_id && data.generateMeasures ? data.generateMeasures(q.station_id, from, to) : []),
  ];
  // A record the fake cannot date or name is served anyway: the tests use such records to check
  // that the puller rejects them.
  return all.filter((m) => {
    const t = Date.parse(String(m.date_debut));
    const name = nameOfCode(m.polluant_id) ?? String(m.label_polluant ?? '').toLowerCase();
    const inPeriod = Number.isNaN(t) || (t >= from && t <= to);
    const asked = !names || !(name in CODES) || names.includes(name);
    return (!q.station_id || m.id_station === q.station_id) && asked && inPeriod;
  });
}

// ——— builders of the documented shapes ———

export type StationSpec = {
  name?: string;
  lat?: number;
  lon?: number;
  department?: string;
  address?: string;
  inService?: boolean;
  /** Pollutants in service, by nom_polluant name ("pm2.5"). */
  pollutants?: string[];
  /** Pollutants measured in the past, no longer in service. */
  retired?: string[];
  extra?: Json;
};

export function fakeStation(code: string, spec: StationSpec = {}): Json {
  const since = '2018-10-16T15:00:00+00:00';
  const variable = (name: string, inService: boolean) => ({
    label: CODES[name]!.label,
    code_iso: CODES[name]!.id,
    date_debut: since,
    date_fin: inService ? null : '2023-03-27T14:30:00+00:00',
    en_service: inService,
  });
  const variables: Json = {};
  for (const p of spec.pollutants ?? ['no2', 'pm10', 'pm2.5']) variables[CODES[p]!.id] = variable(p, true);
  for (const p of spec.retired ?? []) variables[CODES[p]!.id] = variable(p, false);
  return {
    id_station: code,
    nom_station: spec.name ?? `Station ${code}`,
    departement_id: spec.department ?? '13',
    adresse: spec.address ?? null,
    latitude: spec.lat ?? 43.3,
    longitude: spec.lon ?? 5.4,
    en_service: spec.inService ?? true,
    date_debut_mesure: since,
    date_fin_mesure: spec.inService === false ? '2024-01-01T00:00:00+00:00' : null,
    variables,
    ...spec.extra,
  };
}

export function fakeMeasure(
  code: string,
  pollutant: string,
  time: number | string,
  value: number | null,
  options: { validation?: string; unit?: string; extra?: Json } = {},
): Json {
  const iso = typeof time === 'number' ? new Date(time).toISOString().replace('.000Z', '+00:00') : time;
  return {
    id_station: code,
    nom_station: `Station ${code}`,
    polluant_id: CODES[pollutant]!.id,
    label_polluant: CODES[pollutant]!.label,
    date_debut: iso,
    valeur: value,
    unite: options.unit ?? 'µg-m3',
    validation: options.validation ?? 'non validée',
    temporalite: 'horaire',
    lat: 43.3,
    lon: 5.4,
    ...options.extra,
  };
}

const QUALIF = ['Indisponible', 'Bon', 'Moyen', 'Dégradé', 'Mauvais', 'Très mauvais', 'Extrêmement mauvais'];
const COLOURS = ['#DDDDDD', '#50F0E6', '#50CCAA', '#F0E641', '#FF5050', '#960032', '#872181'];

export type DaySpec = {
  date: string;
  code: number;
  subs?: Partial<Record<'no2' | 'o3' | 'pm10' | 'pm2.5' | 'so2', number>>;
};

/** The answer shape seen from public clients: keyed by INSEE code, then by date. */
export function fakeCommuneIndices(insee: string, commune: string, days: DaySpec[]): Json {
  const index = (code: number) => ({ valeur: code, qualificatif: QUALIF[code], couleur: COLOURS[code] });
  const valeurs: Json = {};
  for (const d of days) {
    const subs = Object.fromEntries(
      Object.entries(d.subs ?? {}).map(([k, v]) => [k, { qualificatif: QUALIF[v], couleur: COLOURS[v] }]),
    );
    valeurs[d.date] = { indice: index(d.code), ...subs };
  }
  return { [insee]: { commune, valeurs } };
}

// ——— the Marseille demo dataset ———

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Five Marseille stations as AtmoSud lists them. Rabatau's position is approximate (boulevard Rabatau). */
export function marseilleStations(): Json[] {
  return [
    fakeStation('FR03043', {
      name: 'Marseille Longchamp',
      lat: 43.3053,
      lon: 5.3947,
      address: 'Parc Longchamp',
      pollutants: ['no2', 'o3', 'pm10', 'pm2.5', 'pm1'],
    }),
    fakeStation('FR00008', {
      name: 'Marseille Place Verneuil',
      lat: 43.30885,
      lon: 5.36788,
      address: 'Place Henri Verneuil',
      pollutants: ['no2', 'pm2.5', 'so2'],
      retired: ['pm10'],
    }),
    fakeStation('FR03006', {
      name: 'Marseille Rabatau',
      lat: 43.2856,
      lon: 5.3891,
      address: 'Boulevard Rabatau',
      pollutants: ['no2', 'pm10', 'pm2.5'],
    }),
    fakeStation('FR03053', {
      name: 'Marseille L2 Kaddouz',
      lat: 43.3085,
      lon: 5.4253,
      address: 'Rocade L2',
      pollutants: ['no2', 'pm10', 'pm2.5'],
    }),
    fakeStation('FR03030', {
      name: 'Gardanne',
      lat: 43.4536,
      lon: 5.4667,
      pollutants: ['no2', 'so2', 'pm10', 'o3'],
    }),
  ];
}

/** Typical levels (µg/m³) and shape of the daily cycle in Marseille: traffic peaks for NO2, afternoon O3. */
const PROFILE: Record<string, { base: number; amp: number; peaks: number[] }> = {
  no2: { base: 22, amp: 18, peaks: [8, 19] },
  o3: { base: 55, amp: 30, peaks: [15] },
  pm10: { base: 20, amp: 8, peaks: [9, 20] },
  'pm2.5': { base: 10, amp: 5, peaks: [9, 21] },
  pm1: { base: 7, amp: 3, peaks: [9, 21] },
  so2: { base: 3, amp: 4, peaks: [11] },
};

/** A deterministic value in [0, 1) for a key: the same hour always has the same value. */
function noise(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

/**
 * Hourly values for any period up to the last complete hour, so a 90-day backfill works too.
 * Values younger than a day are provisional ("non validée") and a little off; older ones are
 * validated, so a puller re-reading its overlap window sees provisional values replaced.
 */
export function marseilleMeasures(stations: Json[], now: () => number = Date.now) {
  return (code: string, from: number, to: number): Json[] => {
    const station = stations.find((s) => s.id_station === code);
    if (!station) return [];
    const inService = Object.values(station.variables as Record<string, Json>).filter((v) => v.en_service);
    const names = inService.map((v) => nameOfCode(v.code_iso)!).filter((n) => PROFILE[n]);
    const last = Math.floor(now() / HOUR) * HOUR - HOUR;
    const out: Json[] = [];
    for (
      let t = Math.ceil(Math.max(from, last - 400 * DAY) / HOUR) * HOUR;
      t <= Math.min(to, last);
      t += HOUR
    ) {
      const localHour = (new Date(t).getUTCHours() + 1) % 24;
      for (const name of names) {
        const p = PROFILE[name]!;
        if (noise(`${code}/${name}/${t}/gap`) < 0.01) {
          out.push(fakeMeasure(code, name, t, null));
          continue;
        }
        const cycle = Math.max(...p.peaks.map((h) => Math.exp(-(((localHour - h) / 2.5) ** 2))));
        const weekly = 0.8 + 0.4 * noise(`${code}/${name}/${Math.floor(t / DAY)}`);
        const value = (p.base * weekly + p.amp * cycle) * (0.85 + 0.3 * noise(`${code}/${name}/${t}`));
        const provisional = now() - t < DAY;
        out.push(
          fakeMeasure(code, name, t, Math.round(value * (provisional ? 1.05 : 1) * 10) / 10, {
            validation: provisional ? 'non validée' : 'validée',
            extra: { nom_station: station.nom_station, lat: station.latitude, lon: station.longitude },
          }),
        );
      }
    }
    return out;
  };
}

/** Indices for Marseille (13055) and Aix-en-Provence (13001), J-1 to J+1 around the request. */
export function marseilleIndices(): FakeAtmosudData['indices'] {
  const build = (insee: string, name: string) => (q: Record<string, string>) => {
    const start = Date.parse(`${q.date_debut ?? new Date().toISOString().slice(0, 10)}T12:00:00Z`);
    const days: DaySpec[] = [0, 1, 2].map((i) => {
      const date = new Date(start + i * DAY).toISOString().slice(0, 10);
      const subs = {
        no2: 1 + Math.floor(noise(`${insee}${date}no2`) * 2),
        o3: 1 + Math.floor(noise(`${insee}${date}o3`) * 3),
        pm10: 1 + Math.floor(noise(`${insee}${date}pm10`) * 2),
        'pm2.5': 1 + Math.floor(noise(`${insee}${date}pm25`) * 2),
        so2: 1,
      };
      return { date, code: Math.max(...Object.values(subs)), subs };
    });
    return fakeCommuneIndices(insee, name, days);
  };
  return { '13055': build('13055', 'Marseille'), '13001': build('13001', 'Aix-en-Provence') };
}

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
