// The words of <souffle-chart>, loaded with it (not part of the entry script).
import { translator, type Lang } from './i18n.js';

const fr = {
  range: 'Période',
  'range.24h': '24 h',
  'range.7d': '7 jours',
  'range.30d': '30 jours',
  'range.1y': '1 an',
  hourlyMeans: 'moyennes horaires',
  dailyMeans: 'moyennes journalières',
  who: 'Seuil OMS ({avg}) : {v} {unit}',
  'avg.24h': '24 h',
  'avg.8h': '8 h',
  'avg.annual': 'annuel',
  'avg.peak-season': 'saison',
  thisStation: 'Cette station',
  thisStationCorrected: 'Cette station, corrigée',
  thisStationRaw: 'Cette station, mesurée (avant correction)',
  correctedNote:
    'Valeurs du capteur corrigées par comparaison avec une station officielle voisine ; la ligne pointillée fine montre les valeurs mesurées.',
  measured: 'Mesurée',
  reference: 'AtmoSud {name} ({km} km)',
  noReference: 'Aucune station AtmoSud à proximité pour comparer.',
  table: 'Tableau des données',
  time: 'Date et heure',
  value: 'Valeur',
  incomplete: 'incomplète',
  noData: 'Aucune donnée sur cette période.',
  noSeries: 'Cette station ne mesure pas ce paramètre : {p}.',
  chartSummary: '{p}, {range} ({means}) : minimum {min}, moyenne {mean}, maximum {max} {unit}.',
} as const;

export type ChartMessageKey = keyof typeof fr;

const en: Record<ChartMessageKey, string> = {
  range: 'Period',
  'range.24h': '24 h',
  'range.7d': '7 days',
  'range.30d': '30 days',
  'range.1y': '1 year',
  hourlyMeans: 'hourly means',
  dailyMeans: 'daily means',
  who: 'WHO guideline ({avg}): {v} {unit}',
  'avg.24h': '24 h',
  'avg.8h': '8 h',
  'avg.annual': 'annual',
  'avg.peak-season': 'peak season',
  thisStation: 'This station',
  thisStationCorrected: 'This station, corrected',
  thisStationRaw: 'This station, measured (before correction)',
  correctedNote:
    'The sensor’s values are corrected against a nearby official station; the thin dotted line shows the measured values.',
  measured: 'Measured',
  reference: 'AtmoSud {name} ({km} km)',
  noReference: 'No AtmoSud station nearby to compare with.',
  table: 'Data table',
  time: 'Date and time',
  value: 'Value',
  incomplete: 'incomplete',
  noData: 'No data for this period.',
  noSeries: 'This station does not measure {p}.',
  chartSummary: '{p}, {range} ({means}): minimum {min}, mean {mean}, maximum {max} {unit}.',
};

export const ct = translator<ChartMessageKey>({ fr, en } satisfies Record<
  Lang,
  Record<ChartMessageKey, string>
>);
