// The two lines a teacher copies: the script tag with the absolute widget URL, and the element with
// only the attributes that differ from the defaults. Pure: tested in tests/web-components/snippet.test.ts.
import type { IndexScheme } from '../../data/indices.js';
import type { Lang } from '../i18n.js';
import type { SourceFilter } from './station-search.js';

export type WidgetTag = 'souffle-index' | 'souffle-card' | 'souffle-chart' | 'souffle-map';

/** Attribute values; `true` writes a bare boolean attribute, `false`/undefined/'' omit it. */
export type WidgetAttributes = Record<string, string | boolean | undefined>;

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The absolute URL of the widget entry, next to the page that builds the snippet. */
export function widgetScriptUrl(pageUrl: string): string {
  return new URL('./widgets/souffle.js', pageUrl).href;
}

export function elementMarkup(tag: WidgetTag, attributes: WidgetAttributes): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined && v !== false && v !== '')
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escapeAttribute(String(v))}"`))
    .join('');
  return `<${tag}${attrs}></${tag}>`;
}

export function embedSnippet(scriptUrl: string, tag: WidgetTag, attributes: WidgetAttributes): string {
  return `<script type="module" src="${escapeAttribute(scriptUrl)}"></script>\n${elementMarkup(tag, attributes)}`;
}

export type BuilderOptions = {
  tag: WidgetTag;
  station: string | undefined;
  scheme: IndexScheme;
  phenomenon: string;
  range: string;
  compare: boolean;
  lang: '' | Lang;
  refresh: string;
  source: SourceFilter;
};

/** The attributes of the chosen widget, defaults left out so the snippet stays short. */
export function widgetAttributes(o: BuilderOptions): WidgetAttributes {
  const common = { lang: o.lang || undefined, refresh: o.refresh === '5m' ? undefined : o.refresh };
  const scheme = o.scheme === 'atmo' ? undefined : o.scheme;
  switch (o.tag) {
    case 'souffle-index':
    case 'souffle-card':
      return { station: o.station, scheme, ...common };
    case 'souffle-chart':
      return {
        station: o.station,
        phenomenon: o.phenomenon === 'pm25' ? undefined : o.phenomenon,
        range: o.range === '7d' ? undefined : o.range,
        compare: o.compare,
        ...common,
      };
    case 'souffle-map':
      return { scheme, source: o.source === 'all' ? undefined : o.source, ...common };
  }
}

/** For sites that strip scripts: the station's card in an iframe (api/routes/embed-frame.ts). */
export function frameSnippet(pageUrl: string, station: string, lang: '' | Lang): string {
  const url = new URL(`./embed/card/${encodeURIComponent(station)}`, pageUrl);
  if (lang === 'en') url.searchParams.set('lang', 'en');
  const title = lang === 'en' ? 'Air quality' : 'Qualité de l’air';
  return `<iframe src="${escapeAttribute(url.href)}" title="${title}" width="360" height="480" style="border:0"></iframe>`;
}

/** For sites that strip scripts: the current index as an SVG image (api/routes/station-badge.ts). */
export function badgeSnippet(pageUrl: string, station: string, scheme: IndexScheme, lang: '' | Lang): string {
  const url = new URL(`./api/v1/stations/${encodeURIComponent(station)}/badge.svg`, pageUrl);
  if (scheme !== 'atmo') url.searchParams.set('scheme', scheme);
  if (lang === 'en') url.searchParams.set('lang', 'en');
  const alt = lang === 'en' ? 'Air-quality index' : 'Indice de la qualité de l’air';
  return `<img src="${escapeAttribute(url.href)}" width="320" height="56" alt="${alt}">`;
}
