/** One-time links (first-run setup, invitations, password resets), stored only as digests of their tokens. */
import type { AccessLink, AccessLinkPurpose } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { tokenDigest } from '../services/tokens.js';

export async function insertAccessLink(
  db: Db,
  link: { token: string; purpose: AccessLinkPurpose; personId: number | null; createdBy: number | null; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('access_links')
    .values({
      token_hash: tokenDigest(link.token),
      purpose: link.purpose,
      person_id: link.personId,
      created_by: link.createdBy,
      expires_at: link.expiresAt,
      used_at: null,
      revoked_at: null,
    })
    .execute();
}

export async function findAccessLink(db: Db, token: string): Promise<AccessLink | undefined> {
  return db.selectFrom('access_links').selectAll().where('token_hash', '=', tokenDigest(token)).executeTakeFirst();
}

/** Marks a link used if it still can be; false when it was used or expired meanwhile (the race is lost). */
export async function consumeAccessLink(db: Db, id: number): Promise<boolean> {
  const now = isoNow();
  const result = await db
    .updateTable('access_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** A new link replaces the person's older unused ones of the same purpose (and all setup links). */
export async function revokeUnusedLinks(db: Db, purpose: AccessLinkPurpose, personId: number | null): Promise<void> {
  let query = db.updateTable('access_links').set({ expires_at: isoNow() }).where('purpose', '=', purpose).where('used_at', 'is', null);
  query = personId === null ? query.where('person_id', 'is', null) : query.where('person_id', '=', personId);
  await query.execute();
}

export async function latestLinkFor(db: Db, personId: number): Promise<AccessLink | undefined> {
  return db.selectFrom('access_links').selectAll().where('person_id', '=', personId).orderBy('id', 'desc').executeTakeFirst();
}

export async function unusedLinksOf(db: Db, personId: number): Promise<AccessLink[]> {
  return db.selectFrom('access_links').selectAll().where('person_id', '=', personId).where('used_at', 'is', null).where('expires_at', '>', isoNow()).execute();
}

/** Ends a link before its time because its person's access changed. */
export async function withdrawLink(db: Db, id: number): Promise<void> {
  const now = isoNow();
  await db.updateTable('access_links').set({ expires_at: now, revoked_at: now }).where('id', '=', id).execute();
}
