// zod schemas of AtmoSud's answers, from the shapes AtmoSud documents (docs/atmosud.md). There is
// no public Swagger, so every field may be missing or null: the schemas require only what the
// puller cannot do without (a station's id and position, a measure's time and value), accept
// numbers sent as strings, and ignore unknown extra fields. Lists are validated item by item by the
// callers, so that one bad station or value is rejected alone.
import { z } from 'zod';

/** A number, also when sent as a numeric string ("43.30885"). */
export const numeric = z.union(
  [
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
      .transform(Number),
  ],
  { error: 'expected a number' },
);

/** true/false, also "true"/"false" and 1/0; null or absent stays undefined. */
const flag = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['true', 'false', '1', '0'])], {
    error: 'expected true or false',
  })
  .nullish()
  .transform((v) =>
    v === null || v === undefined ? undefined : v === true || v === 1 || v === 'true' || v === '1',
  );

const code = z.union([z.string(), z.number()], { error: 'expected a code' }).nullish();

export const variableSchema = z.object({
  label: z.string().nullish(),
  code_iso: code,
  date_debut: z.string().nullish(),
  date_fin: z.string().nullish(),
  en_service: flag,
});

export const stationSchema = z.object({
  id_station: z.string().trim().min(1),
  nom_station: z.string().nullish(),
  departement_id: code,
  adresse: z.string().nullish(),
  latitude: numeric.pipe(z.number().min(-90).max(90)),
  longitude: numeric.pipe(z.number().min(-180).max(180)),
  en_service: flag,
  date_debut_mesure: z.string().nullish(),
  date_fin_mesure: z.string().nullish(),
  // Each variable is parsed on its own (stations.ts): one odd variable must not cost the station.
  variables: z.record(z.string(), z.unknown()).nullish(),
  // Not in the documented shape, but a commune code is worth keeping if AtmoSud ever sends one.
  insee: code,
  code_insee: code,
  code_commune: code,
});

/** `{ "stations": [...] }`; a bare array is accepted too. Items are checked one by one. */
export const stationListSchema = z
  .union([z.object({ stations: z.array(z.unknown()) }), z.array(z.unknown())], {
    error: 'expected {"stations": [...]}',
  })
  .transform((v) => (Array.isArray(v) ? v : v.stations));

export const measureSchema = z.object({
  id_station: z.string().nullish(),
  polluant_id: code,
  label_polluant: z.string().nullish(),
  nom_polluant: z.string().nullish(),
  date_debut: z.string().min(1),
  // null means "no value for this hour" and is skipped; a missing field is a malformed record.
  valeur: numeric.nullable(),
  unite: z.string().nullish(),
  validation: z.string().nullish(),
  temporalite: z.string().nullish(),
});

/** `{ "mesures": [...] }`; a bare array is accepted too. Items are checked one by one. */
export const measureListSchema = z
  .union([z.object({ mesures: z.array(z.unknown()) }), z.array(z.unknown())], {
    error: 'expected {"mesures": [...]}',
  })
  .transform((v) => (Array.isArray(v) ? v : v.mesures));

/** One index as AtmoSud writes it: `{ valeur, qualificatif, couleur }` (any of them may be absent). */
export const indexValueSchema = z.object({
  valeur: numeric.nullish(),
  qualificatif: z.string().nullish(),
  couleur: z.string().nullish(),
});

/** Atmo France's standard record (national open data), which AtmoSud may also serve. */
export const atmoFranceRecordSchema = z.object({
  date_ech: z.union([z.string(), z.number()]),
  code_qual: numeric,
  lib_qual: z.string().nullish(),
  coul_qual: z.string().nullish(),
  code_zone: code,
  lib_zone: z.string().nullish(),
  code_no2: numeric.nullish(),
  code_so2: numeric.nullish(),
  code_o3: numeric.nullish(),
  code_pm10: numeric.nullish(),
  code_pm25: numeric.nullish(),
  source: z.string().nullish(),
});

/** Any JSON object or array: the commune index envelope is walked by hand (commune-index-parser.ts). */
export const anyJsonSchema = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())], {
  error: 'expected a JSON object or array',
});

/** safeParse that keeps each issue's input, so that a reason can quote the bad value. */
export function check<S extends z.ZodType>(schema: S, data: unknown) {
  return schema.safeParse(data, { reportInput: true });
}

/** 'field "stations[3].latitude": expected a number (got "n/a")': the first issue, with its path. */
export function describeZodError(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid response';
  const path = first.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
  const input = 'input' in first ? first.input : undefined;
  const got = input === undefined ? ' (missing)' : ` (got ${JSON.stringify(input)?.slice(0, 80)})`;
  const more = rest.length > 0 ? ` (and ${rest.length} more issue${rest.length > 1 ? 's' : ''})` : '';
  const message = first.message.replace(/^Invalid input: /, '');
  return `${path ? `field "${path}"` : 'response'}: ${message}${path ? got : ''}${more}`;
}
