/** Server-side sessions, stored under the SHA-256 of their id so a database copy cannot be replayed. */
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

export interface SessionValues {
  personId: number | null;
  data: string;
  expiresAt: string;
}

export async function insertSession(db: Db, sessionId: string, session: SessionValues): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: tokenDigest(sessionId), person_id: session.personId, data: session.data, expires_at: session.expiresAt })
    .execute();
}

/** Updates a stored session; never re-creates one that was deleted meanwhile (signed out or revoked). */
export async function updateSession(db: Db, sessionId: string, session: SessionValues): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ person_id: session.personId, data: session.data, expires_at: session.expiresAt })
    .where('id_hash', '=', tokenDigest(sessionId))
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

export interface PersonSession {
  idHash: string;
  device: string | undefined;
  createdAt: string;
  expiresAt: string;
}

/** A person's live sessions, newest first: their devices. */
export async function sessionsOfPerson(db: Db, personId: number): Promise<PersonSession[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id_hash', 'data', 'created_at', 'expires_at'])
    .where('person_id', '=', personId)
    .where('expires_at', '>', isoNow())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => {
    const data = JSON.parse(row.data) as { device?: unknown };
    return { idHash: row.id_hash, device: typeof data.device === 'string' ? data.device : undefined, createdAt: row.created_at, expiresAt: row.expires_at };
  });
}

/** Signs a person out everywhere but on this session. */
export async function deleteOtherSessionsOfPerson(db: Db, personId: number, keepSessionId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('person_id', '=', personId).where('id_hash', '!=', tokenDigest(keepSessionId)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export const sessionIdDigest = (sessionId: string): string => tokenDigest(sessionId);
