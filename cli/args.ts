// Shared command-line parsing: every subcommand uses node:util parseArgs with `--json` and `--help`,
// and reports a bad option as a usage error (exit code 2) rather than a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from './did-you-mean.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A well-formed command that cannot be done as asked (a duplicate id): exit code 2 like a usage
 * error, but the command's whole usage would bury the one line that says what is wrong. */
export class InputError extends Error {
  override name = 'InputError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (e) {
    // node:util's "Unknown option '--jsn'. To specify a positional argument starting with a '-' …":
    // name the option and the closest known one instead.
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec((e as Error).message);
    if (unknown) {
      const known = ['json', 'help', ...Object.keys(options)];
      throw new UsageError(
        `unknown option ${unknown[1]}${unknown[2]}.${didYouMean(unknown[2]!, known, '--')}`,
      );
    }
    throw new UsageError((e as Error).message);
  }
}

/** Prints a result: JSON when asked (machine-readable), else the human text. */
export function output(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

export function requireNumber(name: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`--${name} is required`);
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} "${text}" is not a number`);
  return n;
}
