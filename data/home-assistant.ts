// Home Assistant MQTT discovery (issue 16): a station opted in is announced to Home Assistant as
// one device with one sensor entity per phenomenon it measures, so that a citizen sees their own
// sensor and the official stations in Home Assistant without integration code. Pure: the messages
// only; ingest/home-assistant-publisher.ts publishes them.
//
// Home Assistant's MQTT discovery (https://www.home-assistant.io/integrations/mqtt/, "MQTT
// discovery"; sensor options: https://www.home-assistant.io/integrations/sensor.mqtt/): a retained
// JSON config on `<discovery_prefix>/<component>/<object_id>/config` creates the entity; an empty
// retained message on that topic removes it. The entity's value is the payload of `state_topic`;
// `availability_topic` says "online"/"offline". Device classes and their units are Home
// Assistant's sensor device classes (https://www.home-assistant.io/integrations/sensor/#device-class).
import { getPhenomenon, type PhenomenonCode } from './phenomena.js';

export const HA_DISCOVERY_PREFIX = 'homeassistant';
/** Below this, Souffle's own topics for Home Assistant: states and availability. */
export const HA_STATE_PREFIX = 'souffle/ha';

/**
 * The device class and unit Home Assistant expects for each phenomenon it has a class for. CO is
 * left out: Home Assistant's carbon_monoxide class is in ppm, Souffle's CO in mg/m³.
 */
export const HA_SENSOR_CLASSES: Partial<Record<PhenomenonCode, { deviceClass: string; unit: string }>> = {
  pm25: { deviceClass: 'pm25', unit: 'µg/m³' },
  pm10: { deviceClass: 'pm10', unit: 'µg/m³' },
  pm1: { deviceClass: 'pm1', unit: 'µg/m³' },
  no2: { deviceClass: 'nitrogen_dioxide', unit: 'µg/m³' },
  o3: { deviceClass: 'ozone', unit: 'µg/m³' },
  so2: { deviceClass: 'sulphur_dioxide', unit: 'µg/m³' },
  co2: { deviceClass: 'carbon_dioxide', unit: 'ppm' },
  temperature: { deviceClass: 'temperature', unit: '°C' },
  humidity: { deviceClass: 'humidity', unit: '%' },
  pressure: { deviceClass: 'atmospheric_pressure', unit: 'hPa' },
};

export type HaStation = {
  id: string;
  name: string;
  source: string;
  /** Phenomena it measures (those without a Home Assistant class are left out). */
  phenomena: readonly string[];
};

export type HaMessage = { topic: string; payload: string };

/** Object ids allow letters, digits, "_" and "-" (Home Assistant's discovery topic rule). */
const objectId = (stationId: string, entity: string) =>
  `${stationId}_${entity}`.replace(/[^A-Za-z0-9_-]/g, '_');

export const haConfigTopic = (stationId: string, entity: string) =>
  `${HA_DISCOVERY_PREFIX}/sensor/${objectId(stationId, entity)}/config`;
export const haStateTopic = (stationId: string, entity: string) =>
  `${HA_STATE_PREFIX}/${stationId}/${entity}`;
/** One availability topic for this Souffle: "online" while its ingest is connected, else "offline". */
export const HA_AVAILABILITY_TOPIC = `${HA_STATE_PREFIX}/availability`;

/** The entities of a station: one per phenomenon Home Assistant has a class for. */
export function haEntities(station: HaStation): PhenomenonCode[] {
  return station.phenomena.filter((p): p is PhenomenonCode => p in HA_SENSOR_CLASSES);
}

/** The retained discovery configs announcing the station (publish with retain). */
export function haDiscoveryConfigs(station: HaStation, publicUrl: string): HaMessage[] {
  const device = {
    identifiers: [`souffle_${station.id}`],
    name: station.name,
    manufacturer: 'Souffle',
    model: station.source === 'atmosud' ? 'AtmoSud reference station' : 'Citizen sensor',
    configuration_url: `${publicUrl.replace(/\/+$/, '')}/#station=${encodeURIComponent(station.id)}`,
  };
  return haEntities(station).map((entity) => {
    const cls = HA_SENSOR_CLASSES[entity]!;
    const config = {
      name: getPhenomenon(entity)?.label.en ?? entity,
      unique_id: `souffle_${objectId(station.id, entity)}`,
      object_id: `souffle_${objectId(station.id, entity)}`,
      state_topic: haStateTopic(station.id, entity),
      device_class: cls.deviceClass,
      unit_of_measurement: cls.unit,
      state_class: 'measurement',
      availability_topic: HA_AVAILABILITY_TOPIC,
      device,
    };
    return { topic: haConfigTopic(station.id, entity), payload: JSON.stringify(config) };
  });
}

/** The empty retained configs that remove the station's entities from Home Assistant. */
export function haRemovalConfigs(station: Pick<HaStation, 'id'>, entities: readonly string[]): HaMessage[] {
  return entities.map((entity) => ({ topic: haConfigTopic(station.id, entity), payload: '' }));
}
