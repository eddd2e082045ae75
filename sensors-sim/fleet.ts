// The simulated fleet: which citizens host which sensors where. Deterministic for a seed: the same
// `--seed` and `--devices` always give the same ids, names, places, formats and sensor traits, so
// credentials saved by one run fit the next.
import type { SimFormat } from './sim-format.js';
import { slugify } from '../data/store/devices.js';
import { EXTRA_NAMES, PLACES, type Place } from './places.js';
import { hashString, mix, sequence } from './random.js';
import { drawTraits, type SensorKind, type SensorTraits } from './sensor-model.js';

export type FleetFormat = SimFormat | 'mixed';
export const FLEET_FORMATS = ['native', 'airgradient', 'airrohr', 'mixed'] as const;

/** Hardware models: what each format's firmware reports. */
export type DeviceModel =
  | 'native' // a DIY board with an SPS30, a BME280 and NO2/O3 electrochemical cells
  | 'O-1PPT' // AirGradient Open Air, two PMS5003T channels and an SGP41
  | 'O-1PST' // AirGradient Open Air, one PMS5003T and an SGP41
  | 'SDS011+BME280' // the classic Sensor.Community kit
  | 'SDS011+DHT22'; // its older variant

export type SimDevice = {
  id: string;
  name: string;
  place: Place;
  lat: number;
  lon: number;
  format: SimFormat;
  model: DeviceModel;
  /** Noise key: every random draw about this device derives from it. */
  key: number;
  traits: SensorTraits;
  /** AirGradient serial (the ESP32's MAC, 12 hex digits), else null. */
  serial: string | null;
  /** airrohr: the ESP8266 chip id (decimal) and MAC (hex, no colons). */
  chipId: string;
  mac: string;
  /** Native devices whose gas cells report ppb send `units`; the others send µg/m³. */
  gasUnit: 'ppb' | 'µg/m³';
  /** Where in each interval this device publishes (0–1), so that the fleet does not burst. */
  phase: number;
};

export type FleetOptions = {
  devices: number;
  seed: number;
  format: FleetFormat;
  /** Prepended to every id so that simulated devices are easy to find and remove. */
  idPrefix: string;
};

export const DEFAULT_FLEET: FleetOptions = { devices: 25, seed: 1, format: 'mixed', idPrefix: 'sim-' };

const METRES_PER_DEGREE = 111_320;

function hex(n: number, digits: number): string {
  return (n >>> 0).toString(16).padStart(8, '0').slice(-digits);
}

export function buildFleet(options: Partial<FleetOptions> = {}): SimDevice[] {
  const o = { ...DEFAULT_FLEET, ...options };
  if (!Number.isInteger(o.devices) || o.devices < 1 || o.devices > 100_000) {
    throw new RangeError(`--devices ${o.devices} must be an integer from 1 to 100000`);
  }
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) {
    throw new RangeError(`--seed ${o.seed} must be an integer from 0 to 4294967295`);
  }
  const r = sequence(mix(hashString('fleet'), o.seed));
  // Shuffle the catalogue (Fisher–Yates): a seed picks which places host sensors.
  const places = [...PLACES];
  for (let i = places.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [places[i], places[j]] = [places[j] as Place, places[i] as Place];
  }
  const names = new Set<string>();
  const devices: SimDevice[] = [];
  for (let i = 0; i < o.devices; i++) {
    let place = places[i];
    let spread = 120; // metres: a balcony near the named place, not its centroid
    if (!place) {
      const anchor = r.pick(PLACES);
      const name = `${r.pick(EXTRA_NAMES)} ${anchor.area}`;
      place = { ...anchor, name, kind: r.next() < 0.35 ? 'roadside' : 'background' };
      spread = 700;
    }
    let name = place.name;
    for (let n = 2; names.has(name); n++) name = `${place.name} ${n}`;
    names.add(name);
    const key = mix(hashString(name), o.seed);
    const format = o.format !== 'mixed' ? o.format : chooseFormat(i, r.next());
    const model = chooseModel(format, r.next());
    const kind: SensorKind =
      format === 'airgradient' ? 'PMS5003T' : format === 'airrohr' ? 'SDS011' : 'SPS30';
    const heating = format === 'airgradient' ? 1.2 : format === 'airrohr' ? 0.6 : 0.3;
    const dLat = ((r.next() * 2 - 1) * spread) / METRES_PER_DEGREE;
    const dLon = ((r.next() * 2 - 1) * spread) / (METRES_PER_DEGREE * Math.cos((place.lat * Math.PI) / 180));
    const chip = mix(key, 0xc1) & 0xffffff; // an ESP8266 chip id is the last 3 bytes of its MAC
    const id = `${o.idPrefix}${fleetTag(o)}${slugify(name)}`.slice(0, 64).replace(/-+$/, '');
    devices.push({
      id,
      name,
      place: { ...place, name },
      lat: Math.round((place.lat + dLat) * 1e6) / 1e6,
      lon: Math.round((place.lon + dLon) * 1e6) / 1e6,
      format,
      model,
      key,
      traits: drawTraits(key, kind, heating),
      serial:
        format === 'airgradient' ? `${r.next() < 0.5 ? 'ecda3b' : 'd83bda'}${hex(mix(key, 0x5a), 6)}` : null,
      chipId: String(chip),
      mac: `${r.pick(['a4cf12', '5ccf7f', 'bcddc2'])}${hex(chip, 6)}`,
      gasUnit: r.next() < 0.5 ? 'ppb' : 'µg/m³',
      phase: r.next(),
    });
  }
  return devices;
}

/**
 * Ids must not collide between fleets that differ: the same place with another seed or format is
 * another device. The default fleet (seed 1, mixed) has no tag: `sim-jardin-longchamp`; seed 42
 * of AirGradient monitors gives `sim-s42-ag-jardin-longchamp`.
 */
export function fleetTag(o: Pick<FleetOptions, 'seed' | 'format'>): string {
  const seed = o.seed === 1 ? '' : `s${o.seed}-`;
  const format = { mixed: '', native: 'n-', airgradient: 'ag-', airrohr: 'ar-' }[o.format];
  return `${seed}${format}`;
}

/** Mixed fleets: one of each format first (so even 3 devices show all three), then by share. */
function chooseFormat(index: number, u: number): SimFormat {
  const first: SimFormat[] = ['native', 'airgradient', 'airrohr'];
  if (index < first.length) return first[index] as SimFormat;
  // Sensor.Community kits are the most common citizen sensor in Europe.
  return u < 0.3 ? 'native' : u < 0.6 ? 'airgradient' : 'airrohr';
}

function chooseModel(format: SimFormat, u: number): DeviceModel {
  if (format === 'airgradient') return u < 0.7 ? 'O-1PPT' : 'O-1PST';
  if (format === 'airrohr') return u < 0.8 ? 'SDS011+BME280' : 'SDS011+DHT22';
  return 'native';
}
