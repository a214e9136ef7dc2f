/**
 * One-time links handed over by hand (no mail server is assumed): an invitation to set a first
 * password, or a reset for someone who has one. Each expires after 14 days and works once.
 */
import type { Kysely } from 'kysely';
import type { AccessLink, Database, Person } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { findAccessLink, consumeAccessLink, insertAccessLink, revokeUnusedLinks } from '../repositories/access-links.js';
import { recordAudit } from '../repositories/audit.js';
import { findPerson, setPasswordHash } from '../repositories/people.js';
import { deleteSessionsOfPerson } from '../repositories/sessions.js';
import { auditSubject } from './audit.js';
import { hashPassword } from './passwords.js';
import { newToken } from './tokens.js';

export const ACCESS_LINK_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

export interface IssuedLink {
  token: string;
  purpose: 'invitation' | 'reset';
  expiresAt: string;
}

/** Issues a link for a person: an invitation if they have never set a password, a reset otherwise. */
export async function issueAccessLink(db: Db, person: Person, createdBy: number, now = Date.now()): Promise<IssuedLink> {
  const purpose = person.password_hash === null ? 'invitation' : 'reset';
  const token = newToken();
  const expiresAt = new Date(now + ACCESS_LINK_LIFETIME_MS).toISOString();
  await revokeUnusedLinks(db, purpose, person.id);
  await insertAccessLink(db, { token, purpose, personId: person.id, createdBy, expiresAt });
  await recordAudit(db, { actorId: createdBy, action: `${purpose}.create`, subject: auditSubject.person(person.id) });
  return { token, purpose, expiresAt };
}

export type LinkState =
  | { state: 'usable'; link: AccessLink; person: Person | undefined }
  | { state: 'used' | 'expired' | 'unknown' };

export async function inspectAccessLink(db: Db, token: string, now = isoNow()): Promise<LinkState> {
  const link = await findAccessLink(db, token);
  if (link === undefined) return { state: 'unknown' };
  if (link.used_at !== null) return { state: 'used' };
  if (link.expires_at <= now) return { state: 'expired' };
  const person = link.person_id === null ? undefined : await findPerson(db, link.person_id);
  if (person?.archived_at != null) return { state: 'unknown' };
  return { state: 'usable', link, person };
}

export type AcceptResult = { ok: true; person: Person } | { ok: false; state: 'used' | 'expired' | 'unknown' };

/** Sets the person's password from an invitation or reset link, exactly once, and signs them out elsewhere. */
export async function acceptAccessLink(db: Kysely<Database>, token: string, password: string): Promise<AcceptResult> {
  const before = await inspectAccessLink(db, token);
  if (before.state !== 'usable' || before.person === undefined) {
    return { ok: false, state: before.state === 'usable' ? 'unknown' : before.state };
  }
  const person = before.person;
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    if (!(await consumeAccessLink(trx, before.link.id))) return { ok: false, state: 'used' } as const;
    await setPasswordHash(trx, person.id, passwordHash);
    await deleteSessionsOfPerson(trx, person.id);
    await recordAudit(trx, { actorId: person.id, action: `${before.link.purpose}.accept`, subject: auditSubject.person(person.id) });
    return { ok: true, person: { ...person, password_hash: passwordHash } } as const;
  });
}
