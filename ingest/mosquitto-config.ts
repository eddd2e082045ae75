// Mosquitto's password file, ACL and configuration for the registered fleet, written into a folder
// (`souffle mosquitto-config <dir>`). Tokens are shown once and stored hashed, but each device also
// keeps its token's Mosquitto hash (data/store/broker-password.ts), so these files can be
// rewritten from the database at any time: `souffle device` does it on every change when
// SOUFFLE_MOSQUITTO_DIR is set. The options used are kept in <dir>/souffle-mosquitto.json for
// those rewrites. The text of each file is ingest/mosquitto-files.ts's.
//
// A door of the ingest area of its own (beside ingest/index.ts): `souffle mosquitto-config`,
// `souffle mosquitto-plugin` and `souffle device` use it without loading the broker and the worker.
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Db } from '../data/db.js';
import { brokerPasswordHash } from '../data/store/broker-password.js';
import { listBrokerLogins, rotateDeviceToken } from '../data/store/devices.js';
import {
  aclFile,
  mosquittoConf,
  passwordFile,
  queueSizing,
  type BrokerOptions,
  type QueueSizing,
} from './mosquitto-files.js';
import { serviceClientIds } from './worker-topology.js';

/** SOUFFLE_MQTT_CLIENT_ID's default: the lone worker's client id, and the stem of the slots' ones. */
const DEFAULT_WORKER_CLIENT_ID = 'souffle-ingest';

export type {
  BrokerOptions,
  FleetDevice,
  MosquittoTls,
  PluginRateLimit,
  QueueSizing,
} from './mosquitto-files.js';
// The rate limit plugin is part of the same setup, and as light: built without the broker.
export { buildMosquittoPlugin, PLUGIN_FILE, type PluginBuild } from './mosquitto-plugin.js';

const OPTIONS_FILE = 'souffle-mosquitto.json';

export type MosquittoConfigResult = {
  dir: string;
  files: { passwd: string; acl: string; conf: string };
  devices: number;
  sizing: QueueSizing;
  /** Devices left out of the password file: their token predates the Mosquitto hash. */
  skipped: string[];
  /** New tokens issued with `rotateMissing`, shown this once. */
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
  service: { username: string; password: string; clientId?: string },
  { rotateMissing = false } = {},
): Promise<MosquittoConfigResult> {
  const rotated: { id: string; token: string }[] = [];
  let devices = await listBrokerLogins(db);
  // The API's forwarder logs in as the service user; each worker as its client id.
  const serviceUsers = [
    service.username,
    ...serviceClientIds(service.clientId ?? DEFAULT_WORKER_CLIENT_ID).filter((id) => id !== service.username),
  ];
  const clash = devices.find((d) => serviceUsers.includes(d.id));
  if (clash) {
    throw new Error(`device "${clash.id}" has the user name of a service account: rename it`);
  }
  if (rotateMissing) {
    for (const d of devices.filter((x) => !x.broker_hash)) {
      const token = await rotateDeviceToken(db, d.id);
      if (token) rotated.push({ id: d.id, token });
    }
    if (rotated.length > 0) devices = await listBrokerLogins(db);
  }
  const sizing = queueSizing(devices, options);
  const passwd = passwordFile(
    { users: serviceUsers, hash: await brokerPasswordHash(service.password) },
    devices,
  );
  mkdirSync(join(dir, 'data'), { recursive: true });
  const files = {
    passwd: join(dir, 'passwd'),
    acl: join(dir, 'acl'),
    conf: join(dir, 'mosquitto.conf'),
  };
  writeAtomically(files.passwd, passwd.text, 0o640);
  writeAtomically(files.acl, aclFile(serviceUsers, devices), 0o644);
  writeAtomically(files.conf, mosquittoConf(options, sizing, { serviceUsers }), 0o644);
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
