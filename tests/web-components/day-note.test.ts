// Which local day a daily index describes, as the badge says it: the API gives today's ATMO index
// once today has enough completed hours, yesterday's before, and says which (`day`): the badge
// says the same words, whatever the zone of the reader's browser.
import { describe, expect, it } from 'vitest';
import { badgeText, dayNote, type BadgeIndex } from '../../web-components/index-badge.js';
import { UNAVAILABLE } from '../../data/indices.js';

describe('dayNote', () => {
  it('says "aujourd’hui" / "today" and "hier" / "yesterday" as the API says', () => {
    expect(dayNote('2026-03-11', 'today', 'fr')).toBe('aujourd’hui');
    expect(dayNote('2026-03-11', 'today', 'en')).toBe('today');
    expect(dayNote('2026-03-10', 'yesterday', 'fr')).toBe('hier');
    expect(dayNote('2026-03-10', 'yesterday', 'en')).toBe('yesterday');
  });

  it('says nothing for an index of now (no date)', () => {
    expect(dayNote(null, undefined, 'fr')).toBe('');
    expect(dayNote(undefined, undefined, 'en')).toBe('');
  });

  it('gives the date of a day asked for', () => {
    expect(dayNote('2026-03-08', undefined, 'fr')).toBe('8 mars');
    expect(dayNote('2026-03-08', undefined, 'en')).toBe('8 Mar');
  });
});

describe('badgeText', () => {
  const base = {
    scheme: 'atmo',
    value: 2,
    level: 2,
    label: { fr: 'Moyen', en: 'Fair' },
    colour: '#50CCAA',
  } as const satisfies Partial<BadgeIndex>;

  it('names an ATMO of particles only, and another partial one', () => {
    const pm: BadgeIndex = {
      ...base,
      available: true,
      dominant: 'pm25',
      partial: true,
      pollutants: ['pm25', 'pm10'],
    };
    expect(badgeText(pm, 'fr').scheme).toBe('Indice ATMO (particules seules)');
    expect(badgeText(pm, 'en').scheme).toBe('ATMO index (particles only)');
    const no2: BadgeIndex = { ...pm, dominant: 'no2', pollutants: ['no2', 'pm10'] };
    expect(badgeText(no2, 'fr').scheme).toBe('Indice ATMO (partiel)');
    expect(badgeText({ ...pm, partial: false }, 'fr').scheme).toBe('Indice ATMO');
  });

  it('gives the reason of "Indisponible" in words', () => {
    const unavailable: BadgeIndex = {
      ...base,
      ...UNAVAILABLE,
      value: null,
      available: false,
      dominant: null,
    };
    expect(badgeText({ ...unavailable, reason: 'not-enough-hours' }, 'fr')).toMatchObject({
      label: 'Indisponible',
      reason: 'trop peu d’heures mesurées',
    });
    expect(badgeText({ ...unavailable, reason: 'no-recent-hour' }, 'en').reason).toBe(
      'no recent hourly mean',
    );
    expect(badgeText({ ...unavailable, reason: 'no-pollutant' }, 'fr').reason).toBe(
      'aucun polluant de l’indice mesuré',
    );
  });
});
