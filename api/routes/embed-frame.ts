// GET /embed/card/{id}: a whole page holding one station's card, for an <iframe> on sites that
// strip <script> from what their editors paste (school intranets, hosted blogs) but allow frames.
// The page is server-rendered: without JavaScript it shows the station, its index badge, its
// latest values and their source; with it, <souffle-card> takes over (its shadow root replaces the
// fallback, which is its light DOM) and follows new readings live. Any site may frame it
// (CSP frame-ancestors *, no X-Frame-Options); it runs only Souffle's own script.
import type { Context } from 'hono';
import type { LatestResponse } from '../../data/api-types.js';
import { formatValue, getPhenomenon } from '../../data/phenomena.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { stationPageUrl } from './station-qr.js';

const WORDS = {
  fr: {
    index: 'Indice de la qualité de l’air',
    values: 'Dernières valeurs',
    none: 'Aucune valeur récente.',
    source: 'Données',
    more: 'Voir la station sur Souffle',
    notFound: 'Station inconnue',
  },
  en: {
    index: 'Air-quality index',
    values: 'Latest values',
    none: 'No recent values.',
    source: 'Data',
    more: 'See the station on Souffle',
    notFound: 'Unknown station',
  },
} as const;

const esc = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Framing allowed everywhere; scripts, styles and data only from this server. */
export const EMBED_FRAME_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors *";

const STYLE = `body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Liberation Sans',sans-serif;color:#1d2433;background:#fff}
.fallback{padding:12px 16px;max-width:40rem}.fallback h1{font-size:1.2rem;margin:0 0 .5rem}
.fallback dl{display:grid;grid-template-columns:auto auto;gap:.2rem 1rem;margin:.75rem 0}.fallback dt{font-weight:600}
.fallback dd{margin:0}.fallback p{margin:.5rem 0;color:#4a5261;font-size:.9rem}.fallback a{color:#1d5fbf}
souffle-card{display:block;max-width:40rem}`;

function page(lang: 'fr' | 'en', title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style>
<script type="module" src="../../widgets/souffle.js"></script></head>
<body>${body}</body></html>
`;
}

export function registerEmbedFrameRoutes(app: ApiApp, deps: AppDeps): void {
  app.get('/embed/card/:id', async (c: Context) => {
    const id = c.req.param('id')!;
    const lang = c.req.query('lang') === 'en' ? 'en' : 'fr';
    const w = WORDS[lang];
    const headers = { 'Content-Security-Policy': EMBED_FRAME_CSP, 'Cache-Control': 'public, max-age=60' };
    // The fallback reads the public API as any client would (rounding, corrections, demo labels).
    const answer = await app.request(`/api/v1/stations/${encodeURIComponent(id)}/latest`);
    if (answer.status === 404) {
      const body = `<main class="fallback"><h1>${w.notFound}</h1><p>${esc(id)}</p></main>`;
      return c.html(page(lang, w.notFound, body), 404, headers);
    }
    if (!answer.ok) return c.text(`the station's data could not be read (${answer.status})`, 503);
    const latest = (await answer.json()) as LatestResponse;
    const { station } = latest;
    const values = latest.values.filter(
      (v, i, all) => all.findIndex((o) => o.phenomenon === v.phenomenon) === i && v.value !== null,
    );
    const rows = values
      .map((v) => {
        const label = getPhenomenon(v.phenomenon)?.label[lang] ?? v.phenomenon;
        return `<dt>${esc(label)}</dt><dd>${esc(formatValue(v.phenomenon, v.value!, lang))} ${esc(v.unit)}</dd>`;
      })
      .join('');
    const badge = `../../api/v1/stations/${encodeURIComponent(id)}/badge.svg?lang=${lang}`;
    const index = latest.indices.atmo;
    const link = stationPageUrl(deps.settings.publicUrl, id);
    const fallback = `<article class="fallback" aria-labelledby="name">
<h1 id="name">${esc(station.name)}</h1>
<img src="${esc(badge)}" width="320" height="56" alt="${esc(`${w.index}${lang === 'fr' ? ' : ' : ': '}${index.label[lang]}`)}">
<h2 class="sr-only" style="position:absolute;left:-9999px">${w.values}</h2>
${rows ? `<dl>${rows}</dl>` : `<p>${w.none}</p>`}
${station.attribution ? `<p>${w.source}${lang === 'fr' ? ' : ' : ': '}${esc(station.attribution)}</p>` : ''}
<p><a href="${esc(link)}" target="_top">${w.more}</a></p>
</article>`;
    const body = `<souffle-card station="${esc(id)}" lang="${lang}">${fallback}</souffle-card>`;
    return c.html(page(lang, `${station.name} · Souffle`, body), 200, headers);
  });
}
