// Requests built the way the real firmware builds them, so that tests send what devices send,
// byte for byte, rather than what we believe they send.
//
// airrohr: opendata-stuttgart/sensors-software, airrohr-firmware/airrohr-firmware.ino at
// 713e3ffe1710982232dead62d445d99ec4d3260e (sendData; data_first_part; add_Value2Json in
// utils.cpp), with the value types of later versions (IPS_P0/P1/P2 from the IPS-7100 reader of
// NRZ-2024, SEN5X_* of the beta firmware, GPS_* of the GPS reader). The body is
// `{"software_version": "<v>", "sensordatavalues":[` (one space after each colon of that first
// part), then `{"value_type":"<t>","value":"<v>"},` per value with the last comma removed, then
// `]}`. Each float is printed by Arduino's String(float): two decimals. Headers: Content-Type
// application/json, X-Sensor and X-MAC-ID "esp8266-" + chip id / MAC, User-Agent
// "<version>/<chip id>/<mac>", no X-PIN for the custom API (pin 0), and HTTPClient's
// setAuthorization: Basic with the "Send data to own API" user and password.
//
// AirGradient: airgradienthq/arduino, src/AgValue.cpp at 29db5469f56f8d05ffaebcb20ee0b72b52b25739
// (Measurements::toString, buildOutdoor, buildPMS): Arduino_JSON's JSON.stringify, no spaces,
// keys in insertion order, values rounded to two decimals (round2); published with QoS 0 to
// "airgradient/readings/" + the MAC in lowercase hex without separators. Firmware 3.0.x named the
// indices and the count `tvoc_index`, `nox_index` (3.0.4: `noxIndex`) and `pm003_count`.

/** Arduino's String(float): two decimals. */
export const arduinoFloat = (value: number): string => value.toFixed(2);

export type AirrohrKit = {
  chipId: string;
  mac: string;
  softwareVersion: string;
  user: string;
  password: string;
};

/** The body of an airrohr push, as sendData posts it. Numbers are printed as String(float). */
export function airrohrBody(
  kit: Pick<AirrohrKit, 'softwareVersion'>,
  values: [string, number | string][],
): string {
  let data = `{"software_version": "${kit.softwareVersion}", "sensordatavalues":[`;
  for (const [type, value] of values) {
    const printed = typeof value === 'number' ? arduinoFloat(value) : value;
    data += `{"value_type":"${type}","value":"${printed}"},`;
  }
  if (values.length > 0) data = data.slice(0, -1);
  return `${data}]}`;
}

/** The headers of an airrohr push to "Send data to own API". */
export function airrohrHeaders(kit: AirrohrKit): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Sensor': `esp8266-${kit.chipId}`,
    'X-MAC-ID': `esp8266-${kit.mac}`,
    'User-Agent': `${kit.softwareVersion}/${kit.chipId}/${kit.mac}`,
    Authorization: `Basic ${Buffer.from(`${kit.user}:${kit.password}`).toString('base64')}`,
  };
}

/** The topic an AirGradient monitor publishes to: its MAC, lowercase, no separators. */
export function airgradientTopicOf(mac: string): string {
  return `airgradient/readings/${mac.replace(/[:-]/g, '').toLowerCase()}`;
}

/** An AirGradient payload as JSON.stringify of Arduino_JSON writes it (round2 on every value). */
export function airgradientPayload(fields: Record<string, unknown>): string {
  const round2 = (v: unknown): unknown =>
    typeof v === 'number' ? Math.round(v * 100) / 100 : v && typeof v === 'object' ? roundAll(v) : v;
  const roundAll = (o: object): object =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round2(v)]));
  return JSON.stringify(roundAll(fields));
}
