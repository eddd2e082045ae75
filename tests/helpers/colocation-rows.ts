// Reads the real co-location month of tests/fixtures/colocation/ (US EPA sensortoolkit example
// data, MIT, see its README and LICENSE.txt): the one-minute rows of the two low-cost units and
// the hourly reference values beside them, with times in epoch ms UTC.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/colocation/', import.meta.url));

export const COLOCATION_UNITS = ['RT01', 'RT02'] as const;
export type ColocationUnit = (typeof COLOCATION_UNITS)[number];

/** One minute of a sensor unit; null where the cell is empty. */
export type SensorRow = {
  /** Start of the minute, epoch ms UTC. */
  time: number;
  no2: number | null;
  o3: number | null;
  pm25: number | null;
  temperature: number | null;
  humidity: number | null;
};

export type ReferenceRow = {
  param: 'PM2.5' | 'NO2' | 'O3' | 'TEMP' | 'RHUM';
  /** Start of the hour, epoch ms UTC. */
  time: number;
  value: number;
  unit: string;
  /** 0 = valid. */
  qc: number;
};

/** The sensor files' times are local standard time, UTC−05:00 all month (README). */
const OFFSET_MS = 5 * 3_600_000;

/** `8/1/2019 7:12` (month/day/year hour:minute) → epoch ms, given the zone's offset. */
function parseTime(text: string, offsetMs: number): number {
  const m = /^(\d+)\/(\d+)\/(\d{4}) (\d+):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`unreadable time "${text}"`);
  const [, month, day, year, hour, minute] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(year, month - 1, day, hour, minute) + offsetMs;
}

const cell = (text: string | undefined): number | null =>
  text === undefined || text.trim() === '' ? null : Number(text);

/** The unit's one-minute rows, in time order. */
export function sensorRows(unit: ColocationUnit): SensorRow[] {
  const text = readFileSync(`${DIR}toco_toucan_${unit}_raw.csv`, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => l.startsWith('Time,'));
  const rows: SensorRow[] = [];
  for (const line of lines.slice(header + 1)) {
    if (!line.trim()) continue;
    const [time, no2, o3, pm25, temperature, humidity] = line.split(',');
    rows.push({
      time: parseTime(time!, OFFSET_MS),
      no2: cell(no2),
      o3: cell(o3),
      pm25: cell(pm25),
      temperature: cell(temperature),
      humidity: cell(humidity),
    });
  }
  return rows.sort((a, b) => a.time - b.time);
}

const PARAMS: Readonly<Record<string, ReferenceRow['param']>> = {
  'PM2.5-88101': 'PM2.5',
  NO2: 'NO2',
  O3: 'O3',
  TEMP: 'TEMP',
  RHUM: 'RHUM',
};

/** The reference monitors' hourly values. */
export function referenceRows(): ReferenceRow[] {
  const lines = readFileSync(`${DIR}airnowtech_example_reference_data.csv`, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const head = lines[0]!.split(',');
  const col = (name: string) => head.indexOf(name);
  const [param, date, time, value, unit, qc] = [
    'Param',
    'Date (UTC)',
    'Time (UTC)',
    'Value',
    'Unit',
    'QC Code',
  ].map(col) as [number, number, number, number, number, number];
  const rows: ReferenceRow[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const cells = line.split(',');
    const p = PARAMS[cells[param]!];
    if (!p || cells[value]!.trim() === '') continue;
    rows.push({
      param: p,
      time: parseTime(`${cells[date]} ${cells[time]}`, 0),
      value: Number(cells[value]),
      unit: cells[unit]!,
      qc: Number(cells[qc]),
    });
  }
  return rows;
}
