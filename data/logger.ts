// The log of every long-running part (API, ingest worker, broker, puller): one line per event on
// stderr, below the configured level dropped. Text for a person at a terminal, or JSON lines
// (LOG_FORMAT=json) for journald, Loki or any collector, with the same fields. Passed in (not a
// module singleton) so tests and the CLI choose where it goes. Shared by api/ and ingest/, hence here.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
/** Fields of an event: numbers, strings and booleans; undefined ones are left out. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = Record<LogLevel, (message: string, fields?: LogFields) => void>;

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A text field value: bare when it is one word, else JSON-quoted so the line stays parseable. */
const textValue = (v: string | number | boolean | null) =>
  typeof v === 'string' && !/^[^\s"=]+$/.test(v) ? JSON.stringify(v) : String(v);

/**
 * Text: `<ISO time> <level> <scope>: <message> key=value ...`.
 * JSON: `{"time":"…","level":"info","scope":"…","msg":"…",...fields}`, one object a line.
 */
export function createLogger(
  options: { level?: LogLevel; scope?: string; format?: LogFormat; write?: (line: string) => void } = {},
): Logger {
  const {
    level = 'info',
    scope = 'souffle',
    format = 'text',
    write = (line) => process.stderr.write(line),
  } = options;
  const log =
    (at: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      const time = new Date().toISOString();
      const present = Object.entries(fields).filter(([, v]) => v !== undefined) as [
        string,
        string | number | boolean | null,
      ][];
      if (format === 'json') {
        write(
          `${JSON.stringify({ time, level: at, scope, msg: message, ...Object.fromEntries(present) })}\n`,
        );
      } else {
        const extra = present.map(([k, v]) => ` ${k}=${textValue(v)}`).join('');
        write(`${time} ${at} ${scope}: ${message}${extra}\n`);
      }
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (the default of library code, so tests stay quiet). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
