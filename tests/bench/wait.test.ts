// The benchmarks' waits end (issue 19, "The bench itself"): a count that stops growing, or a
// publisher whose messages are never acknowledged, fails the run naming how many messages are
// missing and where, instead of hanging it. The publisher is the real child process, facing a
// broker that accepts the connection and never answers.
import { createServer, type Server, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFromChild } from '../../bench/publish-child.js';
import { BenchStalledError, waitForCount } from '../../bench/wait.js';
import { startMosquitto, type Mosquitto } from '../../testing/mosquitto.js';

describe('waitForCount', () => {
  it('resolves once the count reaches its target', async () => {
    let n = 0;
    await waitForCount({ what: 'a growing count', count: () => ++n, target: 5 });
    expect(n).toBe(5);
  });

  it('fails when the count stands still, naming what is missing and where', async () => {
    const wait = waitForCount({
      what: 'end to end: messages stored by the worker',
      count: () => 7,
      target: 10,
      stallMs: 100,
      where: () => 'worker received 9, stored 7',
    });
    await expect(wait).rejects.toThrow(BenchStalledError);
    await expect(wait).rejects.toThrow(
      /^end to end: messages stored by the worker: 7 of 10 after \d+ s, no progress for 0 s: 3 missing; worker received 9, stored 7$/,
    );
  });

  it('fails at once when something it depends on has failed', async () => {
    await expect(
      waitForCount({
        what: 'values stored',
        count: () => 0,
        target: 1,
        failed: () => 'souffle ingest exited',
      }),
    ).rejects.toThrow('values stored: souffle ingest exited (0 of 1)');
  });
});

describe('publishFromChild', () => {
  let silent: Server;
  let port = 0;
  const sockets: Socket[] = [];
  let broker: Mosquitto;

  beforeAll(async () => {
    // Takes the connection and never sends CONNACK: no message is ever acknowledged.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
    broker = await startMosquitto();
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await broker?.cleanup();
  });

  it('publishes every message to a real broker and resolves', async () => {
    const subscriber = await mqtt.connectAsync(broker.url, { clientId: 'wait-test-subscriber' });
    let received = 0;
    subscriber.on('message', () => (received += 1));
    await subscriber.subscribeAsync('souffle/v1/+/readings', { qos: 1 });
    try {
      await publishFromChild(broker.url, 0, 600, 1_700_000_000);
      await waitForCount({ what: 'messages received', count: () => received, target: 600 });
      expect(received).toBe(600);
    } finally {
      await subscriber.endAsync();
    }
  });

  it('kills a publisher whose messages are not acknowledged and says how many are missing', async () => {
    await expect(publishFromChild(`mqtt://127.0.0.1:${port}`, 100, 50, 1_700_000_000, 3000)).rejects.toThrow(
      /^publisher of messages 100–149: 0 of 50 acknowledged by the broker, no progress for 3 s: 50 missing/,
    );
  });
});
