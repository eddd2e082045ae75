// Registration: every simulated device gets credentials once, through the admin API, and keeps
// them in the credential store; later runs reuse them. A device the platform already knows but
// whose token the store lacks (another machine registered it, or the file was deleted) gets a new
// token; a device whose stored token the broker refuses (the database was reset) is registered anew.
import type { CredentialStore } from './credential-store.js';
import type { SimDevice } from './fleet.js';
import {
  PlatformError,
  registerDevice,
  rotateToken,
  type AdminApi,
  type DeviceCredentials,
} from './platform-api.js';

export type RegisterOptions = {
  api: AdminApi;
  store: CredentialStore;
  /** Registrations in parallel (each costs the server a scrypt hash). */
  concurrency?: number;
  log?: (line: string) => void;
};

export type Registration = {
  credentials: Map<string, DeviceCredentials>;
  registered: number;
  rotated: number;
  reused: number;
};

/** Gets credentials for a device from the platform: register, or rotate its token if it exists. */
export async function obtainCredentials(
  api: AdminApi,
  device: SimDevice,
): Promise<{ credentials: DeviceCredentials; how: 'registered' | 'rotated' }> {
  const created = await registerDevice(api, {
    id: device.id,
    name: device.name,
    lat: device.lat,
    lon: device.lon,
    format: device.format,
    exposure: 'outdoor',
    ...(device.serial ? { serial: device.serial } : {}),
  });
  if (created) return { credentials: created, how: 'registered' };
  const rotated = await rotateToken(api, device.id);
  if (!rotated) {
    // 409 without a device: the id is a station, or the serial belongs to another device.
    throw new PlatformError(
      `"${device.id}" cannot be registered: its id or serial ${device.serial ?? ''} is taken by something that is not this device (use another --seed or remove it)`,
    );
  }
  if (rotated.format !== device.format) {
    throw new PlatformError(
      `"${device.id}" exists with the ${rotated.format} format, not ${device.format}: remove it (souffle device remove ${device.id}) or use another --seed`,
    );
  }
  return { credentials: rotated, how: 'rotated' };
}

export async function registerFleet(
  fleet: readonly SimDevice[],
  options: RegisterOptions,
): Promise<Registration> {
  const { api, store, concurrency = 4, log = () => {} } = options;
  const result: Registration = { credentials: new Map(), registered: 0, rotated: 0, reused: 0 };
  const missing: SimDevice[] = [];
  for (const device of fleet) {
    const known = store.get(device.id);
    if (known && known.format === device.format) {
      result.credentials.set(device.id, known);
      result.reused++;
    } else missing.push(device);
  }
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const device = missing[next++]!;
      const { credentials, how } = await obtainCredentials(api, device);
      result.credentials.set(device.id, credentials);
      store.set(credentials);
      result[how]++;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
  } finally {
    if (missing.length > 0) store.save(); // keep what was obtained even if one device failed
  }
  if (missing.length > 0)
    log(
      `registered ${result.registered} devices, new tokens for ${result.rotated}, reused ${result.reused} (credentials in ${store.path})`,
    );
  return result;
}

/** After the broker or API refused a stored token: obtain fresh credentials and save them. */
export async function renewCredentials(
  device: SimDevice,
  api: AdminApi,
  store: CredentialStore,
): Promise<DeviceCredentials> {
  const { credentials } = await obtainCredentials(api, device);
  store.set(credentials);
  store.save();
  return credentials;
}
