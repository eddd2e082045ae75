import { describe, expect, it } from 'vitest';
import { chooseReference, explainChoice, type ReferenceCandidate } from '../../data/reference-choice.js';

const here = { lat: 43.3, lon: 5.4 };
// 0.01° of latitude ≈ 1.11 km.
const at = (id: string, km: number, stationType: ReferenceCandidate['stationType']): ReferenceCandidate => ({
  id,
  name: id,
  stationType,
  lat: here.lat + km / 111.2,
  lon: here.lon,
});

describe('chooseReference', () => {
  it('prefers a background station to nearer traffic, industrial and unknown ones', () => {
    const c = chooseReference(here, [
      at('road', 0.5, 'traffic'),
      at('plant', 1, 'industrial'),
      at('unknown', 1.5, null),
      at('park', 3, 'suburban-background'),
    ]);
    expect(c.chosen?.id).toBe('park');
    expect(c.how).toBe('nearest-background');
    expect(c.passedOver.map((p) => [p.id, p.reason])).toEqual([
      ['road', 'not-background'],
      ['plant', 'not-background'],
      ['unknown', 'unknown-type'],
    ]);
  });

  it('takes an unknown type when no background station is within the radius, never a traffic one', () => {
    const c = chooseReference(here, [
      at('road', 0.5, 'traffic'),
      at('unknown', 4, null),
      at('far', 40, 'urban-background'),
    ]);
    expect(c).toMatchObject({ how: 'nearest-unknown-type', chosen: { id: 'unknown' } });
    expect(chooseReference(here, [at('road', 0.5, 'traffic')])).toMatchObject({ how: 'none', chosen: null });
  });

  it('takes any type with nearest-any, and says when nothing measures the phenomenon', () => {
    expect(
      chooseReference(here, [at('road', 0.5, 'traffic'), at('park', 3, 'urban-background')], {
        rule: 'nearest-any',
      }),
    ).toMatchObject({ how: 'nearest-any', chosen: { id: 'road' } });
    const none = chooseReference(here, []);
    expect(explainChoice(none)).toBe('No reference station measures this phenomenon.');
  });

  it('names the nearest station beyond the radius when none is within it', () => {
    const c = chooseReference(here, [at('far', 40, 'urban-background')]);
    expect(c.nearestOutside?.id).toBe('far');
    expect(explainChoice(c)).toContain('ask for it with reference=far.');
  });
});
