// Runs simulated devices through the real decoders and the quality checker, in process, and keeps
// what a store would: every reading with its flags, the earlier readings of a stuck run flagged
// as data/store/reading-flags.ts would. Each reading remembers the fault the simulator injected.
import type { DecodedReading, RawMessage } from '../../data/decoders/types.js';
import { decodeAirGradient } from '../../data/decoders/airgradient.js';
import { decodeAirrohr } from '../../data/decoders/airrohr.js';
import { decodeNative } from '../../data/decoders/native.js';
import type { DecodedMessage } from '../../ingest/decode-message.js';
import { QualityChecker } from '../../ingest/quality/quality-checker.js';
import type { QualityOptions } from '../../ingest/quality/quality-options.js';
import { composeLive, newDeviceState } from '../../sensors-sim/compose.js';
import type { FaultInjector, FaultKind } from '../../sensors-sim/faults.js';
import type { SimDevice } from '../../sensors-sim/fleet.js';
import { REAL_INTERVALS } from '../../sensors-sim/schedule.js';

export type JudgedReading = DecodedReading & { device: string; fault: FaultKind | undefined };

/** `readings` consecutive readings of each device from `start`, with the faults `faults` injects. */
export function judgeSimulated(
  devices: readonly SimDevice[],
  options: {
    start: number;
    readings: number;
    seed: number;
    faults: FaultInjector;
    quality?: Partial<QualityOptions>;
  },
): JudgedReading[] {
  const checker = new QualityChecker(options.quality);
  const out: JudgedReading[] = [];
  for (const device of devices) {
    const state = newDeviceState(device);
    const interval = REAL_INTERVALS[device.format];
    const stored = new Map<string, JudgedReading[]>();
    for (let k = 0; k < options.readings; k++) {
      const t = options.start + k * interval;
      const action = options.faults.next(device, k);
      const credentials = { username: device.id, password: 'x' };
      for (const o of composeLive({
        device,
        t,
        seed: options.seed,
        action,
        state,
        intervalMs: interval,
        credentials,
      })) {
        const raw: RawMessage =
          o.via === 'mqtt'
            ? { topic: o.topic, payload: Buffer.from(o.payload), receivedAt: t }
            : { topic: `souffle/v1/${device.id}/airrohr`, payload: Buffer.from(o.body), receivedAt: t };
        const decode =
          device.format === 'native'
            ? decodeNative
            : device.format === 'airgradient'
              ? decodeAirGradient
              : decodeAirrohr;
        const { readings, rejections } = decode(raw);
        const message: DecodedMessage = {
          message: raw,
          device: { id: device.id, station_id: device.id, format: device.format, serial: device.serial },
          format: device.format,
          readings,
          rejections,
        };
        checker.check([message]);
        for (const r of readings) {
          const judged = { ...r, device: device.id, fault: o.fault };
          const key = `${r.phenomenon}@${r.sensor}`;
          let list = stored.get(key);
          if (!list) stored.set(key, (list = []));
          list.push(judged);
          out.push(judged);
        }
        for (const f of message.flagEarlier ?? []) {
          for (const r of stored.get(`${f.phenomenon}@${f.sensor}`) ?? []) {
            if (r.time >= f.from && r.time <= f.to && r.value === f.value) r.flags |= f.flags;
          }
        }
      }
    }
  }
  return out;
}
