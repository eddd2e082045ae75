// `souffle enrol create|list|revoke`: enrolment codes, with which citizens register their own
// sensors at /join (docs/citizens.md). The same store functions and JSON shapes as the admin API
// (POST/GET /api/v1/enrolment-codes), so `--json` prints what the API answers.
import {
  codeSummary,
  createEnrolmentCode,
  joinUrl,
  listEnrolmentCodes,
  NewEnrolmentCodeSchema,
  revokeEnrolmentCode,
  type Db,
} from '../data/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import { parseDuration, type Config } from './config.js';
import { connectionSettings } from './connection-settings.js';
import { table } from './device-text.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle enrol <command> [options]

  create [--uses <n>] [--expires <duration>|never] [--label <text>]
        Issues a code (shown once) and the /join link that carries it. --uses: how many sensors it
        may register (default 1; e.g. 30 for a class). --expires: how long it works (default 30d).
  list                  every code: label, uses, expiry (the codes themselves are not kept)
  revoke <id>           the code registers no more sensors; those it registered stay

Every command accepts --json (create prints the admin API's answer).`;

const DEFAULT_EXPIRY = '30d';

export async function run(argv: string[], config: Config): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'create':
      return create(rest, config);
    case 'list':
      return list(rest, config);
    case 'revoke':
      return revoke(rest, config);
    default:
      throw new UsageError(command ? `unknown enrol command "${command}"` : 'which enrol command?');
  }
}

function expiry(text: string, now: number): number | null {
  if (text === 'never') return null;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    throw new UsageError(`--expires: ${(e as Error).message}, or "never"`);
  }
  if (ms <= 0) throw new UsageError(`--expires "${text}" must be longer than zero`);
  return now + ms;
}

async function create(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {
    uses: { type: 'string' },
    expires: { type: 'string' },
    label: { type: 'string' },
  });
  const now = Date.now();
  const expiresAt = expiry(values.expires ?? DEFAULT_EXPIRY, now);
  // The admin API's schema: both refuse the same, with the same reason.
  const parsed = NewEnrolmentCodeSchema.safeParse({
    uses: values.uses === undefined ? undefined : Number(values.uses),
    label: values.label,
  });
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map((i) => {
          const field = String(i.path[0]);
          return `--${field} ${JSON.stringify(values[field as 'uses' | 'label'])}: ${i.message}`;
        })
        .join('; '),
    );
  }
  await withDatabase(config, async (db) => {
    const { code, record } = await createEnrolmentCode(
      db,
      { uses: parsed.data.uses ?? 1, expiresAt, label: parsed.data.label ?? null },
      now,
    );
    const answer = {
      ...codeSummary(record),
      code,
      joinUrl: joinUrl(connectionSettings(config).publicUrl, code),
    };
    output(values.json, answer, () =>
      [
        `Enrolment code ${answer.id}${answer.label ? ` (${answer.label})` : ''}: shown once, keep it.`,
        '',
        `  code      ${code}`,
        `  join at   ${answer.joinUrl}`,
        `  sensors   ${answer.usesAllowed}`,
        `  expires   ${answer.expiresAt ?? 'never'}`,
      ].join('\n'),
    );
  });
}

async function list(argv: string[], config: Config): Promise<void> {
  const { values } = parseCommandArgs(argv, {});
  await withDatabase(config, async (db) => {
    const codes = (await listEnrolmentCodes(db)).map(codeSummary);
    output(values.json, { codes, count: codes.length }, () => {
      if (codes.length === 0) return 'No enrolment code yet: `souffle enrol create --uses 30 --label …`.';
      const rows = codes.map((c) => [
        c.id,
        `${c.uses}/${c.usesAllowed}`,
        c.revokedAt ? `revoked ${c.revokedAt}` : (c.expiresAt ?? 'never'),
        c.label ?? '',
      ]);
      return table(['id', 'used', 'expires', 'label'], rows);
    });
  });
}

async function revoke(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(argv, {}, true);
  if (positionals.length !== 1) throw new UsageError('souffle enrol revoke takes one code id (ec-…)');
  const id = positionals[0]!;
  await withDatabase(config, async (db) => {
    if (!(await revokeEnrolmentCode(db, id))) throw new Error(`no enrolment code "${id}"`);
    output(values.json, { id, revoked: true }, () => `Revoked ${id}: it registers no more sensors.`);
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
