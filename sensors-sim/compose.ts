// From a device's reading (and the fault it shows) to what goes on the wire, as the device's own
// firmware would send it. Pure apart from the small per-device state it carries between readings.
import { airgradientTopic, nativeTopic } from '../data/topics.js';
import type { FaultAction, FaultKind } from './faults.js';
import type { SimDevice } from './fleet.js';
import { malformedAirGradient, malformedAirrohr, malformedNative } from './malformed.js';
import { clamp, gaussian, mix, uniform } from './random.js';
import { sample, type Sample } from './sample.js';
import { AIRGRADIENT_QOS, airgradientPayload } from './wire/airgradient.js';
import {
  airrohrHeaders,
  airrohrRequest,
  AIRROHR_FIRMWARE,
  AIRROHR_OLD_FIRMWARE,
  type AirrohrStatus,
} from './wire/airrohr.js';
import { encodeNative, NATIVE_QOS, nativeReading, type NativeReading } from './wire/native.js';

export type Outgoing = (
  | { via: 'mqtt'; topic: string; payload: string | Uint8Array; qos: 0 | 1 }
  | { via: 'http'; headers: Record<string, string>; body: string }
) & {
  /** Readings carried (an array message carries several). */
  readings: number;
  fault?: FaultKind;
};

/** What a device remembers between readings. */
export type DeviceState = {
  seq: number;
  bootCount: number;
  /** The values a stuck sensor keeps repeating. */
  frozen: Sample | null;
  /** Readings a native device kept while offline, resent when it is back. */
  buffer: NativeReading[];
  wasOffline: boolean;
};

export function newDeviceState(device: SimDevice): DeviceState {
  return {
    seq: 0,
    bootCount: 1 + Math.floor(uniform(device.key, 0xb0) * 40),
    frozen: null,
    buffer: [],
    wasOffline: false,
  };
}

/** A native device keeps at most this many readings while offline (about 8 hours at 60 s). */
const BUFFER_LIMIT = 500;

/** PM readings multiplied by `factor` (capped below the physical range so the value stays storable). */
export function spiked(s: Sample, factor: number): Sample {
  const up = (m: Sample['ch1']) => ({
    ...m,
    pm1: Math.min(1800, m.pm1 * factor),
    pm25: Math.min(1800, m.pm25 * factor),
    pm10: Math.min(1900, m.pm10 * factor),
  });
  return { ...s, ch1: up(s.ch1), ch2: s.ch2 ? up(s.ch2) : null };
}

export function airrohrStatus(device: SimDevice, t: number, intervalMs: number): AirrohrStatus {
  const second = Math.floor(t / 1000);
  return {
    signal: Math.round(clamp(-62 + 8 * gaussian(mix(device.key, 0x51), second), -95, -30)),
    oldFirmware: uniform(device.key, 0x0f) < 0.2,
    intervalMs,
    samples: 560_000 + Math.floor(40_000 * uniform(mix(device.key, 0x5a), second)),
  };
}

export type ComposeInput = {
  device: SimDevice;
  /** The reading's time (epoch ms). */
  t: number;
  seed: number;
  action: FaultAction;
  state: DeviceState;
  intervalMs: number;
  /** Basic-auth credentials, for airrohr. */
  credentials: { username: string; password: string };
};

export function composeLive({
  device,
  t,
  seed,
  action,
  state,
  intervalMs,
  credentials,
}: ComposeInput): Outgoing[] {
  let s = sample(device, t, seed);
  if (action.kind === 'offline') {
    if (device.format === 'native' && state.buffer.length < BUFFER_LIMIT) {
      state.buffer.push(nativeReading(device, s.ch1, t, state.seq++));
    }
    state.wasOffline = true;
    return [];
  }
  if (state.wasOffline) {
    state.wasOffline = false;
    state.bootCount++; // a device that lost power or Wi-Fi comes back through a reboot
  }
  if (action.kind === 'stuck') {
    if (action.first || !state.frozen) state.frozen = s;
    s = { ...state.frozen, t };
  } else state.frozen = null;
  if (action.kind === 'spikes') s = spiked(s, action.factor);
  const fault = action.kind === 'none' ? undefined : action.kind;

  if (device.format === 'native') {
    const topic = nativeTopic(device.id);
    const mqttOut = (payload: string | Uint8Array, readings: number): Outgoing => ({
      via: 'mqtt',
      topic,
      payload,
      qos: NATIVE_QOS,
      readings,
      fault,
    });
    if (action.kind === 'malformed')
      return [mqttOut(malformedNative(device, s, state.seq++, action.variant).payload, 1)];
    const ts = action.kind === 'future-clock' ? t + action.aheadMs : t;
    const reading = nativeReading(device, s.ch1, ts, state.seq++);
    const out: Outgoing[] = [];
    if (state.buffer.length > 0) {
      const batch = [...state.buffer, reading];
      state.buffer = [];
      out.push({ ...mqttOut(encodeNative(batch), batch.length), fault: 'offline' });
    } else out.push(mqttOut(encodeNative(reading), 1));
    if (action.kind === 'duplicates') for (let i = 1; i < action.copies; i++) out.push(out[0]!);
    return out;
  }

  if (device.format === 'airgradient') {
    const status = {
      bootCount: state.bootCount,
      wifi: Math.round(clamp(-58 + 7 * gaussian(mix(device.key, 0x57), Math.floor(t / 1000)), -90, -30)),
    };
    const payload =
      action.kind === 'malformed'
        ? malformedAirGradient(device, s, status, action.variant).payload
        : JSON.stringify(airgradientPayload(device, s.ch1, s.ch2, status));
    state.seq++;
    return [
      {
        via: 'mqtt',
        topic: airgradientTopic(device.serial ?? ''),
        payload,
        qos: AIRGRADIENT_QOS,
        readings: 1,
        fault,
      },
    ];
  }

  const status = airrohrStatus(device, t, intervalMs);
  state.seq++;
  if (action.kind === 'malformed') {
    const software = status.oldFirmware ? AIRROHR_OLD_FIRMWARE : AIRROHR_FIRMWARE;
    const body = malformedAirrohr(device, s, status, action.variant).payload as string;
    return [
      { via: 'http', headers: airrohrHeaders(device, software, credentials), body, readings: 1, fault },
    ];
  }
  return [{ via: 'http', ...airrohrRequest(device, s.ch1, status, credentials), readings: 1, fault }];
}
