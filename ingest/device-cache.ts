// Devices by id and by AirGradient serial, looked up once per few seconds rather than per message.
// Short-lived so that a device added, removed or re-mapped with the CLI or the admin API (another
// process) is seen within seconds; cleared at once when a write says a device or series vanished.
import type { Db } from '../data/db.js';
import type { Device } from '../data/schema.js';
import { getDevice, getDeviceBySerial } from '../data/store/devices.js';

/** `mobile` (0 when absent): whether the device's GPS fixes are kept as its track. */
export type DeviceRef = Pick<Device, 'id' | 'station_id' | 'format' | 'serial'> &
  Partial<Pick<Device, 'mobile' | 'json_map'>>;

const DEFAULT_TTL_MS = 5000;
const MAX_ENTRIES = 50_000;

export class DeviceCache {
  private entries = new Map<string, { device: DeviceRef | undefined; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  byId(id: string, now = Date.now()): Promise<DeviceRef | undefined> {
    return this.lookup(`id:${id}`, now, () => getDevice(this.db, id));
  }

  bySerial(serial: string, now = Date.now()): Promise<DeviceRef | undefined> {
    return this.lookup(`serial:${serial}`, now, () => getDeviceBySerial(this.db, serial));
  }

  clear(): void {
    this.entries.clear();
  }

  private async lookup(key: string, now: number, load: () => Promise<Device | undefined>) {
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.device;
    const found = await load();
    const device = found && {
      id: found.id,
      station_id: found.station_id,
      format: found.format,
      serial: found.serial,
      mobile: found.mobile,
      json_map: found.json_map,
    };
    // Unknown topics are attacker-controlled: bound the map rather than trust the fleet size.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { device, until: now + this.ttlMs });
    return device;
  }
}
