import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REFRESH_MS,
  formatReading,
  formatRelative,
  formatTime,
  parseRefresh,
} from '../../web-components/format.js';
import { resolveLang, shortLabel, t, toLang } from '../../web-components/i18n.js';

describe('formatting for people', () => {
  it('formats values with the phenomenon’s decimals and the language’s decimal mark', () => {
    expect(formatReading('pm25', 12.345, 'fr')).toBe('12,3');
    expect(formatReading('pm25', 12.345, 'en')).toBe('12.3');
    expect(formatReading('no2', 41.6, 'en')).toBe('42');
  });

  it('formats times in the given time zone', () => {
    const t0 = Date.UTC(2026, 2, 3, 13, 5); // 14:05 in Paris (UTC+1 in March before DST)
    expect(formatTime(t0, 'fr', 'time', 'Europe/Paris')).toBe('14:05');
    expect(formatTime(t0, 'en', 'date', 'Europe/Paris')).toBe('3 Mar');
  });

  it('says how long ago in words', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    expect(formatRelative(now - 5 * 60_000, now, 'fr')).toBe('il y a 5 minutes');
    expect(formatRelative(now - 2 * 3_600_000, now, 'en')).toBe('2 hours ago');
    expect(formatRelative(now - 10_000, now, 'en')).toBe('just now');
  });

  it('reads the refresh attribute as seconds or with a unit, 5 min by default, never under 30 s', () => {
    expect(parseRefresh(undefined)).toBe(DEFAULT_REFRESH_MS);
    expect(parseRefresh('nonsense')).toBe(DEFAULT_REFRESH_MS);
    expect(parseRefresh('600')).toBe(600_000);
    expect(parseRefresh('15m')).toBe(900_000);
    expect(parseRefresh('1h')).toBe(3_600_000);
    expect(parseRefresh('5s')).toBe(30_000);
    expect(parseRefresh('0')).toBe(0);
    expect(parseRefresh('off')).toBe(0);
  });
});

describe('languages', () => {
  it('speaks French and English only, from a language tag', () => {
    expect(toLang('en-GB')).toBe('en');
    expect(toLang('FR')).toBe('fr');
    expect(toLang('de')).toBeUndefined();
  });

  it('fills placeholders', () => {
    expect(t('fr', 'dominant', { p: shortLabel('no2', 'fr') })).toBe('Polluant principal : NO₂');
    expect(t('en', 'errorNotFound', { id: 'x' })).toBe('Unknown station "x".');
  });

  it('takes an element’s own lang, then the nearest ancestor’s, then French', () => {
    const el = (own: string | null, ancestor: string | null) =>
      ({
        getAttribute: () => own,
        parentElement: { closest: () => (ancestor ? { getAttribute: () => ancestor } : null) },
        ownerDocument: { documentElement: { getAttribute: () => null } },
      }) as unknown as Element;
    expect(resolveLang(el('en', 'fr'))).toBe('en');
    expect(resolveLang(el(null, 'en-US'))).toBe('en');
    expect(resolveLang(el('de', 'es'))).toBe('fr');
  });
});
