import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../cli/config.js';

describe('configuration', () => {
  it('defaults to Paris days and accepts another IANA zone', () => {
    expect(loadConfig({}).SOUFFLE_TIMEZONE).toBe('Europe/Paris');
    expect(loadConfig({ SOUFFLE_TIMEZONE: 'America/Cayenne' }).SOUFFLE_TIMEZONE).toBe('America/Cayenne');
  });

  it('reads the per-device MQTT rate in messages a minute, from any unit', () => {
    expect(loadConfig({})).toMatchObject({ SOUFFLE_MQTT_RATE: 60, SOUFFLE_MQTT_BURST: 120 });
    expect(loadConfig({ SOUFFLE_MQTT_RATE: '1/s' }).SOUFFLE_MQTT_RATE).toBe(60);
    expect(loadConfig({ SOUFFLE_MQTT_RATE: '600/h' }).SOUFFLE_MQTT_RATE).toBe(10);
    expect(loadConfig({ SOUFFLE_MQTT_RATE: '30' }).SOUFFLE_MQTT_RATE).toBe(30);
    expect(() => loadConfig({ SOUFFLE_MQTT_RATE: 'fast' })).toThrow(
      /SOUFFLE_MQTT_RATE="fast": "fast" is not a positive rate/,
    );
    expect(() => loadConfig({ SOUFFLE_MQTT_RATE: '0/min' })).toThrow(/SOUFFLE_MQTT_RATE/);
  });

  it('reads the TTN applications and their webhook secrets, refusing short secrets', () => {
    expect(loadConfig({}).SOUFFLE_TTN_SECRETS).toEqual({});
    expect(
      loadConfig({ SOUFFLE_TTN_SECRETS: 'ecoles-lora:0123456789abcdef, autre:fedcba9876543210' })
        .SOUFFLE_TTN_SECRETS,
    ).toEqual({ 'ecoles-lora': '0123456789abcdef', autre: 'fedcba9876543210' });
    expect(() => loadConfig({ SOUFFLE_TTN_SECRETS: 'ecoles-lora:short' })).toThrow(
      /SOUFFLE_TTN_SECRETS.*"ecoles-lora": expected <application id>:<secret of at least 16 characters>/s,
    );
  });

  it('names every invalid variable at once, an unknown zone among them', () => {
    const load = () =>
      loadConfig({ SOUFFLE_TIMEZONE: 'Europe/Marseille', PORT: 'eighty', ATMOSUD_INTERVAL: 'soon' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SOUFFLE_TIMEZONE="Europe\/Marseille": not a time zone/);
    expect(load).toThrow(/PORT="eighty"/);
    expect(load).toThrow(/ATMOSUD_INTERVAL="soon": "soon" is not a duration/);
  });

  it('reads the large-read limits under their former export names when the new ones are unset', () => {
    expect(loadConfig({}).SOUFFLE_LARGE_READS).toBe(4);
    const old = loadConfig({ SOUFFLE_EXPORTS: '8', SOUFFLE_EXPORTS_PER_ADDRESS: '3' });
    expect([old.SOUFFLE_LARGE_READS, old.SOUFFLE_LARGE_READS_PER_ADDRESS]).toEqual([8, 3]);
    const both = loadConfig({ SOUFFLE_EXPORTS: '8', SOUFFLE_LARGE_READS: '6' });
    expect(both.SOUFFLE_LARGE_READS).toBe(6);
    // A bad value is reported under the name it was given as.
    expect(() => loadConfig({ SOUFFLE_EXPORTS_PER_ADDRESS: '0' })).toThrow(/SOUFFLE_EXPORTS_PER_ADDRESS="0"/);
  });
});
