// How a station's source is named on the map and the pages: official, citizen, or the network an
// imported kit comes from (ingest/networks/). Kept out of i18n.ts so that the widget entry (the
// card and the index, 15 KiB gzip) does not carry it: the card names an imported kit's network in
// its data line (attribution).
import { t, type Lang } from './i18n.js';

/** Networks Souffle imports kits from: proper names, the same in every language. */
export const NETWORK_NAMES: Readonly<Record<string, string>> = {
  'sensor.community': 'Sensor.Community',
  opensensemap: 'openSenseMap',
};

/** What a station is, by its source. */
export function sourceLabel(lang: Lang, source: string): string {
  if (source === 'atmosud') return t(lang, 'official');
  return NETWORK_NAMES[source] ?? t(lang, 'citizen');
}

/** A station's source as a CSS class name ("sensor.community" → "sensor-community"). */
export const sourceClass = (source: string): string => source.replace(/[^a-z0-9-]/gi, '-');
