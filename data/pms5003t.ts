// The Plantower PMS5003T's temperature and humidity, as AirGradient's firmware compensates them
// (airgradienthq/arduino, src/PMS/PMS5003TBase.cpp, compensateTemp/compensateHum; formulas from
// https://www.airgradient.com/documentation/correction-algorithms/). In the Open Air monitors the
// sensor measures the air inside the enclosure, warmed by the electronics: its humidity reads low
// (raw 50 % is about 70 % outside) and its temperature a little off. Souffle stores the raw values
// (series of sensor "PMS5003T") and compensates where ambient air is meant: the humid test of PM
// readings (data/decoders/quality-flags.ts) and corrections that take humidity. Browser-safe.

/** The sensor label of a PMS5003T's values (with ":<channel>" on dual monitors). */
export const PMS5003T = 'PMS5003T';

/** Whether a series' sensor label is a PMS5003T (or one channel of one). */
export function isPms5003t(sensor: string): boolean {
  return sensor === PMS5003T || sensor.startsWith(`${PMS5003T}:`);
}

/** Ambient relative humidity, %, from the PMS5003T's raw one: 1.259·raw + 7.34, at most 100. */
export function compensatePms5003tHumidity(raw: number): number {
  return Math.min(100, raw * 1.259 + 7.34);
}

/** Ambient temperature, °C, from the PMS5003T's raw one (two slopes, below and from 10 °C). */
export function compensatePms5003tTemperature(raw: number): number {
  return raw < 10 ? raw * 1.327 - 6.738 : raw * 1.181 - 5.113;
}
