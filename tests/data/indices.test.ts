import { describe, it, expect } from 'vitest';
import {
  ATMO_LEVELS,
  EAQI_LEVELS,
  US_AQI_CATEGORIES,
  WHO_GUIDELINES,
  atmoDaily,
  atmoNow,
  atmoSubIndex,
  eaqi,
  eaqiNow,
  hoursNeededFor,
  eaqiSubIndex,
  indexBands,
  nowcast,
  usAqi,
  usAqiNow,
  usAqiSubIndex,
  type AtmoPollutant,
  type EaqiPollutant,
  type HourlySeries,
  type UsAqiPollutant,
} from '../../data/indices.js';
import { localDay } from '../../data/local-days.js';

// Every expected value below is written by hand from the official tables in docs/methods.md, not
// read from data/indices/, so a typo in the implementation's tables fails a test.

const entries = <K extends string, V>(table: Record<K, V>) => Object.entries(table) as [K, V][];

/** ATMO: inclusive upper bounds of codes 1..5 (arrêté of 10 July 2020). */
const ATMO_UPPER: Record<AtmoPollutant, number[]> = {
  so2: [100, 200, 350, 500, 750],
  no2: [40, 90, 120, 230, 340],
  o3: [50, 100, 130, 240, 380],
  pm10: [20, 40, 50, 100, 150],
  pm25: [10, 20, 25, 50, 75],
};

const ATMO_NAMES = [
  [1, 'Bon', 'Good', '#50F0E6'],
  [2, 'Moyen', 'Fair', '#50CCAA'],
  [3, 'Dégradé', 'Degraded', '#F0E641'],
  [4, 'Mauvais', 'Poor', '#FF5050'],
  [5, 'Très mauvais', 'Very poor', '#960032'],
  [6, 'Extrêmement mauvais', 'Extremely poor', '#872181'],
] as const;

/** EAQI 2024: upper bounds of bands 1..5, read as inclusive ("0–5, 5–15": 5 is Good). */
const EAQI_UPPER: Record<EaqiPollutant, number[]> = {
  pm25: [5, 15, 50, 90, 140],
  pm10: [15, 45, 120, 195, 270],
  no2: [10, 25, 60, 100, 150],
  o3: [60, 100, 120, 160, 180],
  so2: [20, 40, 125, 190, 275],
};

const EAQI_NAMES = [
  [1, 'Bon', 'Good', '#50F0E6'],
  [2, 'Moyen', 'Fair', '#50CCAA'],
  [3, 'Dégradé', 'Moderate', '#F0E641'],
  [4, 'Mauvais', 'Poor', '#FF5050'],
  [5, 'Très mauvais', 'Very poor', '#960032'],
  [6, 'Extrêmement mauvais', 'Extremely poor', '#7D2181'],
] as const;

/**
 * US AQI: [C, AQI] around every breakpoint, computed by hand with the EPA formula on the truncated
 * C and rounded half up, e.g. PM2.5 12.0 → 51 + 49/26.3 × (12.0 − 9.1) = 56.40 → 56, and
 * PM10 423 → 201 + 99/69 × (423 − 355) = 298.57 → 299.
 */
// prettier-ignore
const US_AQI_CASES: Record<UsAqiPollutant, [number, number][]> = {
  pm25: [
    [0, 0], [4.5, 25], [8.9, 49], [9.0, 50], [9.05, 50], [9.1, 51], [12.0, 56],
    [35.3, 100], [35.4, 100], [35.49, 100], [35.5, 101], [45.0, 124],
    [55.3, 150], [55.4, 150], [55.45, 150], [55.5, 151], [100, 182],
    [125.3, 200], [125.4, 200], [125.45, 200], [125.5, 201], [200, 275],
    [225.3, 300], [225.4, 300], [225.45, 300], [225.5, 301], [300, 449],
    [325.3, 500], [325.4, 500], [325.45, 500],
  ],
  pm10: [
    [0, 0], [27, 25], [53, 49], [54, 50], [54.9, 50], [55, 51], [100, 73],
    [153, 100], [154, 100], [154.9, 100], [155, 101], [200, 123],
    [253, 150], [254, 150], [254.9, 150], [255, 151], [300, 173],
    [353, 200], [354, 200], [354.9, 200], [355, 201], [400, 266],
    // Hazardous is one row since 2024 (EPA-454/B-24-002): 425–604 → 301–500, so
    // AQI = 301 + 199/179 × (C − 425): 504 → 388.83 → 389, 505 → 389.94 → 390, 604 → 500.
    [423, 299], [424, 300], [424.9, 300], [425, 301], [450, 329],
    [503, 388], [504, 389], [504.9, 389], [505, 390], [550, 440],
    [603, 499], [604, 500], [604.9, 500],
  ],
};

/** US AQI category of an AQI value: upper AQI of Good … Hazardous. */
const usCategory = (aqi: number) => [50, 100, 150, 200, 300, 500].findIndex((top) => aqi <= top) + 1;

const US_AQI_NAMES = [
  [1, 'Good', '#00E400'],
  [2, 'Moderate', '#FFFF00'],
  [3, 'Unhealthy for Sensitive Groups', '#FF7E00'],
  [4, 'Unhealthy', '#FF0000'],
  [5, 'Very Unhealthy', '#8F3F97'],
  [6, 'Hazardous', '#7E0023'],
] as const;

describe('atmoSubIndex', () => {
  // Around each upper bound u: classed as measured, no rounding (the arrêté has none), so u.0 is the
  // lower class and anything above it, even u + 0.01, the next.
  const cases = entries(ATMO_UPPER).flatMap(([pollutant, uppers]) =>
    uppers.flatMap((u, i) => [
      { pollutant, c: u - 1, code: i + 1 },
      { pollutant, c: u - 0.5, code: i + 1 },
      { pollutant, c: u, code: i + 1 },
      { pollutant, c: u + 0.01, code: i + 2 },
      { pollutant, c: u + 0.1, code: i + 2 },
      { pollutant, c: u + 0.4, code: i + 2 },
      { pollutant, c: u + 1, code: i + 2 },
    ]),
  );

  it('classes NO2 40.0 as Bon and 40.1 as Moyen: no rounding before classing', () => {
    expect(atmoSubIndex('no2', 40.0)).toBe(1);
    expect(atmoSubIndex('no2', 40.1)).toBe(2);
    expect(atmoSubIndex('pm25', 10.4)).toBe(2);
  });

  it.each(cases)('classes $pollutant $c µg/m³ as code $code', ({ pollutant, c, code }) => {
    expect(atmoSubIndex(pollutant, c)).toBe(code);
  });

  it('classes zero and negative readings as Bon and NaN as Indisponible', () => {
    expect(atmoSubIndex('no2', 0)).toBe(1);
    expect(atmoSubIndex('pm25', -2)).toBe(1);
    expect(atmoSubIndex('o3', Number.NaN)).toBe(0);
  });
});

describe('ATMO levels', () => {
  it.each(ATMO_NAMES)('code %i is %s / %s in %s', (code, fr, en, colour) => {
    expect(ATMO_LEVELS[code - 1]).toEqual({ code, label: { fr, en }, colour });
  });
});

describe('eaqiSubIndex', () => {
  const cases = entries(EAQI_UPPER).flatMap(([pollutant, uppers]) =>
    uppers.flatMap((u, i) => [
      { pollutant, c: u - 0.01, band: i + 1 },
      { pollutant, c: u, band: i + 1 },
      { pollutant, c: u + 0.01, band: i + 2 },
    ]),
  );

  it.each(cases)('classes $pollutant $c µg/m³ in band $band', ({ pollutant, c, band }) => {
    expect(eaqiSubIndex(pollutant, c)).toBe(band);
  });

  it('classes zero as Good and NaN as unavailable', () => {
    expect(eaqiSubIndex('pm10', 0)).toBe(1);
    expect(eaqiSubIndex('so2', Number.NaN)).toBe(0);
  });

  it.each(EAQI_NAMES)('names band %i %s / %s in %s', (band, fr, en, colour) => {
    expect(EAQI_LEVELS[band - 1]).toEqual({ band, label: { fr, en }, colour });
  });
});

describe('usAqiSubIndex', () => {
  const cases = entries(US_AQI_CASES).flatMap(([pollutant, rows]) =>
    rows.map(([c, aqi]) => ({ pollutant, c, aqi, level: usCategory(aqi) })),
  );

  it.each(cases)('gives $pollutant $c µg/m³ an AQI of $aqi', ({ pollutant, c, aqi, level }) => {
    expect(usAqiSubIndex(pollutant, c)).toEqual({ value: aqi, level, beyondIndex: false });
  });

  it.each([
    ['pm25', 325.5],
    ['pm25', 1000],
    ['pm10', 605],
    ['pm10', 2000],
  ] as const)('caps %s %f µg/m³ at 500, beyond the index', (pollutant, c) => {
    expect(usAqiSubIndex(pollutant, c)).toEqual({ value: 500, level: 6, beyondIndex: true });
  });

  it('truncates a value that is a breakpoint up to float noise as that breakpoint', () => {
    // (125.5 / 7) × 7 = 125.49999999999999; naive truncation would give 125.4 → 200 instead of 201.
    expect(usAqiSubIndex('pm25', (125.5 / 7) * 7)?.value).toBe(201);
    // 47 × 0.1 = 4.699999999999999 stands for 4.7: 50/9 × 4.7 = 26.1 → 26.
    expect(usAqiSubIndex('pm25', 47 * 0.1)?.value).toBe(26);
  });

  it('counts negative readings as 0 and cannot class NaN or infinity', () => {
    expect(usAqiSubIndex('pm25', -3)).toEqual({ value: 0, level: 1, beyondIndex: false });
    expect(usAqiSubIndex('pm10', Number.NaN)).toBeNull();
    expect(usAqiSubIndex('pm10', Number.POSITIVE_INFINITY)).toBeNull();
  });

  it.each(US_AQI_NAMES)('names category %i %s in %s', (level, en, colour) => {
    expect(US_AQI_CATEGORIES[level - 1]).toMatchObject({ level, label: { en }, colour });
  });
});

describe('nowcast', () => {
  it('reproduces the EPA worked example (17.4 µg/m³, AQI 66 with the 2024 breakpoints)', () => {
    // EPA, "Computing the NowCast": oldest first 50 80 75 90 82 53 64 74 21 10 16 13.
    // Range 90 − 10 = 80, w* = 1 − 80/90 = 0.11 < 0.5 so w = 0.5.
    // Σ w^(i−1)·c_i = 13 + 16/2 + 10/4 + 21/8 + 74/16 + 64/32 + 53/64 + 82/128 + 90/256 + 75/512
    //                 + 80/1024 + 50/2048 = 71310/2048; Σ w^(i−1) = 4095/2048; NowCast = 71310/4095.
    const hourly = [13, 16, 10, 21, 74, 64, 53, 82, 90, 75, 80, 50];
    expect(nowcast(hourly)).toBeCloseTo(71310 / 4095, 10);
    // Truncated to 17.4: 51 + 49/26.3 × (17.4 − 9.1) = 66.46 → 66.
    expect(usAqiSubIndex('pm25', nowcast(hourly) ?? Number.NaN)?.value).toBe(66);
  });

  it('weights by w^(i−1) with w above 0.5 when the air is steady', () => {
    // cmax 20, cmin 16: w = 1 − 4/20 = 0.8. (20 + 0.8·18 + 0.64·16 + 0.512·18) / (1 + 0.8 + 0.64 + 0.512)
    // = 53.856 / 2.952 = 18.2439…
    expect(nowcast([20, 18, 16, 18])).toBeCloseTo(53.856 / 2.952, 10);
  });

  it('keeps the exponent of a missing hour', () => {
    // cmax 40, cmin 10: w* = 0.25 → w = 0.5. Hours 1, 2 and 4 present:
    // (10 + 0.5·20 + 0.125·40) / (1 + 0.5 + 0.125) = 25 / 1.625.
    expect(nowcast([10, 20, null, 40])).toBeCloseTo(25 / 1.625, 10);
  });

  it('is the plain mean of steady or all-zero hours (w = 1)', () => {
    expect(nowcast(Array.from({ length: 12 }, () => 8))).toBe(8);
    expect(nowcast([0, 0, 0])).toBe(0);
  });

  it('uses only the 12 most recent hours', () => {
    expect(nowcast([...Array.from({ length: 12 }, () => 10), 1000])).toBe(10);
  });

  it('needs 2 of the 3 most recent hours', () => {
    expect(nowcast([5, null, 7, 9])).not.toBeNull();
    expect(nowcast([null, 5, 7])).not.toBeNull();
    expect(nowcast([5, 6])).toBeCloseTo(60 / 11, 10); // w = 5/6: (5 + 5/6·6) / (1 + 5/6)
    expect(nowcast([null, null, 7, 9, 9])).toBeNull();
    expect(nowcast([5, null, Number.NaN, 9])).toBeNull();
    expect(nowcast([5])).toBeNull();
    expect(nowcast([])).toBeNull();
  });
});

// A summer day in Paris (UTC+2): local 15 June 2024 runs from 14 June 22:00 UTC to 15 June 22:00 UTC.
const PARIS = 'Europe/Paris';
const DAY = localDay('2024-06-15', PARIS);
const DAY_START = DAY.start;
const HOUR = 3_600_000;

/** Hourly means keyed by the start of their hour, the first `fromHour` hours after local midnight. */
const hours = (values: number[], fromHour = 0, start = DAY_START): HourlySeries =>
  values.map((value, i) => ({ t: start + (fromHour + i) * HOUR, value }));
const repeat = (n: number, value: number) => Array.from({ length: n }, () => value);
const input = (r: { inputs: { pollutant: string }[] }, p: string) => r.inputs.find((i) => i.pollutant === p);

describe('hoursNeededFor', () => {
  it('is 75 % of the local day’s hours, rounded up: 18 of 24, 18 of 23, 19 of 25', () => {
    expect(DAY.start).toBe(Date.UTC(2024, 5, 14, 22));
    expect(hoursNeededFor(DAY)).toBe(18);
    expect(hoursNeededFor(localDay('2026-03-29', PARIS))).toBe(18); // 23 hours: 17.25 → 18
    expect(hoursNeededFor(localDay('2026-10-25', PARIS))).toBe(19); // 25 hours: 18.75 → 19
    expect(hoursNeededFor(localDay('2026-10-25', 'UTC'))).toBe(18);
  });
});

describe('atmoDaily', () => {
  it('classes NO2 by the maximum of the day’s hourly means', () => {
    const result = atmoDaily({ no2: hours([...repeat(23, 30), 95]) }, DAY);
    expect(result).toMatchObject({ scheme: 'atmo', available: true, value: 3, level: 3, dominant: 'no2' });
    expect(result.subIndices.find((s) => s.pollutant === 'no2')).toMatchObject({
      concentration: 95,
      value: 3,
    });
  });

  it('classes PM10 by the daily mean, as it is', () => {
    // (23 × 20 + 200) / 24 = 27.5 → Moyen; the maximum (200) would have been 6.
    const result = atmoDaily({ pm10: hours([...repeat(23, 20), 200]) }, DAY);
    expect(result).toMatchObject({ value: 2, label: { fr: 'Moyen', en: 'Fair' }, colour: '#50CCAA' });
    expect(result.subIndices.find((s) => s.pollutant === 'pm10')?.concentration).toBe(27.5);
  });

  it('classes a daily NO2 maximum of 40.0 as Bon and of 40.1 as Moyen', () => {
    expect(atmoDaily({ no2: hours([...repeat(23, 20), 40.0]) }, DAY).level).toBe(1);
    expect(atmoDaily({ no2: hours([...repeat(23, 20), 40.1]) }, DAY).level).toBe(2);
  });

  it('needs 18 of 24 hours for a mean, and says why it has no index', () => {
    expect(atmoDaily({ pm25: hours(repeat(18, 30)) }, DAY)).toMatchObject({ available: true, value: 4 });
    const short = atmoDaily({ pm25: hours(repeat(17, 30)) }, DAY);
    expect(short).toMatchObject({
      scheme: 'atmo',
      available: false,
      value: null,
      level: 0,
      label: { fr: 'Indisponible', en: 'Unavailable' },
      colour: '#DDDDDD',
      dominant: null,
      reason: 'not-enough-hours',
      pollutants: [],
      partial: false,
    });
    expect(input(short, 'pm25')).toEqual({
      pollutant: 'pm25',
      value: null,
      hours: 17,
      needed: 18,
      from: DAY_START,
      until: DAY_START + 17 * HOUR,
      humidHours: 0,
    });
  });

  it('needs 18 of 24 hours for a maximum too', () => {
    expect(atmoDaily({ o3: hours(repeat(17, 200)) }, DAY).available).toBe(false);
    expect(atmoDaily({ o3: hours(repeat(18, 200)) }, DAY)).toMatchObject({ value: 4, dominant: 'o3' });
  });

  it('takes the hours from local midnight up to, not including, the next local midnight', () => {
    const inside = hours(repeat(17, 10), 1); // 01:00 … 17:00 local
    const previousDay = hours([10], -1); // 23:00 local the day before
    const nextMidnight = hours([500], 24); // 00:00 local the day after
    expect(atmoDaily({ no2: [...inside, ...previousDay, ...nextMidnight] }, DAY).available).toBe(false);
    const result = atmoDaily({ no2: [...inside, ...hours([12], 0), ...nextMidnight] }, DAY);
    expect(result).toMatchObject({ available: true, value: 1, from: DAY.start, until: DAY.end });
    expect(result.subIndices.find((s) => s.pollutant === 'no2')?.concentration).toBe(12);
  });

  it('counts a reading at 23:30 UTC in July in the next local day', () => {
    const july14 = localDay('2026-07-14', PARIS);
    const july15 = localDay('2026-07-15', PARIS);
    // 17 hours of the 14th and 18 of the 15th at 20 µg/m³, and one hour of 300 µg/m³ (ATMO 5) at
    // 23:30 UTC on the 14th, which is 01:30 on the 15th in Paris: counted in the 14th, it would
    // give the 14th its 18th hour.
    const no2 = [
      ...hours(repeat(17, 20), 0, july14.start),
      ...hours(repeat(18, 20), 3, july15.start),
      { t: Date.UTC(2026, 6, 14, 23, 30), value: 300 },
    ];
    expect(atmoDaily({ no2 }, july15)).toMatchObject({ level: 5, inputs: [{ hours: 19, value: 300 }] });
    expect(atmoDaily({ no2 }, july14)).toMatchObject({ level: 0, inputs: [{ hours: 17 }] });
  });

  it('needs 18 of the 23 hours of 29 March 2026 and 19 of the 25 hours of 25 October 2026', () => {
    const spring = localDay('2026-03-29', PARIS);
    expect(spring.end - spring.start).toBe(23 * HOUR);
    const all = hours(repeat(24, 30), 0, spring.start); // the 24th hour is the next day's first
    expect(atmoDaily({ pm25: all }, spring)).toMatchObject({ level: 4, inputs: [{ hours: 23, needed: 18 }] });
    expect(atmoDaily({ pm25: hours(repeat(18, 30), 0, spring.start) }, spring).level).toBe(4);
    const autumn = localDay('2026-10-25', PARIS);
    expect(autumn.end - autumn.start).toBe(25 * HOUR);
    expect(atmoDaily({ pm25: hours(repeat(18, 30), 0, autumn.start) }, autumn)).toMatchObject({
      level: 0,
      reason: 'not-enough-hours',
      inputs: [{ hours: 18, needed: 19 }],
    });
    expect(atmoDaily({ pm25: hours(repeat(25, 30), 0, autumn.start) }, autumn)).toMatchObject({
      level: 4,
      inputs: [{ hours: 25, needed: 19 }],
    });
  });

  it('uses only completed hours: with `now`, the hour in progress and later ones do not count', () => {
    const now = DAY_START + 18 * HOUR + 20 * 60_000; // 18:20 local: 18 hours completed
    const no2 = hours([...repeat(18, 20), 400, 400]); // 18:00 (in progress) and 19:00 at 400
    expect(atmoDaily({ no2 }, DAY, { now })).toMatchObject({
      level: 1,
      from: DAY_START,
      until: DAY_START + 18 * HOUR,
      inputs: [{ pollutant: 'no2', value: 20, hours: 18 }],
    });
    expect(atmoDaily({ no2 }, DAY).level).toBe(6);
  });

  it('counts one hour once, keeping its later value', () => {
    const sameHour = Array.from({ length: 18 }, () => ({ t: DAY_START + 5 * HOUR, value: 10 }));
    expect(atmoDaily({ pm10: sameHour }, DAY).available).toBe(false);
    const corrected = [...hours(repeat(18, 10)), { t: DAY_START, value: 100 }, { t: DAY_START, value: 10 }];
    expect(atmoDaily({ no2: corrected }, DAY).value).toBe(1);
  });

  it('ignores non-finite values', () => {
    expect(atmoDaily({ pm10: hours([...repeat(17, 10), Number.NaN, Number.NaN]) }, DAY).available).toBe(
      false,
    );
  });

  it('is the worst sub-index and names its pollutant, partial when some pollutant is missing', () => {
    const result = atmoDaily(
      { pm10: hours(repeat(24, 30)), no2: hours(repeat(24, 100)), o3: hours(repeat(24, 40)) },
      DAY,
    );
    expect(result).toMatchObject({ value: 3, dominant: 'no2', label: { fr: 'Dégradé' }, colour: '#F0E641' });
    expect(result.subIndices.map((s) => [s.pollutant, s.value])).toEqual([
      ['pm25', null],
      ['pm10', 2],
      ['no2', 3],
      ['o3', 1],
      ['so2', null],
    ]);
    expect(result).toMatchObject({ pollutants: ['pm10', 'no2', 'o3'], partial: true });
  });

  it('is an ATMO of particles only for a PM sensor, and whole with the five pollutants', () => {
    const pm = atmoDaily({ pm25: hours(repeat(24, 8)), pm10: hours(repeat(24, 15)) }, DAY);
    expect(pm).toMatchObject({ level: 1, pollutants: ['pm25', 'pm10'], partial: true });
    const five = atmoDaily(
      Object.fromEntries(
        (['pm25', 'pm10', 'no2', 'o3', 'so2'] as const).map((p) => [p, hours(repeat(24, 5))]),
      ),
      DAY,
    );
    expect(five).toMatchObject({ partial: false, pollutants: ['pm25', 'pm10', 'no2', 'o3', 'so2'] });
    expect(five.inputs).toHaveLength(5);
  });

  it('breaks a tie in the fixed pollutant order, whatever the order of the keys', () => {
    const result = atmoDaily({ so2: hours(repeat(24, 150)), pm25: hours(repeat(24, 15)) }, DAY);
    expect(result).toMatchObject({ value: 2, dominant: 'pm25' });
  });

  it('is Indisponible with no data at all: no pollutant, unless the station measures one', () => {
    expect(atmoDaily({}, DAY)).toMatchObject({
      available: false,
      level: 0,
      dominant: null,
      reason: 'no-pollutant',
      inputs: [],
    });
    expect(atmoDaily({}, DAY, { measured: ['temperature', 'co2'] }).reason).toBe('no-pollutant');
    expect(atmoDaily({}, DAY, { measured: ['pm25'] }).reason).toBe('not-enough-hours');
  });
});

describe('indices of now', () => {
  const NOW = Date.UTC(2026, 2, 10, 20, 30); // the hour 20:00–21:00 UTC is in progress
  const H20 = Date.UTC(2026, 2, 10, 20);
  const at = (hour: number, value: number) => ({ t: Date.UTC(2026, 2, 10, hour, 10), value });

  it('EAQI: the newest completed hour, never the hour in progress', () => {
    const result = eaqiNow({ no2: [at(18, 30), at(19, 20), at(20, 200)] }, NOW);
    expect(result).toMatchObject({
      level: 2,
      from: H20 - HOUR,
      until: H20,
      inputs: [{ pollutant: 'no2', value: 20, hours: 1, from: H20 - HOUR, until: H20 }],
    });
  });

  it('EAQI: takes an hour up to 3 completed hours old, then says no recent hour', () => {
    expect(eaqiNow({ no2: [at(17, 30)] }, NOW).level).toBe(3);
    expect(eaqiNow({ no2: [at(16, 30), at(20, 30)] }, NOW)).toMatchObject({
      level: 0,
      reason: 'no-recent-hour',
    });
    expect(eaqiNow({}, NOW, { measured: ['temperature'] }).reason).toBe('no-pollutant');
  });

  it('NowCast: c1 is the hour that ended last, the hour in progress is left out', () => {
    const steady = Array.from({ length: 12 }, (_, i) => at(8 + i, 12));
    const result = usAqiNow({ pm25: [...steady, at(20, 500)] }, NOW);
    // NowCast of a steady 12 is 12: 51 + 49/26.3 × (12.0 − 9.1) = 56.4 → 56.
    expect(result).toMatchObject({ value: 56, from: H20 - 12 * HOUR, until: H20 });
    expect(input(result, 'pm25')).toMatchObject({ value: 12, hours: 12, needed: 2 });
  });

  it('NowCast: needs 2 of the 3 most recent completed hours', () => {
    expect(usAqiNow({ pm25: [at(17, 12), at(19, 12), at(20, 12)] }, NOW).available).toBe(true);
    expect(usAqiNow({ pm25: [at(16, 12), at(17, 12), at(20, 12)] }, NOW)).toMatchObject({
      level: 0,
      reason: 'no-recent-hour',
    });
  });

  it('ATMO: today’s when today has enough completed hours, else yesterday’s, on local days', () => {
    // 10 March 2026, Paris is UTC+1: local today began 9 March 23:00 UTC; 20:30 UTC is 21:30 local,
    // so 21 hours of today are complete.
    const today = localDay('2026-03-10', PARIS);
    const yesterday = localDay('2026-03-09', PARIS);
    const pm25 = [...hours(repeat(24, 30), 0, yesterday.start), ...hours(repeat(22, 8), 0, today.start)];
    expect(atmoNow({ pm25 }, NOW, PARIS)).toMatchObject({
      date: '2026-03-10',
      day: 'today',
      level: 1,
      until: H20,
      inputs: [{ hours: 21 }],
    });
    const morning = today.start + 9 * HOUR + 30 * 60_000;
    expect(atmoNow({ pm25 }, morning, PARIS)).toMatchObject({
      date: '2026-03-09',
      day: 'yesterday',
      level: 4,
    });
    expect(atmoNow({}, morning, PARIS, { measured: ['pm25'] })).toMatchObject({
      date: '2026-03-10',
      day: 'today',
      level: 0,
      reason: 'not-enough-hours',
    });
  });
});

describe('eaqi', () => {
  it('is the worst band and names its pollutant', () => {
    expect(eaqi({ pm25: 12, no2: 70, o3: 50 })).toMatchObject({
      scheme: 'eaqi',
      available: true,
      value: 4,
      level: 4,
      label: { fr: 'Mauvais', en: 'Poor' },
      colour: '#FF5050',
      dominant: 'no2',
    });
  });

  it('lists every pollutant, missing ones as unavailable', () => {
    const result = eaqi({ pm10: 50, so2: null });
    expect(result.subIndices.map((s) => [s.pollutant, s.available, s.value])).toEqual([
      ['pm25', false, null],
      ['pm10', true, 3],
      ['no2', false, null],
      ['o3', false, null],
      ['so2', false, null],
    ]);
    expect(result.subIndices[1]).toMatchObject({ concentration: 50, label: { en: 'Moderate' } });
  });

  it('is unavailable without a usable concentration', () => {
    expect(eaqi({})).toMatchObject({
      available: false,
      value: null,
      level: 0,
      colour: '#DDDDDD',
      reason: 'no-pollutant',
    });
    expect(eaqi({ pm25: null, no2: Number.NaN }).available).toBe(false);
  });
});

describe('usAqi', () => {
  it('is the highest AQI and names its pollutant', () => {
    // PM2.5 40 → 101 + 49/19.9 × 4.5 = 112.08 → 112; PM10 160 → 101 + 49/99 × 5 = 103.47 → 103.
    expect(usAqi({ pm25: 40, pm10: 160 })).toMatchObject({
      scheme: 'usaqi',
      value: 112,
      level: 3,
      colour: '#FF7E00',
      dominant: 'pm25',
      beyondIndex: false,
    });
  });

  it('says when the index is capped beyond 500', () => {
    const result = usAqi({ pm25: 20, pm10: 700 });
    expect(result).toMatchObject({ value: 500, level: 6, dominant: 'pm10', beyondIndex: true });
    expect(result.subIndices.map((s) => [s.pollutant, s.beyondIndex])).toEqual([
      ['pm25', false],
      ['pm10', true],
    ]);
  });

  it('is unavailable without a usable concentration', () => {
    expect(usAqi({})).toMatchObject({ available: false, value: null, dominant: null, beyondIndex: false });
  });
});

describe('indexBands', () => {
  it('gives the ATMO bands of NO2, the top one open-ended', () => {
    expect(indexBands('atmo', 'no2').map((b) => [b.from, b.to, b.level, b.colour])).toEqual([
      [0, 40, 1, '#50F0E6'],
      [40, 90, 2, '#50CCAA'],
      [90, 120, 3, '#F0E641'],
      [120, 230, 4, '#FF5050'],
      [230, 340, 5, '#960032'],
      [340, null, 6, '#872181'],
    ]);
  });

  it('gives the EAQI bands of O3 with their labels', () => {
    const bands = indexBands('eaqi', 'o3');
    expect(bands.map((b) => [b.from, b.to])).toEqual([
      [0, 60],
      [60, 100],
      [100, 120],
      [120, 160],
      [160, 180],
      [180, null],
    ]);
    expect(bands[5]).toMatchObject({ label: { en: 'Extremely poor' }, colour: '#7D2181' });
  });

  it('gives one US AQI band per category', () => {
    expect(indexBands('usaqi', 'pm10').map((b) => [b.from, b.to, b.level])).toEqual([
      [0, 54, 1],
      [54, 154, 2],
      [154, 254, 3],
      [254, 354, 4],
      [354, 424, 5],
      [424, null, 6],
    ]);
    expect(indexBands('usaqi', 'pm25').map((b) => b.to)).toEqual([9, 35.4, 55.4, 125.4, 225.4, null]);
  });

  it('has no bands for what a scheme does not class', () => {
    expect(indexBands('usaqi', 'no2')).toEqual([]);
    expect(indexBands('atmo', 'temperature')).toEqual([]);
  });
});

describe('WHO_GUIDELINES', () => {
  it('holds the 2021 guideline values', () => {
    expect(WHO_GUIDELINES.pm25).toEqual([
      { averaging: 'annual', value: 5, unit: 'µg/m³' },
      { averaging: '24h', value: 15, unit: 'µg/m³' },
    ]);
    expect(WHO_GUIDELINES.o3).toContainEqual({ averaging: 'peak-season', value: 60, unit: 'µg/m³' });
    expect(WHO_GUIDELINES.so2).toEqual([{ averaging: '24h', value: 40, unit: 'µg/m³' }]);
    expect(WHO_GUIDELINES.co).toEqual([{ averaging: '24h', value: 4, unit: 'mg/m³' }]);
  });
});
