// shape=wide: one row per station and time, one column per phenomenon (the shape openair's
// timeVariation and a pandas DataFrame indexed by time expect), as CSV in either dialect. The
// series of a station are merged by time, each read page by page as in the long export, so memory
// holds a page per series of one station. Only values an analyst would average are given: a
// valid mean (steps 1h, 1d, 1mo, 1y), or a raw reading not left out of the means for its flags
// (data/flags.ts, EXCLUDED_FROM_MEANS); a station with several sensors of one phenomenon gives the
// mean of those at that time. Flags, statistics and validity stay in the long shape.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { EXCLUDED_FROM_MEANS } from '../../data/flags.js';
import { PHENOMENON_CODES } from '../../data/phenomena.js';
import { decimalsOf, roundTo } from '../../data/rounding.js';
import type { Database } from '../../data/schema.js';
import { zoneOffsets } from '../../data/zone-offsets.js';
import { csvText, csvTextSemicolon } from './csv.js';
import { isoTimeFormatter } from './export-formats.js';
import type { ExportPlan } from './export-query.js';
import { exportSeries, seriesPages, type ExportRow, type ExportSeries } from './export-rows.js';

/** Lines per chunk sent. */
const CHUNK_ROWS = 5000;

type Cursor = { series: ExportSeries; pages: AsyncGenerator<ExportRow[]>; page: ExportRow[]; at: number };

/** A row's value as the wide shape gives it, or null. */
function usable(r: ExportRow, step: ExportPlan['step']): number | null {
  if (r.value === null) return null;
  if (step === 'raw') return r.flags & EXCLUDED_FROM_MEANS ? null : r.value;
  return r.valid ? r.value : null;
}

/** The wide rows of one station, in time order: [time, mean per phenomenon column]. */
async function* stationRows(
  db: Kysely<Database>,
  plan: ExportPlan,
  series: ExportSeries[],
  columns: readonly string[],
): AsyncGenerator<[number, (number | null)[]]> {
  const cursors: Cursor[] = [];
  const advance = async (c: Cursor): Promise<boolean> => {
    c.at += 1;
    if (c.at < c.page.length) return true;
    const next = await c.pages.next();
    if (next.done) return false;
    c.page = next.value;
    c.at = 0;
    return true;
  };
  for (const s of series) {
    const c: Cursor = { series: s, pages: seriesPages(db, s, plan), page: [], at: -1 };
    if (await advance(c)) cursors.push(c);
  }
  while (cursors.length > 0) {
    let time = Infinity;
    for (const c of cursors) time = Math.min(time, c.page[c.at]!.time);
    const sums = columns.map(() => 0);
    const counts = columns.map(() => 0);
    for (let i = cursors.length - 1; i >= 0; i--) {
      const c = cursors[i]!;
      const row = c.page[c.at]!;
      if (row.time !== time) continue;
      const v = usable(row, plan.step);
      const k = columns.indexOf(c.series.phenomenon);
      if (v !== null && k >= 0) {
        sums[k]! += v;
        counts[k]! += 1;
      }
      if (!(await advance(c))) cursors.splice(i, 1);
    }
    if (counts.some((n) => n > 0))
      yield [time, columns.map((p, k) => (counts[k] ? roundTo(sums[k]! / counts[k]!, decimalsOf(p)) : null))];
  }
}

export function createWideExportStream(
  db: Kysely<Database>,
  plan: ExportPlan,
  options: { onProgress?: (rows: number, done: boolean) => void; onEnd?: () => void } = {},
): ReadableStream<Uint8Array> {
  const fr = plan.dialect === 'excel-fr';
  const sep = fr ? ';' : ',';
  const text = fr ? csvTextSemicolon : csvText;
  const num = (v: number | null) => (v === null ? '' : fr ? String(v).replace('.', ',') : String(v));
  const time = isoTimeFormatter();
  const local = isoTimeFormatter();
  const offset = zoneOffsets(plan.timeZone);
  const bytes = new TextEncoder();
  let lines: AsyncGenerator<string> | undefined;
  // The header is the first line sent, not a row.
  let rows = -1;

  async function* allLines(): AsyncGenerator<string> {
    const list = await exportSeries(db, plan);
    const present = new Set(list.map((s) => s.phenomenon));
    const columns = PHENOMENON_CODES.filter((p) => present.has(p));
    yield (
      (fr ? '\uFEFF' : '') +
      [
        'station',
        'source',
        'lat',
        'lon',
        'time',
        ...(fr ? ['local_time'] : []),
        ...columns,
        'licence',
        'attribution',
      ].join(sep) +
      '\r\n'
    );
    for (let i = 0; i < list.length;) {
      let j = i;
      while (j < list.length && list[j]!.station === list[i]!.station) j += 1;
      const s = list[i]!;
      const prefix = [text(s.station), text(s.source), num(s.lat), num(s.lon)].join(sep) + sep;
      const suffix = `${sep}${text(s.licence)}${sep}${text(s.attribution)}\r\n`;
      for await (const [t, values] of stationRows(db, plan, list.slice(i, j), columns)) {
        const localTime = fr
          ? sep +
            local(t + offset(t))
              .slice(0, 19)
              .replace('T', ' ')
          : '';
        yield `${prefix}${time(t)}${localTime}${sep}${values.map(num).join(sep)}${suffix}`;
      }
      i = j;
    }
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        lines ??= allLines();
        let chunk = '';
        let n = 0;
        try {
          for (;;) {
            const next = await lines.next();
            if (next.done) {
              if (chunk) controller.enqueue(bytes.encode(chunk));
              rows += n;
              options.onProgress?.(rows, true);
              controller.close();
              options.onEnd?.();
              return;
            }
            chunk += next.value;
            n += 1;
            if (n >= CHUNK_ROWS) break;
          }
        } catch (e) {
          options.onEnd?.();
          throw e;
        }
        rows += n;
        controller.enqueue(bytes.encode(chunk));
        options.onProgress?.(rows, false);
        // Let other work run between chunks (docs/security.md, Public reads and ingest).
        await nextTurn();
      },
      async cancel() {
        options.onEnd?.();
        await lines?.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
