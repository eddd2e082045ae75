// Progress of long runs on stderr, so that stdout stays clean for --json: one line rewritten in
// place on a terminal, a line every 10 s when stderr is a file or a pipe.

/** Progress on stderr: one rewritten line on a terminal, a line every 10 s otherwise. */
export function progressPrinter(quiet: boolean) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let open = false;
  return {
    update(text: string) {
      if (quiet) return;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        open = true;
      } else if (Date.now() - last >= 10_000) {
        last = Date.now();
        process.stderr.write(`${text}\n`);
      }
    },
    line(text: string) {
      if (quiet) return;
      if (open) process.stderr.write('\n');
      open = false;
      process.stderr.write(`${text}\n`);
    },
    done() {
      if (open) process.stderr.write('\n');
      open = false;
    },
  };
}
