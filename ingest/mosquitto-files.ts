// The three files Mosquitto needs for a Souffle fleet, as pure functions of the devices and the
// options: a password file, an ACL and mosquitto.conf. They state the same rules as the embedded
// broker (ingest/embedded-broker.ts): a device publishes only under its own topics (or its
// AirGradient serial), the service account reads everything and forwards airrohr bodies.
import { MOSQUITTO_ACL } from '../data/topics.js';
import type { DeviceFormat } from '../data/schema.js';

export type FleetDevice = {
  id: string;
  format: DeviceFormat;
  serial: string | null;
  /** Mosquitto "$7$" hash of the device token, or null (issued before it was kept). */
  broker_hash: string | null;
};

export type BrokerOptions = {
  /** TCP port of the listener. */
  port: number;
  /** Address to bind, or undefined for all interfaces. */
  bind?: string;
  /** Longest outage of the ingest worker the broker must bridge without dropping, ms. */
  outageMs: number;
  /** Devices to size the queue for when more are planned than registered. */
  plannedDevices: number;
  /** Publish interval assumed for native devices, ms (AirGradient and airrohr have fixed ones). */
  nativeIntervalMs: number;
  /** The folder holding passwd/acl/data as Mosquitto sees it (differs inside a container). */
  brokerPath: string;
  /** The per-device publish rate limit (souffle_rate_limit plugin), or none. */
  rateLimit?: PluginRateLimit;
  /** A second listener for MQTT over TLS, or none. */
  tls?: MosquittoTls;
};

/** MQTT over TLS: its listener's port and PEM files, as Mosquitto sees them. */
export type MosquittoTls = {
  port: number;
  /** The server certificate, followed by its intermediates (Let's Encrypt's fullchain.pem). */
  certFile: string;
  keyFile: string;
  /** CA certificates Mosquitto loads (cafile): client certificates, or an older Mosquitto's need. */
  caFile?: string;
};

/** Options of the souffle_rate_limit plugin (ingest/mosquitto-plugin/souffle_rate_limit.c). */
export type PluginRateLimit = {
  /** The plugin's shared object, as Mosquitto sees it. */
  plugin: string;
  /** Messages a device may publish a minute, on average. */
  perMinute: number;
  /** Messages a device may publish in a row. */
  burst: number;
  /** A device's drops are logged at most once per this many seconds. */
  logIntervalS: number;
};

/**
 * Publish intervals of each firmware: AirGradient every 60 s, airrohr every 145 s by default; a
 * json-map device as ESPHome's default, one message per sensor every 60 s, counted as 4 sensors.
 */
const INTERVAL_MS = { airgradient: 60_000, airrohr: 145_000, 'json-map': 15_000 } as const;
/** Redeliveries, devices publishing faster than assumed, and growth between two regenerations. */
export const QUEUE_HEADROOM = 2;
/** Mosquitto's own default: never size below it. */
const MIN_QUEUE = 1000;
/**
 * Payload bytes allowed per queued message in max_queued_bytes: readings are 100 B to 1.5 KiB
 * (an airrohr body with every sensor), so a queue of real readings reaches the message limit
 * first, while a flood of 120 KiB payloads stops at this many bytes instead of gigabytes.
 */
export const QUEUE_BYTES_PER_MESSAGE = 2048;

export type QueueSizing = {
  devices: number;
  messagesPerHour: number;
  maxQueued: number;
  /** max_queued_bytes: maxQueued × QUEUE_BYTES_PER_MESSAGE. */
  maxQueuedBytes: number;
  explanation: string;
};

/**
 * max_queued_messages for the worker's session: every message the fleet publishes during the
 * outage, times the headroom, rounded up to a thousand. Mosquitto queues per client, and drops QoS
 * 1 messages beyond this limit silently (docs/architecture.md, Delivery).
 */
export function queueSizing(devices: readonly FleetDevice[], options: BrokerOptions): QueueSizing {
  const extra = Math.max(0, options.plannedDevices - devices.length);
  const perHour = (intervalMs: number) => 3_600_000 / intervalMs;
  const messagesPerHour = Math.ceil(
    devices.reduce(
      (sum, d) => sum + perHour(d.format === 'native' ? options.nativeIntervalMs : INTERVAL_MS[d.format]),
      extra * perHour(options.nativeIntervalMs),
    ),
  );
  const outageHours = options.outageMs / 3_600_000;
  const needed = messagesPerHour * outageHours * QUEUE_HEADROOM;
  const maxQueued = Math.max(MIN_QUEUE, Math.ceil(needed / 1000) * 1000);
  const count = devices.length + extra;
  const explanation =
    `${count} devices publish ${messagesPerHour} messages per hour ` +
    `(native every ${options.nativeIntervalMs / 1000} s, AirGradient every 60 s, airrohr every 145 s, json-map 4 messages a minute); ` +
    `× ${outageHours} h of outage × ${QUEUE_HEADROOM} headroom = ${Math.ceil(needed)}, ` +
    `rounded up to ${maxQueued} (never below Mosquitto's default of ${MIN_QUEUE})`;
  const maxQueuedBytes = maxQueued * QUEUE_BYTES_PER_MESSAGE;
  return { devices: count, messagesPerHour, maxQueued, maxQueuedBytes, explanation };
}

/**
 * `user:hash` lines; devices without a broker hash are left out (returned for the report). The
 * service users (`users`: the API's forwarder, then each worker client id) share the service hash.
 */
export function passwordFile(
  service: { users: readonly string[]; hash: string },
  devices: readonly FleetDevice[],
): { text: string; skipped: string[] } {
  const lines = service.users.map((user) => `${user}:${service.hash}`);
  const skipped: string[] = [];
  for (const d of devices) {
    if (d.broker_hash) lines.push(`${d.id}:${d.broker_hash}`);
    else skipped.push(d.id);
  }
  return { text: `${lines.join('\n')}\n`, skipped };
}

export function aclFile(serviceUsers: readonly string[], devices: readonly FleetDevice[]): string {
  const lines = [
    '# Written by `souffle mosquitto-config` from the device registry: regenerate, do not edit.',
    '# Pattern lines apply to every user: a device (user = its id) reads and writes only under its',
    '# own prefix, so it can neither publish as nor subscribe to another device.',
    `pattern readwrite ${MOSQUITTO_ACL.devicePattern}`,
    '',
    "# The ingest workers read everything; the API forwards HTTP devices' messages on their behalf.",
    '# One service user per client id (the API, the lone worker, each slot): the client id is the',
    '# user name (use_username_as_clientid), so each needs its own.',
  ];
  for (const user of serviceUsers) {
    lines.push(`user ${user}`, 'topic read #', ...MOSQUITTO_ACL.serviceWrite.map((t) => `topic write ${t}`));
  }
  for (const d of devices) {
    if (d.format === 'airgradient' && d.serial) {
      lines.push('', `# AirGradient ${d.serial}: its firmware publishes to a topic named after its serial.`);
      lines.push(`user ${d.id}`, `topic write ${MOSQUITTO_ACL.airgradientWrite(d.serial)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The plugin lines of mosquitto.conf for a per-device rate limit; `exempt` are the service users
 * (workers, the API's forwarder), whose publishing is the platform's own.
 */
export function rateLimitLines(limit: PluginRateLimit, exempt: readonly string[]): string {
  return `
# Each device may publish ${limit.perMinute} messages a minute on average and ${limit.burst} in a row
# (souffle_rate_limit, built by \`souffle mosquitto-plugin build\`; docs/ingest.md, Limits). A
# message over the limit is acknowledged and dropped before any queue; the drops are logged per
# device at most every ${limit.logIntervalS} s. Mosquitto reads plugin options at start: restart it after a change.
plugin ${limit.plugin}
plugin_opt_rate ${limit.perMinute}
plugin_opt_burst ${limit.burst}
plugin_opt_log_interval ${limit.logIntervalS}
plugin_opt_exempt ${exempt.join(',')}
`;
}

export function mosquittoConf(
  options: BrokerOptions,
  sizing: QueueSizing,
  { now = new Date(), serviceUsers = [] as readonly string[] } = {},
): string {
  const path = options.brokerPath.replace(/\/+$/, '');
  const rateLimit = options.rateLimit
    ? rateLimitLines(options.rateLimit, serviceUsers)
    : `
# No per-device publish rate limit: Mosquitto has none of its own. \`souffle mosquitto-plugin build\`
# and \`souffle mosquitto-config --plugin <path.so>\` add one (docs/ingest.md, Limits).
`;
  return `# Mosquitto for Souffle, written by \`souffle mosquitto-config\` on ${now.toISOString()}.
# Regenerate (it keeps the options in souffle-mosquitto.json) rather than edit; reload Mosquitto
# (systemctl reload mosquitto, or kill -HUP) to apply a new device list or queue size.

per_listener_settings false
listener ${options.port}${options.bind ? ` ${options.bind}` : ''}
allow_anonymous false
# A client's id is its user name, whatever it asks for: a device cannot take over the session of
# the ingest worker or of another device (docs/security.md). Each worker slot has its own user.
use_username_as_clientid true
password_file ${path}/passwd
acl_file ${path}/acl

# Sessions and queued messages survive a restart of the broker. Mosquitto writes them on shutdown
# and every autosave_interval seconds: a crash of the broker itself loses at most that much of the
# queue not yet delivered to the ingest worker.
persistence true
persistence_location ${path}/data/
autosave_interval 60

# The ingest worker's queue while it is down. Mosquitto drops QoS 1 messages beyond it silently.
# ${sizing.explanation}.
max_queued_messages ${sizing.maxQueued}
# The same queue in payload bytes (${QUEUE_BYTES_PER_MESSAGE} per message: real readings are smaller), so
# that a flood of large payloads cannot take gigabytes; it bounds every session, devices' too.
# Without the rate limit below, a device flooding while the worker is away can fill this queue
# and push other devices' readings out (docs/ingest.md, Limits).
max_queued_bytes ${sizing.maxQueuedBytes}
# AirGradient firmware publishes with QoS 0; queue those too while the worker is away.
queue_qos0_messages true

# No retained messages: a reading is news once. A retained one would be delivered again at every
# subscription of the worker (stored again with a new time) and the store is memory any device
# could fill. A client that publishes with the retain flag is disconnected.
retain_available false

# Messages delivered to the worker before its acknowledgements: it commits them in batches, and a
# larger window keeps the next batch arriving while the previous one commits.
max_inflight_messages 1000

# Above the worker's 64 KiB payload limit, so a payload between the two reaches the worker and its
# rejection shows in the device's error log; a larger packet closes the connection.
max_packet_size 131072

# The worker's session must outlive an outage; forget sessions unused for a month.
persistent_client_expiration 30d
set_tcp_nodelay true
${rateLimit}${options.tls ? tlsLines(options.tls, options.bind) : ''}`;
}

/**
 * The TLS listener. With per_listener_settings false, the logins, ACL and limits above hold for it
 * too; only the port and the certificate are its own.
 */
function tlsLines(tls: MosquittoTls, bind: string | undefined): string {
  return `
# MQTT over TLS: devices connect to mqtts://<host>:${tls.port} and check this certificate. Mosquitto
# reads the files at start and on reload (SIGHUP): reload after a renewal. The key must be
# readable by the mosquitto user.
listener ${tls.port}${bind ? ` ${bind}` : ''}
certfile ${tls.certFile}
keyfile ${tls.keyFile}
${
  tls.caFile
    ? `cafile ${tls.caFile}
`
    : ''
}tls_version tlsv1.2
`;
}
