import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  authenticateDevice,
  createDevice,
  currentTokenHashes,
  DeviceConflictError,
  listDevices,
  removeDevice,
  rotateDeviceToken,
  slugify,
} from '../../../data/store/devices.js';
import { listIngestErrors, recordIngestErrors } from '../../../data/store/ingest-errors.js';
import { insertReadings } from '../../../data/store/readings.js';
import { ensureSeries } from '../../../data/store/series.js';
import { findStation } from '../../../data/store/stations.js';
import { tempDb, type TempDb } from '../../helpers/temp-db.js';

describe('devices', () => {
  let t: TempDb;
  beforeEach(async () => (t = await tempDb()));
  afterEach(async () => t.cleanup());

  it('slugs a name into an id that fits in a topic', () => {
    expect(slugify('École Saint-Charles')).toBe('ecole-saint-charles');
    expect(slugify('  Jardin   Longchamp (toit) ')).toBe('jardin-longchamp-toit');
  });

  it('registers a device with its citizen station, storing only a hash of the token', async () => {
    const { device, token } = await createDevice(t.db, {
      name: 'École Saint-Charles',
      lat: 43.305123,
      lon: 5.380987,
    });
    expect(device.id).toBe('ecole-saint-charles');
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(device.token_hash).not.toContain(token);
    expect(device.token_hash).toMatch(/^scrypt\$/);
    const station = await findStation(t.db, device.id);
    expect(station).toMatchObject({ source: 'citizen', lat: 43.305123, lon: 5.380987, exact_location: 0 });
    expect([station!.public_lat, station!.public_lon]).not.toEqual([43.305123, 5.380987]);
  });

  it('authenticates the current token only, and rotation revokes the old one', async () => {
    const { token } = await createDevice(t.db, { name: 'Toit', lat: 43.3, lon: 5.4, id: 'toit' });
    expect(await authenticateDevice(t.db, 'toit', token)).toMatchObject({ id: 'toit' });
    expect(await authenticateDevice(t.db, 'toit', `${token}x`)).toBeUndefined();
    expect(await authenticateDevice(t.db, 'nobody', token)).toBeUndefined();
    const fresh = await rotateDeviceToken(t.db, 'toit');
    expect(await authenticateDevice(t.db, 'toit', token)).toBeUndefined();
    expect(await authenticateDevice(t.db, 'toit', fresh!)).toMatchObject({ id: 'toit' });
    expect(await rotateDeviceToken(t.db, 'nobody')).toBeUndefined();
  });

  it('gives the current token hash of each registered id, which rotation changes and removal drops', async () => {
    const ids = ['un', 'deux', 'absent'];
    for (const id of ids.slice(0, 2)) await createDevice(t.db, { name: id, lat: 43.3, lon: 5.4, id });
    const before = await currentTokenHashes(t.db, ids);
    expect([...before.keys()].sort()).toEqual(['deux', 'un']);
    await rotateDeviceToken(t.db, 'un');
    await removeDevice(t.db, 'deux');
    const after = await currentTokenHashes(t.db, ids);
    expect(after.get('un')).toBeDefined();
    expect(after.get('un')).not.toBe(before.get('un'));
    expect(after.has('deux')).toBe(false);
    expect(await currentTokenHashes(t.db, [])).toEqual(new Map());
  });

  it('refuses a taken id or serial, and an id that would not fit in a topic', async () => {
    await createDevice(t.db, {
      name: 'A',
      lat: 43,
      lon: 5,
      id: 'a',
      format: 'airgradient',
      serial: 'ecda3b1eaaaf',
    });
    await expect(createDevice(t.db, { name: 'A', lat: 43, lon: 5, id: 'a' })).rejects.toBeInstanceOf(
      DeviceConflictError,
    );
    await expect(
      createDevice(t.db, { name: 'B', lat: 43, lon: 5, id: 'b', serial: 'ecda3b1eaaaf' }),
    ).rejects.toThrow(/serial/);
    await expect(createDevice(t.db, { name: 'C', lat: 43, lon: 5, id: 'a/#' })).rejects.toThrow(
      /lowercase letters/,
    );
    await expect(createDevice(t.db, { name: 'D', lat: 91, lon: 5 })).rejects.toThrow(/latitude/);
  });

  it('keeps a removed device’s data unless purged', async () => {
    await createDevice(t.db, { name: 'Keep', lat: 43, lon: 5, id: 'keep' });
    await createDevice(t.db, { name: 'Purge', lat: 43, lon: 5, id: 'purge' });
    for (const id of ['keep', 'purge']) {
      const s = await ensureSeries(t.db, { stationId: id, phenomenon: 'pm25', sensor: 'x', unit: 'µg/m³' });
      await insertReadings(t.db, [{ seriesId: s, time: 1, value: 1 }]);
    }
    expect(await removeDevice(t.db, 'keep')).toBe(true);
    expect(await removeDevice(t.db, 'purge', { purge: true })).toBe(true);
    expect(await removeDevice(t.db, 'nobody')).toBe(false);
    expect(await listDevices(t.db)).toEqual([]);
    expect(await findStation(t.db, 'keep')).toBeDefined();
    expect(await findStation(t.db, 'purge')).toBeUndefined();
    for (const table of ['readings', 'rollups_hourly'] as const) {
      const rows = await t.db.selectFrom(table).select('series_id').execute();
      expect(rows, table).toHaveLength(1);
    }
  });

  it('keeps each device’s ingest error log bounded, newest first', async () => {
    const errors = Array.from({ length: 12 }, (_, i) => ({
      deviceId: 'toit',
      source: 'mqtt',
      time: i,
      reason: `reason ${i}`,
    }));
    await recordIngestErrors(t.db, errors, 5);
    await recordIngestErrors(
      t.db,
      [{ deviceId: 'other', source: 'mqtt', time: 0, reason: 'other', payload: 'x'.repeat(5000) }],
      5,
    );
    const log = await listIngestErrors(t.db, { deviceId: 'toit' });
    expect(log.map((e) => e.reason)).toEqual(['reason 11', 'reason 10', 'reason 9', 'reason 8', 'reason 7']);
    const [other] = await listIngestErrors(t.db, { deviceId: 'other' });
    expect(other!.payload!.length).toBeLessThan(2100);
    expect(other!.payload).toMatch(/5000 bytes\)$/);
  });
});
