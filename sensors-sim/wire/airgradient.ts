// AirGradient Open Air firmware (docs/ingest.md, "Wire formats"; airgradienthq/arduino,
// src/AgValue.cpp `Measurements::toString(localServer = true, …)`, which is what the firmware
// publishes over MQTT): flat JSON on `airgradient/readings/<serial>` at QoS 0, every 60 s, no
// timestamp. The dual model (O-1PPT) averages its two PMS5003T channels at the top level and nests
// each under `channels`.
import type { SimDevice } from '../fleet.js';
import { round } from '../random.js';
import type { Measured } from '../sensor-model.js';
import type { NativeReading } from './native.js';

export const AIRGRADIENT_QOS = 0;
export const AIRGRADIENT_FIRMWARE = '3.3.9';

/** Counters the device keeps between messages. */
export type AirGradientStatus = { bootCount: number; wifi: number };

type Channel = Record<string, number>;

/**
 * One PMS5003T channel as the firmware prints it (2 decimals, `ag->round2`). Standard-particle
 * (CF=1) values exceed atmospheric ones above ~30 µg/m³; counts are per 0.1 L. The compensated
 * values are AirGradient's published Open Air corrections and the US EPA 2021 PM2.5 correction.
 */
export function airgradientChannel(m: Measured): Channel {
  const cf1 = (atm: number) => atm * (atm < 30 ? 1 : Math.min(1.5, 1 + (atm - 30) / 60));
  const count03 = 100 * m.pm1 + 150;
  const atmp = round(m.temperature, 2);
  const rhum = round(m.humidity, 2);
  return {
    pm01: round(m.pm1, 2),
    pm02: round(m.pm25, 2),
    pm10: round(m.pm10, 2),
    pm01Standard: round(cf1(m.pm1), 2),
    pm02Standard: round(cf1(m.pm25), 2),
    pm10Standard: round(cf1(m.pm10), 2),
    pm003Count: round(count03, 2),
    pm005Count: round(count03 * 0.3, 2),
    pm01Count: round(count03 * 0.06, 2),
    pm02Count: round(count03 * 0.005, 2),
    atmp,
    atmpCompensated: round(atmp * 1.327 - 6.738, 2),
    rhum,
    rhumCompensated: round(Math.min(100, rhum * 1.259 + 7.34), 2),
    pm02Compensated: round(epaCorrection(m.pm25, rhum), 2),
  };
}

/** US EPA PM2.5 correction for PMS5003 sensors (Barkjohn et al. 2021, 2022 extension). */
export function epaCorrection(pm: number, rh: number): number {
  let value: number;
  if (pm < 30) value = 0.524 * pm - 0.0862 * rh + 5.75;
  else if (pm < 50) {
    const w = pm / 20 - 3 / 2;
    value = (0.786 * w + 0.524 * (1 - w)) * pm - 0.0862 * rh + 5.75;
  } else if (pm < 210) value = 0.786 * pm - 0.0862 * rh + 5.75;
  else if (pm < 260) {
    const w = pm / 50 - 21 / 5;
    value =
      (0.69 * w + 0.786 * (1 - w)) * pm -
      0.0862 * rh * (1 - w) +
      2.966 * w +
      5.75 * (1 - w) +
      8.84e-4 * pm * pm * w;
  } else value = 2.966 + 0.69 * pm + 8.84e-4 * pm * pm;
  return Math.max(0, value);
}

const average = (a: Channel, b: Channel): Channel =>
  Object.fromEntries(Object.keys(a).map((k) => [k, round(((a[k] ?? 0) + (b[k] ?? 0)) / 2, 2)]));

/** The object an Open Air monitor publishes; `ch2` is null for the single-sensor O-1PST. */
export function airgradientPayload(
  device: SimDevice,
  ch1: Measured,
  ch2: Measured | null,
  status: AirGradientStatus,
): Record<string, unknown> {
  const one = airgradientChannel(ch1);
  let top: Record<string, unknown>;
  if (ch2 && device.model === 'O-1PPT') {
    const two = airgradientChannel(ch2);
    const { pm01, ...rest } = average(one, two);
    top = { pm01, channels: { '1': one, '2': two }, ...rest };
  } else {
    top = { ...one };
  }
  return {
    ...top,
    tvocIndex: round(ch1.vocIndex, 2),
    tvocRaw: round(30_000 + 30 * ch1.vocIndex, 2),
    noxIndex: round(ch1.noxIndex, 2),
    noxRaw: round(15_000 + 200 * ch1.noxIndex, 2),
    boot: status.bootCount,
    bootCount: status.bootCount,
    wifi: status.wifi,
    serialno: device.serial,
    firmware: AIRGRADIENT_FIRMWARE,
    model: device.model,
  };
}

/**
 * The same measurements as native readings named after the sensors the AirGradient decoder
 * stores: an Open Air's PMS5003T ("PMS5003T:1"/"PMS5003T:2" per channel on dual models) for PM,
 * CF=1 PM2.5, the 0.3 µm count, temperature and humidity, and "SGP41": history published through
 * the native topic lands in the same series as live data.
 */
export function airgradientHistory(
  device: SimDevice,
  ch1: Measured,
  ch2: Measured | null,
  ts: number,
): NativeReading[] {
  const values = (c: Channel) => ({
    pm1: c.pm01!,
    pm25: c.pm02!,
    pm10: c.pm10!,
    pm25_cf1: c.pm02Standard!,
    pm03_count: c.pm003Count!,
    temperature: c.atmp!,
    humidity: c.rhum!,
  });
  const one = airgradientChannel(ch1);
  const sgp = {
    ts,
    sensor: 'SGP41',
    values: { voc_index: round(ch1.vocIndex, 2), nox_index: round(ch1.noxIndex, 2) },
  };
  if (ch2 && device.model === 'O-1PPT') {
    const two = airgradientChannel(ch2);
    return [
      { ts, sensor: 'PMS5003T:1', values: values(one) },
      { ts, sensor: 'PMS5003T:2', values: values(two) },
      sgp,
    ];
  }
  return [{ ts, sensor: 'PMS5003T', values: values(one) }, sgp];
}
