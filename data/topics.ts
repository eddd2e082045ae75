// The MQTT topic layout, in one place: the topic each device publishes to, what the ingest worker
// subscribes to and how it reads a topic back, and who may write where (the embedded broker's
// checks and the Mosquitto ACL written by `souffle mosquitto-config` state the same rules). Devices
// in the field publish to these exact strings: a change here breaks them (docs/ingest.md, "Wire
// formats"). Pure and browser-safe.
import type { Device } from './schema.js';

/** MQTT's single-level wildcard: every builder below called with it gives a subscription filter. */
export const ANY_LEVEL = '+';

/** The prefix below which a device owns its topics: `souffle/v1/<id>/`. */
export function devicePrefix(deviceId: string): string {
  return `souffle/v1/${deviceId}/`;
}

/** Souffle's own wire format. */
export function nativeTopic(deviceId: string): string {
  return `${devicePrefix(deviceId)}readings`;
}

/** Sensor.Community kits: the API forwards their HTTP pushes here. */
export function airrohrTopic(deviceId: string): string {
  return `${devicePrefix(deviceId)}airrohr`;
}

/**
 * A json-map device (ESPHome, Tasmota, home-made firmware): it publishes anything below this
 * prefix, and its mapping says what to keep (data/json-map.ts). Its firmware's own topic layout
 * goes below: Tasmota's FullTopic `souffle/v1/%topic%/json/%prefix%/`, ESPHome's topic_prefix.
 */
export function jsonMapTopic(deviceId: string): string {
  return `${devicePrefix(deviceId)}json`;
}

/** AirGradient firmware names its topic after the monitor's serial, not the device. */
export function airgradientTopic(serial: string): string {
  return `airgradient/readings/${serial}`;
}

/** The topic a registered device publishes to ("<serial>" while an AirGradient has none yet). */
export function deviceTopic(device: Pick<Device, 'id' | 'format' | 'serial'>): string {
  if (device.format === 'airgradient') return airgradientTopic(device.serial ?? '<serial>');
  if (device.format === 'airrohr') return airrohrTopic(device.id);
  if (device.format === 'json-map') return jsonMapTopic(device.id);
  return nativeTopic(device.id);
}

/** What the ingest worker subscribes to (QoS 1): every device's topic of each format. */
export const INGEST_FILTERS: readonly string[] = [
  nativeTopic(ANY_LEVEL),
  airrohrTopic(ANY_LEVEL),
  airgradientTopic(ANY_LEVEL),
  // "#" also matches the parent level itself (MQTT-4.7.1-2): souffle/v1/<id>/json and below.
  `${jsonMapTopic(ANY_LEVEL)}/#`,
];

/** A filter as a member of a shared subscription group (MQTT 5, and Mosquitto on 3.1.1). */
export function sharedFilter(group: string, filter: string): string {
  return `$share/${group}/${filter}`;
}

export type TopicRoute =
  | { format: 'native' | 'airrohr'; deviceId: string }
  | { format: 'airgradient'; serial: string }
  /** `suffix`: the levels below souffle/v1/<id>/json/, "" for that topic itself. */
  | { format: 'json-map'; deviceId: string; suffix: string };

/** Which decoder a topic goes to, and who it names; undefined for a topic Souffle does not read. */
export function routeTopic(topic: string): TopicRoute | undefined {
  const parts = topic.split('/');
  if (parts.length === 4 && parts[0] === 'souffle' && parts[1] === 'v1' && parts[2]) {
    if (parts[3] === 'readings') return { format: 'native', deviceId: parts[2] };
    if (parts[3] === 'airrohr') return { format: 'airrohr', deviceId: parts[2] };
  }
  if (parts.length >= 4 && parts[0] === 'souffle' && parts[1] === 'v1' && parts[2] && parts[3] === 'json') {
    return { format: 'json-map', deviceId: parts[2], suffix: parts.slice(4).join('/') };
  }
  if (parts.length === 3 && parts[0] === 'airgradient' && parts[1] === 'readings' && parts[2]) {
    return { format: 'airgradient', serial: parts[2] };
  }
  return undefined;
}

/** Whether a device may publish to `topic`: only under its own prefix, or its AirGradient serial. */
export function deviceMayPublish(device: Pick<Device, 'id' | 'format' | 'serial'>, topic: string): boolean {
  if (topic.startsWith(devicePrefix(device.id))) return true;
  return device.format === 'airgradient' && !!device.serial && topic === airgradientTopic(device.serial);
}

/**
 * Whether a device may subscribe to `filter`: only below its own prefix and without wildcards that
 * could reach another device's data (room for commands sent to the device later).
 */
export function deviceMaySubscribe(device: Pick<Device, 'id'>, filter: string): boolean {
  const prefix = devicePrefix(device.id);
  return filter.startsWith(prefix) && filter.length > prefix.length;
}

/** The same rules as Mosquitto ACL topics, where `%u` stands for the user name (the device id). */
export const MOSQUITTO_ACL = {
  /** `pattern readwrite`: every device below its own prefix. */
  devicePattern: `${devicePrefix('%u')}#`,
  /**
   * `topic write` lines of the service account: the API forwards airrohr bodies for the kits, and
   * native readings for the devices that post over HTTP (openSenseMap clients, TTN webhooks).
   */
  serviceWrite: [airrohrTopic(ANY_LEVEL), nativeTopic(ANY_LEVEL)],
  /** `topic write` of one AirGradient monitor's user. */
  airgradientWrite: airgradientTopic,
} as const;
