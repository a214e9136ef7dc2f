/** Password hashing with scrypt at an OWASP-recommended cost (N=2^15, r=8, p=3: 32 MiB per hash). */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';

const PRODUCTION_COST = { N: 2 ** 15, r: 8, p: 3 } as const;
/**
 * The test suite hashes hundreds of passwords; at production cost each takes 0.2 s of a core (over a
 * second on a busy machine). Tests ask for a cheap cost through the environment. Every stored hash
 * carries its own cost, so verification is unchanged, and nothing outside NODE_ENV=test can ask.
 */
const TEST_COST = { N: 2 ** 10, r: 8, p: 1 } as const;
const COST = process.env.NODE_ENV === 'test' && process.env.ICMAP_TEST_HASH_COST === 'low' ? TEST_COST : PRODUCTION_COST;
const KEY_LENGTH = 32;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Hashes computed at once; the rest wait their turn. Each takes 32 MiB and most of a core: a whole
 * team signing in at the start of a meeting would otherwise take 4 × 32 MiB (libuv's four threads)
 * and both cores of a small server, and every page would wait behind them.
 */
export const CONCURRENT_HASHES = 2;
const hashing = pLimit(CONCURRENT_HASHES);

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return hashing(() => deriveNow(password, salt, cost));
}

function deriveNow(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** "scrypt$N$r$p$salt$hash" (base64url), so the cost can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so an unknown email answers as slowly as a wrong password. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword('no such account: timing equaliser');
  await verifyPassword(password, await dummyHash);
  return false;
}
