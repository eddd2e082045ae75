import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../cli/config.js';

describe('configuration', () => {
  it('defaults to Paris days and accepts another IANA zone', () => {
    expect(loadConfig({}).SOUFFLE_TIMEZONE).toBe('Europe/Paris');
    expect(loadConfig({ SOUFFLE_TIMEZONE: 'America/Cayenne' }).SOUFFLE_TIMEZONE).toBe('America/Cayenne');
  });

  it('names every invalid variable at once, an unknown zone among them', () => {
    const load = () =>
      loadConfig({ SOUFFLE_TIMEZONE: 'Europe/Marseille', PORT: 'eighty', ATMOSUD_INTERVAL: 'soon' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SOUFFLE_TIMEZONE="Europe\/Marseille": not a time zone/);
    expect(load).toThrow(/PORT="eighty"/);
    expect(load).toThrow(/ATMOSUD_INTERVAL="soon": "soon" is not a duration/);
  });
});
