// An in-process cache of answers that change only when the database does (current values and
// indices, data/change-signal.ts): an entry holds while the signal's version has not moved. Keys
// must say everything else an answer depends on (the hour in progress, the time zone, the query).
import type { ChangeSignal } from '../data/change-signal.js';

/** Entries at most; past it the cache starts afresh (station pages × a few query variants). */
const MAX_ENTRIES = 5000;

export class AnswerCache {
  private version: string | undefined;
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly signal: ChangeSignal | undefined) {}

  /** The cached answer of `key` if the database has not changed since, else `compute()`'s. */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    // Read before computing: a change during the computation moves the version past this one,
    // and the next request drops what was computed.
    const version = await this.signal?.version();
    if (version === undefined) return compute();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const answer = await compute();
    if (this.version === version) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, answer);
    }
    return answer;
  }
}
