// `souffle mosquitto-config <dir>`: writes Mosquitto's password file, ACL and configuration for the
// registered fleet (ingest/mosquitto-config.ts), with the options given here or remembered from the
// previous run, and says how to start Mosquitto and point Souffle at it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Db } from '../data/index.js';
import {
  savedOptions,
  writeMosquittoConfig,
  type BrokerOptions,
  type MosquittoConfigResult,
  type MosquittoTls,
  type PluginRateLimit,
} from '../ingest/mosquitto-config.js';
import { serviceCredentials } from './admin-token.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { parseDuration, parseRate, type Config } from './config.js';
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
  --plugin <path.so>     limit what each device publishes with the souffle_rate_limit plugin at
                         this path as Mosquitto sees it (\`souffle mosquitto-plugin build\`);
                         "none" removes the limit
  --rate <rate>          messages a device may publish on average: 60/min, 1/s, 600/h, or a number
                         a minute (default: SOUFFLE_MQTT_RATE, 60/min)
  --burst <n>            messages a device may publish in a row (default: SOUFFLE_MQTT_BURST, 120)
  --rate-log-interval <duration>  a device's drops are logged at most this often (default 1m)
  --tls-cert <file>      add a listener for MQTT over TLS with this PEM certificate (its chain
                         after it: Let's Encrypt's fullchain.pem), as Mosquitto sees it; "none"
                         removes the listener
  --tls-key <file>       its private key (readable by the mosquitto user)
  --tls-ca <file>        CA certificates Mosquitto loads (cafile), if you need them
  --tls-port <n>         the TLS listener's port (default 8883)
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
      plugin: { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'rate-log-interval': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-port': { type: 'string' },
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
    rateLimit: rateLimitOptions(values, saved.rateLimit, config),
    tls: tlsOptions(values, saved.tls),
  };
  if (options.tls?.port === options.port) {
    throw new UsageError(
      `--tls-port ${options.tls.port} is the plain listener's port too: give each its own`,
    );
  }
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
  const limit = options.rateLimit;
  const lines = [
    `Wrote ${r.files.conf}, ${r.files.passwd} and ${r.files.acl} for ${r.devices} device(s).`,
    `max_queued_messages ${r.sizing.maxQueued}: ${r.sizing.explanation}.`,
    limit
      ? `Each device may publish ${limit.perMinute} messages a minute, ${limit.burst} in a row (plugin ${limit.plugin}; restart Mosquitto after changing it).`
      : 'No per-device publish rate limit: see `souffle mosquitto-plugin build` and --plugin.',
  ];
  if (limit && options.brokerPath === resolve(r.dir) && !existsSync(limit.plugin)) {
    lines.push(`Warning: ${limit.plugin} does not exist here; Mosquitto will not start without it.`);
  }
  const tls = options.tls;
  if (tls) {
    lines.push(
      `MQTT over TLS on port ${tls.port} with ${tls.certFile}: devices connect to mqtts://<this host>:${tls.port}.`,
    );
    const missing = [tls.certFile, tls.keyFile, tls.caFile].filter((f) => f !== undefined && !existsSync(f));
    if (options.brokerPath === resolve(r.dir) && missing.length > 0) {
      lines.push(`Warning: ${missing.join(', ')} does not exist here; Mosquitto will not start without it.`);
    }
  }
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

type TlsValues = { 'tls-cert'?: string; 'tls-key'?: string; 'tls-ca'?: string; 'tls-port'?: string };

/** The TLS listener asked for, over the remembered one; none unless a certificate was ever given. */
function tlsOptions(values: TlsValues, saved: MosquittoTls | undefined): MosquittoTls | undefined {
  const given = values['tls-key'] ?? values['tls-ca'] ?? values['tls-port'];
  if (values['tls-cert'] === 'none') {
    if (given) throw new UsageError('--tls-cert none removes the TLS listener: give no other --tls-* option');
    return undefined;
  }
  const certFile = values['tls-cert'] ?? saved?.certFile;
  const keyFile = values['tls-key'] ?? saved?.keyFile;
  if (certFile === undefined && keyFile === undefined) {
    if (given) throw new UsageError('a TLS listener needs --tls-cert <file> and --tls-key <file>');
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError('a TLS listener needs both --tls-cert <file> and --tls-key <file>');
  }
  const caFile = values['tls-ca'] ?? saved?.caFile;
  const port =
    values['tls-port'] !== undefined
      ? integer('tls-port', values['tls-port'], 1, 65535)
      : (saved?.port ?? 8883);
  return {
    port,
    certFile: resolve(certFile),
    keyFile: resolve(keyFile),
    ...(caFile !== undefined ? { caFile: resolve(caFile) } : {}),
  };
}

type RateValues = { plugin?: string; rate?: string; burst?: string; 'rate-log-interval'?: string };

/** The rate limit asked for, over the remembered one; the embedded broker's settings by default. */
function rateLimitOptions(
  values: RateValues,
  saved: PluginRateLimit | undefined,
  config: Config,
): PluginRateLimit | undefined {
  if (values.plugin === 'none') {
    if (values.rate ?? values.burst ?? values['rate-log-interval']) {
      throw new UsageError(
        '--plugin none removes the rate limit: give no --rate, --burst or --rate-log-interval',
      );
    }
    return undefined;
  }
  const plugin = values.plugin ?? saved?.plugin;
  if (plugin === undefined) {
    if (values.rate ?? values.burst ?? values['rate-log-interval']) {
      throw new UsageError(
        'a rate limit needs the plugin: build it with `souffle mosquitto-plugin build <dir>` and give --plugin <dir>/souffle_rate_limit.so',
      );
    }
    return undefined;
  }
  if (!plugin.endsWith('.so') || !plugin.startsWith('/')) {
    throw new UsageError(
      `--plugin "${plugin}" must be the absolute path of a .so file, as Mosquitto sees it`,
    );
  }
  let perMinute = saved?.perMinute ?? config.SOUFFLE_MQTT_RATE;
  if (values.rate !== undefined) {
    try {
      perMinute = parseRate(values.rate);
    } catch (e) {
      throw new UsageError(`--rate: ${(e as Error).message}`);
    }
  }
  const burst =
    values.burst !== undefined
      ? integer('burst', values.burst, 1, 1_000_000)
      : (saved?.burst ?? config.SOUFFLE_MQTT_BURST);
  const logIntervalS =
    values['rate-log-interval'] !== undefined
      ? Math.ceil(duration('rate-log-interval', values['rate-log-interval']) / 1000)
      : (saved?.logIntervalS ?? 60);
  return { plugin, perMinute, burst, logIntervalS };
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

/**
 * What `souffle api` and `souffle start` give the API as onDevicesChanged: with
 * SOUFFLE_MOSQUITTO_DIR set, rewrites Mosquitto's passwd and ACL after a citizen joined (or the
 * admin API changed a device), one rewrite at a time and once more if devices changed meanwhile,
 * so the files always end up with the last state. Undefined without the folder.
 */
export function mosquittoRefresher(
  db: Db,
  config: Config,
  log: (line: string) => void,
): (() => void) | undefined {
  const dir = config.SOUFFLE_MOSQUITTO_DIR;
  if (!dir) return undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const refresh = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = refreshMosquittoConfig(db, dir, config)
      .then(() => log(`Updated Mosquitto's passwd and acl in ${dir}: reload Mosquitto to apply.`))
      .catch((e: Error) => log(`could not update Mosquitto's files in ${dir}: ${e.message}`))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  return refresh;
}
