// `souffle sim`: a simulated fleet of citizen sensors around Marseille publishing to the platform
// (live, with history first, or as a load for benchmarks). The options are read by
// cli/sim-options.ts; the run is sensors-sim/run-simulation.ts's, stopped by SIGTERM or SIGINT.
import {
  DEFAULT_BACKFILL,
  DEFAULT_CREDENTIALS_FILE,
  DEFAULT_FAULT_RATE,
  DEFAULT_FLEET,
  describeSummary,
  runSimulation,
  type SimSummary,
} from '../sensors-sim/index.js';
import { output } from './args.js';
import type { Config } from './config.js';
import { parseSimArgs } from './sim-options.js';
import { abortOnStopSignal } from './stop-on-signal.js';

export const usage = `souffle sim [options]        (from a checkout: npm run sim -- [options])
  Simulates citizen sensors around Marseille publishing to the platform: native and AirGradient
  devices over MQTT (each as itself), Sensor.Community kits over HTTP, as their firmware does.
  Devices are registered through the admin API on first run; their tokens are kept in a file.

Fleet
  --devices N          number of devices (default 25)
  --seed N             which city: places, formats, sensors and signals (default 1)
  --format F           native | airgradient | airrohr | mixed (default mixed; load mode: native)
  --interval D         one interval for every device, e.g. 5s (default: 60 s, airrohr 145 s)
  --duration D         stop the live run after D, e.g. 10m (default: until Ctrl-C)
Faults
  --faults LIST        stuck,spikes,offline,future-clock,malformed,duplicates or all
  --fault-rate P       probability that a reading starts a fault (default ${DEFAULT_FAULT_RATE})
History
  --backfill D         first publish the last D of history with timestamps, e.g. 7d
  --backfill-only      stop after the backfill
  --backfill-step D    time between history readings (default: the firmware intervals, not --interval)
  --batch N            readings per backfill message (default ${DEFAULT_BACKFILL.batch})
Load (benchmarks)
  --rate R             messages per second (with --count; 0 = as fast as acknowledged)
  --count N            publish N native messages of 6 values across the fleet, then stop
Connection
  --api-url URL        the API (default SOUFFLE_API_URL)
  --mqtt-url URL       the broker (default MQTT_URL, else mqtt://127.0.0.1:SOUFFLE_MQTT_PORT)
  --window N           unacknowledged QoS 1 messages per device (default ${DEFAULT_BACKFILL.window})
  --credentials FILE   where device tokens are kept (default ${DEFAULT_CREDENTIALS_FILE}, mode 0600)
  --id-prefix P        prefix of device ids (default "${DEFAULT_FLEET.idPrefix}")
Output
  --json               print the summary as JSON on stdout
  --quiet              no progress on stderr
The admin token is SOUFFLE_ADMIN_TOKEN, or the .admin-token file beside SOUFFLE_DB.`;

export async function run(argv: string[], config: Config): Promise<void> {
  const { options, json } = parseSimArgs(argv, config);
  const controller = new AbortController();
  const release = abortOnStopSignal(controller);
  let summary: SimSummary;
  try {
    summary = await runSimulation({ ...options, signal: controller.signal });
  } finally {
    release();
  }
  output(json, summary, () => describeSummary(summary));
}
