// Location privacy for citizen stations: the public location is the centre of a ~200 m grid cell
// holding the exact location, unless the owner opted in to exact publication. The grid is fixed
// (not centred on the station), so repeated registrations reveal nothing more than the cell.

const GRID_METRES = 200;
const METRES_PER_DEGREE_LAT = 111_320;

export type LatLon = { lat: number; lon: number };

export function publicLocation(
  exact: LatLon,
  options: { exact?: boolean; gridMetres?: number } = {},
): LatLon {
  if (options.exact) return { lat: exact.lat, lon: exact.lon };
  const grid = options.gridMetres ?? GRID_METRES;
  const latStep = grid / METRES_PER_DEGREE_LAT;
  const latCell = Math.floor(exact.lat / latStep);
  const lat = (latCell + 0.5) * latStep;
  // Longitude cells are as wide in metres as latitude cells at the cell's central latitude, so the
  // cell stays ~200 m square from Marseille to Lille.
  const lonStep = grid / (METRES_PER_DEGREE_LAT * Math.cos((lat * Math.PI) / 180));
  const lon = (Math.floor(exact.lon / lonStep) + 0.5) * lonStep;
  return { lat: round6(lat), lon: round6(lon) };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Great-circle distance in metres (haversine; ample precision at city scale). */
export function distanceMetres(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The ~200 m cell holding `exact`, as its south-west and north-east corners: what the public map
 * shows of a citizen station's place unless its owner opts in to the exact one (the /join page
 * draws it). The same grid as publicLocation, whose centre it surrounds.
 */
export function privacyCell(
  exact: LatLon,
  gridMetres = GRID_METRES,
): { south: number; west: number; north: number; east: number } {
  const latStep = gridMetres / METRES_PER_DEGREE_LAT;
  const south = Math.floor(exact.lat / latStep) * latStep;
  const lonStep = gridMetres / (METRES_PER_DEGREE_LAT * Math.cos(((south + latStep / 2) * Math.PI) / 180));
  const west = Math.floor(exact.lon / lonStep) * lonStep;
  return { south, west, north: south + latStep, east: west + lonStep };
}
