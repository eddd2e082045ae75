// Device tokens: random, shown once, stored as a scrypt hash. Verification is memoised by
// (stored hash, token digest) so that a device posting every minute does not cost a 50 ms scrypt
// each time; a rotated token changes the stored hash, which empties its entry by construction.
import {
  createHash,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1 } as const; // OWASP's scrypt minimum: N=2^17 would cost 128 MiB per check
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function hashToken(token: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(token, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

const memo = new Map<string, boolean>();
const MEMO_LIMIT = 10_000;

export async function verifyToken(token: string, stored: string): Promise<boolean> {
  const memoKey = `${stored}|${createHash('sha256').update(token).digest('base64url')}`;
  const known = memo.get(memoKey);
  if (known !== undefined) return known;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(token, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
  memo.set(memoKey, ok);
  return ok;
}
