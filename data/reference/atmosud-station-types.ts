// What each AtmoSud station measures the air of: its type of influence in the sense of the EU air
// quality directive (2008/50/EC, Annex III and the 2011/850/EU reporting decision): "background"
// stations read the air most people breathe, away from any one source; "traffic" stations the air
// beside a busy road; "industrial" ones the plume of a plant. A citizen sensor on a balcony or a
// school roof is compared by default with a background station (data/reference-choice.ts).
//
// AtmoSud's open-data station list carries no type field, so the types come from here. Source:
// AtmoSud's station pages as summarised in the project's reference notes on the AtmoSud API
// (Marseille Longchamp "urban background", Rabatau and L2 Kaddouz "traffic"). Stations not listed
// stay of unknown type (null): the reference choice says so rather than guess.
import type { StationType } from '../station-types.js';

/** AtmoSud station code (as in `id_station`) → type. */
export const ATMOSUD_STATION_TYPES: Readonly<Record<string, StationType>> = {
  FR03043: 'urban-background', // Marseille Longchamp
  FR03006: 'traffic', // Marseille Rabatau
  FR03053: 'traffic', // Marseille L2 Kaddouz (the L2 bypass)
};

/** The type of an AtmoSud station by its code, or null when not known. */
export function atmosudStationType(code: string): StationType | null {
  return ATMOSUD_STATION_TYPES[code] ?? null;
}
