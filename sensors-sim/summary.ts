// The summary `souffle sim` prints at the end (and on --json): the fleet, what was published
// (backfill, live, load) and the faults injected with what the platform should do with each.
import type { BackfillResult } from './backfill.js';
import { FAULTS, type FaultCounts, type FaultKind } from './faults.js';
import type { FleetFormat } from './fleet.js';
import type { LoadResult } from './load.js';
import type { LiveSummary } from './simulator.js';

export type SimSummary = {
  fleet: {
    devices: number;
    seed: number;
    format: FleetFormat;
    formats: Record<string, number>;
    credentials: string;
    registered: number;
    rotated: number;
    reused: number;
  };
  platform: { api: string; mqtt: string };
  backfill: BackfillResult | null;
  live: LiveSummary | null;
  load: LoadResult | null;
  faults: {
    enabled: FaultKind[];
    rate: number;
    injected: FaultCounts | null;
    platform: Partial<Record<FaultKind, string>>;
  };
};

export function mergeFaultCounts(a: FaultCounts | null, b: FaultCounts | null): FaultCounts | null {
  if (!a) return b;
  if (!b) return a;
  return Object.fromEntries(
    Object.keys(a).map((k) => {
      const x = a[k as FaultKind];
      const y = b[k as FaultKind];
      return [k, { events: x.events + y.events, messages: x.messages + y.messages }];
    }),
  ) as FaultCounts;
}

export function describeSummary(s: SimSummary): string {
  const lines: string[] = [];
  const f = s.fleet;
  const formats = Object.entries(f.formats)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  lines.push(
    `Fleet: ${f.devices} devices (${formats}), seed ${f.seed}; credentials in ${f.credentials} (${f.registered} registered, ${f.rotated} new tokens, ${f.reused} reused)`,
  );
  if (s.backfill) {
    const b = s.backfill;
    lines.push(
      `Backfill ${b.from} → ${b.to}${b.aborted ? ' (interrupted)' : ''}: ${b.readings} readings in ${b.messages} messages, ${b.acknowledged} acknowledged, ${b.failed} failed, ${(b.elapsedMs / 1000).toFixed(1)} s (${b.readingsPerSecond} readings/s, ${b.messagesPerSecond} msg/s)`,
    );
  }
  if (s.live) {
    const l = s.live;
    const http = Object.entries(l.http)
      .map(([status, n]) => `${status === '0' ? 'no answer' : status} ×${n}`)
      .join(', ');
    lines.push(
      `Live ${l.elapsedSeconds} s: ${l.messages} messages (${l.readings} readings), ${l.acknowledged} acknowledged, ${l.failed} failed${http ? `; airrohr pushes: ${http}` : ''}`,
    );
    for (const e of l.errors.slice(-3)) lines.push(`  last error: ${e}`);
  }
  if (s.load) {
    const l = s.load;
    lines.push(
      `Load: ${l.sent}/${l.count} messages${l.aborted ? ' (interrupted)' : ''}, ${l.acknowledged} acknowledged, ${l.failed} failed in ${(l.elapsedMs / 1000).toFixed(1)} s: ${l.rate} msg/s (target ${l.targetRate || 'as fast as acknowledged'})`,
    );
  }
  if (s.faults.injected) {
    lines.push(`Faults injected (rate ${s.faults.rate}):`);
    for (const kind of s.faults.enabled) {
      const c = s.faults.injected[kind];
      lines.push(
        `  ${kind.padEnd(13)} ${String(c.events).padStart(4)} events, ${String(c.messages).padStart(5)} readings → ${FAULTS[kind].platform}`,
      );
    }
  }
  return lines.join('\n');
}
