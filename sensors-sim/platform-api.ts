// The simulator's HTTP side: the admin API to register devices and rotate their tokens, and the
// airrohr push endpoint. Errors say what to fix (the URL, the token), not just a status.
import { z } from 'zod';
import type { SimFormat } from './sim-format.js';

export type AdminApi = { apiUrl: string; adminToken: string };

/** What the simulator keeps about a registered device (a subset of data/device-connection.ts). */
export const DeviceCredentialsSchema = z.object({
  id: z.string(),
  token: z.string().min(1),
  format: z.enum(['native', 'airgradient', 'airrohr']),
  serial: z.string().nullable().optional(),
  topic: z.string().optional(),
});
export type DeviceCredentials = z.output<typeof DeviceCredentialsSchema>;

export type NewDevice = {
  id: string;
  name: string;
  lat: number;
  lon: number;
  format: SimFormat;
  exposure?: 'outdoor' | 'indoor';
  serial?: string;
};

/** The platform answered something the simulator cannot work around. */
export class PlatformError extends Error {
  override name = 'PlatformError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

async function call(api: AdminApi, method: string, path: string, body?: unknown): Promise<Response> {
  const url = `${trimSlash(api.apiUrl)}${path}`;
  const token = api.adminToken; // may be read lazily, and fail with its own message
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new PlatformError(
      `cannot reach the Souffle API at ${api.apiUrl} (${cause}): is \`souffle start\` running? (SOUFFLE_API_URL)`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new PlatformError(
      `the API at ${api.apiUrl} refused the admin token (${response.status}): set SOUFFLE_ADMIN_TOKEN to the platform's admin token`,
      response.status,
    );
  }
  return response;
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const json = JSON.parse(text) as { error?: { message?: string } };
    return json.error?.message ?? text;
  } catch {
    return text.slice(0, 200);
  }
}

/** Registers a device; `undefined` when its id (or serial) is already taken (409). */
export async function registerDevice(
  api: AdminApi,
  device: NewDevice,
): Promise<DeviceCredentials | undefined> {
  const response = await call(api, 'POST', '/api/v1/devices', device);
  if (response.status === 409) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.status !== 201) {
    throw new PlatformError(
      `registering "${device.id}" failed (${response.status}): ${await errorText(response)}`,
      response.status,
    );
  }
  return DeviceCredentialsSchema.parse(await response.json());
}

/** Issues a new token for an existing device; `undefined` if the platform does not know it (404). */
export async function rotateToken(api: AdminApi, id: string): Promise<DeviceCredentials | undefined> {
  const response = await call(api, 'POST', `/api/v1/devices/${encodeURIComponent(id)}/token`);
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.status !== 200) {
    throw new PlatformError(
      `rotating the token of "${id}" failed (${response.status}): ${await errorText(response)}`,
      response.status,
    );
  }
  return DeviceCredentialsSchema.parse(await response.json());
}

export type PushResult = { status: number; error?: string };

/** POSTs an airrohr message as the kit does; network failures count as status 0. */
export async function pushAirrohr(
  apiUrl: string,
  request: { headers: Record<string, string>; body: string },
): Promise<PushResult> {
  try {
    const response = await fetch(`${trimSlash(apiUrl)}/api/v1/push/airrohr`, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(20_000), // the firmware's own HTTP timeout
    });
    if (response.ok) {
      await response.body?.cancel();
      return { status: response.status };
    }
    return { status: response.status, error: await errorText(response) };
  } catch (e) {
    return { status: 0, error: (e as Error).message };
  }
}

/**
 * The ingest worker's count of messages taken from the broker, from the API's /metrics (the
 * worker flushes it every couple of seconds); undefined when the API or the counter is absent.
 */
export async function ingestReceived(apiUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${trimSlash(apiUrl)}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return undefined;
    const text = await response.text();
    let total: number | undefined;
    for (const line of text.split('\n')) {
      const m = /^souffle_ingest_messages_received_total(?:\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
      if (m) total = (total ?? 0) + Number(m[1]);
    }
    return total;
  } catch {
    return undefined;
  }
}
