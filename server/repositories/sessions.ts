/** Server-side sessions, stored under the SHA-256 of their id so a database copy cannot be replayed. */
import { sql } from 'kysely';
import { isoNow, type Db } from '../db/types.js';
import { tokenDigest } from '../services/tokens.js';

export interface StoredSession {
  data: Record<string, unknown>;
  expiresAt: string;
}

export async function findSession(db: Db, sessionId: string): Promise<StoredSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select(['data', 'expires_at'])
    .where('id_hash', '=', tokenDigest(sessionId))
    .where('expires_at', '>', isoNow())
    .executeTakeFirst();
  return row === undefined ? undefined : { data: JSON.parse(row.data) as Record<string, unknown>, expiresAt: row.expires_at };
}

/**
 * Saves a session. A session that only moved its expiry forward by less than `touchGranularityMs`
 * is left alone, so a rolling session costs a write at most that often rather than on every page.
 */
export async function saveSession(
  db: Db,
  sessionId: string,
  session: { personId: number | null; data: string; expiresAt: string },
  touchGranularityMs: number,
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: tokenDigest(sessionId), person_id: session.personId, data: session.data, expires_at: session.expiresAt })
    .onConflict((oc) =>
      oc
        .column('id_hash')
        .doUpdateSet((eb) => ({
          data: eb.ref('excluded.data'),
          person_id: eb.ref('excluded.person_id'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('sessions.data', '!=', eb.ref('excluded.data')),
            eb(sql`(julianday(excluded.expires_at) - julianday(sessions.expires_at)) * 86400000`, '>', touchGranularityMs),
          ]),
        ),
    )
    .execute();
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', tokenDigest(sessionId)).execute();
}

/** Signs a person out everywhere: on archiving, or when their password is reset. */
export async function deleteSessionsOfPerson(db: Db, personId: number): Promise<void> {
  await db.deleteFrom('sessions').where('person_id', '=', personId).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', isoNow()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
