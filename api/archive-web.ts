// The open-data archive (SOUFFLE_ARCHIVE_DIR, built by `souffle archive build`) served read-only
// under /archive/: its files with their proper types (Parquet, gzip, zip, YAML for CITATION.cff),
// revalidated by ETag because a month's files are rewritten when AtmoSud corrects them; and at
// /archive/ an index page, in French or English (?lang=, else Accept-Language), generated from
// the manifest: what the archive holds, how to cite it, and a link to every file.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Context } from 'hono';
import { DATABASE_LICENCE, readManifest, type Manifest } from '../data/index.js';
import type { ApiApp } from './app-deps.js';
import { serveFile } from './static-web.js';

/** Types by how a file's name ends (longest first: .csv.gz before .gz). */
const TYPES: [string, string][] = [
  ['.parquet', 'application/vnd.apache.parquet'],
  ['.csv.gz', 'application/gzip'],
  ['.zip', 'application/zip'],
  ['.json', 'application/json'],
  ['.cff', 'application/yaml; charset=utf-8'],
  ['SHA256SUMS', 'text/plain; charset=utf-8'],
];

const WORDS = {
  fr: {
    title: 'Archive des données ouvertes',
    intro:
      'Les mesures brutes de cette plateforme Souffle, une partition par source et par mois (UTC), en Parquet et en CSV compressé (gzip), avec les mêmes colonnes que l’export de l’API.',
    empty: 'L’archive n’a pas encore été construite (souffle archive build).',
    version: 'Version',
    cite: 'Citer ces données',
    licence: 'Licence',
    files: 'Fichiers décrivant l’archive',
    datapackage: 'description Frictionless Data Package',
    citation: 'citation (Citation File Format)',
    sums: 'sommes de contrôle SHA-256',
    zip: 'instantané complet à déposer (Zenodo, data.gouv.fr)',
    partitions: 'Partitions',
    source: 'Source',
    month: 'Mois',
    rows: 'Lignes',
    written: 'Écrite le',
    other: 'English',
    otherLang: 'en',
    number: (n: number) => n.toLocaleString('fr-FR'),
    bytes: (n: number) => `${(n / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 0 })} Kio`,
  },
  en: {
    title: 'Open-data archive',
    intro:
      'The raw readings of this Souffle platform, one partition per source and UTC month, as Parquet and gzipped CSV, with the same columns as the API’s export.',
    empty: 'The archive has not been built yet (souffle archive build).',
    version: 'Version',
    cite: 'Cite these data',
    licence: 'Licence',
    files: 'Files describing the archive',
    datapackage: 'Frictionless Data Package description',
    citation: 'citation (Citation File Format)',
    sums: 'SHA-256 checksums',
    zip: 'complete snapshot to deposit (Zenodo, data.gouv.fr)',
    partitions: 'Partitions',
    source: 'Source',
    month: 'Month',
    rows: 'Rows',
    written: 'Written',
    other: 'Français',
    otherLang: 'fr',
    number: (n: number) => n.toLocaleString('en-GB'),
    bytes: (n: number) => `${(n / 1024).toLocaleString('en-GB', { maximumFractionDigits: 0 })} KiB`,
  },
};
type Lang = keyof typeof WORDS;

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

function langOf(c: Context): Lang {
  const asked = c.req.query('lang');
  if (asked === 'fr' || asked === 'en') return asked;
  return /^\s*en\b/i.test(c.req.header('Accept-Language') ?? '') ? 'en' : 'fr';
}

function indexPage(lang: Lang, m: Manifest | null, citation: string | null): string {
  const w = WORDS[lang];
  const parts = m ? Object.entries(m.partitions) : [];
  const link = (href: string, text: string) => `<a href="${escape(href)}">${escape(text)}</a>`;
  const rows = parts
    .map(
      ([key, p]) =>
        `<tr><th scope="row">${escape(p.source)}</th><td>${escape(p.month)}</td><td class="n">${w.number(p.rows)}</td>` +
        `<td>${link(p.parquet.path, 'Parquet')} (${w.bytes(p.parquet.bytes)})</td><td>${link(p.csv.path, 'CSV.gz')} (${w.bytes(p.csv.bytes)})</td>` +
        `<td>${escape(p.written.slice(0, 10))}</td></tr><!-- ${escape(key)} -->`,
    )
    .join('\n');
  const zip = m?.version ? `snapshots/souffle-archive-${m.version}.zip` : null;
  const body = !m
    ? `<p>${w.empty}</p>`
    : `<p>${w.version} <strong>${escape(m.version ?? '—')}</strong> · ${w.licence} ${link(DATABASE_LICENCE.url, DATABASE_LICENCE.id)}: ${escape(DATABASE_LICENCE.attribution)}</p>
<h2>${w.files}</h2>
<ul>
<li>${link('datapackage.json', 'datapackage.json')}: ${w.datapackage}</li>
<li>${link('CITATION.cff', 'CITATION.cff')}: ${w.citation}</li>
<li>${link('SHA256SUMS', 'SHA256SUMS')}: ${w.sums}</li>
${zip ? `<li>${link(zip, zip)}: ${w.zip}</li>` : ''}
</ul>
${citation ? `<h2>${w.cite}</h2>\n<pre>${escape(citation)}</pre>` : ''}
<h2>${w.partitions}</h2>
<div class="scroll" role="region" aria-label="${w.partitions}" tabindex="0"><table>
<thead><tr><th scope="col">${w.source}</th><th scope="col">${w.month}</th><th scope="col">${w.rows}</th><th scope="col">Parquet</th><th scope="col">CSV</th><th scope="col">${w.written}</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Souffle: ${w.title}</title>
<style>
body{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a;background:#fff}
a{color:#0b57a4}a:focus-visible,.scroll:focus-visible{outline:3px solid #0b57a4;outline-offset:2px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ccc}
td.n{text-align:right}.scroll{overflow-x:auto}pre{background:#f4f4f4;padding:.75rem;overflow-x:auto;white-space:pre-wrap}
nav{float:right}
</style></head>
<body>
<header><nav><a href="?lang=${w.otherLang}" lang="${w.otherLang}" hreflang="${w.otherLang}">${w.other}</a></nav>
<p><a href="/">Souffle</a></p></header>
<main>
<h1>${w.title}</h1>
<p>${w.intro}</p>
${body}
</main>
</body></html>
`;
}

export function registerArchiveWeb(app: ApiApp, archiveDir: string): void {
  const root = resolve(archiveDir);
  app.get('/archive', (c) => c.redirect('/archive/', 301));
  app.get('/archive/', async (c) => {
    let manifest: Manifest | null = null;
    let citation: string | null = null;
    try {
      const m = readManifest(root);
      if (m.version !== null) manifest = m;
      citation = await readFile(resolve(root, 'CITATION.cff'), 'utf8').catch(() => null);
    } catch {
      manifest = null;
    }
    return c.html(indexPage(langOf(c), manifest, citation), 200, {
      'Cache-Control': 'no-cache',
      'Content-Language': langOf(c),
      Vary: 'Accept-Language',
    });
  });
  app.get('/archive/*', async (c) => {
    const relative = decodeURIComponent(c.req.path.slice('/archive/'.length));
    // The build's own bookkeeping and unfinished files are not published.
    if (relative.endsWith('.partial')) return c.notFound();
    const type = TYPES.find(([end]) => relative.endsWith(end))?.[1] ?? 'application/octet-stream';
    const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    return (await serveFile(c, root, relative, headers, type)) ?? c.notFound();
  });
}
