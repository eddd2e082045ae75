// `souffle device add|list|rotate-token|remove`: the citizen devices, through the same store
// functions and the same connection document as the admin API, so `--json` prints what the API
// answers. With SOUFFLE_MOSQUITTO_DIR set, Mosquitto's passwd and ACL are rewritten on each change.
import {
  createDevice,
  DeviceConflictError,
  deviceConnection,
  getDevice,
  listDevices,
  removeDevice,
  rotateDeviceToken,
  deviceRegistrationSchema,
  parseMapArgument,
  setHomeAssistant,
  type Db,
} from '../data/index.js';
import { serviceUsername } from './admin-token.js';
import { InputError, output, parseCommandArgs, requireNumber, UsageError } from './args.js';
import { didYouMean } from './did-you-mean.js';
import { connectionSettings } from './connection-settings.js';
import { howToCheck, howToConnect, table } from './device-text.js';
import { openConfiguredDatabase } from './open-database.js';
import type { Config } from './config.js';
import { refreshMosquittoConfig } from './mosquitto-config.js';

export const usage = `souffle device <command> [options]

  add --name <name> --lat <lat> --lon <lon> [--exposure outdoor|indoor]
      [--format native|airgradient|airrohr|json-map] [--serial <serialno>] [--exact-location]
      [--id <slug>] [--mobile] [--map <path>=<phenomenon>[:<unit>] ...]
        Registers a device and its citizen station (id: a slug of the name unless --id) and prints
        its token (shown once) and how to connect it. AirGradient monitors need --serial (their MAC
        address): their topic names the serial. The public map shows a ~200 m cell unless
        --exact-location. --mobile keeps an airrohr kit's GPS fixes as its track. A json-map device
        (ESPHome, Tasmota, home-made firmware) needs one --map per value kept, e.g.
        --map 'SDS0X1.PM2.5=pm25' --map 'BME280.Temperature=temperature:°C' (JSON fields) or
        --map 'sensor/pm_2_5/state=pm25' (a topic holding one number): docs/ingest.md.
  list                     every device, its format and when it was last seen
  rotate-token <id>        issues a new token; the old one stops working
  remove <id> [--purge]    the device can no longer connect; its station and data stay unless --purge
  home-assistant <station> on|off
                           announce a station (a device's, or a reference one) to Home Assistant over
                           MQTT discovery (SOUFFLE_HA_MQTT_URL), or remove its entities

Every command accepts --json (add and rotate-token print the admin API's connection document).`;

/** The options of `device add`, by the schema's field names. */
const FLAGS: Record<string, string> = { exactLocation: '--exact-location' };

/** One sentence per issue, naming the option and the value given, as the admin API names the field. */
function describeRegistrationIssues(
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string; code: string; keys?: string[] }>,
  values: Record<string, unknown>,
): string {
  return issues
    .map((issue) => {
      const field = String(issue.path[0] ?? '');
      const flag = FLAGS[field] ?? `--${field}`;
      const given = values[field === 'exactLocation' ? 'exact-location' : field];
      return given === undefined
        ? `${flag} ${issue.message}`
        : `${flag} ${JSON.stringify(given).slice(0, 80)}: ${issue.message}`;
    })
    .join('; ');
}

export async function run(argv: string[], config: Config): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'add':
      return add(rest, config);
    case 'list':
      return list(rest, config);
    case 'rotate-token':
      return rotate(rest, config);
    case 'remove':
      return remove(rest, config);
    case 'home-assistant':
      return homeAssistant(rest, config);
    default:
      throw new UsageError(
        command
          ? `unknown device command "${command}".${didYouMean(command, ['add', 'list', 'rotate-token', 'remove', 'home-assistant'])}`
          : 'which device command?',
      );
  }
}

async function homeAssistant(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  const [station, state] = positionals;
  if (positionals.length !== 2 || (state !== 'on' && state !== 'off')) {
    throw new UsageError('souffle device home-assistant takes a station id and on or off');
  }
  await withDatabase(config, async (db) => {
    if (!(await setHomeAssistant(db, station!, state === 'on')))
      throw new InputError(`no station "${station}"`);
    const enabled = state === 'on';
    output(values.json, { station, enabled }, () =>
      enabled
        ? `Station "${station}" is announced to Home Assistant${config.SOUFFLE_HA_MQTT_URL ? '' : ' once SOUFFLE_HA_MQTT_URL is set'}.`
        : `Station "${station}" will be removed from Home Assistant at the ingest's next sync.`,
    );
  });
}

async function add(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    name: { type: 'string' },
    lat: { type: 'string' },
    lon: { type: 'string' },
    exposure: { type: 'string' },
    format: { type: 'string' },
    serial: { type: 'string' },
    'exact-location': { type: 'boolean' },
    mobile: { type: 'boolean' },
    id: { type: 'string' },
    map: { type: 'string', multiple: true },
  });
  if (values.name === undefined) throw new UsageError('--name is required');
  const map = values.map?.map((text) => {
    const entry = parseMapArgument(text);
    if (typeof entry === 'string') throw new UsageError(`--map ${entry}`);
    return entry;
  });
  // The admin API's schema (docs/security.md, Registration): both refuse the same, with one reason.
  const parsed = deviceRegistrationSchema({ serviceUsername: serviceUsername(config) }).safeParse({
    name: values.name,
    lat: requireNumber('lat', values.lat),
    lon: requireNumber('lon', values.lon),
    id: values.id,
    format: values.format ?? 'native',
    exposure: values.exposure ?? 'outdoor',
    exactLocation: values['exact-location'] === true,
    serial: values.serial,
    ...(values.mobile === true ? { mobile: true } : {}),
    ...(map ? { map } : {}),
  });
  if (!parsed.success) throw new UsageError(describeRegistrationIssues(parsed.error.issues, values));
  const registration = parsed.data;
  await withDatabase(config, async (db) => {
    let created;
    try {
      created = await createDevice(db, registration);
    } catch (e) {
      // A duplicate id: one line saying so, not the command's whole usage.
      if (e instanceof DeviceConflictError || e instanceof RangeError) throw new InputError(e.message);
      throw e;
    }
    const connection = deviceConnection(created.device, created.token, connectionSettings(config));
    output(
      values.json,
      connection,
      () =>
        `Registered device "${connection.id}".\n${howToConnect(connection)}\n\n${howToCheck(connection, connectionSettings(config).publicUrl, config)}`,
    );
    await refreshBroker(db, config, values.json);
  });
}

async function list(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {});
  await withDatabase(config, async (db) => {
    // The admin API's GET /api/v1/devices shape.
    const devices = (await listDevices(db)).map((d) => ({
      id: d.id,
      station: d.station_id,
      name: d.name,
      format: d.format,
      serial: d.serial,
      createdAt: new Date(d.created_at).toISOString(),
      lastSeen: d.last_seen === null ? null : new Date(d.last_seen).toISOString(),
      lat: d.lat,
      lon: d.lon,
      publicLat: d.public_lat,
      publicLon: d.public_lon,
      exposure: d.exposure,
      exactLocation: d.exact_location === 1,
    }));
    output(values.json, { devices, count: devices.length }, () => {
      if (devices.length === 0) return 'No device yet: `souffle device add --name … --lat … --lon …`.';
      const rows = devices.map((d) => [d.id, d.format, d.serial ?? '', d.lastSeen ?? 'never', d.name]);
      return table(['id', 'format', 'serial', 'last seen', 'name'], rows);
    });
  });
}

async function rotate(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  const id = onlyId(positionals, 'rotate-token');
  await withDatabase(config, async (db) => {
    const token = await rotateDeviceToken(db, id);
    const device = token === undefined ? undefined : await getDevice(db, id);
    if (!device || token === undefined) throw new Error(`no device "${id}"`);
    const connection = deviceConnection(device, token, connectionSettings(config));
    output(
      values.json,
      connection,
      () => `New token for "${id}"; the old one no longer works.\n${howToConnect(connection)}`,
    );
    await refreshBroker(db, config, values.json);
  });
}

async function remove(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, { purge: { type: 'boolean' } }, true);
  const id = onlyId(positionals, 'remove');
  const purge = values.purge === true;
  await withDatabase(config, async (db) => {
    if (!(await removeDevice(db, id, { purge }))) throw new Error(`no device "${id}"`);
    output(values.json, { id, removed: true, purged: purge }, () =>
      purge
        ? `Removed device "${id}" with its station, series and readings.`
        : `Removed device "${id}": it can no longer connect; its station and data stay public (--purge deletes them).`,
    );
    await refreshBroker(db, config, values.json);
  });
}

async function refreshBroker(db: Db, config: Config, json?: boolean) {
  const dir = config.SOUFFLE_MOSQUITTO_DIR;
  if (!dir) return;
  await refreshMosquittoConfig(db, dir, config);
  if (!json)
    process.stdout.write(`Updated Mosquitto's passwd and acl in ${dir}: reload Mosquitto to apply.\n`);
}

async function withDatabase(config: Config, fn: (db: Db) => Promise<void>) {
  const handle = await openConfiguredDatabase(config);
  try {
    await fn(handle.db);
  } finally {
    await handle.close();
  }
}

function onlyId(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`souffle device ${command} takes one device id`);
  return positionals[0]!;
}
