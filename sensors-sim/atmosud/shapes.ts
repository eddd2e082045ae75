// Builders of the records AtmoSud's open-data API answers with (the shapes documented in
// docs/atmosud.md): a station of the list, an hourly measure, a commune's daily ATMO index. Used
// by the demo's stand-in for AtmoSud (standin.ts) and by the tests' fake AtmoSud.

export type Json = Record<string, unknown>;

/** National codes of the pollutants, by the name `nom_polluant` uses. */
export const POLLUTANT_CODES: Record<string, { id: string; label: string }> = {
  so2: { id: '01', label: 'SO2' },
  no: { id: '02', label: 'NO' },
  no2: { id: '03', label: 'NO2' },
  o3: { id: '08', label: 'O3' },
  nox: { id: '12', label: 'NOx' },
  pm10: { id: '24', label: 'PM10' },
  'pm2.5': { id: '39', label: 'PM2.5' },
  pm1: { id: '68', label: 'PM1' },
};

/** The `nom_polluant` name of a national code ("39" → "pm2.5"). */
export const pollutantName = (id: unknown): string | undefined =>
  Object.keys(POLLUTANT_CODES).find((n) => POLLUTANT_CODES[n]!.id === String(id));

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

export function atmosudStation(code: string, spec: StationSpec = {}): Json {
  const since = '2018-10-16T15:00:00+00:00';
  const variable = (name: string, inService: boolean) => ({
    label: POLLUTANT_CODES[name]!.label,
    code_iso: POLLUTANT_CODES[name]!.id,
    date_debut: since,
    date_fin: inService ? null : '2023-03-27T14:30:00+00:00',
    en_service: inService,
  });
  const variables: Json = {};
  for (const p of spec.pollutants ?? ['no2', 'pm10', 'pm2.5'])
    variables[POLLUTANT_CODES[p]!.id] = variable(p, true);
  for (const p of spec.retired ?? []) variables[POLLUTANT_CODES[p]!.id] = variable(p, false);
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

export function atmosudMeasure(
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
    polluant_id: POLLUTANT_CODES[pollutant]!.id,
    label_polluant: POLLUTANT_CODES[pollutant]!.label,
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
export function atmosudCommuneIndices(insee: string, commune: string, days: DaySpec[]): Json {
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
