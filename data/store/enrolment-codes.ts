// Enrolment codes: what an administrator hands a class or a neighbour so that they register their
// own sensors at /join. A code is 136 random bits written in Crockford's base32 (no I, L, O or U:
// nothing to misread when typed from paper), kept only as its SHA-256, and may register a set
// number of devices before a date. `souffle enrol` and the admin API both call these.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, EnrolmentCode } from '../schema.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 17 bytes: 136 bits (the issue asks for at least 128), 28 characters, 7 groups of 4. */
const CODE_BYTES = 17;
export const CODE_LENGTH = 28;
const CODE_PATTERN = new RegExp(`^[${ALPHABET}]{${CODE_LENGTH}}$`);

export type NewEnrolmentCode = {
  /** Devices the code may register (1 = single use). */
  uses: number;
  /** Epoch ms after which the code no longer works, or null for never. */
  expiresAt: number | null;
  label?: string | null;
};

export type CreatedEnrolmentCode = { code: string; record: EnrolmentCode };

/** Why a code was refused: said to the citizen as it is, since only the holder knows the code. */
export type CodeRefusal = 'unknown' | 'expired' | 'used_up' | 'revoked';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A new code, grouped by four for reading aloud: "7KQ2-M9XD-…". */
export function generateEnrolmentCode(): string {
  return base32(randomBytes(CODE_BYTES))
    .match(/.{1,4}/g)!
    .join('-');
}

/**
 * The code as typed, made canonical: case, spaces and dashes ignored, and the letters Crockford's
 * alphabet leaves out read as the digits they look like (O → 0, I and L → 1). Undefined when what
 * remains cannot be a code.
 */
export function normaliseEnrolmentCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CODE_PATTERN.test(code) ? code : undefined;
}

export function enrolmentCodeHash(normalised: string): string {
  return createHash('sha256').update(normalised).digest('hex');
}

export async function createEnrolmentCode(
  db: Kysely<Database>,
  input: NewEnrolmentCode,
  now = Date.now(),
): Promise<CreatedEnrolmentCode> {
  if (!Number.isInteger(input.uses) || input.uses < 1 || input.uses > 10_000) {
    throw new RangeError(`uses ${input.uses} must be a whole number from 1 to 10000`);
  }
  if (input.expiresAt !== null && !(input.expiresAt > now)) {
    throw new RangeError('the expiry must be in the future');
  }
  const code = generateEnrolmentCode();
  const record: EnrolmentCode = {
    id: `ec-${randomBytes(6).toString('hex')}`,
    code_hash: enrolmentCodeHash(normaliseEnrolmentCode(code)!),
    label: input.label ?? null,
    uses_allowed: input.uses,
    uses: 0,
    expires_at: input.expiresAt,
    revoked_at: null,
    created_at: now,
  };
  await db.insertInto('enrolment_codes').values(record).execute();
  return { code, record };
}

export async function listEnrolmentCodes(db: Kysely<Database>): Promise<EnrolmentCode[]> {
  return db.selectFrom('enrolment_codes').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Stops a code from registering more devices; those it registered stay. False for an unknown id. */
export async function revokeEnrolmentCode(
  db: Kysely<Database>,
  id: string,
  now = Date.now(),
): Promise<boolean> {
  const result = await db
    .updateTable('enrolment_codes')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return true;
  return (
    (await db.selectFrom('enrolment_codes').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined
  );
}

/**
 * Takes one use of the code, or says why it cannot. One conditional UPDATE, so two citizens
 * joining at once with the last use of a code cannot both get it.
 */
export async function consumeEnrolmentCode(
  db: Kysely<Database>,
  typed: string,
  now = Date.now(),
): Promise<{ ok: true; id: string; label: string | null } | { ok: false; reason: CodeRefusal }> {
  const normalised = normaliseEnrolmentCode(typed);
  if (!normalised) return { ok: false, reason: 'unknown' };
  const hash = enrolmentCodeHash(normalised);
  const taken = await db
    .updateTable('enrolment_codes')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('code_hash', '=', hash)
    .where((eb) => eb('uses', '<', eb.ref('uses_allowed')))
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  const row = await db
    .selectFrom('enrolment_codes')
    .selectAll()
    .where('code_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (taken.numUpdatedRows > 0n) return { ok: true, id: row.id, label: row.label };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: 'expired' };
  return { ok: false, reason: 'used_up' };
}

/** Gives back a use taken by a registration that then failed (a name already taken, say). */
export async function releaseEnrolmentCode(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('enrolment_codes')
    .set((eb) => ({ uses: eb('uses', '-', 1) }))
    .where('id', '=', id)
    .where('uses', '>', 0)
    .execute();
}
