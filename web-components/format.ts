// Formatting of values and times for people. Times arrive as epoch ms (data/api-types.ts) and are
// shown in the reader's time zone; tests pass `timeZone` to pin it.
import { formatValue } from '../data/phenomena.js';
import type { Lang } from './i18n.js';

const LOCALE: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

export function locale(lang: Lang): string {
  return LOCALE[lang];
}

/** A value with the phenomenon's decimals ("12,3" in French, "12.3" in English). */
export function formatReading(code: string, value: number, lang: Lang): string {
  return formatValue(code, value, lang);
}

/** A unit as shown to people: none for the sensors' dimensionless indices (the registry's unit
 * "index"), whose label already says "Indice NOx"; "Indice NOx 1 index" mixed two languages. */
export function unitLabel(unit: string): string {
  return unit === 'index' ? '' : unit;
}

/** A plain number with at most `decimals` decimals, for summaries and chart ticks. */
export function formatNumber(value: number, lang: Lang, decimals = 1): string {
  return value.toLocaleString(LOCALE[lang], { maximumFractionDigits: decimals });
}

export type TimeStyle = 'time' | 'day' | 'date' | 'datetime' | 'month';

const STYLES: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  time: { hour: '2-digit', minute: '2-digit' },
  day: { weekday: 'short', day: 'numeric' },
  date: { day: 'numeric', month: 'short' },
  datetime: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' },
  month: { month: 'short' },
};

/** An instant in one of a few styles, in the reader's (or the given) time zone. */
export function formatTime(t: number, lang: Lang, style: TimeStyle, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { ...STYLES[style], timeZone }).format(t);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "il y a 5 minutes" / "5 minutes ago"; under a minute "à l’instant" / "just now". */
export function formatRelative(t: number, now: number, lang: Lang): string {
  const elapsed = now - t;
  const rtf = new Intl.RelativeTimeFormat(LOCALE[lang], { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) return rtf.format(-Math.round(elapsed / ms), unit);
  }
  return lang === 'fr' ? 'à l’instant' : 'just now';
}

export const DEFAULT_REFRESH_MS = 5 * 60_000;
/** Shortest accepted period: a page of widgets must not hammer a school's shared server. */
export const MIN_REFRESH_MS = 30_000;

/**
 * The `refresh` attribute as milliseconds: seconds as a bare number ("300"), or with a unit
 * ("30s", "5m", "1h"); "0" or "off" disables it; absent or unreadable gives the 5 min default;
 * anything shorter than 30 s is raised to 30 s.
 */
export function parseRefresh(value: string | null | undefined): number {
  const v = value?.trim().toLowerCase();
  if (!v) return DEFAULT_REFRESH_MS;
  if (v === '0' || v === 'off' || v === 'false') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|min|h)?$/.exec(v);
  if (!m) return DEFAULT_REFRESH_MS;
  const factor = m[2] === 'h' ? 3_600_000 : m[2] === 'm' || m[2] === 'min' ? 60_000 : 1000;
  const ms = Number(m[1]) * factor;
  return ms === 0 ? 0 : Math.max(MIN_REFRESH_MS, ms);
}
