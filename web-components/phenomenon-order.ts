// Which phenomena the widgets and pages show first, from the registry's display order
// (data/phenomena.ts) rather than a list of codes in each element.
import { POLLUTANTS } from '../data/indices/pollutants.js';
import { DISPLAY_ORDER, getPhenomenon } from '../data/phenomena.js';

const order: readonly string[] = DISPLAY_ORDER;

/** A phenomenon's place in the display order; unknown codes come last. */
export const displayRank = (code: string): number =>
  order.includes(code) ? order.indexOf(code) : order.length;

const indexed = (code: string) => (POLLUTANTS as readonly string[]).includes(code);

/** Whether a station page charts this phenomenon: the pollutants the indices class, and the other
 * particle sizes a counter reports beside them (PM1), not the inputs of corrections (CF=1 PM2.5). */
export const isStationChart = (code: string): boolean =>
  indexed(code) || (!!getPhenomenon(code)?.opticalPm && !getPhenomenon(code)?.correctionInput);

/** Codes in chart order: the pollutants the indices class first (their charts carry the index
 * bands), then the others, each group in display order. */
export function chartOrder(codes: readonly string[]): string[] {
  return [...codes].sort(
    (a, b) => Number(indexed(b)) - Number(indexed(a)) || displayRank(a) - displayRank(b),
  );
}

/** A station page's charts, in chart order. */
export function stationCharts(phenomena: readonly string[]): string[] {
  return chartOrder(phenomena).filter(isStationChart);
}
