// How the pages name a station's source: the filter of the dashboard's list and the tag of each
// station. Official and citizen are Souffle's words; an imported kit is named by its network
// (Sensor.Community, openSenseMap), and that network's filter shows only when it has stations.
import type { Lang } from '../i18n.js';
import { NETWORK_NAMES } from '../source-names.js';
import { pt } from './page-i18n.js';
import type { SourceFilter } from './station-search.js';

const IMPORTED = Object.keys(NETWORK_NAMES) as SourceFilter[];

/** The filters of the list: every station, official, citizen, then each network with stations. */
export function sourceFilters(count: (source: SourceFilter) => number): SourceFilter[] {
  return ['all', 'atmosud', 'citizen', ...IMPORTED.filter((s) => count(s) > 0)];
}

export function filterLabel(lang: Lang, source: SourceFilter): string {
  if (source === 'all' || source === 'citizen') return pt(lang, source);
  return source === 'atmosud' ? pt(lang, 'official') : (NETWORK_NAMES[source] ?? source);
}

/** The short tag beside a station's name. */
export function sourceTag(lang: Lang, source: string): string {
  if (source === 'atmosud') return pt(lang, 'officialTag');
  return NETWORK_NAMES[source] ?? pt(lang, 'citizenTag');
}
