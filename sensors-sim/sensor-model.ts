// What a low-cost sensor reports, given the true air: a per-sensor gain and offset, slow drift,
// noise, self-heating of the enclosure, and the hygroscopic growth that makes optical particle
// counters over-read in humid air (particles swell with water; Di Antonio et al. 2018, AMT 11;
// Barkjohn et al. 2021, whose EPA correction 0.524·PM − 0.0862·RH + 5.75 undoes it for PurpleAir).
import type { Ambient } from './pollution.js';
import { clamp, gaussian, mix, sequence, smoothNoise } from './random.js';

const DAY = 86_400_000;

/** A sensor's individual character, drawn once from its key. */
export type SensorTraits = {
  /** Gain of the optical PM sensor (low-cost counters over-read: PMS5003 ≈ 1.3–1.7 × reference). */
  pmGain: number;
  /** Gain of the second PM channel of dual monitors (two sensors never agree exactly). */
  pmGain2: number;
  pmOffset: number;
  /** k in the mass growth factor 1 + k·RH/(100 − RH). */
  hygroscopic: number;
  /** °C added to the air temperature (calibration error plus the enclosure's own heat). */
  tempBias: number;
  /** % added to the relative humidity. */
  rhBias: number;
  no2Gain: number;
  no2Offset: number;
  o3Gain: number;
  o3Offset: number;
  pressureBias: number;
};

export type SensorKind = 'SPS30' | 'PMS5003T' | 'SDS011';

/** Draws the traits of a sensor of `kind` (PM sensor) with `heating` °C from its enclosure. */
export function drawTraits(key: number, kind: SensorKind, heating: number): SensorTraits {
  const r = sequence(mix(key, 0x5e));
  const between = (a: number, b: number) => a + (b - a) * r.next();
  // PMS5003T over-reads PM2.5 by 20–40 % in dry air against reference monitors in Mediterranean
  // urban background (the AirGradient and EPA co-locations); 1.3–1.7 put the whole city one ATMO
  // level too high.
  const [gMin, gMax] = kind === 'PMS5003T' ? [1.15, 1.4] : kind === 'SDS011' ? [1.0, 1.3] : [0.9, 1.15];
  const pmGain = between(gMin, gMax);
  return {
    pmGain,
    pmGain2: pmGain * between(0.92, 1.08),
    pmOffset: between(-1, 1.5),
    hygroscopic: kind === 'SDS011' ? between(0.1, 0.16) : between(0.07, 0.12),
    tempBias: heating + between(-0.8, 0.8),
    rhBias: between(-4, 4),
    no2Gain: between(0.85, 1.15),
    no2Offset: between(-6, 6),
    o3Gain: between(0.85, 1.15),
    o3Offset: between(-5, 5),
    pressureBias: between(-1, 1),
  };
}

/** A sensor's reading, in canonical units, before the firmware rounds it. */
export type Measured = {
  pm1: number;
  pm25: number;
  pm10: number;
  no2: number;
  o3: number;
  temperature: number;
  humidity: number;
  pressure: number;
  /** Sensirion SGP41 indices (AirGradient): VOC around 100, NOx around 1 in clean air. */
  vocIndex: number;
  noxIndex: number;
};

/**
 * Mass growth of optical PM with relative humidity, capped at 90 % RH: above it (mist, sea fog) the
 * ingest flags the readings humid anyway, and an uncapped κ-Köhler growth (×4–5 at 96 %) made the
 * default city's humid nights read 130–200 µg/m³ beside official stations at "Moyen" (issue 20).
 */
export function hygroscopicGrowth(rh: number, k: number): number {
  const h = clamp(rh, 0, 90);
  return 1 + (k * h) / (100 - h);
}

/** What the sensor with `key` and `traits` reports at `t` for the true `air`; `channel` 2 is a dual's second PM sensor. */
export function measure(
  key: number,
  traits: SensorTraits,
  air: Ambient,
  t: number,
  channel: 1 | 2 = 1,
): Measured {
  const second = Math.floor(t / 1000);
  const noise = (code: number) => gaussian(mix(key, channel, code), second);
  // Slow drift over weeks: optical sensors foul, electrochemical cells lose sensitivity.
  const drift = (code: number) => smoothNoise(mix(key, 0xd1, code), t, 21 * DAY);

  const gain = (channel === 2 ? traits.pmGain2 : traits.pmGain) * (1 + 0.08 * drift(1));
  const growth = hygroscopicGrowth(air.humidity, traits.hygroscopic);
  const pm = (truth: number, code: number) =>
    Math.max(0, truth * gain * growth + traits.pmOffset + noise(code) * (0.4 + 0.05 * truth));

  const temperature = air.temperature + traits.tempBias + 0.3 * drift(2) + 0.1 * noise(20);
  // The enclosure's heat lowers the humidity its sensor sees (≈ 5 % RH per °C near 20 °C).
  const humidity = clamp(
    air.humidity - 5 * Math.max(0, traits.tempBias) + traits.rhBias + 0.8 * noise(21),
    0,
    100,
  );
  const no2 = Math.max(0, air.no2 * traits.no2Gain + traits.no2Offset + 5 * drift(3) + 3 * noise(30));
  const o3 = Math.max(0, air.o3 * traits.o3Gain + traits.o3Offset + 5 * drift(4) + 3 * noise(31));
  return {
    pm1: pm(air.pm1, 10),
    pm25: pm(air.pm25, 11),
    pm10: pm(air.pm10, 12),
    no2,
    o3,
    temperature,
    humidity,
    pressure: air.pressure + traits.pressureBias + 0.05 * noise(40),
    vocIndex: clamp(100 + 25 * air.traffic * (air.no2 / 40) + 8 * noise(50), 1, 500),
    noxIndex: clamp(1 + air.no2 / 12 + 0.5 * noise(51), 1, 500),
  };
}
