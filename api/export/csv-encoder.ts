// The CSV export, in two dialects:
// - `rfc4180` (default): comma separator, decimal point, ISO 8601 UTC times; what scripts read.
// - `excel-fr`: what Excel and LibreOffice in a French locale open as is, by double-click: `;`
//   separator (the comma is the decimal separator there), decimal comma, a UTF-8 byte order mark
//   (without it Excel reads the file as Windows-1252 and µg/m³ becomes "Âµg/mÂ³"), and a
//   `local_time` column beside `time` (SOUFFLE_TIMEZONE, `YYYY-MM-DD HH:MM:SS`, which both
//   spreadsheets read as a date-time). Formula neutralisation applies to text cells in both.
// What every row of a series repeats (station, source, location, phenomenon, sensor, unit,
// licence, attribution) is encoded once per series, so a row costs a time and a few numbers.
import { CALENDAR_STEPS, type Step } from '../../data/store/read-series.js';
import { zoneOffsets } from '../../data/zone-offsets.js';
import { csvText, csvTextSemicolon, type CsvDialect } from './csv.js';
import { exportColumns, isoTimeFormatter, memoFlags, type Encoder } from './export-formats.js';
import type { ExportSeries } from './export-rows.js';

const BOM = '\uFEFF';

export function csvEncoder(step: Step, dialect: CsvDialect, timeZone: string): Encoder {
  const rollup = step !== 'raw';
  const calendar = CALENDAR_STEPS.includes(step);
  const fr = dialect === 'excel-fr';
  const sep = fr ? ';' : ',';
  const text = fr ? csvTextSemicolon : csvText;
  const num = fr
    ? (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v).replace('.', ','))
    : (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const time = isoTimeFormatter();
  const end = isoTimeFormatter();
  const local = isoTimeFormatter();
  const offset = zoneOffsets(timeZone);
  const localTime = (t: number) =>
    local(t + offset(t))
      .slice(0, 19)
      .replace('T', ' ');
  const flags = memoFlags((names) => text(names.join('|')));
  let current: ExportSeries | undefined;
  let prefix = '';
  let suffix = '';
  return {
    contentType: 'text/csv; charset=utf-8; header=present',
    extension: 'csv',
    header: () => (fr ? BOM : '') + exportColumns(step, { localTime: fr }).join(sep) + '\r\n',
    page(series, rows) {
      if (series !== current) {
        current = series;
        prefix =
          [
            text(series.station),
            text(series.source),
            num(series.lat),
            num(series.lon),
            text(series.phenomenon),
            text(series.sensor),
            text(series.unit),
          ].join(sep) + sep;
        suffix = `${sep}${text(series.licence)}${sep}${text(series.attribution)}\r\n`;
      }
      let out = '';
      for (const r of rows) {
        out += `${prefix}${time(r.time)}${fr ? sep + localTime(r.time) : ''}${sep}${num(r.value)}${sep}${flags(r.flags)}${sep}${r.validation === null ? '' : text(r.validation)}`;
        if (rollup)
          out += `${sep}${num(r.min)}${sep}${num(r.max)}${sep}${r.n}${sep}${num(r.sd)}${sep}${num(r.coverage)}${sep}${r.valid}${sep}${r.nFlagged}${sep}${r.nHumid}`;
        if (calendar)
          out += `${sep}${r.date}${sep}${end(r.end ?? r.time)}${sep}${num(r.q02)}${sep}${num(r.q25)}${sep}${num(r.median)}${sep}${num(r.q75)}${sep}${num(r.q98)}`;
        out += `${sep}${num(r.raw)}${sep}${r.correction ?? ''}${sep}${r.calibrationId ?? ''}${suffix}`;
      }
      return out;
    },
    footer: () => '',
  };
}
