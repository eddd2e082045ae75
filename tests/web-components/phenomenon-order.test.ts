import { describe, expect, it } from 'vitest';
import type { LatestResponse, LatestValue } from '../../data/api-types.js';
import { chartOrder, displayRank, stationCharts } from '../../web-components/phenomenon-order.js';
import { displayedValues, sparkPhenomenon } from '../../web-components/souffle-card.js';

const value = (phenomenon: string, sensor = 'A'): LatestValue =>
  ({ phenomenon, sensor, value: 1, unit: 'x', t: 0 }) as unknown as LatestValue;

const latest = (phenomena: string[], dominant?: string): LatestResponse =>
  ({
    station: { phenomena },
    indices: { atmo: dominant ? { dominant } : null },
    values: [],
  }) as unknown as LatestResponse;

describe('the display order of phenomena', () => {
  it('puts particles first, PM1 after PM10, then the gases, comfort and weather; unknown codes last', () => {
    const codes = ['noise', 'humidity', 'so2', 'pm1', 'co2', 'pm10', 'x', 'pm25', 'no2'];
    expect([...codes].sort((a, b) => displayRank(a) - displayRank(b))).toEqual([
      'pm25',
      'pm10',
      'pm1',
      'no2',
      'so2',
      'co2',
      'humidity',
      'noise',
      'x',
    ]);
  });

  it('orders a card’s values by it, one per phenomenon, at most six', () => {
    const values = ['co2', 'nox_index', 'no2', 'pm1', 'pm10', 'pm25', 'pressure', 'voc_index'].map((p) =>
      value(p),
    );
    expect(displayedValues([value('pm25', 'B'), ...values]).map((v) => v.phenomenon)).toEqual([
      'pm25',
      'pm10',
      'pm1',
      'no2',
      'co2',
      'pressure',
    ]);
    expect(displayedValues([value('pm25', 'B'), ...values])[0]!.sensor).toBe('B');
  });

  it('charts the pollutants the indices class first, then PM1 and the rest', () => {
    expect(chartOrder(['humidity', 'pm1', 'so2', 'co', 'pm10', 'o3', 'pm25', 'no2', 'co2'])).toEqual([
      'pm25',
      'pm10',
      'no2',
      'o3',
      'so2',
      'pm1',
      'co',
      'co2',
      'humidity',
    ]);
  });

  it('gives a station page a chart per pollutant of the indices and per particle size, nothing else', () => {
    expect(stationCharts(['co', 'co2', 'humidity', 'no2', 'o3', 'pm1', 'pm10', 'pm25', 'so2'])).toEqual([
      'pm25',
      'pm10',
      'no2',
      'o3',
      'so2',
      'pm1',
    ]);
    expect(stationCharts(['temperature', 'humidity', 'co2'])).toEqual([]);
  });

  it('draws a card’s sparkline for the attribute, else the dominant pollutant, else the first charted one', () => {
    const l = latest(['temperature', 'no2', 'pm10', 'o3'], 'o3');
    expect(sparkPhenomenon('no2', l, 'atmo')).toBe('no2');
    expect(sparkPhenomenon(undefined, l, 'atmo')).toBe('o3');
    expect(sparkPhenomenon(undefined, latest(['temperature', 'o3', 'no2', 'pm10']), 'atmo')).toBe('pm10');
    expect(sparkPhenomenon(undefined, latest(['so2', 'temperature']), 'atmo')).toBe('so2');
    expect(sparkPhenomenon(undefined, latest(['temperature', 'co2']), 'atmo')).toBeNull();
  });
});
