// Failed device logins on the embedded broker are throttled per source address before the
// token's scrypt hash (docs/security.md, "Failed logins"): once an address has failed too often,
// its CONNECTs are refused unchecked ("server unavailable"), while a device at another address,
// and the service account, still log in at once. mqtt.js clients from distinct loopback addresses.
import { createConnection } from 'node:net';
import { MqttClient, type IConnackPacket } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice } from '../../data/store/devices.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { createLogger } from '../../ingest/logger.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { SERVICE } from './ingest-helpers.js';

const LIMIT = 5;

describe('failed device logins on the embedded broker', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;
  let token = '';
  const logs: string[] = [];

  beforeAll(async () => {
    db = await tempDb();
    token = (await createDevice(db.db, { id: 'ecole', name: 'ecole', lat: 43.3, lon: 5.4 })).token;
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      authThrottle: { limit: LIMIT, windowMs: 60_000 },
      logger: createLogger({ level: 'warn', write: (line) => logs.push(line) }),
    });
  });

  afterAll(async () => {
    await broker?.close();
    await db?.cleanup();
  });

  /** The CONNACK return code for `username`/`password` connecting from `from`: 0 is accepted. */
  function connect(from: string, username: string, password: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const client = new MqttClient(
        () => createConnection({ host: '127.0.0.1', port: broker.port, localAddress: from }),
        {
          clientId: `${username}-${Math.random().toString(16).slice(2, 8)}`,
          username,
          password,
          protocolVersion: 4,
          reconnectPeriod: 0,
          connectTimeout: 5000,
        },
      );
      const done = (code: number) => client.end(true, () => resolve(code));
      client.once('connect', (connack: IConnackPacket) => done(connack.returnCode ?? 0));
      client.once('error', (e: Error & { code?: unknown }) =>
        typeof e.code === 'number' ? done(e.code) : (client.end(true), reject(e)),
      );
    });
  }

  it('refuses CONNECT from an address that failed too often, even with the right token', async () => {
    for (let i = 0; i < LIMIT; i++) expect(await connect('127.0.0.2', 'ecole', `wrong-${i}`)).toBe(4);
    // Refused without the token being checked: "server unavailable", not "bad user name or password".
    expect(await connect('127.0.0.2', 'ecole', token)).toBe(3);
    expect(logs.some((l) => /too many failed logins/.test(l))).toBe(true);
    // The same device at another address, and the service account, log in at once.
    expect(await connect('127.0.0.3', 'ecole', token)).toBe(0);
    expect(await connect('127.0.0.2', SERVICE.username, SERVICE.password)).toBe(0);
  });

  it('lets no more than the limit be checked when wrong tokens arrive all at once', async () => {
    const codes = await Promise.all(
      Array.from({ length: 4 * LIMIT }, (_, i) => connect('127.0.0.4', 'ecole', `wrong-${i}`)),
    );
    expect(codes.filter((c) => c === 4)).toHaveLength(LIMIT);
    expect(codes.filter((c) => c === 3)).toHaveLength(3 * LIMIT);
  });
});
