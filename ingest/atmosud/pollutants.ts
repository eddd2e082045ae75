// AtmoSud pollutant identifiers → Souffle phenomenon codes. AtmoSud names a pollutant three ways:
// the national code (keys of a station's `variables`, `polluant_id` of a measure), a label
// ("PM2.5") and the name accepted by `nom_polluant` ("pm2.5"). Source: the AtmoSud reference
// (docs/atmosud.md, "What is pulled") and the national pollutant nomenclature.

/** The pollutants Souffle pulls, as phenomenon codes. NO and NOx exist at AtmoSud but are not pulled. */
export const ATMOSUD_PHENOMENA = ['pm10', 'pm25', 'pm1', 'no2', 'o3', 'so2'] as const;
export type AtmosudPhenomenon = (typeof ATMOSUD_PHENOMENA)[number];

/** National pollutant codes (2 digits, as AtmoSud writes them). */
const BY_NATIONAL_CODE: Readonly<Record<string, AtmosudPhenomenon>> = {
  '01': 'so2',
  '03': 'no2',
  '08': 'o3',
  '24': 'pm10',
  '39': 'pm25',
  '68': 'pm1',
};

/** The name `nom_polluant` expects for each phenomenon. */
export const NOM_POLLUANT: Readonly<Record<AtmosudPhenomenon, string>> = {
  pm10: 'pm10',
  pm25: 'pm2.5',
  pm1: 'pm1',
  no2: 'no2',
  o3: 'o3',
  so2: 'so2',
};

/** Codes and labels AtmoSud uses for pollutants Souffle deliberately does not pull. */
const IGNORED = new Set(['02', '12', 'no', 'nox']);

export type PollutantLookup =
  { kind: 'pulled'; phenomenon: AtmosudPhenomenon } | { kind: 'ignored' } | { kind: 'unknown' };

/**
 * Resolves a national code ("39", 39, "9") or a label/name ("PM2.5", "pm2.5", "PM 2.5", "pm25")
 * to a phenomenon. The code wins when both are given; a label is only consulted without a code.
 */
export function lookupPollutant(code?: string | number | null, label?: string | null): PollutantLookup {
  if (code !== undefined && code !== null && String(code).trim() !== '') {
    const padded = String(code).trim().padStart(2, '0');
    const byCode = BY_NATIONAL_CODE[padded];
    if (byCode) return { kind: 'pulled', phenomenon: byCode };
    if (IGNORED.has(padded)) return { kind: 'ignored' };
  }
  if (label) {
    const name = label.toLowerCase().replace(/[\s_.,-]/g, '');
    const byName = (ATMOSUD_PHENOMENA as readonly string[]).includes(name)
      ? (name as AtmosudPhenomenon)
      : undefined;
    if (byName) return { kind: 'pulled', phenomenon: byName };
    if (IGNORED.has(name)) return { kind: 'ignored' };
  }
  return { kind: 'unknown' };
}
