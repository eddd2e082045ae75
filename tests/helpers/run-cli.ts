// Runs the real command-line front door (bin/souffle.mjs) as a child process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SOUFFLE_BIN = fileURLToPath(new URL('../../bin/souffle.mjs', import.meta.url));

export type CliResult = { code: number | null; stdout: string; stderr: string };

export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SOUFFLE_BIN, ...args], {
      env: { ...process.env, ATMOSUD_ENABLED: 'false', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
