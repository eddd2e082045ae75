// The MQTT topics Souffle reads and who may write them: one place for the worker's subscriptions,
// its routing of a topic to a decoder, and the embedded broker's access rules (the Mosquitto ACL
// written by `souffle mosquitto-config` states the same rules in Mosquitto's syntax).
import type { Device } from '../data/schema.js';

/** What the ingest worker subscribes to (QoS 1). */
export const INGEST_TOPICS = [
  'souffle/v1/+/readings',
  'souffle/v1/+/airrohr',
  'airgradient/readings/+',
] as const;

export type Route =
  { format: 'native' | 'airrohr'; deviceId: string } | { format: 'airgradient'; serial: string };

/** Which decoder a topic goes to, and who it names; undefined for a topic Souffle does not read. */
export function routeTopic(topic: string): Route | undefined {
  const parts = topic.split('/');
  if (parts.length === 4 && parts[0] === 'souffle' && parts[1] === 'v1' && parts[2]) {
    if (parts[3] === 'readings') return { format: 'native', deviceId: parts[2] };
    if (parts[3] === 'airrohr') return { format: 'airrohr', deviceId: parts[2] };
  }
  if (parts.length === 3 && parts[0] === 'airgradient' && parts[1] === 'readings' && parts[2]) {
    return { format: 'airgradient', serial: parts[2] };
  }
  return undefined;
}

/** Whether a device may publish to `topic`: only under its own prefix, or its AirGradient serial. */
export function deviceMayPublish(device: Pick<Device, 'id' | 'format' | 'serial'>, topic: string): boolean {
  if (topic.startsWith(`souffle/v1/${device.id}/`)) return true;
  return (
    device.format === 'airgradient' && !!device.serial && topic === `airgradient/readings/${device.serial}`
  );
}

/**
 * Whether a device may subscribe to `filter`: only below its own prefix and without wildcards that
 * could reach another device's data (room for commands sent to the device later).
 */
export function deviceMaySubscribe(device: Pick<Device, 'id'>, filter: string): boolean {
  const prefix = `souffle/v1/${device.id}/`;
  return filter.startsWith(prefix) && filter.length > prefix.length;
}

/**
 * Client ids beginning with this are reserved for Souffle's own services (ingest worker, API
 * forwarder): a device using one could take over the worker's persistent session.
 */
export const SERVICE_CLIENT_ID_PREFIX = 'souffle';
