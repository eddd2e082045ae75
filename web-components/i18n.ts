// The widgets' words in French and English. French is the default: Souffle serves the
// Aix-Marseille-Provence metropolis (docs/widgets.md: `lang=fr|en`, default the page's language, then French).
import { getPhenomenon } from '../data/phenomena.js';

export type Lang = 'fr' | 'en';

const fr = {
  loading: 'Chargement…',
  errorTitle: 'Données indisponibles',
  errorNetwork: 'Le serveur Souffle ne répond pas. Nouvel essai dans quelques minutes.',
  errorNotFound: 'Station inconnue : « {id} ».',
  errorServer: 'Le serveur a répondu : {message}',
  missingStation: 'Indiquez une station avec l’attribut station="…".',
  staleData: 'Mise à jour impossible ; données de {time}.',
  'index.atmo': 'Indice ATMO',
  'index.eaqi': 'Indice européen',
  'index.usaqi': 'AQI (États-Unis)',
  indicative: 'indicatif',
  indicativeHint: 'Calculé par Souffle : indicatif. L’indice officiel est celui de la commune.',
  correctedTag: 'corrigé',
  correctedHint:
    'Calculé sur les valeurs du capteur corrigées par comparaison avec une station officielle voisine.',
  dominant: 'Polluant principal : {p}',
  beyondIndex: 'au-delà de l’échelle',
  particlesOnly: '(particules seules)',
  partial: '(partiel)',
  'reason.not-enough-hours': 'trop peu d’heures mesurées',
  'reason.no-pollutant': 'aucun polluant de l’indice mesuré',
  'reason.no-recent-hour': 'pas de moyenne horaire récente',
  today: 'aujourd’hui',
  yesterday: 'hier',
  official: 'Station officielle',
  citizen: 'Capteur citoyen',
  indoor: 'intérieur',
  lastReading: 'Dernière mesure {relative}',
  lastHourlyMean: 'Dernière moyenne horaire : {from}–{to}',
  noDataSince: 'Pas de données depuis le {date}',
  neverSeen: 'Aucune mesure reçue pour l’instant',
  noValues: 'Aucune valeur récente',
  sparkline: '{p} sur 24 h : de {min} à {max} {unit}',
  source: 'Données : {x}',
  'status.online': 'en ligne',
  'status.offline': 'hors ligne',
  'status.never': 'jamais vue',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  loading: 'Loading…',
  errorTitle: 'Data unavailable',
  errorNetwork: 'The Souffle server is not responding. Trying again in a few minutes.',
  errorNotFound: 'Unknown station "{id}".',
  errorServer: 'The server answered: {message}',
  missingStation: 'Name a station with the station="…" attribute.',
  staleData: 'Update failed; showing data from {time}.',
  'index.atmo': 'ATMO index',
  'index.eaqi': 'European AQI',
  'index.usaqi': 'US AQI',
  indicative: 'indicative',
  indicativeHint: 'Computed by Souffle: indicative. The official index is the commune’s.',
  correctedTag: 'corrected',
  correctedHint: 'Computed from the sensor’s values corrected against a nearby official station.',
  dominant: 'Main pollutant: {p}',
  beyondIndex: 'beyond the index',
  particlesOnly: '(particles only)',
  partial: '(partial)',
  'reason.not-enough-hours': 'too few hours measured',
  'reason.no-pollutant': 'no pollutant of the index measured',
  'reason.no-recent-hour': 'no recent hourly mean',
  today: 'today',
  yesterday: 'yesterday',
  official: 'Official station',
  citizen: 'Citizen sensor',
  indoor: 'indoor',
  lastReading: 'Last reading {relative}',
  lastHourlyMean: 'Latest hourly mean: {from}–{to}',
  noDataSince: 'No data since {date}',
  neverSeen: 'No readings received yet',
  noValues: 'No recent values',
  sparkline: '{p} over 24 h: {min} to {max} {unit}',
  source: 'Data: {x}',
  'status.online': 'online',
  'status.offline': 'offline',
  'status.never': 'never seen',
};

export type Translate<K extends string> = (
  lang: Lang,
  key: K,
  params?: Record<string, string | number>,
) => string;

/** A `t(lang, key, params)` over one dictionary, with `{name}` placeholders replaced. The chart's
 * and the map's words live in their own lazily loaded modules, out of the entry's byte budget. */
export function translator<K extends string>(messages: Record<Lang, Record<K, string>>): Translate<K> {
  return (lang, key, params = {}) =>
    messages[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** The words of the entry's elements (index, card) and of every widget's states. */
export const t = translator<MessageKey>({ fr, en });

/** `fr` or `en` from a language tag such as "en-GB"; undefined for any other language. */
export function toLang(tag: string | null | undefined): Lang | undefined {
  const base = tag?.trim().toLowerCase().split('-')[0];
  return base === 'fr' || base === 'en' ? base : undefined;
}

/**
 * The language of an element: its own `lang` attribute, else the nearest ancestor's (which
 * includes the page's <html lang>), else French. A language we do not speak falls through.
 */
export function resolveLang(element: Element): Lang {
  const own = toLang(element.getAttribute('lang'));
  if (own) return own;
  const host = element.parentElement?.closest('[lang]') ?? element.ownerDocument.documentElement;
  return toLang(host.getAttribute('lang')) ?? 'fr';
}

// Chemical formulas with subscripts read better than the registry's long names in a compact card.
const SHORT: Record<string, string> = {
  pm1: 'PM1',
  pm25: 'PM2.5',
  pm10: 'PM10',
  no2: 'NO₂',
  o3: 'O₃',
  so2: 'SO₂',
  co: 'CO',
  co2: 'CO₂',
};

/** A short label for a phenomenon code: a formula for pollutants, the registry's name otherwise. */
export function shortLabel(code: string, lang: Lang): string {
  return SHORT[code] ?? getPhenomenon(code)?.label[lang] ?? code;
}

/** The registry's full name of a phenomenon ("Particules fines PM2.5"), or the code. */
export function longLabel(code: string, lang: Lang): string {
  return getPhenomenon(code)?.label[lang] ?? code;
}
