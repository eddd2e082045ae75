// `souffle mosquitto-config <dir>`: writes Mosquitto's password file, ACL and configuration for the
// registered fleet (ingest/mosquitto-config.ts), with the options given here or remembered from the
// previous run, and says how to start Mosquitto and point Souffle at it.
import { join } from 'node:path';
import type { Db } from '../data/index.js';
import {
  savedOptions,
  writeMosquittoConfig,
  type BrokerOptions,
  type MosquittoConfigResult,
} from '../ingest/mosquitto-config.js';
import { serviceCredentials } from './admin-token.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { parseDuration, type Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle mosquitto-config <dir> [options]
  Writes <dir>/passwd, <dir>/acl and <dir>/mosquitto.conf for the registered devices: each device
  (user = its id, password = its token) may publish only to its own topics; the service account
  (SOUFFLE_MQTT_USERNAME/PASSWORD, else "souffle" with the admin token) reads everything, as do the
  workers' users (SOUFFLE_MQTT_CLIENT_ID and its slots, same password): every client's id is its
  user name (use_username_as_clientid), so no device can take over a worker's session. Persistence
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

/** Rewrites the files of `dir` with its remembered options (after a device changed). */
export function refreshMosquittoConfig(db: Db, dir: string, config: Config): Promise<MosquittoConfigResult> {
  return writeMosquittoConfig(db, dir, savedOptions(dir), {
    ...serviceCredentials(config),
    clientId: config.SOUFFLE_MQTT_CLIENT_ID,
  });
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
  const service = { ...serviceCredentials(config), clientId: config.SOUFFLE_MQTT_CLIENT_ID };
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
