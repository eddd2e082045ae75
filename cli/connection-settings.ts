// What devices are told about this installation: its public web address and the broker they
// reach. The same computation as cli/api.ts's, so `souffle device --json` prints what the admin API
// answers; kept in a module of its own so the device commands do not load the whole API.
import type { ConnectionSettings } from '../data/index.js';
import type { Config } from './config.js';

export function connectionSettings(config: Config): ConnectionSettings {
  const publicUrl = config.SOUFFLE_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const host = new URL(publicUrl).hostname;
  return {
    publicUrl,
    mqttUrl: config.MQTT_URL
      ? withoutCredentials(config.MQTT_URL)
      : `mqtt://${host}:${config.SOUFFLE_MQTT_PORT}`,
  };
}

/** MQTT_URL may carry the service account's user and password: devices must never see them. */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString().replace(/\/$/, '');
}
