// `souffle mosquitto-plugin build <dir>`: compiles the per-device rate limit plugin for Mosquitto
// (ingest/mosquitto-plugin.ts) and says how to turn it on with `souffle mosquitto-config`.
import { buildMosquittoPlugin, type PluginBuild } from '../ingest/mosquitto-config.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';

export const usage = `souffle mosquitto-plugin build <dir> [options]
  Compiles souffle_rate_limit.so into <dir>: a Mosquitto 2 plugin that limits what each device
  publishes (a token bucket per user name, as the embedded broker's SOUFFLE_MQTT_RATE and
  SOUFFLE_MQTT_BURST), the service users exempt. Needs a C compiler and the Mosquitto plugin
  headers (Debian/Ubuntu: apt-get install gcc libc6-dev mosquitto-dev libmosquitto-dev). Then:
    souffle mosquitto-config <conf dir> --plugin <dir>/souffle_rate_limit.so [--rate 60/min --burst 120]
  and restart Mosquitto (it reads plugins at start only).

Options:
  --check       start the installed Mosquitto with the plugin once, to see that it loads
  --cc <path>   the C compiler (default: cc)
  --json        print the result as JSON`;

export async function run(argv: string[], _config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { check: { type: 'boolean' }, cc: { type: 'string' } },
    true,
  );
  const [action, dir, ...extra] = positionals;
  if (action !== 'build') {
    throw new UsageError(action ? `unknown action "${action}" (only: build)` : 'say what to do: build <dir>');
  }
  if (!dir || extra.length > 0)
    throw new UsageError('give exactly one folder: souffle mosquitto-plugin build <dir>');
  const result = await buildMosquittoPlugin(dir, { cc: values.cc, check: values.check === true });
  output(values.json, result, () => describe(result));
}

function describe(r: PluginBuild): string {
  return [
    `Built ${r.plugin}.`,
    ...(r.check ? [`Checked: ${r.check.mosquitto} loaded it ("${r.check.loaded}").`] : []),
    'Turn it on (then restart Mosquitto: it reads plugins at start only):',
    `  souffle mosquitto-config <dir> --plugin ${r.plugin} --rate 60/min --burst 120`,
  ].join('\n');
}
