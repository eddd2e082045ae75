// The demo's AtmoSud: reference stations of the Aix-Marseille-Provence metropolis with hourly
// values at the levels AtmoSud publishes for them (urban background PM2.5 around 10 µg/m³ and NO2
// around 25–30 µg/m³ as annual means, roadside NO2 higher, SO2 near the Étang de Berre
// industries, more ozone away from the city centre), and the daily ATMO index of their communes.
// Values are deterministic per station, pollutant and hour, so every run of the demo, and every
// re-read of an overlap window, sees the same history. Positions are approximate; codes other
// than the five AtmoSud lists publicly in its documentation examples start with "DEMO".
import {
  atmosudCommuneIndices,
  atmosudMeasure,
  atmosudStation,
  pollutantName,
  type DaySpec,
  type Json,
} from './shapes.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How a station's levels differ from urban background ones, per pollutant (1 = background). */
export type StationKind = 'background' | 'traffic' | 'periurban' | 'industrial';
const KIND_FACTORS: Record<StationKind, Partial<Record<string, number>>> = {
  background: {},
  traffic: { no2: 1.7, pm10: 1.25, 'pm2.5': 1.2, pm1: 1.15 },
  periurban: { no2: 0.6, o3: 1.15, pm10: 0.9, 'pm2.5': 0.9 },
  industrial: { so2: 3, no2: 0.8, o3: 1.1 },
};

type MetropolisStation = { code: string; kind: StationKind; spec: Parameters<typeof atmosudStation>[1] };

const METROPOLIS: MetropolisStation[] = [
  {
    code: 'FR03043',
    kind: 'background',
    spec: {
      name: 'Marseille Longchamp',
      lat: 43.3053,
      lon: 5.3947,
      address: 'Parc Longchamp',
      pollutants: ['no2', 'o3', 'pm10', 'pm2.5', 'pm1'],
    },
  },
  {
    code: 'FR00008',
    kind: 'background',
    spec: {
      name: 'Marseille Place Verneuil',
      lat: 43.30885,
      lon: 5.36788,
      address: 'Place Henri Verneuil',
      pollutants: ['no2', 'pm2.5', 'so2'],
      retired: ['pm10'],
    },
  },
  {
    code: 'DEMO-CINQAV',
    kind: 'background',
    spec: {
      name: 'Marseille Cinq Avenues',
      lat: 43.3047,
      lon: 5.4003,
      pollutants: ['no2', 'o3', 'pm10', 'pm2.5'],
    },
  },
  {
    code: 'DEMO-STLOUIS',
    kind: 'background',
    spec: {
      name: 'Marseille Saint-Louis',
      lat: 43.3467,
      lon: 5.3547,
      pollutants: ['no2', 'pm10', 'pm2.5', 'so2'],
    },
  },
  {
    code: 'FR03006',
    kind: 'traffic',
    spec: {
      name: 'Marseille Rabatau',
      lat: 43.2856,
      lon: 5.3891,
      address: 'Boulevard Rabatau',
      pollutants: ['no2', 'pm10', 'pm2.5'],
    },
  },
  {
    code: 'FR03053',
    kind: 'traffic',
    spec: {
      name: 'Marseille L2 Kaddouz',
      lat: 43.3085,
      lon: 5.4253,
      address: 'Rocade L2',
      pollutants: ['no2', 'pm10', 'pm2.5'],
    },
  },
  {
    code: 'DEMO-AIXPLAT',
    kind: 'periurban',
    spec: { name: 'Aix Platanes', lat: 43.5158, lon: 5.4197, pollutants: ['no2', 'o3', 'pm10', 'pm2.5'] },
  },
  {
    code: 'DEMO-AIXART',
    kind: 'background',
    spec: { name: "Aix École d'Art", lat: 43.5303, lon: 5.4474, pollutants: ['no2', 'o3', 'pm2.5'] },
  },
  {
    code: 'DEMO-MARTIG',
    kind: 'industrial',
    spec: { name: 'Martigues Lavéra', lat: 43.3897, lon: 5.0025, pollutants: ['no2', 'so2', 'pm10'] },
  },
  {
    code: 'DEMO-BERRE',
    kind: 'industrial',
    spec: { name: "Berre-l'Étang", lat: 43.4781, lon: 5.1703, pollutants: ['no2', 'so2', 'o3', 'pm10'] },
  },
  {
    code: 'FR03030',
    kind: 'periurban',
    spec: { name: 'Gardanne', lat: 43.4536, lon: 5.4667, pollutants: ['no2', 'so2', 'pm10', 'o3'] },
  },
];

/** The demo's reference stations in AtmoSud's list shape. */
export function metropolisStations(): Json[] {
  return METROPOLIS.map((s) => atmosudStation(s.code, s.spec));
}

/** Typical background levels (µg/m³) and daily cycle in Marseille: traffic peaks for NO2, afternoon O3. */
const PROFILE: Record<string, { base: number; amp: number; peaks: number[] }> = {
  no2: { base: 22, amp: 18, peaks: [8, 19] },
  o3: { base: 55, amp: 30, peaks: [15] },
  pm10: { base: 20, amp: 8, peaks: [9, 20] },
  'pm2.5': { base: 10, amp: 5, peaks: [9, 21] },
  pm1: { base: 7, amp: 3, peaks: [9, 21] },
  so2: { base: 3, amp: 4, peaks: [11] },
};

/** A deterministic value in [0, 1) for a key: the same hour always has the same value. */
export function noise(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

/**
 * Hourly values for any period up to the last complete hour (400 days back at most), so a 90-day
 * backfill works too. Values younger than a day are provisional ("non validée") and a little off;
 * older ones are validated, so a puller re-reading its overlap window sees provisional values
 * replaced. `kinds` scales a station's levels (absent: urban background).
 */
export function hourlyMeasures(
  stations: Json[],
  now: () => number = Date.now,
  kinds: Readonly<Record<string, StationKind>> = {},
) {
  return (code: string, from: number, to: number): Json[] => {
    const station = stations.find((s) => s.id_station === code);
    if (!station) return [];
    const inService = Object.values(station.variables as Record<string, Json>).filter((v) => v.en_service);
    const names = inService.map((v) => pollutantName(v.code_iso)!).filter((n) => PROFILE[n]);
    const factors = KIND_FACTORS[kinds[code] ?? 'background'];
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
          out.push(atmosudMeasure(code, name, t, null));
          continue;
        }
        const cycle = Math.max(...p.peaks.map((h) => Math.exp(-(((localHour - h) / 2.5) ** 2))));
        const weekly = 0.8 + 0.4 * noise(`${code}/${name}/${Math.floor(t / DAY)}`);
        const level = (p.base * weekly + p.amp * cycle) * (0.85 + 0.3 * noise(`${code}/${name}/${t}`));
        const value = level * (factors[name] ?? 1);
        const provisional = now() - t < DAY;
        out.push(
          atmosudMeasure(code, name, t, Math.round(value * (provisional ? 1.05 : 1) * 10) / 10, {
            validation: provisional ? 'non validée' : 'validée',
            extra: { nom_station: station.nom_station, lat: station.latitude, lon: station.longitude },
          }),
        );
      }
    }
    return out;
  };
}

/** The INSEE codes and names of the communes whose daily index the demo publishes. */
export const METROPOLIS_COMMUNES: Readonly<Record<string, string>> = {
  '13055': 'Marseille',
  '13001': 'Aix-en-Provence',
  '13056': 'Martigues',
  '13014': "Berre-l'Étang",
};

/** Daily ATMO indices, J-1 to J+1 around the request, per commune. */
export function communeIndices(
  communes: Readonly<Record<string, string>> = METROPOLIS_COMMUNES,
): Record<string, (query: Record<string, string>) => Json> {
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
    return atmosudCommuneIndices(insee, name, days);
  };
  return Object.fromEntries(Object.entries(communes).map(([insee, name]) => [insee, build(insee, name)]));
}

/** The demo's stand-in data: the metropolis's stations, their hourly values and commune indices. */
export function metropolisDataset(now: () => number = Date.now): AtmosudDataset {
  const stations = metropolisStations();
  const kinds = Object.fromEntries(METROPOLIS.map((s) => [s.code, s.kind]));
  return {
    stations,
    measures: [],
    generateMeasures: hourlyMeasures(stations, now, kinds),
    indices: communeIndices(),
  };
}

export type AtmosudDataset = {
  stations: Json[];
  measures: Json[];
  /** Measures computed on demand for a station and period, added to `measures`. */
  generateMeasures?: (code: string, from: number, to: number) => Json[];
  /** The body served per INSEE code, or a function of the request's query. */
  indices: Record<string, unknown | ((query: Record<string, string>) => unknown)>;
};
