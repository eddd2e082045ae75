// Devices: a citizen's sensor, its station, its format and its token. The `souffle device`
// commands and the admin API both call these, so they behave the same.
import type { Kysely } from 'kysely';
import { AIRGRADIENT_SERIAL, normaliseAirGradientSerial, SERIAL_MESSAGE } from '../airgradient-serial.js';
import { completeMapping } from '../json-map.js';
import type { Database, Device, DeviceFormat, Exposure } from '../schema.js';
import { brokerPasswordHash } from './broker-password.js';
import { generateToken, hashToken, verifyToken } from './device-token.js';
import { buryOutboxRows } from './push-dead-letters.js';
import { upsertStation } from './stations.js';

export type NewDeviceInput = {
  name: string;
  lat: number;
  lon: number;
  id?: string;
  format?: DeviceFormat;
  exposure?: Exposure;
  exactLocation?: boolean;
  /** AirGradient serial number (its topic names the serial, not the device). */
  serial?: string | null;
  /** The enrolment code of a citizen's own registration (/join). */
  enrolmentCodeId?: string | null;
  /** When the owner accepted the data licence at /join. */
  licenceAcceptedAt?: number | null;
  /** A kit that moves: its GPS fixes are kept as its track (airrohr with a GPS module). */
  mobile?: boolean;
  /** A json-map device's mapping, checked (data/json-map.ts). */
  map?: ReadonlyArray<{ path: string; phenomenon: string; unit?: string }>;
};

export type CreatedDevice = { device: Device; token: string };

/** Thrown when an id or serial is taken, so callers can answer 409 or print a clear message. */
export class DeviceConflictError extends Error {
  override name = 'DeviceConflictError';
}

/** "École Saint-Charles" → "ecole-saint-charles". */
export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** Device ids appear in MQTT topics and URLs: lowercase letters, digits and dashes only. */
export const DEVICE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export async function createDevice(
  db: Kysely<Database>,
  input: NewDeviceInput,
  now = Date.now(),
): Promise<CreatedDevice> {
  const id = input.id ?? slugify(input.name);
  if (!DEVICE_ID_PATTERN.test(id)) {
    throw new RangeError(`device id "${id}" must be 1–64 lowercase letters, digits or dashes`);
  }
  if (!Number.isFinite(input.lat) || input.lat < -90 || input.lat > 90)
    throw new RangeError(`lat ${input.lat} is not a latitude`);
  if (!Number.isFinite(input.lon) || input.lon < -180 || input.lon > 180)
    throw new RangeError(`lon ${input.lon} is not a longitude`);
  // The firmware's spelling (data/airgradient-serial.ts): a serial typed with capitals or colons
  // would otherwise name a topic the monitor never publishes to.
  const serial = input.serial == null ? null : normaliseAirGradientSerial(input.serial);
  if (serial !== null && !AIRGRADIENT_SERIAL.test(serial)) {
    throw new RangeError(`serial "${input.serial}" ${SERIAL_MESSAGE}`);
  }
  const token = generateToken();
  const tokenHash = await hashToken(token);
  const brokerHash = await brokerPasswordHash(token);
  return db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('stations').select('id').where('id', '=', id).executeTakeFirst()) {
      throw new DeviceConflictError(`a station or device with id "${id}" already exists`);
    }
    if (
      serial &&
      (await trx.selectFrom('devices').select('id').where('serial', '=', serial).executeTakeFirst())
    ) {
      throw new DeviceConflictError(`serial "${serial}" is already mapped to another device`);
    }
    await upsertStation(
      trx,
      {
        id,
        source: 'citizen',
        name: input.name,
        lat: input.lat,
        lon: input.lon,
        exactLocation: input.exactLocation,
        exposure: input.exposure,
      },
      now,
    );
    const device = {
      id,
      station_id: id,
      format: input.format ?? 'native',
      token_hash: tokenHash,
      broker_hash: brokerHash,
      serial,
      created_at: now,
      last_seen: null,
      enrolment_code_id: input.enrolmentCodeId ?? null,
      licence_accepted_at: input.licenceAcceptedAt ?? null,
      ignored_types: null,
      mobile: input.mobile ? (1 as const) : (0 as const),
      json_map: input.map ? JSON.stringify(completeMapping(input.map)) : null,
    };
    await trx.insertInto('devices').values(device).execute();
    return { device, token };
  });
}

export async function getDevice(db: Kysely<Database>, id: string): Promise<Device | undefined> {
  return db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getDeviceBySerial(db: Kysely<Database>, serial: string): Promise<Device | undefined> {
  return db.selectFrom('devices').selectAll().where('serial', '=', serial).executeTakeFirst();
}

export async function listDevices(db: Kysely<Database>) {
  return db
    .selectFrom('devices')
    .innerJoin('stations', 'stations.id', 'devices.station_id')
    .select([
      'devices.id',
      'devices.station_id',
      'devices.format',
      'devices.serial',
      'devices.created_at',
      'devices.last_seen',
      'stations.name',
      'stations.lat',
      'stations.lon',
      'stations.public_lat',
      'stations.public_lon',
      'stations.exposure',
      'stations.exact_location',
    ])
    .orderBy('devices.id')
    .execute();
}

/**
 * Every device's broker login, by id: its user name (the id), what it may publish to (format,
 * serial) and its token's Mosquitto hash (null for a token issued before the hash was kept). What
 * Mosquitto's password file and ACL are written from.
 */
export async function listBrokerLogins(
  db: Kysely<Database>,
): Promise<Pick<Device, 'id' | 'format' | 'serial' | 'broker_hash'>[]> {
  return db.selectFrom('devices').select(['id', 'format', 'serial', 'broker_hash']).orderBy('id').execute();
}

/** Issues a new token; the old one stops working at once. Returns undefined for an unknown id. */
export async function rotateDeviceToken(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const token = generateToken();
  const result = await db
    .updateTable('devices')
    .set({ token_hash: await hashToken(token), broker_hash: await brokerPasswordHash(token) })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? token : undefined;
}

/**
 * Removes a device: it can no longer authenticate. Its station and data stay (they are part of
 * the public record) unless `purge`, which deletes the station, its series, readings and rollups.
 */
export async function removeDevice(
  db: Kysely<Database>,
  id: string,
  options: { purge?: boolean } = {},
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const device = await trx
      .selectFrom('devices')
      .select(['id', 'station_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!device) return false;
    // Pushes accepted and not yet forwarded would go with the device (ON DELETE CASCADE), and the
    // worker could not store them any more: kept as dead letters, with why.
    await buryOutboxRows(
      trx,
      { deviceId: id },
      `device "${id}" was deleted before this push was forwarded`,
      Date.now(),
    );
    await trx.deleteFrom('devices').where('id', '=', id).execute();
    await trx.deleteFrom('ingest_errors').where('device_id', '=', id).execute();
    // The owner's alert rules go with the device (their notices name it).
    const rules = trx.selectFrom('alert_rules').select('id').where('device_id', '=', id);
    await trx.deleteFrom('alert_deliveries').where('rule_id', 'in', rules).execute();
    await trx.deleteFrom('alert_rules').where('device_id', '=', id).execute();
    if (options.purge) {
      const series = trx.selectFrom('series').select('id').where('station_id', '=', device.station_id);
      await trx.deleteFrom('rollups_hourly').where('series_id', 'in', series).execute();
      await trx.deleteFrom('rollup_rebuild_queue').where('series_id', 'in', series).execute();
      await trx.deleteFrom('readings').where('series_id', 'in', series).execute();
      await trx.deleteFrom('series').where('station_id', '=', device.station_id).execute();
      await trx.deleteFrom('stations').where('id', '=', device.station_id).execute();
    }
    return true;
  });
}

/**
 * The current token hash of each of `ids` still registered, by id: what a broker checks a device's
 * open connection against. Rotation changes the hash (a new salt and token), removal deletes the
 * row, and a re-registration under the same id has a hash of its own, so a connection that logged
 * in with anything else must be closed. One indexed query per 500 ids.
 */
export async function currentTokenHashes(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('devices')
      .select(['id', 'token_hash'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) hashes.set(row.id, row.token_hash);
  }
  return hashes;
}

/** The device if `token` is its current token, else undefined (unknown id or wrong token alike). */
export async function authenticateDevice(
  db: Kysely<Database>,
  id: string,
  token: string,
): Promise<Device | undefined> {
  const device = await getDevice(db, id);
  if (!device) {
    await hashToken(token); // spend the same time as a real check, so ids cannot be probed by timing
    return undefined;
  }
  return (await verifyToken(token, device.token_hash)) ? device : undefined;
}
