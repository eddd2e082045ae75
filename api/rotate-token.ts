// A device's token rotated and its new connection settings, for the admin's and the owner's
// rotate endpoints alike: one place that says the generated broker files must follow.
import { deviceConnection } from '../data/device-connection.js';
import { getDevice, rotateDeviceToken } from '../data/store/devices.js';
import { notFound } from './api-error.js';
import type { AppDeps } from './app-deps.js';

export async function rotatedConnection(deps: AppDeps, id: string) {
  const token = await rotateDeviceToken(deps.db, id);
  const device = token === undefined ? undefined : await getDevice(deps.db, id);
  if (!device || token === undefined) throw notFound(`no device "${id}"`);
  deps.onDevicesChanged?.();
  return deviceConnection(device, token, deps.settings);
}
