// `souffle mosquitto-config <dir>`: writes Mosquitto's password file, ACL and configuration for the
// registered fleet. Tokens are shown once and stored hashed, but each device also keeps its
// token's Mosquitto hash (data/store/broker-password.ts), so these files can be rewritten from the
// database at any time; with SOUFFLE_MOSQUITTO_DIR set, `souffle device` rewrites them on every
// change. The options used are kept in <dir>/souffle-mosquitto.json for those rewrites.
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Db } from '../data/db.js';
import { brokerPasswordHash } from '../data/store/broker-password.js';
import { rotateDeviceToken } from '../data/store/devices.js';
import { serviceCredentials } from './admin-token.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { openConfiguredDatabase } from './open-database.js';
import { parseDuration, type Config } from './config.js';
import {
  aclFile,
  mosquittoConf,
  passwordFile,
  queueSizing,
  type BrokerOptions,
  type FleetDevice,
  type QueueSizing,
} from '../ingest/mosquitto-files.js';

export const usage = `souffle mosquitto-config <dir> [options]
  Writes <dir>/passwd, <dir>/acl and <dir>/mosquitto.conf for the registered devices: each device
  (user = its id, password = its token) may publish only to its own topics; the service account
  (SOUFFLE_MQTT_USERNAME/PASSWORD, else "souffle" with the admin token) reads everything. Persistence
  is on and max_queued_messages is sized for the worker's outage. Run again (or set
  SOUFFLE_MOSQUITTO_DIR=<dir> so that \`souffle device\` does it) after devices change, then reload
  Mosquitto. Options are remembered in <dir>/souffle-mosquitto.json.

Options:
  --port <n>             listener port (default 1883)
  --bind <address>       listen on this address only (default: every interface)
  --outage <duration>    ingest worker outage the queue must bridge (default 1h)
  --devices <n>          size the queue for this many devices when more are planned
  --interval <duration>  publish interval assumed for native devices (default 60s)
  --broker-path <path>   <dir> as Mosquitto sees it, e.g. inside a container (default: <dir>)
  --rotate-missing       issue new tokens (printed once) to devices that have no Mosquitto hash
  --json                 print the summary as JSON`;

const OPTIONS_FILE = 'souffle-mosquitto.json';

export type MosquittoConfigResult = {
  dir: string;
  files: { passwd: string; acl: string; conf: string };
  devices: number;
  sizing: QueueSizing;
  /** Devices left out of the password file: their token predates the Mosquitto hash. */
  skipped: string[];
  /** New tokens issued with --rotate-missing, shown this once. */
  rotated: { id: string; token: string }[];
  serviceUsername: string;
};

/** The options of a previous run, or the defaults for `dir`. */
export function savedOptions(dir: string): BrokerOptions {
  const defaults: BrokerOptions = {
    port: 1883,
    outageMs: 3_600_000,
    plannedDevices: 0,
    nativeIntervalMs: 60_000,
    brokerPath: resolve(dir),
  };
  const file = join(dir, OPTIONS_FILE);
  if (!existsSync(file)) return defaults;
  return { ...defaults, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<BrokerOptions>) };
}

/** Writes the three files (atomically: Mosquitto may reload at any moment) and the options. */
export async function writeMosquittoConfig(
  db: Db,
  dir: string,
  options: BrokerOptions,
  service: { username: string; password: string },
  { rotateMissing = false } = {},
): Promise<MosquittoConfigResult> {
  const rotated: { id: string; token: string }[] = [];
  let devices = await fleet(db);
  if (devices.some((d) => d.id === service.username)) {
    throw new Error(`device "${service.username}" has the service account's user name: rename one of them`);
  }
  if (rotateMissing) {
    for (const d of devices.filter((x) => !x.broker_hash)) {
      const token = await rotateDeviceToken(db, d.id);
      if (token) rotated.push({ id: d.id, token });
    }
    if (rotated.length > 0) devices = await fleet(db);
  }
  const sizing = queueSizing(devices, options);
  const passwd = passwordFile(
    { username: service.username, hash: await brokerPasswordHash(service.password) },
    devices,
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  const files = {
    passwd: join(dir, 'passwd'),
    acl: join(dir, 'acl'),
    conf: join(dir, 'mosquitto.conf'),
  };
  writeAtomically(files.passwd, passwd.text, 0o640);
  writeAtomically(files.acl, aclFile(service.username, devices), 0o644);
  writeAtomically(files.conf, mosquittoConf(options, sizing), 0o644);
  writeAtomically(join(dir, OPTIONS_FILE), `${JSON.stringify(options, null, 2)}\n`, 0o644);
  // Started as root, Mosquitto drops to its own user before reading the password file and writing
  // its persistence: give that user the group of the one and the ownership of the other.
  const account = mosquittoAccount();
  if (account) {
    chownSync(files.passwd, 0, account.gid);
    chownSync(join(dir, 'data'), account.uid, account.gid);
  }
  return {
    dir,
    files,
    devices: devices.length,
    sizing,
    skipped: passwd.skipped,
    rotated,
    serviceUsername: service.username,
  };
}

/** Rewrites the files of `dir` with its remembered options (after a device changed). */
export function refreshMosquittoConfig(db: Db, dir: string, config: Config): Promise<MosquittoConfigResult> {
  return writeMosquittoConfig(db, dir, savedOptions(dir), serviceCredentials(config));
}

async function fleet(db: Db): Promise<FleetDevice[]> {
  return db.selectFrom('devices').select(['id', 'format', 'serial', 'broker_hash']).orderBy('id').execute();
}

/** The `mosquitto` system account when we run as root (Debian's package creates it), else null. */
function mosquittoAccount(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0 || !existsSync('/etc/passwd')) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('mosquitto:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      bind: { type: 'string' },
      outage: { type: 'string' },
      devices: { type: 'string' },
      interval: { type: 'string' },
      'broker-path': { type: 'string' },
      'rotate-missing': { type: 'boolean' },
    },
    true,
  );
  const [dir, ...extra] = positionals;
  if (!dir || extra.length > 0)
    throw new UsageError('give exactly one folder: souffle mosquitto-config <dir>');
  const saved = savedOptions(dir);
  const options: BrokerOptions = {
    port: values.port !== undefined ? integer('port', values.port, 1, 65535) : saved.port,
    bind: values.bind ?? saved.bind,
    outageMs: values.outage !== undefined ? duration('outage', values.outage) : saved.outageMs,
    plannedDevices:
      values.devices !== undefined ? integer('devices', values.devices, 0, 10_000_000) : saved.plannedDevices,
    nativeIntervalMs:
      values.interval !== undefined ? duration('interval', values.interval) : saved.nativeIntervalMs,
    brokerPath: values['broker-path'] ?? saved.brokerPath,
  };
  const service = serviceCredentials(config);
  const handle = await openConfiguredDatabase(config);
  try {
    const result = await writeMosquittoConfig(handle.db, dir, options, service, {
      rotateMissing: values['rotate-missing'] === true,
    });
    output(values.json, result, () => describe(result, options, config));
  } finally {
    await handle.close();
  }
}

function describe(r: MosquittoConfigResult, options: BrokerOptions, config: Config): string {
  const lines = [
    `Wrote ${r.files.conf}, ${r.files.passwd} and ${r.files.acl} for ${r.devices} device(s).`,
    `max_queued_messages ${r.sizing.maxQueued}: ${r.sizing.explanation}.`,
  ];
  for (const { id, token } of r.rotated) lines.push(`New token for ${id} (shown once): ${token}`);
  if (r.skipped.length > 0) {
    lines.push(
      `Not in the password file (their tokens predate it): ${r.skipped.join(', ')}.`,
      'Run again with --rotate-missing, or `souffle device rotate-token <id>`, and give the devices their new token.',
    );
  }
  const envCreds = config.SOUFFLE_MQTT_USERNAME && config.SOUFFLE_MQTT_PASSWORD;
  lines.push(
    '',
    `Start Mosquitto with: mosquitto -c ${options.brokerPath.replace(/\/+$/, '')}/mosquitto.conf`,
    '(or include it from /etc/mosquitto/conf.d/, and `systemctl reload mosquitto` after each change)',
    'Point Souffle at it (souffle ingest, souffle api):',
    `  MQTT_URL=mqtt://<this host>:${options.port}`,
    envCreds
      ? `  SOUFFLE_MQTT_USERNAME=${r.serviceUsername} SOUFFLE_MQTT_PASSWORD=(as set now)`
      : `  SOUFFLE_MQTT_USERNAME=${r.serviceUsername} SOUFFLE_MQTT_PASSWORD=<the admin token, in ${join(config.SOUFFLE_DB, '..', '.admin-token')}>`,
    `  SOUFFLE_MOSQUITTO_DIR=${r.dir}   (so that \`souffle device\` keeps passwd and acl current)`,
  );
  return lines.join('\n');
}

function integer(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} "${text}" must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function duration(name: string, text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new RangeError(`"${text}" must be longer than zero`);
    return ms;
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}
