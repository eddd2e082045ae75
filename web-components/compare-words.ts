// The words of <souffle-compare>, loaded with it (not part of the entry script): the reference
// station and why it was chosen, and the agreement in sentences a teacher can read out, each with
// the statistic it comes from in brackets for those who want it (docs/methods.md explains them).
import type { CompareResponse } from '../data/api-types.js';
import { STATION_TYPE_WORDS, type StationType } from '../data/station-types.js';
import { formatNumber } from './format.js';
import { translator, type Lang } from './i18n.js';

const fr = {
  title: 'Comparaison avec AtmoSud',
  range: 'Période',
  'range.7d': '7 jours',
  'range.30d': '30 jours',
  chosen: 'Station de référence : {name}, station {type}, à {distance}.',
  chosenAsked: 'Station de référence choisie : {name}, station {type}, à {distance}.',
  unknownType: 'de type inconnu',
  passedOverRoad:
    'La station {name} ({type}, {distance}), plus proche, n’a pas été retenue : elle mesure l’air d’une route ou d’une usine, pas celui du quartier.',
  passedOverUnknown:
    'La station {name} ({distance}), plus proche, n’a pas été retenue : son type n’est pas connu.',
  none: 'Aucune station AtmoSud de fond à moins de {distance} ne mesure ce polluant.',
  noneNearest: 'La plus proche qui le mesure est {name} ({type}, {distance}).',
  notEnough: 'Pas encore assez d’heures mesurées ensemble pour juger : {n}, il en faut au moins {min}.',
  paired: 'Sur {n} heures mesurées par les deux ({pct} % de la période) :',
  biasLow: 'en moyenne, ce capteur indique {v} {unit} de moins que la station ({s} contre {r}) ;',
  biasHigh: 'en moyenne, ce capteur indique {v} {unit} de plus que la station ({s} contre {r}) ;',
  biasNone: 'en moyenne, ce capteur et la station indiquent presque la même chose ({s} contre {r}) ;',
  gap: 'd’une heure à l’autre, l’écart habituel est de {v} {unit} (RMSE) ;',
  'follow.close':
    'il suit de près les hausses et les baisses de la station ({pct} % de ses variations, R² = {r2}) ;',
  'follow.partly':
    'il suit en partie les hausses et les baisses de la station ({pct} % de ses variations, R² = {r2}) ;',
  'follow.poorly':
    'il suit mal les hausses et les baisses de la station ({pct} % de ses variations, R² = {r2}) ;',
  slope: 'quand la station monte de 10 {unit}, ce capteur monte de {v} {unit} (pente {slope}).',
  daily: 'Sur les moyennes de {days} journées complètes : écart moyen {bias} {unit}, R² = {r2}.',
  corrected:
    'Après correction ({description}) : écart habituel {after} {unit} au lieu de {before} {unit}, écart moyen {bias} {unit}.',
  correctedLine: 'Ce capteur, corrigé',
  figures: 'Les chiffres',
  statistic: 'Statistique',
  hourly: 'Heures',
  days: 'Jours',
  raw: 'brut',
  correctedShort: 'corrigé',
  'stat.n': 'Paires (n)',
  'stat.bias': 'Écart moyen (biais)',
  'stat.mae': 'Écart absolu moyen (MAE)',
  'stat.rmse': 'Écart quadratique moyen (RMSE)',
  'stat.r2': 'R²',
  'stat.slope': 'Pente',
  'stat.intercept': 'Ordonnée à l’origine',
  chartLabel: 'Moyennes horaires de ce capteur et de la station {name}, {range}.',
  noData: 'Aucune donnée sur cette période.',
} as const;

export type CompareWordKey = keyof typeof fr;

const en: Record<CompareWordKey, string> = {
  title: 'Compared with AtmoSud',
  range: 'Period',
  'range.7d': '7 days',
  'range.30d': '30 days',
  chosen: 'Reference station: {name} ({type} station, {distance} away).',
  chosenAsked: 'Reference station as chosen: {name} ({type} station, {distance} away).',
  unknownType: 'unclassified',
  passedOverRoad:
    'The nearer {name} station ({type}, {distance}) was left aside: it measures the air of a road or a plant, not of the neighbourhood.',
  passedOverUnknown: 'The nearer {name} station ({distance}) was left aside: its type is not known.',
  none: 'No AtmoSud background station within {distance} measures this pollutant.',
  noneNearest: 'The nearest that does is {name} ({type}, {distance}).',
  notEnough: 'Not enough hours measured by both yet to judge: {n}, at least {min} are needed.',
  paired: 'Over {n} hours measured by both ({pct} % of the period):',
  biasLow: 'on average, this sensor reads {v} {unit} lower than the station ({s} against {r});',
  biasHigh: 'on average, this sensor reads {v} {unit} higher than the station ({s} against {r});',
  biasNone: 'on average, this sensor and the station read almost the same ({s} against {r});',
  gap: 'from one hour to the next, the usual gap is {v} {unit} (RMSE);',
  'follow.close':
    'it closely follows the rises and falls of the station ({pct} % of its variation, R² = {r2});',
  'follow.partly':
    'it partly follows the rises and falls of the station ({pct} % of its variation, R² = {r2});',
  'follow.poorly':
    'it poorly follows the rises and falls of the station ({pct} % of its variation, R² = {r2});',
  slope: 'when the station rises by 10 {unit}, this sensor rises by {v} {unit} (slope {slope}).',
  daily: 'On the means of {days} complete days: mean gap {bias} {unit}, R² = {r2}.',
  corrected:
    'After correction ({description}): usual gap {after} {unit} instead of {before} {unit}, R² = {r2}.',
  correctedLine: 'This sensor, corrected',
  figures: 'The figures',
  statistic: 'Statistic',
  hourly: 'Hours',
  days: 'Days',
  raw: 'raw',
  correctedShort: 'corrected',
  'stat.n': 'Pairs (n)',
  'stat.bias': 'Mean gap (bias)',
  'stat.mae': 'Mean absolute gap (MAE)',
  'stat.rmse': 'Root mean square gap (RMSE)',
  'stat.r2': 'R²',
  'stat.slope': 'Slope',
  'stat.intercept': 'Intercept',
  chartLabel: 'Hourly means of this sensor and of the {name} station, {range}.',
  noData: 'No data for this period.',
};

export const cw = translator<CompareWordKey>({ fr, en } satisfies Record<
  Lang,
  Record<CompareWordKey, string>
>);

export const typeWords = (type: StationType | null, lang: Lang): string =>
  type === null ? cw(lang, 'unknownType') : STATION_TYPE_WORDS[type][lang];

export const distanceWords = (metres: number, lang: Lang): string =>
  metres < 1000 ? `${Math.round(metres)} m` : `${formatNumber(metres / 1000, lang)} km`;

/** Below this gap the sensor and the station "read almost the same": a sensor's resolution. */
const SAME_WITHIN = 0.5;

/** The agreement in sentences, in order; empty when there is nothing to judge. */
export function agreementSentences(body: CompareResponse, lang: Lang): string[] {
  const h = body.metrics.hourly;
  const unit = body.unit;
  const n = (v: number, d = 1) => formatNumber(v, lang, d);
  if (!h.enough || h.bias === null || h.rmse === null)
    return body.reference ? [cw(lang, 'notEnough', { n: h.n, min: 24 })] : [];
  const out = [cw(lang, 'paired', { n: h.n, pct: Math.round(body.metrics.coverage.fraction * 100) })];
  const values = { v: n(Math.abs(h.bias)), unit, s: n(h.meanSensor!), r: n(h.meanReference!) };
  out.push(
    cw(lang, Math.abs(h.bias) < SAME_WITHIN ? 'biasNone' : h.bias < 0 ? 'biasLow' : 'biasHigh', values),
  );
  out.push(cw(lang, 'gap', { v: n(h.rmse), unit }));
  if (h.r2 !== null) {
    const key = h.r2 >= 0.7 ? 'follow.close' : h.r2 >= 0.4 ? 'follow.partly' : 'follow.poorly';
    out.push(cw(lang, key, { pct: Math.round(h.r2 * 100), r2: n(h.r2, 2) }));
  }
  if (h.slope !== null) out.push(cw(lang, 'slope', { v: n(h.slope * 10), unit, slope: n(h.slope, 2) }));
  const d = body.metrics.daily;
  if (d.enough && d.bias !== null && d.r2 !== null)
    out.push(cw(lang, 'daily', { days: d.days, bias: n(d.bias), unit, r2: n(d.r2, 2) }));
  const c = body.correction;
  if (c && c.metrics.hourly.rmse !== null && c.metrics.hourly.bias !== null)
    out.push(
      cw(lang, 'corrected', {
        description: c.description,
        after: n(c.metrics.hourly.rmse),
        before: n(h.rmse),
        unit,
        bias: n(c.metrics.hourly.bias),
      }),
    );
  return out;
}
