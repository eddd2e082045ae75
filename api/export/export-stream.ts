// An export as a byte stream that reads the next page only when the consumer asks for more
// (ReadableStream pull): a slow client or a full pipe holds the export, not the memory.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../data/schema.js';
import { decimalsOf, roundValuesInPlace } from '../../data/rounding.js';
import { createEncoder, type Chunk, type Encoder } from './export-formats.js';
import type { ExportPlan } from './export-query.js';
import { createWideExportStream } from './export-wide.js';
import { EXPORT_PAGE_ROWS, exportPages } from './export-rows.js';

export type ExportStreamOptions = {
  pageRows?: number;
  /** Parquet: rows per row group (default 100 000). */
  rowGroupRows?: number;
  /** Called after each page with the total rows so far, and once more with `done`. */
  onProgress?: (rows: number, done: boolean) => void;
  /** Called once when the stream ends: read to the end, cancelled by the client, or failed. */
  onEnd?: () => void;
};

export function createExportStream(
  db: Kysely<Database>,
  plan: ExportPlan,
  options: ExportStreamOptions = {},
): ReadableStream<Uint8Array> {
  if (plan.shape === 'wide') return createWideExportStream(db, plan, options);
  const encoder = createEncoder({ ...plan, rowGroupRows: options.rowGroupRows });
  const bytes = new TextEncoder();
  const pages = exportPages(db, plan, options.pageRows ?? EXPORT_PAGE_ROWS);
  let rows = 0;
  let started = false;
  let pagesRead = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // Text and bytes (Parquet) alike; an empty chunk is not sent. Each pull sends something or
        // ends the stream: a Parquet encoder sends nothing until a row group is full, and a pull that
        // enqueued nothing would not be called again.
        let sent = false;
        const send = (chunk: Chunk) => {
          if (chunk.length === 0) return;
          controller.enqueue(typeof chunk === 'string' ? bytes.encode(chunk) : chunk);
          sent = true;
        };
        if (!started) {
          started = true;
          send(encoder.header());
        }
        while (!sent) {
          // Between pages, let the event loop run what waits (health checks, other requests, the
          // ingest worker of `souffle start`): a page is read synchronously by better-sqlite3, and
          // a fast client would otherwise have the next one read at once (docs/security.md, Public
          // reads and ingest).
          if (pagesRead > 0) await nextTurn();
          pagesRead += 1;
          let next: Awaited<ReturnType<typeof pages.next>>;
          try {
            next = await pages.next();
          } catch (e) {
            options.onEnd?.();
            throw e;
          }
          if (next.done) {
            send(encoder.footer());
            options.onProgress?.(rows, true);
            controller.close();
            options.onEnd?.();
            return;
          }
          rows += next.value.rows.length;
          // Values leave rounded to the phenomenon's decimals (data/rounding.ts).
          const { series, rows: page } = next.value;
          send(encoder.page(series, roundValuesInPlace(page, decimalsOf(series.phenomenon))));
          options.onProgress?.(rows, false);
        }
      },
      async cancel() {
        options.onEnd?.();
        await pages.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * The same export encoded in several formats from one read (the archive writes Parquet and CSV of
 * each month): yields, page by page, one chunk per encoder, in the encoders' order.
 */
export async function* exportEncoded(
  db: Kysely<Database>,
  plan: ExportPlan,
  encoders: readonly Encoder[],
  pageRows = EXPORT_PAGE_ROWS,
): AsyncGenerator<{ chunks: Chunk[]; rows: number }> {
  yield { chunks: encoders.map((e) => e.header()), rows: 0 };
  for await (const { series, rows } of exportPages(db, plan, pageRows)) {
    roundValuesInPlace(rows, decimalsOf(series.phenomenon));
    yield { chunks: encoders.map((e) => e.page(series, rows)), rows: rows.length };
  }
  yield { chunks: encoders.map((e) => e.footer()), rows: 0 };
}
