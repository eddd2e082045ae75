// The topic layout devices in the field publish to: every string is pinned here, byte for byte,
// and the worker's parser reads back what the builders write.
import { describe, expect, it } from 'vitest';
import {
  INGEST_FILTERS,
  MOSQUITTO_ACL,
  airgradientTopic,
  airrohrTopic,
  deviceMayPublish,
  deviceMaySubscribe,
  deviceTopic,
  nativeTopic,
  routeTopic,
  sharedFilter,
} from '../../data/topics.js';

const native = { id: 'ecole', format: 'native', serial: null } as const;
const airrohr = { id: 'kit-parc', format: 'airrohr', serial: null } as const;
const airgradient = { id: 'ag-toit', format: 'airgradient', serial: 'ecda3b1eaaaf' } as const;

describe('topic layout', () => {
  it('gives each format the topic its firmware publishes to', () => {
    expect(deviceTopic(native)).toBe('souffle/v1/ecole/readings');
    expect(deviceTopic(airrohr)).toBe('souffle/v1/kit-parc/airrohr');
    expect(deviceTopic(airgradient)).toBe('airgradient/readings/ecda3b1eaaaf');
    expect(deviceTopic({ ...airgradient, serial: null })).toBe('airgradient/readings/<serial>');
  });

  it('subscribes the worker to every device of each format, alone or in a share group', () => {
    expect(INGEST_FILTERS).toEqual([
      'souffle/v1/+/readings',
      'souffle/v1/+/airrohr',
      'airgradient/readings/+',
      'souffle/v1/+/json/#',
    ]);
    expect(sharedFilter('souffle', INGEST_FILTERS[0]!)).toBe('$share/souffle/souffle/v1/+/readings');
  });

  it('routes a topic back to its format and device, and nothing else', () => {
    expect(routeTopic(nativeTopic('ecole'))).toEqual({ format: 'native', deviceId: 'ecole' });
    expect(routeTopic(airrohrTopic('kit-parc'))).toEqual({ format: 'airrohr', deviceId: 'kit-parc' });
    expect(routeTopic(airgradientTopic('ecda3b1eaaaf'))).toEqual({
      format: 'airgradient',
      serial: 'ecda3b1eaaaf',
    });
    expect(routeTopic('souffle/v1/tasmota/json/tele/SENSOR')).toEqual({
      format: 'json-map',
      deviceId: 'tasmota',
      suffix: 'tele/SENSOR',
    });
    expect(routeTopic('souffle/v1/node/json')).toEqual({ format: 'json-map', deviceId: 'node', suffix: '' });
    for (const topic of [
      'souffle/v1/ecole/commands',
      'souffle/v2/ecole/readings',
      'souffle/v1//readings',
      'souffle/v1/ecole/readings/extra',
      'airgradient/readings/',
      'airgradient/readings/a/b',
    ]) {
      expect(routeTopic(topic), topic).toBeUndefined();
    }
  });

  it('lets a device publish under its own prefix or to its own serial only', () => {
    expect(deviceMayPublish(native, 'souffle/v1/ecole/readings')).toBe(true);
    expect(deviceMayPublish(native, 'souffle/v1/voisin/readings')).toBe(false);
    expect(deviceMayPublish(native, 'souffle/v1/ecole-2/readings')).toBe(false);
    expect(deviceMayPublish(airgradient, 'airgradient/readings/ecda3b1eaaaf')).toBe(true);
    expect(deviceMayPublish(airgradient, 'airgradient/readings/ffffffffffff')).toBe(false);
    expect(deviceMayPublish(native, 'airgradient/readings/ecda3b1eaaaf')).toBe(false);
    expect(deviceMaySubscribe(native, 'souffle/v1/ecole/commands')).toBe(true);
    expect(deviceMaySubscribe(native, 'souffle/v1/ecole/')).toBe(false);
    expect(deviceMaySubscribe(native, 'souffle/v1/+/readings')).toBe(false);
  });

  it('states the same rules in Mosquitto ACL syntax', () => {
    expect(MOSQUITTO_ACL.devicePattern).toBe('souffle/v1/%u/#');
    expect(MOSQUITTO_ACL.serviceWrite).toEqual(['souffle/v1/+/airrohr', 'souffle/v1/+/readings']);
    expect(MOSQUITTO_ACL.airgradientWrite('ecda3b1eaaaf')).toBe('airgradient/readings/ecda3b1eaaaf');
  });
});
