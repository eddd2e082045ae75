// The progress of `souffle backfill` on stderr: a bar rewritten in place on a terminal, a line at
// every tenth of the work otherwise, and the AtmoSud log printed between them.
import type { AtmosudLogger, BackfillProgress } from '../ingest/index.js';

/** A progress bar when stderr is a terminal, else a line at every tenth of the work. */
export function createProgress(stream: NodeJS.WriteStream) {
  const tty = stream.isTTY === true;
  let lastTenth = -1;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const note = (message: string) => {
    clear();
    stream.write(`${message}\n`);
  };
  return {
    note,
    update(p: BackfillProgress) {
      const ratio = p.total === 0 ? 1 : p.done / p.total;
      const text = `${p.done}/${p.total} windows · ${p.values.inserted + p.values.replaced} values written · ${p.errors} errors`;
      if (tty) {
        const width = 30;
        const full = Math.round(ratio * width);
        stream.write(
          `\r\x1b[2K[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${Math.floor(ratio * 100)}% ${text}`,
        );
        drawn = true;
      } else if (Math.floor(ratio * 10) > lastTenth) {
        lastTenth = Math.floor(ratio * 10);
        stream.write(`backfill: ${Math.floor(ratio * 100)}% (${text})\n`);
      }
    },
    end: clear,
    logger(debug: boolean): AtmosudLogger {
      return {
        debug: (m) => (debug ? note(`atmosud: ${m}`) : undefined),
        info: (m) => note(`atmosud: ${m}`),
        warn: (m) => note(`atmosud: ${m}`),
        error: (m) => note(`atmosud: ${m}`),
      };
    },
  };
}
