/** Email + password sign-in with a per-account throttle; one answer for an unknown email and a wrong password. */
import type { Person } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { findPersonByEmail } from '../repositories/people.js';
import {
  clearSignInFailures,
  countSignInFailuresSince,
  deleteSignInFailuresBefore,
  recordSignInFailure,
} from '../repositories/sign-in-failures.js';
import { verifyAgainstNothing, verifyPassword } from './passwords.js';

/** Five wrong passwords for one email address within 15 minutes lock that address for the rest of the window. */
export const ACCOUNT_THROTTLE = { maxFailures: 5, windowMs: 15 * 60 * 1000 } as const;

export type SignInResult = { ok: true; person: Person } | { ok: false; reason: 'invalid' | 'throttled' };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function signIn(db: Db, emailInput: string, password: string, now = Date.now()): Promise<SignInResult> {
  const email = normaliseEmail(emailInput);
  const windowStart = new Date(now - ACCOUNT_THROTTLE.windowMs).toISOString();
  // Counted for any address, known or not, so the throttle does not reveal which accounts exist.
  if ((await countSignInFailuresSince(db, email, windowStart)) >= ACCOUNT_THROTTLE.maxFailures) {
    return { ok: false, reason: 'throttled' };
  }
  const person = await findPersonByEmail(db, email);
  const valid =
    person?.password_hash != null && person.archived_at === null
      ? await verifyPassword(password, person.password_hash)
      : await verifyAgainstNothing(password);
  if (!valid || person === undefined) {
    await recordSignInFailure(db, email);
    await deleteSignInFailuresBefore(db, windowStart);
    return { ok: false, reason: 'invalid' };
  }
  await clearSignInFailures(db, email);
  return { ok: true, person };
}
