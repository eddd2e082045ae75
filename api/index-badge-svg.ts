// The SVG badge of a station's current index, for sites that strip scripts (school intranets,
// hosted blogs): an <img> shows it, and so does any page that cannot run the widgets. It carries
// its own accessible name (role="img", <title> and <desc>), text in black or white whichever
// contrasts more with the index colour (data/contrast.ts, WCAG AA), and no external reference.
import { textColourFor } from '../data/contrast.js';
import type { CurrentIndex } from '../data/api-types.js';

export type BadgeLang = 'fr' | 'en';

const WORDS = {
  fr: {
    atmo: 'Indice ATMO',
    eaqi: 'Indice européen',
    usaqi: 'AQI (États-Unis)',
    today: 'aujourd’hui',
    yesterday: 'hier',
    indicative: 'indicatif',
    demo: 'Démonstration',
  },
  en: {
    atmo: 'ATMO index',
    eaqi: 'European index',
    usaqi: 'US AQI',
    today: 'today',
    yesterday: 'yesterday',
    indicative: 'indicative',
    demo: 'Demonstration',
  },
} as const;

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const shorten = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export type BadgeInput = { name: string; index: CurrentIndex; lang: BadgeLang; demo: boolean };

/** The badge's words: its accessible name and the line under the station's name. */
export function badgeWords({ name, index, lang, demo }: BadgeInput) {
  const w = WORDS[lang];
  const day = index.day ? w[index.day] : undefined;
  const detail = [demo ? w.demo : undefined, w[index.scheme], day, index.available ? w.indicative : undefined]
    .filter(Boolean)
    .join(' · ');
  return { title: `${name}: ${w[index.scheme]} ${index.label[lang]}`, detail, label: index.label[lang] };
}

export const BADGE_SIZE = { width: 320, height: 56 };

export function indexBadgeSvg(input: BadgeInput): string {
  const { title, detail, label } = badgeWords(input);
  const { width, height } = BADGE_SIZE;
  const box = { x: 178, width: 134 };
  const fg = textColourFor(input.index.colour);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="t d" lang="${input.lang}">
<title id="t">${escapeXml(title)}</title>
<desc id="d">${escapeXml(`${detail}. Souffle`)}</desc>
<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="8" fill="#ffffff" stroke="#c3c9d2"/>
<g font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', 'DejaVu Sans', sans-serif">
<text x="12" y="24" font-size="14" font-weight="700" fill="#1d2433">${escapeXml(shorten(input.name, 22))}</text>
<text x="12" y="43" font-size="11" fill="#4a5261">${escapeXml(shorten(detail, 30))}</text>
<rect x="${box.x}" y="8" width="${box.width}" height="${height - 16}" rx="6" fill="${escapeXml(input.index.colour)}"/>
<text x="${box.x + box.width / 2}" y="${height / 2 + 5}" font-size="${label.length > 14 ? 11 : 14}" font-weight="700" text-anchor="middle" fill="${fg}">${escapeXml(label)}</text>
</g>
</svg>
`;
}
