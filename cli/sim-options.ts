// The options of `souffle sim`, checked and turned into a simulation run's options
// (sensors-sim/run-simulation.ts): every mistake is a usage error that names its option.
import {
  buildFleet,
  DEFAULT_BACKFILL,
  DEFAULT_CREDENTIALS_FILE,
  DEFAULT_FAULT_RATE,
  DEFAULT_FLEET,
  DEFAULT_LOAD,
  FLEET_FORMATS,
  intervals as intervalsFor,
  parseFaults,
  type FaultKind,
  type FleetFormat,
  type SimDevice,
  type SimulationOptions,
} from '../sensors-sim/index.js';
import { resolveAdminToken } from './admin-token.js';
import { parseCommandArgs, UsageError } from './args.js';
import { parseDuration, type Config } from './config.js';

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

/** The run `argv` asks for, and whether to print its summary as JSON. */
export function parseSimArgs(
  argv: string[],
  config: Config,
): { options: Omit<SimulationOptions, 'signal'>; json: boolean | undefined } {
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
  let faults: FaultKind[] = [];
  try {
    faults = v.faults ? parseFaults(v.faults) : [];
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
  const options: Omit<SimulationOptions, 'signal'> = {
    fleet,
    seed,
    format,
    apiUrl,
    mqttUrl,
    adminToken: () => resolveAdminToken(config, false).token,
    credentialsFile: v.credentials ?? DEFAULT_CREDENTIALS_FILE,
    faults,
    faultRate,
    window,
    load: loadMode
      ? { count: integer('count', v.count, 0, 1), rate: number('rate', v.rate, DEFAULT_LOAD.rate) }
      : undefined,
    backfill:
      backfillMs === undefined
        ? undefined
        : {
            ms: backfillMs,
            intervals: backfillIntervals,
            batch: integer('batch', v.batch, DEFAULT_BACKFILL.batch, 1),
          },
    live: v['backfill-only'] ? undefined : { intervals, ms: runFor, label: v.duration },
    quiet: v.quiet ?? false,
  };
  return { options, json: v.json };
}
