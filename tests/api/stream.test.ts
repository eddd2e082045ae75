// GET /api/v1/stream over a real HTTP server: a reading committed to the database (by another
// connection, as a worker in another process would) reaches the listener of its station, with
// heartbeats, the Last-Event-ID catch-up, bounded connections and clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { openDatabase, type Db } from '../../data/db.js';
import { citizen, fixture, HOUR, NOW, readings, type Fixture } from './fixtures.js';

type SseEvent = { event?: string; id?: string; data?: string; comment?: string };

/** Opens a stream and collects its events (and comments) as they arrive. */
async function listen(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const done = (async () => {
    if (!response.ok || !response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = response.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        buffer += decoder.decode(r.value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) e.comment = line.slice(1).trim();
            const m = /^(event|id|data): ?(.*)$/.exec(line);
            if (m) e[m[1] as 'event' | 'id' | 'data'] = m[2];
          }
          events.push(e);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    response,
    events,
    readings: () => events.filter((e) => e.event === 'reading').map((e) => JSON.parse(e.data!)),
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('the live stream', () => {
  let f: Fixture;
  let server: ApiServer;
  let base: string;
  // A second connection to the same file: the worker's commits, as from another process.
  let writer: Db;
  let closeWriter = async () => {};

  beforeAll(async () => {
    f = await fixture({
      live: { pollMs: 100, heartbeatMs: 300, maxConnections: 3, maxPerAddress: 2 },
    });
    await citizen(f.db, { id: 'ecole', lat: 43.3, lon: 5.38 });
    await citizen(f.db, { id: 'parc', lat: 43.31, lon: 5.39 });
    await readings(f.db, 'ecole', 'pm25', [{ t: NOW - HOUR, value: 9 }], { covers: 0 });
    server = await startApiServer({ app: f.app, port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}/api/v1`;
    if (f.handle.dialect === 'sqlite') {
      const second = await openDatabase(f.handle.path, { migrate: false });
      [writer, closeWriter] = [second.db, second.close];
    } else writer = f.db; // PostgreSQL: the pool's connections are separate sessions already
  });
  afterAll(async () => {
    await server?.close();
    await closeWriter();
    await f?.cleanup();
  });

  it('announces a new reading of a listened station, with its time as the event id, and beats', async () => {
    const s = await listen(`${base}/stream?stations=ecole,parc`);
    expect(s.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.response.headers.get('access-control-allow-origin')).toBe('*');
    await expect.poll(() => s.events.some((e) => e.event === 'ready')).toBe(true);
    await readings(writer, 'ecole', 'pm25', [{ t: NOW, value: 12 }], { covers: 0 });
    await expect
      .poll(() => s.readings())
      .toEqual([{ station: 'ecole', lastSeen: new Date(NOW).toISOString(), t: NOW }]);
    expect(s.events.find((e) => e.event === 'reading')!.id).toBe(String(NOW));
    // The other station's first reading ever is news too.
    await readings(writer, 'parc', 'no2', [{ t: NOW + 60_000, value: 30 }], { covers: 0 });
    await expect.poll(() => s.readings().map((r) => r.station)).toEqual(['ecole', 'parc']);
    await expect.poll(() => s.events.some((e) => e.comment === 'ping')).toBe(true);
    await s.close();
  });

  it('sends a reconnecting client what came after its Last-Event-ID, and nothing older', async () => {
    const s = await listen(`${base}/stream?stations=ecole,parc`, { 'Last-Event-ID': String(NOW) });
    await expect
      .poll(() => s.readings())
      .toEqual([{ station: 'parc', lastSeen: new Date(NOW + 60_000).toISOString(), t: NOW + 60_000 }]);
    await s.close();
  });

  it('refuses an unknown station, an empty list, and connections beyond the limit', async () => {
    const unknown = await fetch(`${base}/stream?stations=ecole,nowhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { message: 'no station "nowhere"' } });
    const empty = await fetch(`${base}/stream?stations=,`);
    expect(empty.status).toBe(400);
    const open = [
      await listen(`${base}/stream?stations=ecole`),
      await listen(`${base}/stream?stations=parc`),
    ];
    const third = await fetch(`${base}/stream?stations=ecole`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('30');
    await third.body?.cancel();
    // A slot is freed as soon as its client goes.
    await open[0]!.close();
    await expect
      .poll(async () => {
        const again = await fetch(`${base}/stream?stations=ecole`);
        await again.body?.cancel();
        return again.status;
      })
      .toBe(200);
    await open[1]!.close();
  });
});
