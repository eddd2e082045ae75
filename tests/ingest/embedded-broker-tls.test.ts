// MQTT over TLS on the embedded broker: a client that trusts the test CA connects and its message
// goes through; one that does not is refused; a renewed certificate is served after reloadTls()
// (SIGHUP in `souffle`) without a restart.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';
import { tempDb, tempDir, type TempDb } from '../helpers/temp-db.js';
import { connectAs, SERVICE } from './ingest-helpers.js';

describe('the embedded broker over TLS', () => {
  const tmp = tempDir();
  let db: TempDb;
  let broker: EmbeddedBroker;
  let first: TestCa;
  let second: TestCa;
  const served = { certFile: join(tmp.dir, 'served-cert.pem'), keyFile: join(tmp.dir, 'served-key.pem') };

  beforeAll(async () => {
    first = makeTestCa(tmp.dir, 'first');
    second = makeTestCa(tmp.dir, 'second');
    copyFileSync(first.certFile, served.certFile);
    copyFileSync(first.keyFile, served.keyFile);
    db = await tempDb({ dialect: 'sqlite' });
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      tls: { port: 0, ...served },
    });
  });
  afterAll(async () => {
    await broker?.close();
    await db?.cleanup();
    tmp.cleanup();
  });

  const url = () => `mqtts://127.0.0.1:${broker.tlsPort}`;

  it('carries a message between clients that trust the CA', async () => {
    expect(broker.tlsPort).toBeGreaterThan(0);
    const ca = readFileSync(first.caFile);
    const sub = await connectAs(url(), { ...SERVICE, clientId: 'souffle-tls-sub', ca });
    const pub = await connectAs(url(), { ...SERVICE, clientId: 'souffle-tls-pub', ca });
    try {
      await sub.subscribeAsync('tls/test', { qos: 1 });
      const got = new Promise<string>((resolve) => sub.on('message', (_t, p) => resolve(p.toString())));
      await pub.publishAsync('tls/test', 'over tls', { qos: 1 });
      expect(await got).toBe('over tls');
    } finally {
      await sub.endAsync();
      await pub.endAsync();
    }
    // The plain port still answers beside it.
    const plain = await connectAs(`mqtt://127.0.0.1:${broker.port}`, {
      ...SERVICE,
      clientId: 'souffle-plain',
    });
    await plain.endAsync();
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(
      connectAs(url(), { ...SERVICE, clientId: 'souffle-tls-untrusting', ca: readFileSync(second.caFile) }),
    ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('serves a renewed certificate after reloadTls, and keeps the old one if the new is unusable', async () => {
    copyFileSync(second.certFile, served.certFile);
    copyFileSync(second.keyFile, served.keyFile);
    broker.reloadTls();
    const renewed = await connectAs(url(), {
      ...SERVICE,
      clientId: 'souffle-tls-2',
      ca: readFileSync(second.caFile),
    });
    await renewed.endAsync();
    await expect(
      connectAs(url(), { ...SERVICE, clientId: 'souffle-tls-1', ca: readFileSync(first.caFile) }),
    ).rejects.toThrow();

    // A key that does not match the certificate is refused, and the listener keeps serving.
    copyFileSync(first.keyFile, served.keyFile);
    expect(() => broker.reloadTls()).toThrow();
    const still = await connectAs(url(), {
      ...SERVICE,
      clientId: 'souffle-tls-3',
      ca: readFileSync(second.caFile),
    });
    await still.endAsync();
  });
});
