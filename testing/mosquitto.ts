// Starts a real Mosquitto broker on a free port for one test file or benchmark, with an optional
// extra configuration (password file, ACL, persistence). Tests need no running service, but they
// need Mosquitto installed: without it they fail and say how to install it, never skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'];
const INSTALL = 'install it with `apt-get install mosquitto` (.ci/run does where it is missing)';

/** The Mosquitto binary; throws, saying how to install it, when there is none. */
function mosquittoBin(): string {
  const bin = MOSQUITTO_PATHS.find((p) => existsSync(p));
  if (!bin)
    throw new Error(`Mosquitto is not installed (looked for ${MOSQUITTO_PATHS.join(', ')}): ${INSTALL}`);
  return bin;
}

export type Mosquitto = {
  port: number;
  url: string;
  dir: string;
  /** Stops the broker (SIGTERM, then SIGKILL). */
  stop: () => Promise<void>;
  /** Stops and starts it again on the same port and configuration (persistence survives). */
  restart: () => Promise<void>;
  cleanup: () => Promise<void>;
  log: () => string;
};

export type MosquittoOptions = {
  /** Extra mosquitto.conf lines. Without a password_file the listener allows anonymous clients. */
  config?: string;
  /** Use this port instead of a free one. */
  port?: number;
  /** Folder for persistence and config; a fresh temp folder when omitted. */
  dir?: string;
};

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  mosquittoBin();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'souffle-mosquitto-'));
  // Started as root, Mosquitto drops to its own user before writing its persistence file, and
  // mkdtemp makes the folder 0700: without this, every save fails ("Permission denied") and a
  // restart forgets the sessions and queues that the restart tests are about.
  chmodSync(dir, 0o777);
  const port = options.port ?? (await freePort());
  const extra = options.config ?? '';
  const conf = join(dir, 'test-mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      /password_file|allow_anonymous/.test(extra) ? '' : 'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 100000',
      'max_inflight_messages 100',
      extra,
    ].join('\n'),
  );
  const { start, stop, log } = mosquittoProcess(conf, port);
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    cleanup: async () => {
      await stop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
    log,
  };
}

/**
 * One Mosquitto process for a configuration file: start (resolves once the port listens), stop
 * (SIGTERM, then SIGKILL after 5 s), signal (e.g. SIGHUP to reload), and its output so far.
 */
export function mosquittoProcess(conf: string, port: number) {
  const bin = mosquittoBin();
  let child: ChildProcess | undefined;
  let output = '';
  const start = async () => {
    const c = spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.on('data', (d) => (output += d));
    c.stderr.on('data', (d) => (output += d));
    child = c;
    await waitForPort(port, 10_000, () => output);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { start, stop, signal: (sig: NodeJS.Signals) => child?.kill(sig), log: () => output };
}

/** Writes a Mosquitto password file with `mosquitto_passwd` (hashing as the broker expects). */
export function writePasswordFile(path: string, users: Record<string, string>): void {
  writeFileSync(path, '');
  for (const [user, password] of Object.entries(users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', path, user, password]);
    if (r.error) throw new Error(`mosquitto_passwd did not run (${r.error.message}): ${INSTALL}`);
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
  }
}

export async function waitForPort(
  port: number,
  timeoutMs: number,
  log: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
