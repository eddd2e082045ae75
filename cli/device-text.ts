// What `souffle device` prints for a person (without --json): how to set up a device from its
// connection document, and the device list as a table.
import type { DeviceConnection } from '../data/index.js';

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
