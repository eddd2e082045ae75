// The area an importer reads (SENSOR_COMMUNITY_BBOX, OPENSENSEMAP_BBOX), and the networks' times.
// Default: the Aix-Marseille-Provence metropolis, from the Côte Bleue and the Camargue edge to
// Pertuis and La Ciotat (cli/config.ts).

/** [minLon, minLat, maxLon, maxLat], the order of ATMOSUD_BBOX and of openSenseMap's bbox. */
export type Bbox = readonly [number, number, number, number];

export function inBbox(bbox: Bbox, lat: number, lon: number): boolean {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  return lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat;
}

const EARTH_RADIUS_KM = 6371;

/** The circle around the box, for filters that take a centre and a radius: [lat, lon, km]. */
export function bboxCircle(bbox: Bbox): [number, number, number] {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const lat = (minLat + maxLat) / 2;
  const lon = (minLon + maxLon) / 2;
  // Haversine distance from the centre to a corner, rounded up to a whole kilometre.
  const rad = Math.PI / 180;
  const dLat = (maxLat - lat) * rad;
  const dLon = (maxLon - lon) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat * rad) * Math.cos(maxLat * rad) * Math.sin(dLon / 2) ** 2;
  const km = Math.ceil(2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a)));
  return [lat, lon, km];
}

/**
 * A time as the networks write it: ISO 8601 ("2024-01-15T12:00:00.000Z") or Sensor.Community's
 * "2024-01-15 12:00:00", which is UTC. Null when it is not a time.
 */
export function parseUtc(text: string): number | null {
  const t = text.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return null;
  const ms = Date.parse(/([zZ]|[+-]\d{2}:?\d{2})$/.test(t) ? t : `${t}Z`);
  return Number.isFinite(ms) ? ms : null;
}
