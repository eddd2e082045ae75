// The ingest benchmark's simulated fleet: message i comes from device i % devices, one minute
// after that device's previous one, with 6 values. Run as a script, it publishes a range of them
// at full speed over a few connections (QoS 1), as separate devices would, from its own process.
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { nativeTopic } from '../data/index.js';

export const FLEET_DEVICES = 50;

export function fleetMessage(i: number, startSeconds: number): { topic: string; payload: string } {
  const d = i % FLEET_DEVICES;
  const ts = startSeconds + Math.floor(i / FLEET_DEVICES) * 60;
  const v = i % 37;
  return {
    topic: nativeTopic(`bench-${d}`),
    payload: JSON.stringify({
      ts,
      seq: i,
      values: {
        pm1: 3 + (v % 5),
        pm25: 5 + v,
        pm10: 9 + v,
        temperature: 12 + (v % 15),
        humidity: 40 + (v % 30),
        pressure: 1012,
      },
    }),
  };
}

/** Publishes messages [from, from + count) over `connections` clients, each keeping a window in flight. */
export async function publishFleet(options: {
  url: string;
  from: number;
  count: number;
  startSeconds: number;
  connections?: number;
  /** Called with the number of messages the broker has acknowledged so far. */
  onAcked?: (acked: number) => void;
}): Promise<void> {
  const { url, from, count, startSeconds, connections = 4, onAcked } = options;
  let acked = 0;
  const clients = await Promise.all(
    Array.from({ length: connections }, (_, c) =>
      mqtt.connectAsync(url, { clientId: `bench-pub-${c}-${from}` }),
    ),
  );
  const window = 500;
  await Promise.all(
    clients.map(async (client, c) => {
      const mine: number[] = [];
      for (let i = from + c; i < from + count; i += connections) mine.push(i);
      for (let k = 0; k < mine.length; k += window) {
        await Promise.all(
          mine.slice(k, k + window).map((i) => {
            const m = fleetMessage(i, startSeconds);
            return client.publishAsync(m.topic, m.payload, { qos: 1 }).then(() => onAcked?.(++acked));
          }),
        );
      }
      await client.endAsync();
    }),
  );
}

// `node --import tsx bench/ingest-fleet.ts <url> <from> <count> <startSeconds>`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, from, count, start] = process.argv.slice(2);
  // Progress for the parent's deadline (bench/publish-child.ts): a line every 500 acknowledgements.
  let reported = 0;
  const report = (acked: number) => {
    if (acked - reported < 500 && acked !== Number(count)) return;
    reported = acked;
    process.stdout.write(`acked ${acked}\n`);
  };
  await publishFleet({
    url: url!,
    from: Number(from),
    count: Number(count),
    startSeconds: Number(start),
    onAcked: report,
  });
}
