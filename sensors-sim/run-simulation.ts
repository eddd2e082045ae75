// One simulation run, as `souffle sim` drives it: the fleet is registered through the admin API (or
// its kept tokens reused), then either a load is published (benchmarks), or history first and live
// publishing after it; the summary says what was sent and which faults were injected.
import { runBackfill } from './backfill.js';
import { CredentialStore } from './credential-store.js';
import { FAULTS, FaultInjector, type FaultKind } from './faults.js';
import type { FleetFormat, SimDevice } from './fleet.js';
import { runLoad } from './load.js';
import { ingestReceived, type AdminApi, type DeviceCredentials } from './platform-api.js';
import { progressPrinter } from './progress-printer.js';
import { registerFleet, renewCredentials } from './register-fleet.js';
import type { Intervals } from './schedule.js';
import { FleetSimulator } from './simulator.js';
import { mergeFaultCounts, type SimSummary } from './summary.js';

/** The faults a backfill can show: history has no clock, no malformed payloads, no duplicates. */
const HISTORY_FAULTS: readonly FaultKind[] = ['stuck', 'spikes', 'offline'];

export type SimulationOptions = {
  fleet: SimDevice[];
  /** The fleet's seed and format as chosen, for the signals and the summary. */
  seed: number;
  format: FleetFormat;
  apiUrl: string;
  mqttUrl: string;
  /** The admin token: read only if a device needs registering. */
  adminToken: () => string;
  /** The file device tokens are kept in. */
  credentialsFile: string;
  faults: FaultKind[];
  /** Probability that a reading starts a fault. */
  faultRate: number;
  /** Unacknowledged QoS 1 messages per device. */
  window: number;
  /** Load mode: `count` native messages at `rate` per second (0: as fast as acknowledged), alone. */
  load?: { count: number; rate: number };
  /** History first: the last `ms`, a reading per device every `intervals`, `batch` per message. */
  backfill?: { ms: number; intervals: Intervals; batch: number };
  /** Then live at `intervals`, for `ms` (`label` says how long) or until aborted; none: history only. */
  live?: { intervals: Intervals; ms?: number; label?: string };
  /** No progress on stderr. */
  quiet: boolean;
  /** Ends the run early (what was sent is still summed up). */
  signal: AbortSignal;
};

export async function runSimulation(o: SimulationOptions): Promise<SimSummary> {
  const { fleet, seed, apiUrl, mqttUrl, window, signal } = o;
  const progress = progressPrinter(o.quiet);
  const api: AdminApi = {
    apiUrl,
    get adminToken() {
      return o.adminToken();
    },
  };
  const store = CredentialStore.open(o.credentialsFile, apiUrl);
  const registration = await registerFleet(fleet, { api, store, log: (l) => progress.line(l) });
  const credentials = new Map<string, DeviceCredentials>(registration.credentials);
  const renew = async (device: SimDevice) => {
    const fresh = await renewCredentials(device, api, store);
    credentials.set(device.id, fresh);
    return fresh;
  };
  const summary: SimSummary = {
    fleet: {
      devices: fleet.length,
      seed,
      format: o.format,
      formats: fleet.reduce<Record<string, number>>(
        (acc, d) => ((acc[d.format] = (acc[d.format] ?? 0) + 1), acc),
        {},
      ),
      credentials: store.path,
      registered: registration.registered,
      rotated: registration.rotated,
      reused: registration.reused,
    },
    platform: { api: apiUrl, mqtt: mqttUrl },
    backfill: null,
    live: null,
    load: null,
    faults: {
      enabled: o.faults,
      rate: o.faults.length ? o.faultRate : 0,
      injected: null,
      platform: Object.fromEntries(o.faults.map((k) => [k, FAULTS[k].platform])),
    },
  };
  if (o.load) {
    summary.load = await runLoad({
      url: mqttUrl,
      devices: fleet.map((d) => ({ id: d.id, token: credentials.get(d.id)!.token })),
      count: o.load.count,
      rate: o.load.rate,
      window,
      seed,
      signal,
      onProgress: (p) =>
        progress.update(
          `load: ${p.sent}/${p.count} sent, ${p.acknowledged} acknowledged, ${p.failed} failed, ${p.rate} msg/s`,
        ),
    });
    progress.done();
  } else {
    if (o.backfill) {
      const to = Date.now();
      summary.backfill = await runBackfill({
        fleet,
        credentials,
        mqttUrl,
        seed,
        from: to - o.backfill.ms,
        to,
        intervals: o.backfill.intervals,
        batch: o.backfill.batch,
        window,
        faults: new FaultInjector({
          kinds: o.faults.filter((k) => HISTORY_FAULTS.includes(k)),
          rate: o.faultRate,
          seed,
        }),
        ingestReceived: () => ingestReceived(apiUrl),
        renew,
        signal,
        onProgress: (p) =>
          progress.update(
            `backfill: ${Math.floor((100 * p.readings) / Math.max(p.totalReadings, 1))} % (${p.readings}/${p.totalReadings} readings, ${p.messages} messages), ${p.readingsPerSecond} readings/s, ${p.messagesPerSecond} msg/s${p.behind === null ? '' : `, ${p.behind} awaiting the worker`}`,
          ),
      });
      progress.done();
    }
    if (o.live && !signal.aborted) {
      const live = o.live;
      const faults = new FaultInjector({ kinds: o.faults, rate: o.faultRate, seed });
      const sim = new FleetSimulator({
        fleet,
        credentials,
        mqttUrl,
        apiUrl,
        seed,
        intervals: live.intervals,
        faults,
        renew,
        log: (l) => progress.line(l),
      });
      await sim.start();
      progress.line(
        `live: ${fleet.length} devices publishing to ${mqttUrl} and ${apiUrl}${live.ms ? ` for ${live.label}` : '; Ctrl-C to stop'}`,
      );
      const ticker = setInterval(() => {
        const s = sim.stats;
        progress.update(`live: ${s.messages} messages, ${s.acknowledged} acknowledged, ${s.failed} failed`);
      }, 1000);
      await new Promise<void>((resolve) => {
        const timer = live.ms ? setTimeout(resolve, live.ms) : undefined;
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      clearInterval(ticker);
      progress.done();
      summary.live = await sim.stop();
    }
  }
  summary.faults.injected = o.faults.length
    ? mergeFaultCounts(summary.backfill?.faults ?? null, summary.live?.faults ?? null)
    : null;
  return summary;
}
