// The worker's pace gauges: the longest receipt-to-commit wait since the last flush, and the queue
// depth, written as set values (not added) and only when they changed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCounters } from '../../data/store/counters.js';
import { IngestMetrics } from '../../ingest/ingest-metrics.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';

describe('IngestMetrics gauges', () => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDb({ dialect: 'sqlite' });
  });
  afterEach(() => t.cleanup());

  const gauge = async (name: string) => (await readCounters(t.db)).find((c) => c.name === name);

  it('writes the worst lag of the interval and the queue depth, and nothing when idle', async () => {
    const m = new IngestMetrics();
    const values = { inserted: 1, duplicates: 0, replaced: 0 };
    m.committed([{ readings: [1], message: { receivedAt: 1_000 } }], values, 2_000);
    m.committed([{ readings: [1], message: { receivedAt: 1_500 } }], values, 4_000);
    await m.flush(t.db, 10_000, 7);
    expect((await gauge('souffle_ingest_lag_seconds'))?.value).toBe(2.5);
    expect((await gauge('souffle_ingest_queue_depth'))?.value).toBe(7);

    m.committed([{ readings: [1], message: { receivedAt: 5_000 } }], values, 5_200);
    await m.flush(t.db, 20_000, 0);
    expect((await gauge('souffle_ingest_lag_seconds'))?.value).toBe(0.2);
    expect((await gauge('souffle_ingest_queue_depth'))?.value).toBe(0);

    // Idle: nothing new, the same depth: no write (updated_at stays).
    const before = await gauge('souffle_ingest_queue_depth');
    await m.flush(t.db, 30_000, 0);
    expect(await gauge('souffle_ingest_queue_depth')).toEqual(before);
  });
});
