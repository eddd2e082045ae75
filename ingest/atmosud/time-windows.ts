// Time windows for measure requests. AtmoSud has no paging: its own map splits history into
// requests of at most 30 days to avoid server timeouts (docs/atmosud.md), and so do we.
import { DAY_MS, HOUR_MS } from '../../data/store/rollups.js';

export const MAX_WINDOW_MS = 30 * DAY_MS;

export type TimeWindow = { from: number; to: number };

export const floorHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;
export const ceilHour = (t: number) => Math.ceil(t / HOUR_MS) * HOUR_MS;

/** Splits [from, to) into consecutive windows of at most `maxMs`, the last one possibly shorter. */
export function splitWindows(from: number, to: number, maxMs = MAX_WINDOW_MS): TimeWindow[] {
  if (!(maxMs > 0)) throw new RangeError(`window length ${maxMs} ms must be positive`);
  const windows: TimeWindow[] = [];
  for (let start = from; start < to; start += maxMs) {
    windows.push({ from: start, to: Math.min(start + maxMs, to) });
  }
  return windows;
}

/** The form AtmoSud's examples use for `date_debut`/`date_fin`: `2025-10-08T00:00:00Z`. */
export function isoParam(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Calendar day (YYYY-MM-DD) in Europe/Paris: the ATMO index is published per local day. */
export function parisDay(t: number, offsetDays = 0): string {
  // Shift by whole days at noon local time so a DST change never skips or repeats a day.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(t));
  if (offsetDays === 0) return today;
  const noonUtc = Date.parse(`${today}T12:00:00Z`) + offsetDays * DAY_MS;
  return new Date(noonUtc).toISOString().slice(0, 10);
}
