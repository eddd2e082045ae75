// Station search for the dashboard and the embed builder: accent- and case-insensitive, on the
// name, the address (reference stations), the commune and the id, every word of the query must match. Pure: tested in
// tests/web-components/station-search.test.ts.
import type { StationSummary } from '../../data/api-types.js';

/** Lower case without diacritics: "Étang-de-Berre" → "etang-de-berre". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export type SourceFilter = 'all' | StationSummary['source'];

export function searchStations(
  stations: readonly StationSummary[],
  query: string,
  source: SourceFilter = 'all',
): StationSummary[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return stations
    .filter((s) => source === 'all' || s.source === source)
    .filter((s) => {
      const haystack = fold(`${s.name} ${s.address ?? ''} ${s.commune ?? ''} ${s.id}`);
      return words.every((w) => haystack.includes(w));
    })
    .sort(
      // Official stations first (the reference), then by name in French collation.
      (a, b) =>
        Number(b.source === 'atmosud') - Number(a.source === 'atmosud') || a.name.localeCompare(b.name, 'fr'),
    );
}
