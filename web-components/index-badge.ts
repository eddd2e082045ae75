// The index as a coloured badge, shared by <souffle-index> and <souffle-card>. The background is
// the scheme's official colour; the text is black or white, whichever meets WCAG AA on it.
import { css, html, nothing, type TemplateResult } from 'lit';
import type { IndexResult } from '../data/indices.js';
import { textColourFor } from './contrast.js';
import { shortLabel, t, type Lang } from './i18n.js';

export type BadgeOptions = { lang: Lang; indicative: boolean; compact?: boolean };

/** The words a badge says, also used as its accessible description. */
export function badgeText(
  result: IndexResult,
  lang: Lang,
): { scheme: string; label: string; pollutant: string } {
  const value = result.scheme === 'usaqi' && result.value !== null ? `${result.value} · ` : '';
  return {
    scheme: t(lang, `index.${result.scheme}`),
    label: value + result.label[lang],
    pollutant: result.dominant ? t(lang, 'dominant', { p: shortLabel(result.dominant, lang) }) : '',
  };
}

export function renderIndexBadge(result: IndexResult, options: BadgeOptions): TemplateResult {
  const { lang, compact } = options;
  // "Indicative" qualifies a value: an unavailable index has none to qualify.
  const indicative = options.indicative && result.available;
  const { scheme, label, pollutant } = badgeText(result, lang);
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
    const title = [scheme, label, pollutant, indicative ? t(lang, 'indicativeHint') : '']
      .filter(Boolean)
      .join(' · ');
    return html`<span
      class="badge compact"
      part="badge"
      style=${style}
      title=${title}
      data-level=${result.level}
      ><span class="sr-only">${scheme} : </span><span part="label">${label}</span>${
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
    <span class="scheme" part="scheme">${scheme}</span>
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
