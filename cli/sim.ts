// `souffle sim`: a simulated fleet of citizen sensors around Marseille publishing to the platform
// (live, with history first, or as a load for benchmarks). Wires sensors-sim/ to the configuration:
// URLs, the admin token (from the environment or the file beside the database) and the signals.
import { DEFAULT_BACKFILL, runBackfill } from '../sensors-sim/backfill.js';
import { CredentialStore, DEFAULT_CREDENTIALS_FILE } from '../sensors-sim/credential-store.js';
import {
  DEFAULT_FAULT_RATE,
  FAULTS,
  FaultInjector,
  parseFaults,
  type FaultKind,
} from '../sensors-sim/faults.js';
import {
  buildFleet,
  DEFAULT_FLEET,
  FLEET_FORMATS,
  type FleetFormat,
  type SimDevice,
} from '../sensors-sim/fleet.js';
import { DEFAULT_LOAD, runLoad } from '../sensors-sim/load.js';
import { ingestReceived, type AdminApi, type DeviceCredentials } from '../sensors-sim/platform-api.js';
import { progressPrinter } from '../sensors-sim/progress-printer.js';
import { registerFleet, renewCredentials } from '../sensors-sim/register-fleet.js';
import { intervals as intervalsFor } from '../sensors-sim/schedule.js';
import { FleetSimulator } from '../sensors-sim/simulator.js';
import { describeSummary, mergeFaultCounts, type SimSummary } from '../sensors-sim/summary.js';
import { resolveAdminToken } from './admin-token.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { parseDuration, type Config } from './config.js';

export const usage = `souffle sim [options]        (from a checkout: npm run sim -- [options])
  Simulates citizen sensors around Marseille publishing to the platform: native and AirGradient
  devices over MQTT (each as itself), Sensor.Community kits over HTTP, as their firmware does.
  Devices are registered through the admin API on first run; their tokens are kept in a file.

Fleet
  --devices N          number of devices (default 25)
  --seed N             which city: places, formats, sensors and signals (default 1)
  --format F           native | airgradient | airrohr | mixed (default mixed; load mode: native)
  --interval D         one interval for every device, e.g. 5s (default: 60 s, airrohr 145 s)
  --duration D         stop the live run after D, e.g. 10m (default: until Ctrl-C)
Faults
  --faults LIST        stuck,spikes,offline,future-clock,malformed,duplicates or all
  --fault-rate P       probability that a reading starts a fault (default ${DEFAULT_FAULT_RATE})
History
  --backfill D         first publish the last D of history with timestamps, e.g. 7d
  --backfill-only      stop after the backfill
  --backfill-step D    time between history readings (default: the firmware intervals, not --interval)
  --batch N            readings per backfill message (default ${DEFAULT_BACKFILL.batch})
Load (benchmarks)
  --rate R             messages per second (with --count; 0 = as fast as acknowledged)
  --count N            publish N native messages of 6 values across the fleet, then stop
Connection
  --api-url URL        the API (default SOUFFLE_API_URL)
  --mqtt-url URL       the broker (default MQTT_URL, else mqtt://127.0.0.1:SOUFFLE_MQTT_PORT)
  --window N           unacknowledged QoS 1 messages per device (default ${DEFAULT_BACKFILL.window})
  --credentials FILE   where device tokens are kept (default ${DEFAULT_CREDENTIALS_FILE}, mode 0600)
  --id-prefix P        prefix of device ids (default "${DEFAULT_FLEET.idPrefix}")
Output
  --json               print the summary as JSON on stdout
  --quiet              no progress on stderr
The admin token is SOUFFLE_ADMIN_TOKEN, or the .admin-token file beside SOUFFLE_DB.`;

const OPTIONS = {
  devices: { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string' },
  interval: { type: 'string' },
  duration: { type: 'string' },
  faults: { type: 'string' },
  'fault-rate': { type: 'string' },
  backfill: { type: 'string' },
  'backfill-only': { type: 'boolean' },
  'backfill-step': { type: 'string' },
  batch: { type: 'string' },
  rate: { type: 'string' },
  count: { type: 'string' },
  'api-url': { type: 'string' },
  'mqtt-url': { type: 'string' },
  window: { type: 'string' },
  credentials: { type: 'string' },
  'id-prefix': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

function integer(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} "${text}" must be an integer ≥ ${min}`);
  return n;
}

function number(name: string, text: string | undefined, fallback: number, max = Infinity): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > max)
    throw new UsageError(`--${name} "${text}" must be a number from 0 to ${max}`);
  return n;
}

function duration(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new RangeError('must be positive');
    return ms;
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

function intervalsOption(name: string, text: string | undefined) {
  try {
    return intervalsFor(duration(name, text));
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

function url(name: string, text: string): string {
  try {
    return new URL(text).toString().replace(/\/$/, '');
  } catch {
    throw new UsageError(`--${name} "${text}" is not a URL`);
  }
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values: v } = parseCommandArgs(argv, OPTIONS);
  const loadMode = v.count !== undefined || v.rate !== undefined;
  if (v.rate !== undefined && v.count === undefined)
    throw new UsageError('--rate needs --count (load mode publishes N messages)');
  if (loadMode && (v.backfill || v.faults))
    throw new UsageError('load mode (--count) cannot be combined with --backfill or --faults');
  if (v['backfill-only'] && !v.backfill) throw new UsageError('--backfill-only needs --backfill D');
  const format = (v.format ?? (loadMode ? 'native' : 'mixed')) as FleetFormat;
  if (!(FLEET_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format "${v.format}" must be one of ${FLEET_FORMATS.join(', ')}`);
  const seed = integer('seed', v.seed, DEFAULT_FLEET.seed);
  let fleet: SimDevice[];
  try {
    fleet = buildFleet({
      devices: integer('devices', v.devices, DEFAULT_FLEET.devices, 1),
      seed,
      format,
      idPrefix: v['id-prefix'] ?? DEFAULT_FLEET.idPrefix,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let faultKinds: FaultKind[] = [];
  try {
    faultKinds = v.faults ? parseFaults(v.faults) : [];
  } catch (e) {
    throw new UsageError(`--faults: ${(e as Error).message}`);
  }
  const faultRate = number('fault-rate', v['fault-rate'], DEFAULT_FAULT_RATE, 1);
  const intervals = intervalsOption('interval', v.interval);
  const runFor = duration('duration', v.duration);
  const backfillMs = duration('backfill', v.backfill);
  // History at the firmware's own pace whatever --interval says: a fast live demo should not turn
  // a week of history into millions of readings.
  const backfillIntervals = intervalsOption('backfill-step', v['backfill-step']);
  if (v['backfill-step'] && !v.backfill) throw new UsageError('--backfill-step needs --backfill D');
  const window = integer('window', v.window, DEFAULT_BACKFILL.window, 1);
  const apiUrl = url('api-url', v['api-url'] ?? config.SOUFFLE_API_URL);
  const mqttUrl = url(
    'mqtt-url',
    v['mqtt-url'] ?? config.MQTT_URL ?? `mqtt://127.0.0.1:${config.SOUFFLE_MQTT_PORT}`,
  );
  const quiet = v.quiet ?? false;
  const progress = progressPrinter(quiet);

  // The admin token is read only if a device needs registering.
  const api: AdminApi = {
    apiUrl,
    get adminToken() {
      return resolveAdminToken(config, false).token;
    },
  };
  const store = CredentialStore.open(v.credentials ?? DEFAULT_CREDENTIALS_FILE, apiUrl);
  const registration = await registerFleet(fleet, { api, store, log: (l) => progress.line(l) });
  const credentials = new Map<string, DeviceCredentials>(registration.credentials);
  const renew = async (device: SimDevice) => {
    const fresh = await renewCredentials(device, api, store);
    credentials.set(device.id, fresh);
    return fresh;
  };

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const summary: SimSummary = {
    fleet: {
      devices: fleet.length,
      seed,
      format,
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
      enabled: faultKinds,
      rate: faultKinds.length ? faultRate : 0,
      injected: null,
      platform: Object.fromEntries(faultKinds.map((k) => [k, FAULTS[k].platform])),
    },
  };
  try {
    if (loadMode) {
      summary.load = await runLoad({
        url: mqttUrl,
        devices: fleet.map((d) => ({ id: d.id, token: credentials.get(d.id)!.token })),
        count: integer('count', v.count, 0, 1),
        rate: number('rate', v.rate, DEFAULT_LOAD.rate),
        window,
        seed,
        signal: controller.signal,
        onProgress: (p) =>
          progress.update(
            `load: ${p.sent}/${p.count} sent, ${p.acknowledged} acknowledged, ${p.failed} failed, ${p.rate} msg/s`,
          ),
      });
      progress.done();
    } else {
      if (backfillMs !== undefined) {
        const to = Date.now();
        summary.backfill = await runBackfill({
          fleet,
          credentials,
          mqttUrl,
          seed,
          from: to - backfillMs,
          to,
          intervals: backfillIntervals,
          batch: integer('batch', v.batch, DEFAULT_BACKFILL.batch, 1),
          window,
          faults: new FaultInjector({
            kinds: faultKinds.filter((k) => ['stuck', 'spikes', 'offline'].includes(k)),
            rate: faultRate,
            seed,
          }),
          ingestReceived: () => ingestReceived(apiUrl),
          renew,
          signal: controller.signal,
          onProgress: (p) =>
            progress.update(
              `backfill: ${Math.floor((100 * p.readings) / Math.max(p.totalReadings, 1))} % (${p.readings}/${p.totalReadings} readings, ${p.messages} messages), ${p.readingsPerSecond} readings/s, ${p.messagesPerSecond} msg/s${p.behind === null ? '' : `, ${p.behind} awaiting the worker`}`,
            ),
        });
        progress.done();
      }
      if (!v['backfill-only'] && !controller.signal.aborted) {
        const faults = new FaultInjector({ kinds: faultKinds, rate: faultRate, seed });
        const sim = new FleetSimulator({
          fleet,
          credentials,
          mqttUrl,
          apiUrl,
          seed,
          intervals,
          faults,
          renew,
          log: (l) => progress.line(l),
        });
        await sim.start();
        progress.line(
          `live: ${fleet.length} devices publishing to ${mqttUrl} and ${apiUrl}${runFor ? ` for ${v.duration}` : '; Ctrl-C to stop'}`,
        );
        const ticker = setInterval(() => {
          const s = sim.stats;
          progress.update(`live: ${s.messages} messages, ${s.acknowledged} acknowledged, ${s.failed} failed`);
        }, 1000);
        await new Promise<void>((resolve) => {
          const timer = runFor ? setTimeout(resolve, runFor) : undefined;
          controller.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        clearInterval(ticker);
        progress.done();
        summary.live = await sim.stop();
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  summary.faults.injected = faultKinds.length
    ? mergeFaultCounts(summary.backfill?.faults ?? null, summary.live?.faults ?? null)
    : null;
  output(v.json, summary, () => describeSummary(summary));
}
