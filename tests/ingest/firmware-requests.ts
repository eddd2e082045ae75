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

// Tasmota: arendst/Tasmota at b0937d7cd0a186d38306989f321521e9712db803. The telemetry message is
// built by MqttShowSensor (tasmota/tasmota_support/support_tasmota.ino): ResponseAppendTime's
// `{"Time":"<local time, no offset>"`, then each driver's FUNC_JSON_APPEND, then
// `,"PressureUnit":"hPa"` when a pressure was written and `,"TempUnit":"C"` (or "F",
// SetOption8) when a temperature was, then `}`; published to the FullTopic with prefix "tele"
// and subtopic "SENSOR". The drivers: xsns_20_novasds.ino (NovaSdsShow):
// `,"SDS0X1":{"PM2.5":%1_f,"PM10":%1_f}`; xsns_09_bmp.ino (BmpShow) for a BME280:
// `,"BME280":{"Temperature":%*_f,"Humidity":%s,"DewPoint":%s,"Pressure":%s}` at the default
// resolutions (one decimal each).

/** Tasmota's tele/…/SENSOR payload for an SDS011 and a BME280; temperatures in `tempUnit`. */
export function tasmotaSensorPayload(
  time: string,
  sds: { pm25: number; pm10: number },
  bme: { temperature: number; humidity: number; dewPoint: number; pressure: number },
  tempUnit: 'C' | 'F' = 'C',
): string {
  const f1 = (v: number) => v.toFixed(1);
  return (
    `{"Time":"${time}"` +
    `,"SDS0X1":{"PM2.5":${f1(sds.pm25)},"PM10":${f1(sds.pm10)}}` +
    `,"BME280":{"Temperature":${f1(bme.temperature)},"Humidity":${f1(bme.humidity)},"DewPoint":${f1(bme.dewPoint)},"Pressure":${f1(bme.pressure)}}` +
    `,"PressureUnit":"hPa","TempUnit":"${tempUnit}"}`
  );
}

/** Tasmota's tele/…/STATE (MqttShowState, support_tasmota.ino): device health, no measurement. */
export function tasmotaStatePayload(time: string): string {
  return `{"Time":"${time}","Uptime":"0T00:05:19","UptimeSec":319,"Heap":26,"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,"Wifi":{"AP":1,"SSId":"ecole","BSSId":"60:A4:4C:DC:F8:78","Channel":6,"Mode":"11n","RSSI":66,"Signal":-67,"LinkCount":1,"Downtime":"0T00:00:04"}}`;
}

/** The topic Tasmota publishes to with FullTopic `souffle/v1/%topic%/json/%prefix%/` and Topic `<id>`. */
export function tasmotaTopic(deviceId: string, prefix: 'tele' | 'stat', subtopic: string): string {
  return `souffle/v1/${deviceId}/json/${prefix}/${subtopic}`;
}

// ESPHome: esphome/esphome, esphome/components/mqtt/mqtt_component.cpp (get_default_topic_for_:
// `<topic_prefix>/<component type>/<object id>/<suffix>`, state suffix "state") and
// mqtt_sensor.cpp (publish_state: value_accuracy_to_string(value, accuracy_decimals), or "None"
// for NaN with publish_nan_as_none). The object id is the sensor's name, lowercase, spaces and
// other characters as "_" (ESPHome's str_sanitize / str_snake_case).

/** ESPHome's state topic of a sensor named `objectId`, below `topicPrefix`. */
export function esphomeStateTopic(topicPrefix: string, objectId: string): string {
  return `${topicPrefix}/sensor/${objectId}/state`;
}

/** ESPHome's state payload: the value with the sensor's accuracy_decimals, "nan" when unknown. */
export function esphomeState(value: number, accuracyDecimals: number): string {
  return Number.isNaN(value) ? 'nan' : value.toFixed(accuracyDecimals);
}
