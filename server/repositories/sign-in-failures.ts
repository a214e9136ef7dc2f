/** Failed sign-in attempts per email address and per client address, for the account lock and the address limit. */
import { sql } from 'kysely';
import type { Db } from '../db/types.js';

export interface AttemptLimits {
  email: string;
  address: string;
  /** Failures counted for the account from this instant (ISO). */
  accountSince: string;
  accountMax: number;
  /** Failures counted for the address from this instant (ISO). */
  addressSince: string;
  addressMax: number;
  at: string;
}

/**
 * Reserves an attempt as a failure before the password is checked, in one statement: the row is
 * written only if both counts are under their limits, so simultaneous guesses cannot all slip in
 * between a count and a write. Returns the reserved row's id, or undefined when a limit is reached.
 */
export async function reserveSignInAttempt(db: Db, limits: AttemptLimits): Promise<number | undefined> {
  const result = await sql<{ id: number }>`
    insert into sign_in_failures (email, address, at)
    select ${limits.email}, ${limits.address}, ${limits.at}
    where (select count(*) from sign_in_failures where email = ${limits.email} and at > ${limits.accountSince}) < ${limits.accountMax}
      and (select count(*) from sign_in_failures where address = ${limits.address} and at > ${limits.addressSince}) < ${limits.addressMax}
    returning id`.execute(db);
  return result.rows[0]?.id;
}

export async function countSignInFailuresSince(db: Db, email: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', '=', email)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** An account's failures in the window and the earliest of them (the lock ends when that one leaves the window). */
export async function accountFailures(db: Db, email: string, since: string): Promise<{ count: number; earliest: string | null }> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('earliest')])
    .where('email', '=', email)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: row.n, earliest: row.earliest };
}

/** A successful sign-in: its own reservation was not a failure, and the account's earlier failures are forgiven. */
export async function clearSignInFailures(db: Db, email: string): Promise<number> {
  const result = await db.deleteFrom('sign_in_failures').where('email', '=', email).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteSignInFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<=', before).execute();
}
