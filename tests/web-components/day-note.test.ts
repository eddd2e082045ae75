// Which day a daily index describes, as the badge says it (the API gives today's ATMO index once
// today has enough hours, yesterday's before). Days are UTC days, as in the API.
import { describe, expect, it } from 'vitest';
import { dayNote } from '../../web-components/index-badge.js';

const MORNING = Date.UTC(2026, 2, 11, 8, 30);

describe('dayNote', () => {
  it('says nothing for today, or for an index of now (no date)', () => {
    expect(dayNote('2026-03-11', 'fr', MORNING)).toBe('');
    expect(dayNote(null, 'fr', MORNING)).toBe('');
    expect(dayNote(undefined, 'en', MORNING)).toBe('');
  });

  it('says "hier" / "yesterday" for the day before', () => {
    expect(dayNote('2026-03-10', 'fr', MORNING)).toBe('hier');
    expect(dayNote('2026-03-10', 'en', MORNING)).toBe('yesterday');
  });

  it('gives the date of an older day', () => {
    expect(dayNote('2026-03-08', 'fr', MORNING)).toBe('8 mars');
    expect(dayNote('2026-03-08', 'en', MORNING)).toBe('8 Mar');
  });

  it('counts in UTC days: just after midnight in Paris, the UTC day has not turned yet', () => {
    const parisMidnight = Date.UTC(2026, 2, 10, 23, 30); // 00:30 on the 11th in Paris
    expect(dayNote('2026-03-10', 'fr', parisMidnight)).toBe('');
  });
});
