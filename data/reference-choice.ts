// Which reference station a citizen sensor is compared with, and why. A sensor on a balcony or a
// school roof breathes the "background" air of its neighbourhood; a traffic station reads the air
// at the kerb of a busy road and an industrial one a plume, both higher and more variable than what
// the sensor sees, so that a comparison with them would blame the sensor for the road. The default
// is therefore the nearest background station within a radius (EU directive 2008/50/EC Annex III:
// background stations are "representative of several square kilometres"); stations of unknown type
// come next, said as such; traffic and industrial stations only when asked (issue 14, item 5).
// Pure: the API gathers the candidates (stations measuring the same phenomenon) and words the result.
import { distanceMetres, type LatLon } from './location-privacy.js';
import { isBackground, type StationType } from './station-types.js';

/** Default search radius: beyond 25 km a background station describes another air mass. */
export const DEFAULT_REFERENCE_RADIUS_METRES = 25_000;

export type ReferenceCandidate = { id: string; name: string; stationType: StationType | null } & LatLon;

/** nearest: background first, then unknown types; nearest-any: any type, traffic included. */
export const REFERENCE_RULES = ['nearest', 'nearest-any'] as const;
export type ReferenceRule = (typeof REFERENCE_RULES)[number];

export type PassedOver = {
  id: string;
  name: string;
  stationType: StationType | null;
  distanceMetres: number;
  /** Why a station nearer than the chosen one was not chosen. */
  reason: 'not-background' | 'unknown-type';
};

export type ReferenceChoice = {
  chosen: (ReferenceCandidate & { distanceMetres: number }) | null;
  /** How it was chosen: `asked` (by id), or the rule that picked it; `none` when nothing fits. */
  how: 'asked' | 'nearest-background' | 'nearest-unknown-type' | 'nearest-any' | 'none';
  radiusMetres: number;
  /** Candidates nearer than the chosen one (or, with none chosen, within the radius) left aside. */
  passedOver: PassedOver[];
  /** The nearest candidate of any type beyond or within the radius, when none was chosen. */
  nearestOutside: (ReferenceCandidate & { distanceMetres: number }) | null;
};

/** Chooses among candidates (the station itself excluded by the caller) by the rule. */
export function chooseReference(
  here: LatLon,
  candidates: readonly ReferenceCandidate[],
  options: { rule?: ReferenceRule; radiusMetres?: number } = {},
): ReferenceChoice {
  const rule = options.rule ?? 'nearest';
  const radiusMetres = options.radiusMetres ?? DEFAULT_REFERENCE_RADIUS_METRES;
  const ranked = candidates
    .map((c) => ({ ...c, distanceMetres: Math.round(distanceMetres(here, c)) }))
    .sort((a, b) => a.distanceMetres - b.distanceMetres || a.id.localeCompare(b.id));
  const within = ranked.filter((c) => c.distanceMetres <= radiusMetres);
  const pick = (
    chosen: (typeof ranked)[number] | undefined,
    how: ReferenceChoice['how'],
  ): ReferenceChoice => {
    const nearer = chosen ? within.filter((c) => c.distanceMetres < chosen.distanceMetres) : within;
    return {
      chosen: chosen ?? null,
      how: chosen ? how : 'none',
      radiusMetres,
      passedOver: nearer
        .filter((c) => c.id !== chosen?.id)
        .map((c) => ({
          id: c.id,
          name: c.name,
          stationType: c.stationType,
          distanceMetres: c.distanceMetres,
          reason: c.stationType === null ? 'unknown-type' : 'not-background',
        })),
      nearestOutside: chosen ? null : (ranked[0] ?? null),
    };
  };
  if (rule === 'nearest-any') return pick(within[0], 'nearest-any');
  const background = within.find((c) => isBackground(c.stationType));
  if (background) return pick(background, 'nearest-background');
  return pick(
    within.find((c) => c.stationType === null),
    'nearest-unknown-type',
  );
}

/** An explicitly asked station: no rule, only its distance. */
export function askedReference(here: LatLon, station: ReferenceCandidate): ReferenceChoice {
  return {
    chosen: { ...station, distanceMetres: Math.round(distanceMetres(here, station)) },
    how: 'asked',
    radiusMetres: 0,
    passedOver: [],
    nearestOutside: null,
  };
}

const km = (m: number) => (m < 1000 ? `${m} m` : `${(m / 1000).toFixed(1)} km`);
const typeText = (t: StationType | null) => (t === null ? 'of unknown type' : t.replace('-', ' '));

/** One English sentence for the API answer (the widgets word it themselves, in French or English). */
export function explainChoice(choice: ReferenceChoice): string {
  const c = choice.chosen;
  const passed = choice.passedOver.length
    ? ` Nearer but left aside: ${choice.passedOver
        .map((p) => `${p.name} (${typeText(p.stationType)}, ${km(p.distanceMetres)})`)
        .join(', ')}, because a traffic or industrial station reads a source, not the air around the sensor.`
    : '';
  switch (choice.how) {
    case 'asked':
      return `${c!.name} (${typeText(c!.stationType)}), as asked, ${km(c!.distanceMetres)} away.`;
    case 'nearest-background':
      return `${c!.name}: the nearest background station measuring this phenomenon, ${km(c!.distanceMetres)} away.${passed}`;
    case 'nearest-unknown-type':
      return `${c!.name}: no background station within ${km(choice.radiusMetres)}; the nearest station of unknown type, ${km(c!.distanceMetres)} away.${passed}`;
    case 'nearest-any':
      return `${c!.name} (${typeText(c!.stationType)}): the nearest station of any type, ${km(c!.distanceMetres)} away, as asked.`;
    case 'none': {
      const o = choice.nearestOutside;
      return o
        ? `No suitable station within ${km(choice.radiusMetres)}: the nearest measuring this phenomenon is ${o.name} (${typeText(o.stationType)}, ${km(o.distanceMetres)}); ask for it with reference=${o.id}${o.distanceMetres <= choice.radiusMetres ? ' or reference=nearest-any' : ''}.`
        : 'No reference station measures this phenomenon.';
    }
  }
}
