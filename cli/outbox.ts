// `souffle outbox dead-letters|retry|discard`: the accepted HTTP pushes the outbox gave up on
// (api/push-outbox.ts): their device was deleted before they were forwarded, or the broker refused
// them too many times. The same store functions and JSON as the admin API
// (GET /api/v1/push-outbox/dead-letters), so `--json` prints what the API answers.
import {
  deadLetterSummary,
  discardDeadLetter,
  listDeadLetters,
  retryDeadLetter,
  type Db,
} from '../data/index.js';
import { InputError, output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';
import { table } from './device-text.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle outbox <command> [options]

  dead-letters          the pushes the outbox gave up on, with why (oldest first)
  retry <id>            sends one back to the outbox: the running API forwards it within seconds
  discard <id>          deletes one for good

Every command accepts --json.`;

export async function run(argv: string[], config: Config): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dead-letters':
      return list(rest, config);
    case 'retry':
      return act(rest, config, 'retry');
    case 'discard':
      return act(rest, config, 'discard');
    default:
      throw new UsageError(command ? `unknown outbox command "${command}"` : 'which outbox command?');
  }
}

async function list(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {});
  await withDatabase(config, async (db) => {
    const letters = (await listDeadLetters(db, 1000)).map(deadLetterSummary);
    output(values.json, { deadLetters: letters, count: letters.length }, () => {
      if (letters.length === 0)
        return 'No dead letter: every accepted push was forwarded or waits in the outbox.';
      const rows = letters.map((l) => [String(l.id), l.device, l.receivedAt, String(l.attempts), l.reason]);
      return table(['id', 'device', 'received', 'attempts', 'reason'], rows);
    });
  });
}

async function act(argv: string[], config: Config, verb: 'retry' | 'discard'): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  const id = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(id) || id <= 0) {
    throw new UsageError(`souffle outbox ${verb} takes one dead letter id (a number)`);
  }
  await withDatabase(config, async (db) => {
    if (verb === 'discard') {
      if (!(await discardDeadLetter(db, id))) throw new InputError(`no dead letter ${id}`);
      return output(values.json, { id, discarded: true }, () => `Discarded dead letter ${id}.`);
    }
    const result = await retryDeadLetter(db, id);
    if (result === 'not_found') throw new InputError(`no dead letter ${id}`);
    if (result === 'device_gone')
      throw new InputError(`dead letter ${id}: its device no longer exists; discard it`);
    output(values.json, { id, retried: true }, () => `Dead letter ${id} is back in the outbox.`);
  });
}

async function withDatabase(config: Config, fn: (db: Db) => Promise<void>) {
  const handle = await openConfiguredDatabase(config);
  try {
    await fn(handle.db);
  } finally {
    await handle.close();
  }
}
