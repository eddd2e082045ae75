// `souffle mosquitto-plugin build` and the rate limit options of `souffle mosquitto-config`,
// through the real command line: the plugin is compiled with the machine's compiler and loaded by
// the installed Mosquitto (--check); the configuration's plugin lines follow the options given,
// are remembered, and are removed with --plugin none.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-db.js';

type Run = { code: number; stdout: string; stderr: string };

describe('souffle mosquitto-plugin and the rate limit of souffle mosquitto-config', () => {
  let dir: string;
  let cleanup: () => void;
  let env: NodeJS.ProcessEnv;

  const souffle = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(process.execPath, ['bin/souffle.mjs', ...args], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const json = async (...args: string[]) => {
    const r = await souffle(...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const conf = (broker: string) => readFileSync(join(broker, 'mosquitto.conf'), 'utf8');

  beforeAll(() => {
    ({ dir, cleanup } = tempDir());
    chmodSync(dir, 0o755); // started as root, Mosquitto loads plugins as its own user
    env = {
      ...process.env,
      SOUFFLE_DB: join(dir, 'souffle.db'),
      SOUFFLE_MQTT_USERNAME: 'souffle',
      SOUFFLE_MQTT_PASSWORD: 'service-secret',
    };
    delete env.MQTT_URL;
    delete env.SOUFFLE_MOSQUITTO_DIR;
    delete env.SOUFFLE_MQTT_RATE;
    delete env.SOUFFLE_MQTT_BURST;
  });
  afterAll(() => cleanup());

  it('builds the plugin and checks that the installed Mosquitto loads it', async () => {
    const result = await json('mosquitto-plugin', 'build', join(dir, 'plugin'), '--check');
    expect(result.plugin).toBe(join(dir, 'plugin', 'souffle_rate_limit.so'));
    expect(existsSync(result.plugin as string)).toBe(true);
    expect(result.check).toMatchObject({
      loaded:
        'souffle_rate_limit: each device may publish 60 messages a minute, bursts of 1 (0 exempt user(s))',
    });
  });

  it('says which compiler is missing and how to install one', async () => {
    const r = await souffle('mosquitto-plugin', 'build', join(dir, 'nowhere'), '--cc', '/no/such/cc');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /no C compiler "\/no\/such\/cc": install one \(.*apt-get install gcc libc6-dev\)/,
    );
  });

  it('refuses an unknown action and a missing folder as usage errors', async () => {
    expect(await souffle('mosquitto-plugin', 'install', dir)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown action "install"/),
    });
    expect(await souffle('mosquitto-plugin', 'build')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/give exactly one folder/),
    });
  });

  it('writes the plugin lines with the given rate, remembers them, and removes them on request', async () => {
    const broker = join(dir, 'mosquitto');
    const plugin = join(dir, 'plugin', 'souffle_rate_limit.so');
    await json(
      'mosquitto-config',
      broker,
      '--plugin',
      plugin,
      '--rate',
      '2/s',
      '--burst',
      '5',
      '--rate-log-interval',
      '30s',
    );
    expect(conf(broker)).toContain(
      `plugin ${plugin}\nplugin_opt_rate 120\nplugin_opt_burst 5\nplugin_opt_log_interval 30\nplugin_opt_exempt souffle,souffle-ingest,souffle-ingest-1,`,
    );
    // A later run without the options (as `souffle device` does) keeps them.
    await json('mosquitto-config', broker, '--port', '18831');
    expect(conf(broker)).toContain('plugin_opt_rate 120\nplugin_opt_burst 5\n');
    // Changing one keeps the others.
    await json('mosquitto-config', broker, '--burst', '9');
    expect(conf(broker)).toContain('plugin_opt_rate 120\nplugin_opt_burst 9\n');
    await json('mosquitto-config', broker, '--plugin', 'none');
    expect(conf(broker)).not.toMatch(/^plugin /m);
    expect(conf(broker)).toContain('# No per-device publish rate limit');
  });

  it("defaults to the embedded broker's SOUFFLE_MQTT_RATE and SOUFFLE_MQTT_BURST", async () => {
    const broker = join(dir, 'mosquitto-defaults');
    const plugin = join(dir, 'plugin', 'souffle_rate_limit.so');
    const saved = env;
    env = { ...env, SOUFFLE_MQTT_RATE: '600/h', SOUFFLE_MQTT_BURST: '30' };
    try {
      await json('mosquitto-config', broker, '--plugin', plugin);
    } finally {
      env = saved;
    }
    expect(conf(broker)).toContain('plugin_opt_rate 10\nplugin_opt_burst 30\nplugin_opt_log_interval 60\n');
  });

  it('refuses a rate without a plugin, a relative plugin path and a bad rate', async () => {
    const broker = join(dir, 'mosquitto-refused');
    const refused = async (args: string[], message: RegExp) => {
      const r = await souffle('mosquitto-config', broker, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    await refused(
      ['--rate', '1/s'],
      /a rate limit needs the plugin: build it with `souffle mosquitto-plugin build <dir>`/,
    );
    await refused(['--plugin', 'souffle_rate_limit.so'], /must be the absolute path of a \.so file/);
    await refused(
      ['--plugin', '/opt/souffle_rate_limit.so', '--rate', 'fast'],
      /--rate: "fast" is not a positive rate/,
    );
    await refused(['--plugin', 'none', '--burst', '3'], /--plugin none removes the rate limit/);
  });
});
