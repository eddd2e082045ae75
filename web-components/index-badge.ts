// The index as a coloured badge, shared by <souffle-index> and <souffle-card>. The background is
// the scheme's official colour; the text is black or white, whichever meets WCAG AA on it.
import { css, html, nothing, type TemplateResult } from 'lit';
import type { IndexResult } from '../data/indices.js';
import { textColourFor } from '../data/contrast.js';
import { formatTime } from './format.js';
import { shortLabel, t, type Lang } from './i18n.js';

export type BadgeOptions = { lang: Lang; indicative: boolean; compact?: boolean };

/** What a badge draws: a full index (/index, /latest) or a list's summary (/stations?index=). */
export type BadgeIndex = Pick<
  IndexResult,
  'scheme' | 'available' | 'value' | 'level' | 'label' | 'colour' | 'dominant' | 'beyondIndex'
> &
  Partial<Pick<IndexResult, 'partial' | 'pollutants' | 'reason'>> & {
    date?: string | null;
    day?: 'today' | 'yesterday';
    indicative?: boolean;
    /** Computed from hours a co-location calibration corrected (docs/api.md, indices). */
    corrected?: boolean;
  };

/**
 * Which local day a daily index describes: "aujourd’hui" / "hier" as the API says (`day`: it knows
 * the zone of its local days, the reader's browser may not), or the date of a day asked for; an
 * index of now (no date) has none.
 */
export function dayNote(date: string | null | undefined, day: BadgeIndex['day'], lang: Lang): string {
  if (day) return t(lang, day);
  // A local date: formatted at noon UTC, it is the same calendar day in every zone near Europe.
  return date ? formatTime(Date.parse(`${date}T12:00:00Z`), lang, 'date', 'UTC') : '';
}

/** "(particules seules)" for an index of PM only, "(partiel)" for another partial one. The US AQI
 * classes only particles anyway: its name says so. */
function partialNote(result: BadgeIndex, lang: Lang): string {
  if (!result.partial || result.scheme === 'usaqi') return '';
  const pmOnly = (result.pollutants ?? []).every((p) => p === 'pm25' || p === 'pm10');
  return t(lang, pmOnly ? 'particlesOnly' : 'partial');
}

/** The words a badge says, also used as its accessible description. */
export function badgeText(
  result: BadgeIndex,
  lang: Lang,
): { scheme: string; day: string; label: string; pollutant: string; reason: string } {
  const value = result.scheme === 'usaqi' && result.value !== null ? `${result.value} · ` : '';
  const partial = result.available ? partialNote(result, lang) : '';
  return {
    scheme: t(lang, `index.${result.scheme}`) + (partial ? ` ${partial}` : ''),
    day: dayNote(result.date, result.day, lang),
    label: value + result.label[lang],
    pollutant: result.dominant ? t(lang, 'dominant', { p: shortLabel(result.dominant, lang) }) : '',
    reason: !result.available && result.reason ? t(lang, `reason.${result.reason}`) : '',
  };
}

export function renderIndexBadge(result: BadgeIndex, options: BadgeOptions): TemplateResult {
  const { lang, compact } = options;
  // "Indicative" qualifies a value: an unavailable index has none to qualify.
  const indicative = (result.indicative ?? options.indicative) && result.available;
  const { scheme, day, label, pollutant, reason } = badgeText(result, lang);
  const dayTag = day ? html`<span class="day" part="day"> · ${day}</span>` : nothing;
  const reasonTag = reason ? html`<span class="reason" part="reason">${reason}</span>` : nothing;
  const style = `background:${result.colour};color:${textColourFor(result.colour)}`;
  const beyond = result.beyondIndex
    ? html` <span class="beyond">(${t(lang, 'beyondIndex')})</span>`
    : nothing;
  const corrected = result.corrected === true && result.available;
  const correctedTag = corrected
    ? html`<span class="indicative corrected" part="corrected" title=${t(lang, 'correctedHint')}
        >${t(lang, 'correctedTag')}</span
      >`
    : nothing;
  const tag = indicative
    ? html`<span class="indicative" part="indicative" title=${t(lang, 'indicativeHint')}
        >${t(lang, 'indicative')}</span
      >`
    : nothing;
  if (compact) {
    const title = [
      scheme,
      day,
      label,
      reason,
      pollutant,
      indicative ? t(lang, 'indicativeHint') : '',
      corrected ? t(lang, 'correctedHint') : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return html`<span
      class="badge compact"
      part="badge"
      style=${style}
      title=${title}
      data-level=${result.level}
      ><span class="sr-only">${scheme} : </span><span part="label">${label}</span>${dayTag}${
        reason ? html`<span class="reason" part="reason"> · ${reason}</span>` : nothing
      }${
        indicative
          ? html`<span class="indicative" part="indicative">${t(lang, 'indicative')}</span>`
          : nothing
      }${
        corrected
          ? html`<span class="indicative corrected" part="corrected">${t(lang, 'correctedTag')}</span>`
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
    data-reason=${result.reason ?? nothing}
  >
    <span class="scheme" part="scheme">${scheme}${dayTag}</span>
    <span class="label" part="label">${label}${beyond}</span>
    ${reasonTag} ${pollutant ? html`<span class="pollutant" part="pollutant">${pollutant}</span>` : nothing}
    ${tag} ${correctedTag}
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
  .badge .pollutant,
  .badge .reason {
    font-size: 0.85em;
  }
  .badge.compact .reason {
    font-weight: 400;
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
