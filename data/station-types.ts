// Types of monitoring station, after the EU air quality directive (2008/50/EC Annex III; Decision
// 2011/850/EU): the type of influence (background, traffic, industrial), and for background
// stations the area around them (urban, suburban, rural). Browser-safe: the widgets name them.
export const STATION_TYPES = [
  'urban-background',
  'suburban-background',
  'rural-background',
  'traffic',
  'industrial',
] as const;
export type StationType = (typeof STATION_TYPES)[number];

export function isStationType(text: string): text is StationType {
  return (STATION_TYPES as readonly string[]).includes(text);
}

/** Background stations read the air away from any one source: the default reference for a sensor. */
export function isBackground(type: StationType | null): boolean {
  return type !== null && type.endsWith('-background');
}

/** The type in words, for explanations and the widgets. */
export const STATION_TYPE_WORDS: Readonly<Record<StationType, { fr: string; en: string }>> = {
  'urban-background': { fr: 'urbaine de fond', en: 'urban background' },
  'suburban-background': { fr: 'périurbaine de fond', en: 'suburban background' },
  'rural-background': { fr: 'rurale de fond', en: 'rural background' },
  traffic: { fr: 'trafic', en: 'traffic' },
  industrial: { fr: 'industrielle', en: 'industrial' },
};
