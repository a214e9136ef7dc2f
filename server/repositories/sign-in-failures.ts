/** Failed sign-in attempts per email address, for the per-account throttle. */
import { isoNow, type Db } from '../db/types.js';

export async function recordSignInFailure(db: Db, email: string): Promise<void> {
  await db.insertInto('sign_in_failures').values({ email, at: isoNow() }).execute();
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

export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}

export async function deleteSignInFailuresBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<=', before).execute();
}
