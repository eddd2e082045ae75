// Who learns of new readings, and how, for the live stream (GET /api/v1/stream). The ingest
// worker may run in this process (`souffle start`) or in another (`souffle api` + `souffle
// ingest`, several workers, PostgreSQL): the one thing all of them share is the database. So the
// hub polls it: every `pollMs`, one indexed query gives the newest reading time of each station
// someone listens to (data/store/latest.ts, lastReadingTimes: one max() per series on the
// (series, time) key), and a station whose time moved on is announced to its listeners. No
// broker topic, ACL or notification channel to configure; nothing runs while nobody listens; the
// cost is one query per tick for all connections together, whatever their number.
import type { Kysely } from 'kysely';
import { lastReadingTimes } from '../data/store/latest.js';
import type { Database } from '../data/schema.js';

export type LiveEvent = { station: string; t: number };
export type LiveListener = (event: LiveEvent) => void;

export type LiveHubOptions = {
  db: Kysely<Database>;
  /** How often the database is asked while someone listens (ms). */
  pollMs: number;
  onError?: (error: Error) => void;
};

export const LIVE_HUB_DEFAULTS = { pollMs: 2000 };

export type LiveHub = {
  /** Listens to the stations; resolves once their current newest times are known (see `known`). */
  subscribe(stations: readonly string[], listener: LiveListener): Promise<() => void>;
  /** The newest reading time the hub knows for a station (0: none yet). */
  known(station: string): number | undefined;
  close(): void;
};

export function createLiveHub(options: LiveHubOptions): LiveHub {
  const listeners = new Map<string, Set<LiveListener>>();
  const latest = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  /** Reads the newest times; announces those that moved on (not on the first read of a station). */
  async function poll(stations: readonly string[], announce: boolean): Promise<void> {
    if (stations.length === 0) return;
    const times = await lastReadingTimes(options.db, stations);
    // A station without any reading yet has 0 as its baseline: its first reading is news.
    if (!announce) for (const s of stations) if (!times.has(s)) latest.set(s, 0);
    for (const [station, t] of times) {
      const before = latest.get(station);
      if (before !== undefined && t <= before) continue;
      latest.set(station, t);
      if (!announce || before === undefined) continue;
      for (const listener of listeners.get(station) ?? []) listener({ station, t });
    }
  }

  function schedule(): void {
    if (closed || timer || listeners.size === 0) return;
    timer = setTimeout(async () => {
      try {
        await poll([...listeners.keys()], true);
      } catch (e) {
        options.onError?.(e as Error);
      }
      timer = undefined;
      schedule();
    }, options.pollMs);
    timer.unref?.();
  }

  return {
    async subscribe(stations, listener) {
      await poll(
        stations.filter((s) => !latest.has(s)),
        false,
      );
      for (const s of stations) {
        const set = listeners.get(s) ?? new Set();
        set.add(listener);
        listeners.set(s, set);
      }
      schedule();
      return () => {
        for (const s of stations) {
          const set = listeners.get(s);
          set?.delete(listener);
          if (set?.size === 0) {
            listeners.delete(s);
            // Forgotten, so that a later listener's baseline is read afresh, not announced.
            latest.delete(s);
          }
        }
      };
    },
    known: (station) => latest.get(station),
    close() {
      closed = true;
      clearTimeout(timer);
      listeners.clear();
    },
  };
}
