// Whether a station is online: heard from recently enough for its kind of source.
import type { StationStatus } from '../data/api-types.js';
import type { StationSource } from '../data/schema.js';

/** A citizen station is online if it sent a reading within this window. */
const ONLINE_WINDOW_MS = 3_600_000;

/**
 * A reference (AtmoSud) station publishes hourly means late: the mean of 08:00–09:00 is stored
 * with the hour's start (t = 08:00) and arrives after 09:00, often one to two hours later. Such a
 * station is online while its newest hourly mean ended (t + 1 h) within this window, i.e. while
 * t is at most 4 h old: "online if seen in the last hour" would call every official station offline.
 */
const REFERENCE_ONLINE_WINDOW_MS = 3 * 3_600_000;
const REFERENCE_VALUE_SPAN_MS = 3_600_000;

export function statusOf(
  lastSeen: number | null | undefined,
  now: number,
  source: StationSource = 'citizen',
): StationStatus {
  if (lastSeen === null || lastSeen === undefined) return 'never';
  const age = source === 'atmosud' ? now - (lastSeen + REFERENCE_VALUE_SPAN_MS) : now - lastSeen;
  const window = source === 'atmosud' ? REFERENCE_ONLINE_WINDOW_MS : ONLINE_WINDOW_MS;
  return age <= window ? 'online' : 'offline';
}
