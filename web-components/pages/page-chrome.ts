// The header and footer both pages share: brand, navigation, the language switch.
import { html, type TemplateResult } from 'lit';
import type { Lang } from '../i18n.js';
import { pt } from './page-i18n.js';

const LOGO = html`<svg class="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
  <circle cx="16" cy="16" r="15" fill="#1d5fbf" />
  <path
    d="M7 12.5h11.5a3.5 3.5 0 1 0-3.5-3.5M7 17h16a3.5 3.5 0 1 1-3.5 3.5M7 21.5h7"
    fill="none"
    stroke="#ffffff"
    stroke-width="2.2"
    stroke-linecap="round"
  />
</svg>`;

export function renderHeader(
  lang: Lang,
  active: 'map' | 'embed' | 'join' | 'my',
  onSwitch: () => void,
): TemplateResult {
  return html`<header class="site-header">
    <div class="site-header__inner">
      <a class="brand" href="./${lang === 'en' ? '?lang=en' : ''}">
        ${LOGO}<span class="brand__name">Souffle</span
        ><span class="brand__tagline">${pt(lang, 'brandTagline')}</span>
      </a>
      <nav aria-label="Souffle">
        <a href="./#/" aria-current=${active === 'map' ? 'page' : 'false'}>${pt(lang, 'navMap')}</a>
        <a href="./embed" aria-current=${active === 'embed' ? 'page' : 'false'}>${pt(lang, 'navEmbed')}</a>
        <a href="./join" aria-current=${active === 'join' ? 'page' : 'false'}>${pt(lang, 'navJoin')}</a>
        <a href="./my" aria-current=${active === 'my' ? 'page' : 'false'}>${pt(lang, 'navMy')}</a>
        <button
          type="button"
          class="lang-switch"
          lang=${lang === 'fr' ? 'en' : 'fr'}
          aria-label=${pt(lang, 'switchLangLabel')}
          @click=${onSwitch}
        >
          ${pt(lang, 'switchLang')}
        </button>
      </nav>
    </div>
  </header>`;
}

export function renderFooter(lang: Lang): TemplateResult {
  return html`<footer class="site-footer">
    <p>${pt(lang, 'footerData')}</p>
    <p>
      <a href="./api/v1/docs">${pt(lang, 'footerApi')}</a> ·
      <span>${pt(lang, 'footerCode')}</span>
    </p>
  </footer>`;
}
