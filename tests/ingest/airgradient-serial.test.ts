// An AirGradient serial registered as the owner reads it off the label (capitals, colons) still
// names the topic the firmware publishes to; a publish the broker refuses is in the error log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { listIngestErrors } from '../../data/store/ingest-errors.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { IngestWorker } from '../../ingest/worker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { airgradientPayload, airgradientTopicOf } from './firmware-requests.js';
import { publishAs, SERVICE, storedValues, waitFor } from './ingest-helpers.js';

describe('AirGradient serials', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;
  let worker: IngestWorker;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await tempDb();
    for (const [id, serial] of [
      ['ag-capitals', 'ECDA3B1EAAB1'],
      ['ag-colons', 'EC:DA:3B:1E:AA:B2'],
      ['ag-typo', 'ecda3b1eaab9'],
    ] as const) {
      const created = await createDevice(db.db, {
        id,
        name: id,
        lat: 43.3,
        lon: 5.4,
        format: 'airgradient',
        serial,
      });
      tokens[id] = created.token;
    }
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
    });
    url = `mqtt://127.0.0.1:${broker.port}`;
    worker = new IngestWorker({ db: db.db, mqttUrl: url, clientId: 'souffle-ingest', ...SERVICE });
    await worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await broker?.close();
    await db?.cleanup();
  });

  it('are stored lowercase without separators, as the firmware spells its topic', async () => {
    const rows = await db.db.selectFrom('devices').select(['id', 'serial']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'ag-capitals', serial: 'ecda3b1eaab1' },
      { id: 'ag-colons', serial: 'ecda3b1eaab2' },
      { id: 'ag-typo', serial: 'ecda3b1eaab9' },
    ]);
  });

  it("let a monitor registered with capitals or colons publish to its firmware's topic", async () => {
    for (const [id, mac] of [
      ['ag-capitals', 'EC:DA:3B:1E:AA:B1'],
      ['ag-colons', 'EC:DA:3B:1E:AA:B2'],
    ] as const) {
      const login = {
        username: id,
        password: tokens[id]!,
        clientId: `airgradient-${mac.replace(/:/g, '').toLowerCase()}`,
      };
      await publishAs(url, login, airgradientTopicOf(mac), airgradientPayload({ pm02: 5, rhum: 40 }), 0);
      await waitFor(async () => (await storedValues(db.db, id)).length === 2);
    }
  });

  it("record a refused publish in the device's error log instead of dropping it unseen", async () => {
    const login = { username: 'ag-typo', password: tokens['ag-typo']! };
    const topic = airgradientTopicOf('ecda3b1eaab3');
    await expect(publishAs(url, login, topic, airgradientPayload({ pm02: 5 }))).rejects.toThrow();
    const errors = await waitFor(async () => {
      const e = await listIngestErrors(db.db, { deviceId: 'ag-typo' });
      return e.length > 0 ? e : null;
    });
    expect(errors[0]).toMatchObject({ source: 'broker', topic });
    expect(errors[0]!.reason).toBe(
      'the broker refused a publish to airgradient/readings/ecda3b1eaab3: this monitor is registered with serial "ecda3b1eaab9" and may publish only to airgradient/readings/ecda3b1eaab9; check the serial (its MAC address) with `souffle device list`',
    );
  });

  it('refuse a serial that is not a MAC address, with the reason', async () => {
    await expect(
      createDevice(db.db, {
        id: 'ag-bad',
        name: 'ag-bad',
        lat: 43,
        lon: 5,
        format: 'airgradient',
        serial: 'AG-1',
      }),
    ).rejects.toThrow('serial "AG-1" must be the monitor\'s MAC address: 12 hex digits');
  });
});
