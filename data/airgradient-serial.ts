// An AirGradient monitor's serial as its firmware spells it in its MQTT topic: the Wi-Fi MAC
// address, lowercase, without separators (airgradienthq/arduino, the examples' MQTT publish to
// "airgradient/readings/" + ag.deviceId(), deviceId() printing the MAC with "%02x"). Owners copy
// it from the monitor's label or their router, as `ECDA3B1EAAB1` or `EC:DA:3B:1E:AA:B2`: stored
// as typed, the monitor's publishes would name another topic and be refused (issue 15). Pure.

/** Twelve lowercase hex digits: the only form a registered serial takes. */
export const AIRGRADIENT_SERIAL = /^[0-9a-f]{12}$/;

export const SERIAL_MESSAGE =
  'must be the monitor\'s MAC address: 12 hex digits, with or without ":" or "-" (e.g. ecda3b1eaaaf or EC:DA:3B:1E:AA:AF)';

/** The serial lowercased and without ":", "-" or spaces; check the result with isAirGradientSerial. */
export function normaliseAirGradientSerial(serial: string): string {
  return serial
    .trim()
    .replace(/[:\-\s]/g, '')
    .toLowerCase();
}

/** Whether a serial, as typed, becomes a valid one once normalised. */
export function isAirGradientSerial(serial: string): boolean {
  return AIRGRADIENT_SERIAL.test(normaliseAirGradientSerial(serial));
}
