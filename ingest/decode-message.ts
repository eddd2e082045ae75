// From a delivered MQTT message to what will be stored: route the topic, find the device, decode
// with the format's decoder. Everything but the device lookup is pure.
import { routeTopic } from '../data/topics.js';
import { decodeAirGradient } from './decoders/airgradient.js';
import { decodeAirrohr } from './decoders/airrohr.js';
import { decodeNative } from './decoders/native.js';
import type { DecodedReading, Decoder, RawMessage, Rejection } from './decoders/types.js';
import type { DeviceCache, DeviceRef } from './device-cache.js';

const DECODERS: Record<'native' | 'airgradient' | 'airrohr', Decoder> = {
  native: decodeNative,
  airgradient: decodeAirGradient,
  airrohr: decodeAirrohr,
};

export type DecodedMessage = {
  message: RawMessage;
  /** The device it came from, or undefined for an unknown device or topic. */
  device: DeviceRef | undefined;
  format: string;
  readings: DecodedReading[];
  rejections: Rejection[];
};

export async function decodeMessage(message: RawMessage, devices: DeviceCache): Promise<DecodedMessage> {
  const route = routeTopic(message.topic);
  if (!route) {
    return reject(message, undefined, 'mqtt', {
      code: 'malformed',
      reason: `topic ${message.topic} is not a Souffle topic`,
      values: 1,
    });
  }
  const device =
    route.format === 'airgradient'
      ? await devices.bySerial(route.serial, message.receivedAt)
      : await devices.byId(route.deviceId, message.receivedAt);
  if (!device) {
    const reason =
      route.format === 'airgradient'
        ? `unknown AirGradient serial "${route.serial}": register it with \`souffle device add --format airgradient --serial ${route.serial}\``
        : `unknown device "${route.deviceId}"`;
    return reject(message, undefined, route.format, { code: 'unknown_device', reason, values: 1 });
  }
  const { readings, rejections } = DECODERS[route.format](message);
  return { message, device, format: route.format, readings, rejections };
}

function reject(
  message: RawMessage,
  device: DeviceRef | undefined,
  format: string,
  rejection: Rejection,
): DecodedMessage {
  return { message, device, format, readings: [], rejections: [rejection] };
}
