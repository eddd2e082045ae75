import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../api/server.js';
import { fixture, type Fixture } from './fixtures.js';

let f: Fixture;
beforeAll(async () => {
  f = await fixture();
});
afterAll(() => f.cleanup());

describe('startApiServer', () => {
  it('listens on a free port when asked for port 0 and closes cleanly, keep-alive sockets included', async () => {
    const server = await startApiServer({ app: f.app, port: 0, host: '127.0.0.1' });
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`, {
      headers: { Connection: 'keep-alive' },
    });
    expect(res.status).toBe(200);
    await res.text();
    await server.close();
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });

  it('fails with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startApiServer({ app: f.app, port, host: '127.0.0.1' })).rejects.toThrow(
        `cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE)`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
