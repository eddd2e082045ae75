// The stations a citizen sensor may be compared with or calibrated against: the AtmoSud stations
// with a series of the phenomenon. Shared by /compare and `souffle calibrate --reference nearest`,
// which then choose among them by data/reference-choice.ts's rule.
import type { Kysely } from 'kysely';
import type { LatLon } from '../location-privacy.js';
import {
  chooseReference,
  type ReferenceCandidate,
  type ReferenceChoice,
  type ReferenceRule,
} from '../reference-choice.js';
import type { Database, Station } from '../schema.js';
import { listStations } from './stations.js';

export const candidateOf = (s: Station): ReferenceCandidate => ({
  id: s.id,
  name: s.name,
  stationType: s.station_type,
  lat: s.public_lat,
  lon: s.public_lon,
});

/** Reference candidates measuring the phenomenon, the station itself left out. */
export async function referenceCandidates(
  db: Kysely<Database>,
  q: { phenomenon: string; excludeStationId: string },
): Promise<ReferenceCandidate[]> {
  const stations = await listStations(db, { source: 'atmosud', phenomenon: q.phenomenon });
  return stations.filter((s) => s.id !== q.excludeStationId).map(candidateOf);
}

/** The reference the rule picks for a station at `here`, with the reasons. */
export async function nearestReference(
  db: Kysely<Database>,
  q: {
    stationId: string;
    here: LatLon;
    phenomenon: string;
    rule: ReferenceRule;
    radiusMetres?: number;
  },
): Promise<ReferenceChoice> {
  const candidates = await referenceCandidates(db, {
    phenomenon: q.phenomenon,
    excludeStationId: q.stationId,
  });
  return chooseReference(q.here, candidates, { rule: q.rule, radiusMetres: q.radiusMetres });
}
