// From a delivered MQTT message to what will be stored: route the topic, find the device, decode
// with the format's decoder. Everything but the device lookup is pure. The worker decodes each
// message once, before its batch is written: retrying a write reuses what was decoded.
import { routeTopic } from '../data/topics.js';
import { decodeAirGradient } from '../data/decoders/airgradient.js';
import { decodeAirrohr } from '../data/decoders/airrohr.js';
import { decodeJsonMap } from '../data/decoders/json-map.js';
import { decodeNative } from '../data/decoders/native.js';
import type {
  DecodedLocation,
  DecodedReading,
  Decoder,
  RawMessage,
  Rejection,
} from '../data/decoders/types.js';
import { parseStoredMapping } from '../data/json-map.js';
import type { DeviceFormat } from '../data/schema.js';
import type { DeviceCache, DeviceRef } from './device-cache.js';

type Format = DeviceFormat;

/** The decoder of a device's messages; a json-map device's depends on its mapping and topic. */
function decoderFor(format: Format, device: DeviceRef, suffix: string): Decoder {
  switch (format) {
    case 'native':
      return decodeNative;
    case 'airgradient':
      return decodeAirGradient;
    case 'airrohr':
      return decodeAirrohr;
    case 'json-map': {
      const mapping = parseStoredMapping(device.json_map);
      return (message) => decodeJsonMap(message, suffix, mapping);
    }
  }
}

export type DecodedMessage = {
  message: RawMessage;
  /** The device it came from, or undefined for an unknown device or topic. */
  device: DeviceRef | undefined;
  format: string;
  readings: DecodedReading[];
  rejections: Rejection[];
  /** Value types sent and not stored, for the device's status (data/decoders/types.ts). */
  ignored?: string[];
  /** The GPS fix of a mobile device's message, kept as its track. */
  location?: DecodedLocation;
  /**
   * Readings stored earlier to flag now, in the transaction that stores this message: the start
   * of a stuck run found stuck only with this message (ingest/quality/quality-checker.ts).
   */
  flagEarlier?: EarlierFlags[];
};

/** Readings of one series of the message's device, from `from` to `to` (inclusive) whose value is `value`. */
export type EarlierFlags = {
  phenomenon: DecodedReading['phenomenon'];
  sensor: string;
  unit: string;
  from: number;
  to: number;
  value: number;
  /** Bits of data/flags.ts to add. */
  flags: number;
};

export async function decodeMessage(message: RawMessage, devices: DeviceCache): Promise<DecodedMessage> {
  const found = await findDevice(message, devices);
  if (!found.device) return rejected(message, found.format, found.rejection, found.owner);
  try {
    const decode = decoderFor(found.format, found.device, found.suffix ?? '');
    const { readings, rejections, ignored, location } = decode(message);
    const decoded: DecodedMessage = {
      message,
      device: found.device,
      format: found.format,
      readings,
      rejections,
    };
    // A fix is a track point of a device marked mobile; of a fixed one, values it does not keep.
    if (location && found.device.mobile === 1) decoded.location = location;
    const notKept = location && found.device.mobile !== 1 ? ['GPS_lat', 'GPS_lon'] : [];
    if (ignored || notKept.length > 0) decoded.ignored = [...(ignored ?? []), ...notKept].sort();
    return decoded;
  } catch (e) {
    // Decoders do not throw (tests/ingest/fuzz.test.ts); should one ever, the message is still a
    // rejection of the device that sent it, never an error that the worker would retry.
    const reason = `the message could not be decoded (${(e as Error).name}: ${(e as Error).message})`;
    return rejected(message, found.format, { code: 'malformed', reason, values: 1 }, found.device);
  }
}

/**
 * The message with its device looked up again, for a writer told by the database that a device
 * vanished (removed with --purge) after the message was decoded: a device gone since turns the
 * message into an unknown-device rejection, as if it had been decoded now.
 */
export async function lookUpDeviceAgain(
  decoded: DecodedMessage,
  devices: DeviceCache,
): Promise<DecodedMessage> {
  if (!decoded.device) return decoded;
  const found = await findDevice(decoded.message, devices);
  return found.device
    ? { ...decoded, device: found.device }
    : rejected(decoded.message, found.format, found.rejection);
}

/** The message rejected as a whole for one reason: nothing of it is stored. */
export function rejected(
  message: RawMessage,
  format: string,
  rejection: Rejection,
  device?: DeviceRef,
): DecodedMessage {
  return { message, device, format, readings: [], rejections: [rejection] };
}

type Found =
  | { format: Format; device: DeviceRef; rejection?: undefined; suffix?: string }
  /** `owner`: the device that published to a topic not of its format, whose error log says so. */
  | { format: string; device: undefined; rejection: Rejection; owner?: DeviceRef };

/** The device a message comes from, or the rejection saying why there is none. */
async function findDevice(message: RawMessage, devices: DeviceCache): Promise<Found> {
  const route = routeTopic(message.topic);
  if (!route) {
    const reason = `topic ${message.topic} is not a Souffle topic`;
    return { format: 'mqtt', device: undefined, rejection: { code: 'malformed', reason, values: 1 } };
  }
  const device =
    route.format === 'airgradient'
      ? await devices.bySerial(route.serial, message.receivedAt)
      : await devices.byId(route.deviceId, message.receivedAt);
  // A device publishes to its own format's topic only: a json-map device's native-looking
  // message, or the reverse, is not decoded with the wrong decoder.
  if (device && (device.format === 'json-map') !== (route.format === 'json-map')) {
    const reason = `device "${device.id}" is registered with the ${device.format} format: ${message.topic} is not its topic`;
    return {
      format: route.format,
      device: undefined,
      rejection: { code: 'malformed', reason, values: 1 },
      owner: device,
    };
  }
  if (device)
    return { format: route.format, device, suffix: route.format === 'json-map' ? route.suffix : undefined };
  const reason =
    route.format === 'airgradient'
      ? `unknown AirGradient serial "${route.serial}": register it with \`souffle device add --format airgradient --serial ${route.serial}\``
      : `unknown device "${route.deviceId}"`;
  return {
    format: route.format,
    device: undefined,
    rejection: { code: 'unknown_device', reason, values: 1 },
  };
}
