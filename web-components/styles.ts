// Styles every widget shares. Theming goes through CSS custom properties (which cross the shadow
// boundary) and ::part; docs/widgets.md lists them. Defaults meet WCAG AA on white.
import { css, html, type TemplateResult } from 'lit';
import { ApiError } from './api-client.js';
import { t, type Lang } from './i18n.js';

export const baseStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(
      --souffle-font,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Liberation Sans',
      'DejaVu Sans',
      sans-serif
    );
    font-size: var(--souffle-font-size, 1rem);
    line-height: 1.4;
    color: var(--souffle-fg, #1d2433);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .muted {
    color: var(--souffle-muted, #545d6b);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .error {
    border-left: 4px solid var(--souffle-danger, #b42318);
    background: var(--souffle-error-bg, #fef3f2);
    color: var(--souffle-error-fg, #7a271a);
    padding: 0.6em 0.9em;
    border-radius: var(--souffle-radius-small, 6px);
    font-size: 0.9em;
  }
  .error strong {
    display: block;
  }
  .stale {
    font-size: 0.8em;
    color: var(--souffle-error-fg, #7a271a);
  }
  .loading {
    color: var(--souffle-muted, #545d6b);
    font-size: 0.9em;
  }
`;

/** The sentence a reader sees for a failed load. */
export function errorMessage(error: Error, lang: Lang, station?: string): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t(lang, 'errorNetwork');
    if (error.status === 404 && station) return t(lang, 'errorNotFound', { id: station });
    return t(lang, 'errorServer', { message: error.message });
  }
  return t(lang, 'errorNetwork');
}

/** A readable error box in place of the widget (never a broken widget: docs/widgets.md). */
export function renderError(
  error: Error,
  lang: Lang,
  station?: string,
  message = errorMessage(error, lang, station),
): TemplateResult {
  return html`<div class="error" part="error" role="status">
    <strong>${t(lang, 'errorTitle')}<span class="sr-only">.</span></strong>
    ${message}
  </div>`;
}

export function renderMissingStation(lang: Lang): TemplateResult {
  return html`<div class="error" part="error" role="status">
    <strong>${t(lang, 'errorTitle')}<span class="sr-only">.</span></strong> ${t(lang, 'missingStation')}
  </div>`;
}

export function renderLoading(lang: Lang): TemplateResult {
  return html`<div class="loading" part="loading" aria-busy="true">${t(lang, 'loading')}</div>`;
}
