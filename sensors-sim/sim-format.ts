// The wire formats the simulator speaks: every device format but json-map, whose messages are
// whatever a third-party firmware sends (tests/ingest build them from the firmware's sources).
import type { DeviceFormat } from '../data/schema.js';

export type SimFormat = Exclude<DeviceFormat, 'json-map'>;
