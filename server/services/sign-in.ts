/**
 * Email + password sign-in with two limits: an account lock (five failures in 15 minutes) and a
 * per-address limit that counts failures only, so a staff room behind one address signs in together.
 * One answer for an unknown email and a wrong password, warnings included.
 */
import type { Kysely } from 'kysely';
import { takeTurns } from '../db/dialect.js';
import type { Database, Person } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { recordAudit } from '../repositories/audit.js';
import { findPersonByEmail } from '../repositories/people.js';
import {
  accountFailures,
  clearSignInFailures,
  countSignInFailuresSince,
  deleteSignInFailuresBefore,
  reserveSignInAttempt,
} from '../repositories/sign-in-failures.js';
import { auditSubject } from './audit.js';
import { verifyAgainstNothing, verifyPassword } from './passwords.js';

/** Five wrong passwords for one email address within 15 minutes lock that address for the rest of the window. */
export const ACCOUNT_THROTTLE = { maxFailures: 5, windowMs: 15 * 60 * 1000 } as const;
/** The per-address limit counts the failures of the last minute. */
export const ADDRESS_WINDOW_MS = 60 * 1000;

export type SignInResult =
  | { ok: true; person: Person }
  /** attemptsLeft: failures the account may still have before it locks (0: it has just locked). */
  | { ok: false; reason: 'invalid'; attemptsLeft: number }
  | { ok: false; reason: 'throttled' | 'address-limited' };

export interface SignInAttempt {
  email: string;
  password: string;
  /** The client's address (request.ip). */
  address: string;
  /** Failures one address may have per minute. */
  addressLimit: number;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Attempts from one address take turns (in this process; across processes the reservation below
 * takes turns in the database too): when an attempt reserves its place, every
 * earlier attempt from that address has settled (a success removed its reservation, a failure kept
 * it), so the address limit counts exactly the failures, and a thousand guesses sent at once cannot
 * all pass it. A staff room's sign-ins simply queue: the hashing takes turns anyway (passwords.ts).
 */
const addressLanes = new Map<string, Promise<unknown>>();

function inAddressLane<T>(address: string, work: () => Promise<T>): Promise<T> {
  const previous = addressLanes.get(address) ?? Promise.resolve();
  const result = previous.then(work, work);
  const settled = result.catch(() => undefined);
  addressLanes.set(address, settled);
  void settled.then(() => {
    if (addressLanes.get(address) === settled) addressLanes.delete(address);
  });
  return result;
}

export function signIn(db: Kysely<Database>, attempt: SignInAttempt, now?: number): Promise<SignInResult> {
  return inAddressLane(attempt.address, () => attemptSignIn(db, attempt, now ?? Date.now()));
}

async function attemptSignIn(db: Kysely<Database>, attempt: SignInAttempt, now: number): Promise<SignInResult> {
  const email = normaliseEmail(attempt.email);
  const accountSince = new Date(now - ACCOUNT_THROTTLE.windowMs).toISOString();
  // The attempt is counted as a failure before the (slow) password check, atomically with the
  // limits' counts: ten guesses sent at once get five checks, not ten. Counted for any address,
  // known or not, so the lock does not reveal which accounts exist.
  // Several processes on one PostgreSQL: reservations for the same account or address take turns,
  // so the count and the write stay one step (SQLite's single writer already makes them one).
  const reserved = await db.transaction().execute(async (trx) => {
    await takeTurns(trx, `sign-in account ${email}`, `sign-in address ${attempt.address}`);
    return reserveSignInAttempt(trx, {
      email,
      address: attempt.address,
      accountSince,
      accountMax: ACCOUNT_THROTTLE.maxFailures,
      addressSince: new Date(now - ADDRESS_WINDOW_MS).toISOString(),
      addressMax: attempt.addressLimit,
      at: new Date(now).toISOString(),
    });
  });
  if (reserved === undefined) {
    const accountFailures = await countSignInFailuresSince(db, email, accountSince);
    return { ok: false, reason: accountFailures >= ACCOUNT_THROTTLE.maxFailures ? 'throttled' : 'address-limited' };
  }
  const person = await findPersonByEmail(db, email);
  const valid =
    person?.password_hash != null && person.archived_at === null
      ? await verifyPassword(attempt.password, person.password_hash)
      : await verifyAgainstNothing(attempt.password);
  if (!valid || person === undefined) {
    await deleteSignInFailuresBefore(db, accountSince);
    const failures = await countSignInFailuresSince(db, email, accountSince);
    return { ok: false, reason: 'invalid', attemptsLeft: Math.max(0, ACCOUNT_THROTTLE.maxFailures - failures) };
  }
  await clearSignInFailures(db, email);
  return { ok: true, person };
}

/** Until when a person's account is locked, or null when it is not. */
export async function accountLockedUntil(db: Db, email: string, now = Date.now()): Promise<string | null> {
  const { count, earliest } = await accountFailures(db, normaliseEmail(email), new Date(now - ACCOUNT_THROTTLE.windowMs).toISOString());
  if (count < ACCOUNT_THROTTLE.maxFailures || earliest === null) return null;
  return new Date(Date.parse(earliest) + ACCOUNT_THROTTLE.windowMs).toISOString();
}

/** Lifts an account's lock (an admin, from the person's page): its failures are forgiven, and the audit log says who did it. */
export function liftAccountLock(db: Kysely<Database>, actorId: number, person: Pick<Person, 'id' | 'email'>): Promise<void> {
  return db.transaction().execute(async (trx) => {
    const forgiven = await clearSignInFailures(trx, normaliseEmail(person.email));
    await recordAudit(trx, { actorId, action: 'person.unlock', subject: auditSubject.person(person.id), detail: { failuresForgiven: forgiven } });
  });
}
