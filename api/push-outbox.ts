// The airrohr push's durable outbox (issue 15). A kit never retries: on any answer but 2xx it
// counts an error and drops the measurement (airrohr-firmware.ino, sendData). So the API answers
// 200 as soon as an accepted push is committed here, in the database, and forwards it to the
// broker on its own: at once when the broker is up, later when it is back, and after a restart
// of the API for rows left behind. A row is deleted only once the broker acknowledged it (QoS 1),
// so an accepted push is forwarded at least once; the worker's key (series, time) makes a second
// delivery harmless. Several API processes may drain one outbox: the same key covers that too.
// A row the broker refuses maxAttempts times while connected (too large for it, refused by its
// ACL) would block every row behind it forever: it becomes a dead letter with the last error
// (data/store/push-dead-letters.ts), as do the rows of a device deleted before they were
// forwarded. Nothing accepted is dropped without a trace; /metrics counts the dead letters.
import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.js';
import { buryOutboxRows, countDeadLetters } from '../data/store/push-dead-letters.js';
import type { Publish } from './app-deps.js';

export type PushOutboxOptions = {
  db: Kysely<Database>;
  publish: Publish;
  /** Whether the publisher is connected now: no attempt is made while it is not. */
  connected?: () => boolean;
  /** How long one publish may wait for its acknowledgement. */
  publishTimeoutMs: number;
  /** Pause before the next attempt while rows wait (ms). */
  retryMs?: number;
  /** Rows forwarded per pass. */
  batch?: number;
  /** Failed publishes (while connected) after which a row becomes a dead letter. */
  maxAttempts?: number;
  now?: () => number;
  onError?: (message: string) => void;
};

export type PushOutbox = {
  /** Stores an accepted push; resolves once committed. Forwarding starts in the background. */
  enqueue: (row: { deviceId: string; topic: string; payload: string; receivedAt: number }) => Promise<void>;
  /**
   * Forwards what waits, oldest first, until the outbox is empty or the broker fails (then again
   * every retryMs). The entry point calls it once at start for rows a previous run left behind.
   */
  drain: () => Promise<void>;
  /** Rows waiting (for /healthz and tests). */
  pending: () => Promise<number>;
  /** Pushes given up on, kept for the administrator (for /metrics). */
  deadLetters: () => Promise<number>;
  /** Stops the retry timer. */
  close: () => void;
};

const OUTBOX_DEFAULTS = { retryMs: 5000, batch: 100, maxAttempts: 20, now: Date.now } as const;

export function createPushOutbox(options: PushOutboxOptions): PushOutbox {
  const { db, publish, connected, publishTimeoutMs, retryMs, batch, maxAttempts, now, onError } = {
    ...OUTBOX_DEFAULTS,
    ...options,
  };
  let draining: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const retryLater = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void drain();
    }, retryMs);
    timer.unref?.();
  };

  async function pass(): Promise<void> {
    for (;;) {
      if (closed) return;
      if (connected && !connected()) return retryLater();
      const rows = await db
        .selectFrom('push_outbox')
        .select(['id', 'topic', 'payload', 'attempts'])
        .orderBy('id')
        .limit(batch)
        .execute();
      if (rows.length === 0) return;
      for (const row of rows) {
        try {
          await withTimeout(publish(row.topic, Buffer.from(row.payload, 'utf8')), publishTimeoutMs);
        } catch (e) {
          const error = (e as Error).message.slice(0, 400);
          await db
            .updateTable('push_outbox')
            .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
            .where('id', '=', row.id)
            .execute();
          if (row.attempts + 1 >= maxAttempts) {
            const reason = `the broker did not accept it in ${row.attempts + 1} attempts; last error: ${error}`;
            await buryOutboxRows(db, { id: row.id }, reason, now());
            onError?.(`push outbox: row ${row.id} of ${row.topic} is now a dead letter: ${reason}`);
          }
          return retryLater();
        }
        await db.deleteFrom('push_outbox').where('id', '=', row.id).execute();
      }
    }
  }

  /** One pass at a time; a call during a pass asks for another one after it. */
  function drain(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        await pass().catch((e: Error) => {
          onError?.(`push outbox: ${e.message}`);
          retryLater();
        });
      } while (again && !closed);
    })().finally(() => (draining = undefined));
    return draining;
  }

  return {
    enqueue: async ({ deviceId, topic, payload, receivedAt }) => {
      await db
        .insertInto('push_outbox')
        .values({ device_id: deviceId, topic, payload, received_at: receivedAt })
        .execute();
      void drain();
    },
    drain,
    pending: async () =>
      Number(
        (
          await db
            .selectFrom('push_outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    deadLetters: () => countDeadLetters(db),
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the broker did not acknowledge within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e as Error)),
    );
  });
}
