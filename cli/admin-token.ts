// The admin token: SOUFFLE_ADMIN_TOKEN if set; otherwise generated on first start, printed once,
// and kept (mode 0600) in `.admin-token` beside the database so that local tools (`souffle sim`,
// `souffle api` in another process) find it. It also serves as the password of the internal
// `souffle` service account on the embedded MQTT broker, so that every process of one
// installation shares one secret.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './config.js';

export type AdminToken = { token: string; generated: boolean; file: string | null };

export function adminTokenFile(config: Pick<Config, 'SOUFFLE_DB'>): string {
  return join(dirname(config.SOUFFLE_DB), '.admin-token');
}

/** Returns the admin token, generating and saving one when neither the env nor the file has it. */
export function resolveAdminToken(
  config: Pick<Config, 'SOUFFLE_DB' | 'SOUFFLE_ADMIN_TOKEN'>,
  create = true,
): AdminToken {
  if (config.SOUFFLE_ADMIN_TOKEN) return { token: config.SOUFFLE_ADMIN_TOKEN, generated: false, file: null };
  const file = adminTokenFile(config);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return { token, generated: false, file };
  }
  if (!create)
    throw new Error(
      `no admin token: set SOUFFLE_ADMIN_TOKEN or run \`souffle start\` once to create ${file}`,
    );
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true, file };
}

/** Credentials of the internal service account (ingest worker, API forwarder) on the broker. */
export function serviceCredentials(config: Config): { username: string; password: string } {
  if (config.SOUFFLE_MQTT_USERNAME && config.SOUFFLE_MQTT_PASSWORD) {
    return { username: config.SOUFFLE_MQTT_USERNAME, password: config.SOUFFLE_MQTT_PASSWORD };
  }
  return { username: 'souffle', password: resolveAdminToken(config).token };
}

/** The service account's user name, without reading (or creating) the admin token. */
export function serviceUsername(
  config: Pick<Config, 'SOUFFLE_MQTT_USERNAME' | 'SOUFFLE_MQTT_PASSWORD'>,
): string {
  return config.SOUFFLE_MQTT_USERNAME && config.SOUFFLE_MQTT_PASSWORD
    ? config.SOUFFLE_MQTT_USERNAME
    : 'souffle';
}
