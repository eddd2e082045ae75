// Records in a device's error log that the embedded broker refused one of its publishes. A
// refusal closes the connection, and without this the owner would only see "never" on a device
// that does send: the AirGradient registered under another spelling of its serial is the
// common case (issue 15). One entry per device and minute at most: a refused monitor reconnects
// and publishes again every few seconds. Mosquitto drops such publishes silently (docs/ingest.md).
import type { Db } from '../data/db.js';
import type { Device } from '../data/schema.js';
import { recordIngestErrors } from '../data/store/ingest-errors.js';
import { airgradientTopic, devicePrefix } from '../data/topics.js';
import type { Logger } from './logger.js';

const RECORD_EVERY_MS = 60_000;

export type RefusedPublishLog = (
  device: Pick<Device, 'id' | 'format' | 'serial'>,
  topic: string,
  now?: number,
) => void;

export function createRefusedPublishLog(db: Db, logger: Logger): RefusedPublishLog {
  const lastRecorded = new Map<string, number>();
  return (device, topic, now = Date.now()) => {
    const last = lastRecorded.get(device.id);
    if (last !== undefined && now - last < RECORD_EVERY_MS) return;
    lastRecorded.set(device.id, now);
    recordIngestErrors(db, [
      { deviceId: device.id, source: 'broker', time: now, topic, reason: refusalReason(device, topic) },
    ]).catch((e: Error) =>
      logger.warn(`could not record the refused publish of "${device.id}": ${e.message}`),
    );
  };
}

/** Why the publish was refused, in terms the owner can act on. */
export function refusalReason(device: Pick<Device, 'id' | 'format' | 'serial'>, topic: string): string {
  if (device.format === 'airgradient' && device.serial) {
    return `the broker refused a publish to ${topic}: this monitor is registered with serial "${device.serial}" and may publish only to ${airgradientTopic(device.serial)}; check the serial (its MAC address) with \`souffle device list\``;
  }
  return `the broker refused a publish to ${topic}: a device may publish only below ${devicePrefix(device.id)}`;
}
