// CSV cells per RFC 4180 (comma separator, CRLF line ends, fields holding a comma, quote, CR or LF
// quoted, quotes doubled), with formula neutralisation (OWASP "CSV Injection"): a TEXT cell that
// starts with = + - @ TAB or CR would be run as a formula by a spreadsheet, so it gets a leading
// apostrophe, which the spreadsheet shows as text. Numeric cells are written as numbers and never
// touched, so -3.2 stays a number a spreadsheet can sum.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvText(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.join(',')}\r\n`;
}

/** The CSV dialects of exports: RFC 4180, or what a French-locale spreadsheet opens as is. */
export const CSV_DIALECTS = ['rfc4180', 'excel-fr'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

const NEEDS_QUOTES_SEMICOLON = /[";\r\n]/;

/** csvText for the `excel-fr` dialect, whose separator is a semicolon. */
export function csvTextSemicolon(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES_SEMICOLON.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
