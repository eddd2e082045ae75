// MQTT over WebSockets on the embedded broker (SOUFFLE_MQTT_WS_PORT): mqtt.js in Node connects
// over ws:// as a browser page would, its message reaches a client on the plain port and back,
// the same logins apply, and a plain HTTP request is told what the port is for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../ingest/embedded-broker.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { connectAs, SERVICE } from './ingest-helpers.js';

describe('the embedded broker over WebSockets', () => {
  let db: TempDb;
  let broker: EmbeddedBroker;

  beforeAll(async () => {
    db = await tempDb({ dialect: 'sqlite' });
    broker = await startEmbeddedBroker({
      db: db.db,
      port: 0,
      host: '127.0.0.1',
      serviceCredentials: SERVICE,
      websocketPort: 0,
    });
  });
  afterAll(async () => {
    await broker?.close();
    await db?.cleanup();
  });

  const wsUrl = () => `ws://127.0.0.1:${broker.websocketPort}/mqtt`;

  it('carries messages between a WebSocket client and a plain one, both ways', async () => {
    expect(broker.websocketPort).toBeGreaterThan(0);
    expect(broker.websocketPort).not.toBe(broker.port);
    const overWs = await connectAs(wsUrl(), { ...SERVICE, clientId: 'souffle-ws' });
    const plain = await connectAs(`mqtt://127.0.0.1:${broker.port}`, { ...SERVICE, clientId: 'souffle-tcp' });
    try {
      await plain.subscribeAsync('ws/to-tcp', { qos: 1 });
      await overWs.subscribeAsync('tcp/to-ws', { qos: 1 });
      const atPlain = new Promise<string>((resolve) => plain.on('message', (_t, p) => resolve(p.toString())));
      const atWs = new Promise<string>((resolve) => overWs.on('message', (_t, p) => resolve(p.toString())));
      await overWs.publishAsync('ws/to-tcp', 'from a WebSocket', { qos: 1 });
      await plain.publishAsync('tcp/to-ws', 'from TCP', { qos: 1 });
      expect(await atPlain).toBe('from a WebSocket');
      expect(await atWs).toBe('from TCP');
    } finally {
      await overWs.endAsync();
      await plain.endAsync();
    }
  });

  it('checks logins as the plain port does', async () => {
    await expect(
      connectAs(wsUrl(), { username: SERVICE.username, password: 'wrong', clientId: 'souffle-ws-bad' }),
    ).rejects.toThrow(/bad username or password|not authorized/i);
  });

  it('answers a plain HTTP request with 426 and what the port is for', async () => {
    const res = await fetch(`http://127.0.0.1:${broker.websocketPort}/`);
    expect(res.status).toBe(426);
    expect(await res.text()).toMatch(/MQTT over WebSockets/);
  });
});
