// An export as a byte stream that reads the next page only when the consumer asks for more
// (ReadableStream pull): a slow client or a full pipe holds the export, not the memory.
import type { Kysely } from 'kysely';
import type { Database } from '../../data/schema.js';
import { createEncoder } from './export-formats.js';
import type { ExportPlan } from './export-query.js';
import { EXPORT_PAGE_ROWS, exportPages } from './export-rows.js';

export type ExportStreamOptions = {
  pageRows?: number;
  /** Called after each page with the total rows so far, and once more with `done`. */
  onProgress?: (rows: number, done: boolean) => void;
};

export function createExportStream(
  db: Kysely<Database>,
  plan: ExportPlan,
  options: ExportStreamOptions = {},
): ReadableStream<Uint8Array> {
  const encoder = createEncoder(plan.format, plan.step);
  const bytes = new TextEncoder();
  const pages = exportPages(db, plan, options.pageRows ?? EXPORT_PAGE_ROWS);
  let rows = 0;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let text = started ? '' : encoder.header();
        started = true;
        const next = await pages.next();
        if (next.done) {
          text += encoder.footer();
          if (text) controller.enqueue(bytes.encode(text));
          options.onProgress?.(rows, true);
          controller.close();
          return;
        }
        rows += next.value.rows.length;
        text += encoder.page(next.value.series, next.value.rows);
        controller.enqueue(bytes.encode(text));
        options.onProgress?.(rows, false);
      },
      async cancel() {
        await pages.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
