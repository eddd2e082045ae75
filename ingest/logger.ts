// The worker's and broker's log: one line per event on stderr, below the configured level
// dropped. Passed in (not a module singleton) so tests and the CLI choose where it goes.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = Record<LogLevel, (message: string) => void>;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Writes `<ISO time> <level> <scope>: <message>` lines to `write` (stderr by default). */
export function createLogger(
  options: { level?: LogLevel; scope?: string; write?: (line: string) => void } = {},
): Logger {
  const { level = 'info', scope = 'souffle', write = (line) => process.stderr.write(line) } = options;
  const log = (at: LogLevel) => (message: string) => {
    if (ORDER[at] >= ORDER[level]) write(`${new Date().toISOString()} ${at} ${scope}: ${message}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (the default of library code, so tests stay quiet). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
