// The registry of what Souffle measures. Browser-safe (no Node imports): the widgets format values
// with it, the ingest decoders convert and range-check with it, the API documents it.
//
// Gas conversions use the molar volume at 20 °C and 1013 hPa, the reference conditions of EU
// directive 2008/50/EC for gases: Vm = R·T/p = 8.314462618 × 293.15 / 101300 = 24.0611 L/mol,
// so µg/m³ = ppb × M / Vm (M in g/mol) and mg/m³ = ppm × M / Vm.

export type Unit = {
  /** The unit as written by people and devices, e.g. "ppb". */
  readonly code: string;
  /** Converts a value in this unit to the phenomenon's canonical unit. */
  readonly toCanonical: (value: number) => number;
};

export type Phenomenon = {
  readonly code: string;
  readonly unit: string;
  /** Other units accepted on ingest, with their exact conversion to `unit`. */
  readonly alternatives: readonly Unit[];
  /** Physical range in the canonical unit: a value outside it is impossible, not just high. */
  readonly range: readonly [min: number, max: number];
  readonly decimals: number;
  readonly label: { readonly fr: string; readonly en: string };
  /** Measured by an optical particle counter, whose readings swell in humid air. */
  readonly opticalPm?: true;
  /**
   * Kept as an input of corrections (issue 14: the US EPA formula takes CF=1 PM2.5, AirGradient's
   * takes the 0.3 µm count), not a measurement shown on its own: no station chart.
   */
  readonly correctionInput?: true;
};

const R = 8.314462618; // J/(mol·K), CODATA 2018
export const MOLAR_VOLUME_L = ((R * 293.15) / 101_300) * 1000; // litres per mole at 20 °C, 1013 hPa

/** ppb → µg/m³ for a gas of molar mass `grams` per mole, at 20 °C and 1013 hPa. */
const ppbToUgM3 = (grams: number): Unit => ({
  code: 'ppb',
  toCanonical: (v) => (v * grams) / MOLAR_VOLUME_L,
});
const ppmToUgM3 = (grams: number): Unit => ({
  code: 'ppm',
  toCanonical: (v) => (v * 1000 * grams) / MOLAR_VOLUME_L,
});
const mgM3ToUgM3: Unit = { code: 'mg/m³', toCanonical: (v) => v * 1000 };
const ugM3Ascii: Unit = { code: 'ug/m3', toCanonical: (v) => v };
const ugM3Hyphen: Unit = { code: 'µg-m3', toCanonical: (v) => v }; // AtmoSud's spelling

const pm = <C extends string>(code: C, fr: string, en: string): Phenomenon & { code: C } => ({
  code,
  unit: 'µg/m³',
  alternatives: [ugM3Ascii, ugM3Hyphen],
  // Optical counters saturate near 1000 µg/m³ (PMS5003) and SDS011 reports up to 999.9;
  // 2000 leaves room for wildfire smoke near a reference analyser without admitting garbage.
  range: [0, 2000],
  decimals: 1,
  label: { fr, en },
  opticalPm: true,
});

const gas = <C extends string>(
  code: C,
  grams: number,
  max: number,
  fr: string,
  en: string,
): Phenomenon & { code: C } => ({
  code,
  unit: 'µg/m³',
  alternatives: [ppbToUgM3(grams), ppmToUgM3(grams), ugM3Ascii, ugM3Hyphen, mgM3ToUgM3],
  range: [0, max],
  decimals: 0,
  label: { fr, en },
});

const list = [
  pm('pm1', 'Particules PM1', 'Particulate matter PM1'),
  pm('pm25', 'Particules fines PM2.5', 'Fine particles PM2.5'),
  pm('pm10', 'Particules PM10', 'Particulate matter PM10'),
  {
    // Plantower's "CF=1" (standard particle) PM2.5: AirGradient's `pm02Standard`, PurpleAir's
    // `pm2.5_cf_1`. The US EPA correction of PMS5003 sensors is fitted on it (Barkjohn et al. 2021).
    ...pm('pm25_cf1', 'PM2.5 CF=1 (brut capteur)', 'PM2.5 CF=1 (sensor standard particle)'),
    correctionInput: true,
  },
  {
    // Plantower's count of particles above 0.3 µm per 0.1 L of air (AirGradient's `pm003Count`):
    // a 16-bit register, hence the range; AirGradient's own PM2.5 corrections use it.
    code: 'pm03_count',
    unit: 'particles/0.1 L',
    alternatives: [],
    range: [0, 65_535],
    decimals: 0,
    label: { fr: 'Particules > 0,3 µm (nombre par 0,1 L)', en: 'Particles > 0.3 µm (count per 0.1 L)' },
    correctionInput: true,
  },
  // Molar masses (g/mol): NO2 46.0055, O3 47.9982, SO2 64.066, CO 28.010.
  gas('no2', 46.0055, 5000, 'Dioxyde d’azote', 'Nitrogen dioxide'),
  gas('o3', 47.9982, 2000, 'Ozone', 'Ozone'),
  gas('so2', 64.066, 5000, 'Dioxyde de soufre', 'Sulphur dioxide'),
  {
    // CO is reported in mg/m³ by AtmoSud and the WHO guideline; ppm by most electrochemical cells.
    code: 'co',
    unit: 'mg/m³',
    alternatives: [
      { code: 'ppm', toCanonical: (v: number) => (v * 28.01) / MOLAR_VOLUME_L },
      { code: 'ppb', toCanonical: (v: number) => (v * 28.01) / MOLAR_VOLUME_L / 1000 },
      { code: 'µg/m³', toCanonical: (v: number) => v / 1000 },
      { code: 'mg-m3', toCanonical: (v: number) => v },
    ],
    range: [0, 1000],
    decimals: 1,
    label: { fr: 'Monoxyde de carbone', en: 'Carbon monoxide' },
  },
  {
    // SCD30 reads up to 40 000 ppm; 0 is impossible outdoors but an uncalibrated cell may say it.
    code: 'co2',
    unit: 'ppm',
    alternatives: [{ code: '%', toCanonical: (v: number) => v * 10_000 }],
    range: [0, 40_000],
    decimals: 0,
    label: { fr: 'Dioxyde de carbone', en: 'Carbon dioxide' },
  },
  {
    code: 'temperature',
    unit: '°C',
    alternatives: [
      { code: 'C', toCanonical: (v: number) => v },
      { code: '°F', toCanonical: (v: number) => ((v - 32) * 5) / 9 },
      { code: 'F', toCanonical: (v: number) => ((v - 32) * 5) / 9 },
      { code: 'K', toCanonical: (v: number) => v - 273.15 },
    ],
    // BME280's range; a sensor in a sunny box can read hot, but not beyond its chip.
    range: [-40, 85],
    decimals: 1,
    label: { fr: 'Température', en: 'Temperature' },
  },
  {
    code: 'humidity',
    unit: '%',
    alternatives: [],
    range: [0, 100],
    decimals: 0,
    label: { fr: 'Humidité relative', en: 'Relative humidity' },
  },
  {
    code: 'pressure',
    unit: 'hPa',
    alternatives: [
      { code: 'Pa', toCanonical: (v: number) => v / 100 },
      { code: 'kPa', toCanonical: (v: number) => v * 10 },
      { code: 'mbar', toCanonical: (v: number) => v },
    ],
    range: [300, 1100],
    decimals: 1,
    label: { fr: 'Pression atmosphérique', en: 'Atmospheric pressure' },
  },
  {
    code: 'noise',
    unit: 'dB(A)',
    alternatives: [{ code: 'dBA', toCanonical: (v: number) => v }],
    // LAeq: DNMS reports 25–130 dB(A); 0–140 covers every class-2 meter.
    range: [0, 140],
    decimals: 1,
    label: { fr: 'Bruit (LAeq)', en: 'Noise (LAeq)' },
  },
  {
    // Sensirion SGP4x indices: 1–500, 100 = the sensor's recent average.
    code: 'voc_index',
    unit: 'index',
    alternatives: [],
    range: [0, 500],
    decimals: 0,
    label: { fr: 'Indice COV', en: 'VOC index' },
  },
  {
    code: 'nox_index',
    unit: 'index',
    alternatives: [],
    range: [0, 500],
    decimals: 0,
    label: { fr: 'Indice NOx', en: 'NOx index' },
  },
] as const satisfies readonly Phenomenon[];

export type PhenomenonCode = (typeof list)[number]['code'];

export const PHENOMENA: Readonly<Record<PhenomenonCode, Phenomenon>> = Object.fromEntries(
  list.map((p) => [p.code, p]),
) as Record<PhenomenonCode, Phenomenon>;

export const PHENOMENON_CODES = list.map((p) => p.code) as readonly PhenomenonCode[];

/**
 * The order in which phenomena are shown to people (a card's values, a station's charts, the embed
 * builder's choices): the regulated particles, PM1 beside them, the gases, then comfort and weather,
 * and last the inputs of corrections.
 * Every code appears once. The registry's own order above is the API's and its documentation's.
 */
export const DISPLAY_ORDER = [
  'pm25',
  'pm10',
  'pm1',
  'no2',
  'o3',
  'so2',
  'co',
  'co2',
  'temperature',
  'humidity',
  'pressure',
  'noise',
  'nox_index',
  'voc_index',
  'pm25_cf1',
  'pm03_count',
] as const satisfies readonly PhenomenonCode[];

export function isPhenomenonCode(code: string): code is PhenomenonCode {
  return Object.prototype.hasOwnProperty.call(PHENOMENA, code);
}

export function getPhenomenon(code: string): Phenomenon | undefined {
  return isPhenomenonCode(code) ? PHENOMENA[code] : undefined;
}

export type Conversion = { ok: true; value: number } | { ok: false; reason: string };

/**
 * Converts `value` given in `unit` (canonical unit when omitted) to the canonical unit, and checks
 * it is finite and within the physical range. The reason names the value, so that a citizen
 * reading the ingest error log knows which number was wrong and why.
 */
export function toCanonical(code: string, value: number, unit?: string): Conversion {
  const p = getPhenomenon(code);
  if (!p) return { ok: false, reason: `unknown phenomenon "${code}"` };
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, reason: `${code}: value ${JSON.stringify(value)} is not a finite number` };
  }
  let canonical = value;
  if (unit !== undefined && unit !== p.unit) {
    const alt = p.alternatives.find((u) => u.code === unit);
    if (!alt) {
      const accepted = [p.unit, ...p.alternatives.map((u) => u.code)].join(', ');
      return { ok: false, reason: `${code}: unit "${unit}" is not accepted (accepted: ${accepted})` };
    }
    canonical = alt.toCanonical(value);
  }
  const [min, max] = p.range;
  if (canonical < min || canonical > max) {
    const shown =
      unit && unit !== p.unit ? `${value} ${unit} (${canonical} ${p.unit})` : `${value} ${p.unit}`;
    return { ok: false, reason: `${code}: ${shown} is outside the physical range ${min}–${max} ${p.unit}` };
  }
  return { ok: true, value: canonical };
}

/** Formats a canonical value for display with the phenomenon's decimals (locale-aware). */
export function formatValue(code: string, value: number, lang: 'fr' | 'en' = 'fr'): string {
  const decimals = getPhenomenon(code)?.decimals ?? 1;
  return value.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}
