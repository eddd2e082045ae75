// How a device connects: what `souffle device add` prints and what the admin API returns, from
// one function so they never disagree. The token appears here once, at creation or rotation.
import type { z } from '@hono/zod-openapi';
import type { DeviceConnectionSchema } from './api-schemas.js';
import { parseStoredMapping } from './json-map.js';
import type { Device } from './schema.js';
import { deviceTopic } from './topics.js';

export type ConnectionSettings = {
  /** The broker devices reach, e.g. mqtt://souffle.example.org:1883. */
  mqttUrl: string;
  /** The platform's public base URL, for the airrohr push endpoint. */
  publicUrl: string;
};

/** What the device needs, as `souffle device add` prints it and the admin API returns it. */
export type DeviceConnection = z.output<typeof DeviceConnectionSchema>;

export function deviceConnection(
  device: Device,
  token: string,
  settings: ConnectionSettings,
): DeviceConnection {
  const mqtt = new URL(settings.mqttUrl);
  const pub = new URL(settings.publicUrl);
  const https = pub.protocol === 'https:';
  return {
    id: device.id,
    station: device.station_id,
    format: device.format,
    token,
    topic: deviceTopic(device),
    mqtt: {
      url: settings.mqttUrl,
      host: mqtt.hostname,
      port: Number(mqtt.port || (mqtt.protocol === 'mqtts:' ? 8883 : 1883)),
      username: device.id,
      password: token,
      qos: 1,
    },
    serial: device.serial,
    map: device.format === 'json-map' ? parseStoredMapping(device.json_map) : null,
    airrohr:
      device.format === 'airrohr'
        ? {
            server: pub.hostname,
            path: `${pub.pathname.replace(/\/$/, '')}/api/v1/push/airrohr`,
            port: Number(pub.port || (https ? 443 : 80)),
            https,
            username: device.id,
            password: token,
          }
        : null,
  };
}
