// What `souffle device` prints for a person (without --json): how to set up a device from its
// connection document, and the device list as a table.
import type { DeviceConnection } from '../data/index.js';
import type { Config } from './config.js';

/** The human version of the connection document: what to type into the device. */
export function howToConnect(c: DeviceConnection): string {
  const lines = [`Token (shown once, keep it): ${c.token}`, ''];
  if (c.format === 'airrohr' && c.airrohr) {
    const a = c.airrohr;
    lines.push(
      'On the kit\'s configuration page, "Send data to own API":',
      `  server ${a.server}   path ${a.path}   port ${a.port}   HTTPS ${a.https ? 'on' : 'off'}`,
      `  user ${a.username}   password ${a.password}`,
    );
  } else if (c.format === 'airgradient') {
    const auth = `mqtt://${c.mqtt.username}:${c.mqtt.password}@${c.mqtt.host}:${c.mqtt.port}`;
    lines.push(
      `On the monitor, set the MQTT broker URL to ${auth}`,
      `It publishes as serial ${c.serial} to ${c.topic}.`,
    );
  } else if (c.format === 'json-map') {
    lines.push(
      `  broker    ${c.mqtt.url}`,
      `  client id ${c.mqtt.username}   (or ${c.mqtt.username}-<anything>)`,
      `  user      ${c.mqtt.username}`,
      `  password  ${c.mqtt.password}`,
      `  topics    ${c.topic} and below, e.g.`,
      `            Tasmota: Topic ${c.id}, Full Topic souffle/v1/%topic%/json/%prefix%/, SetOption104 1`,
      `            ESPHome: mqtt: topic_prefix: ${c.topic}, discovery: false, birth/will retain: false`,
      '  (the broker refuses retained messages: turn the retain flag off)',
      `  mapping   ${(c.map ?? []).map((e) => `${e.path}=${e.phenomenon}:${e.unit}`).join('  ')}`,
      'Details: docs/ingest.md, "JSON mapping (ESPHome, Tasmota, home-made)".',
    );
  } else {
    lines.push(
      `  broker    ${c.mqtt.url}`,
      // The embedded broker refuses another client id (docs/security.md), Mosquitto replaces it.
      `  client id ${c.mqtt.username}   (or ${c.mqtt.username}-<anything>)`,
      `  user      ${c.mqtt.username}`,
      `  password  ${c.mqtt.password}`,
      `  topic     ${c.topic}   (QoS 1)`,
      `  payload   {"ts":"2026-11-28T08:00:00Z","values":{"pm25":12.3,"pm10":20.1,"temperature":21.5,"humidity":55}}`,
    );
  }
  return lines.join('\n');
}

/**
 * How the owner sees that the device works (its status: last message, values today, rejections
 * with their reason), and a warning when the addresses above are a guess: without
 * SOUFFLE_PUBLIC_URL they name localhost, which a device on another machine cannot reach.
 */
export function howToCheck(
  c: DeviceConnection,
  publicUrl: string,
  config: Pick<Config, 'SOUFFLE_PUBLIC_URL'>,
): string {
  const status = `${publicUrl.replace(/\/$/, '')}/api/v1/devices/${encodeURIComponent(c.id)}/status`;
  const lines = [
    'Check that it works (last message, values today, rejected messages and why):',
    `  curl -u ${c.id}:${c.token} ${status}`,
  ];
  if (!config.SOUFFLE_PUBLIC_URL)
    lines.push(
      '',
      `Warning: SOUFFLE_PUBLIC_URL is not set, so these addresses name ${new URL(publicUrl).host}, which only this`,
      'machine reaches. Set it to the address devices and people use (e.g. https://souffle.example.org)',
      'and run `souffle device rotate-token` to print them again.',
    );
  return lines.join('\n');
}

/** Columns padded to their widest cell, under a header and a rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
