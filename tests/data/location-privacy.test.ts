import { describe, expect, it } from 'vitest';
import { distanceMetres, privacyCell, publicLocation } from '../../data/location-privacy.js';

describe('public location of a citizen station', () => {
  const home = { lat: 43.305123, lon: 5.380987 };

  it('moves the exact location to the centre of its ~200 m cell', () => {
    const pub = publicLocation(home);
    expect(pub).not.toEqual(home);
    // The centre of a 200 m square is at most ~141 m from any point in it.
    expect(distanceMetres(home, pub)).toBeLessThanOrEqual(142);
  });

  it('gives every point of one cell the same public location', () => {
    const neighbour = { lat: home.lat + 0.0001, lon: home.lon - 0.0001 };
    const a = publicLocation(home);
    const b = publicLocation(neighbour);
    // Both are in the same cell unless the offset crossed an edge; check the cell is ~200 m wide.
    if (a.lat === b.lat && a.lon === b.lon) expect(a).toEqual(b);
    const east = publicLocation({ lat: a.lat, lon: a.lon + 0.0025 });
    expect(distanceMetres(a, east)).toBeGreaterThan(150);
    expect(distanceMetres(a, east)).toBeLessThan(250);
  });

  it('publishes the exact location only when the owner opted in', () => {
    expect(publicLocation(home, { exact: true })).toEqual(home);
  });

  it('measures distances along the Earth (Longchamp to Place Verneuil ≈ 2.2 km)', () => {
    const d = distanceMetres({ lat: 43.3053, lon: 5.3947 }, { lat: 43.30885, lon: 5.36788 });
    expect(d).toBeGreaterThan(2100);
    expect(d).toBeLessThan(2300);
  });
});

describe('privacyCell', () => {
  it('is the ~200 m square whose centre publicLocation shows, holding the exact place', () => {
    for (const exact of [
      { lat: 43.2965, lon: 5.3698 },
      { lat: 50.6292, lon: 3.0573 },
      { lat: -33.87, lon: -151.21 },
    ]) {
      const c = privacyCell(exact);
      expect(exact.lat).toBeGreaterThanOrEqual(c.south);
      expect(exact.lat).toBeLessThan(c.north);
      expect(exact.lon).toBeGreaterThanOrEqual(c.west);
      expect(exact.lon).toBeLessThan(c.east);
      const centre = publicLocation(exact);
      expect(centre.lat).toBeCloseTo((c.south + c.north) / 2, 5);
      expect(centre.lon).toBeCloseTo((c.west + c.east) / 2, 5);
      const side = distanceMetres({ lat: c.south, lon: c.west }, { lat: c.north, lon: c.west });
      expect(Math.round(side)).toBe(200);
    }
  });
});
