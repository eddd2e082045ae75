// The index as a coloured badge, shared by <souffle-index> and <souffle-card>. The background is
// the scheme's official colour; the text is black or white, whichever meets WCAG AA on it.
import { css, html, nothing, type TemplateResult } from 'lit';
import type { IndexResult } from '../data/indices.js';
import { textColourFor } from './contrast.js';
import { formatTime } from './format.js';
import { shortLabel, t, type Lang } from './i18n.js';

export type BadgeOptions = { lang: Lang; indicative: boolean; compact?: boolean; now?: number };

/** What a badge draws: a full index (/index, /latest) or a list's summary (/stations?index=). */
export type BadgeIndex = Pick<
  IndexResult,
  'scheme' | 'available' | 'value' | 'level' | 'label' | 'colour' | 'dominant' | 'beyondIndex'
> & { date?: string | null };

const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Which day a daily index describes, when it is not today: "hier" / "yesterday", or the date. The
 * API gives today's ATMO index once today has enough hours, yesterday's before; days are UTC days.
 */
export function dayNote(date: string | null | undefined, lang: Lang, now = Date.now()): string {
  if (!date || date === utcDay(now)) return '';
  if (date === utcDay(now - 86_400_000)) return t(lang, 'yesterday');
  return formatTime(Date.parse(`${date}T12:00:00Z`), lang, 'date', 'UTC');
}

/** The words a badge says, also used as its accessible description. */
export function badgeText(
  result: BadgeIndex,
  lang: Lang,
  now?: number,
): { scheme: string; day: string; label: string; pollutant: string } {
  const value = result.scheme === 'usaqi' && result.value !== null ? `${result.value} · ` : '';
  return {
    scheme: t(lang, `index.${result.scheme}`),
    day: dayNote(result.date, lang, now),
    label: value + result.label[lang],
    pollutant: result.dominant ? t(lang, 'dominant', { p: shortLabel(result.dominant, lang) }) : '',
  };
}

export function renderIndexBadge(result: BadgeIndex, options: BadgeOptions): TemplateResult {
  const { lang, compact } = options;
  // "Indicative" qualifies a value: an unavailable index has none to qualify.
  const indicative = options.indicative && result.available;
  const { scheme, day, label, pollutant } = badgeText(result, lang, options.now);
  const dayTag = day ? html`<span class="day" part="day"> · ${day}</span>` : nothing;
  const style = `background:${result.colour};color:${textColourFor(result.colour)}`;
  const beyond = result.beyondIndex
    ? html` <span class="beyond">(${t(lang, 'beyondIndex')})</span>`
    : nothing;
  const tag = indicative
    ? html`<span class="indicative" part="indicative" title=${t(lang, 'indicativeHint')}
        >${t(lang, 'indicative')}</span
      >`
    : nothing;
  if (compact) {
    const title = [scheme, day, label, pollutant, indicative ? t(lang, 'indicativeHint') : '']
      .filter(Boolean)
      .join(' · ');
    return html`<span
      class="badge compact"
      part="badge"
      style=${style}
      title=${title}
      data-level=${result.level}
      ><span class="sr-only">${scheme} : </span><span part="label">${label}</span>${dayTag}${
        indicative
          ? html`<span class="indicative" part="indicative">${t(lang, 'indicative')}</span>`
          : nothing
      }</span
    >`;
  }
  return html`<div
    class="badge"
    part="badge"
    style=${style}
    data-level=${result.level}
    data-colour=${result.colour}
  >
    <span class="scheme" part="scheme">${scheme}${dayTag}</span>
    <span class="label" part="label">${label}${beyond}</span>
    ${pollutant ? html`<span class="pollutant" part="pollutant">${pollutant}</span>` : nothing} ${tag}
  </div>`;
}

export const badgeStyles = css`
  .badge {
    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 0.1em;
    padding: 0.55em 0.9em 0.6em;
    border-radius: var(--souffle-radius, 12px);
    min-width: 9em;
    box-shadow: inset 0 0 0 1px rgb(0 0 0 / 0.08);
  }
  .badge .scheme {
    font-size: 0.75em;
    font-weight: 600;
    letter-spacing: 0.02em;
    text-transform: uppercase;
  }
  .badge .label {
    font-size: 1.5em;
    font-weight: 700;
    line-height: 1.15;
  }
  .badge .pollutant {
    font-size: 0.85em;
  }
  .badge .beyond {
    font-size: 0.6em;
    font-weight: 600;
  }
  .indicative {
    display: inline-block;
    margin-top: 0.2em;
    padding: 0 0.45em;
    border: 1px solid currentColor;
    border-radius: 999px;
    font-size: 0.75em;
    font-weight: 600;
    cursor: help;
  }
  .badge.compact {
    flex-direction: row;
    align-items: center;
    gap: 0.4em;
    min-width: 0;
    padding: 0.15em 0.6em;
    border-radius: 999px;
    font-size: 0.85em;
    font-weight: 600;
    white-space: nowrap;
  }
  .badge.compact .indicative {
    margin: 0;
    font-size: 0.8em;
  }
`;
