/**
 * One-time links handed over by hand (no mail server is assumed): an invitation to set a first
 * password, or a reset for someone who has one. Each expires after 14 days and works once.
 */
import type { Kysely } from 'kysely';
import type { AccessLink, Database, Person } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { may } from '../access/policy.js';
import { loadAccessScope } from '../access/load-scope.js';
import { findAccessLink, consumeAccessLink, insertAccessLink, revokeUnusedLinks, unusedLinksOf, withdrawLink } from '../repositories/access-links.js';
import { groupsOfPerson } from '../repositories/organisation.js';
import { recordAudit } from '../repositories/audit.js';
import { findPerson, setPasswordHash } from '../repositories/people.js';
import { deleteSessionsOfPerson } from '../repositories/sessions.js';
import { auditSubject } from './audit.js';
import { personSubject } from './organisation-access.js';
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
  | { state: 'used' | 'expired' | 'unknown' | 'withdrawn' };

/**
 * Whether the person who made the link may still hand it to this person, as they are now: a
 * leader's invitation is void once its person is an admin or sits outside the leader's place.
 */
async function issuerStillMay(db: Db, link: AccessLink, person: Person): Promise<boolean> {
  if (link.created_by === null) return true;
  const issuer = await findPerson(db, link.created_by);
  if (issuer?.archived_at !== null) return false;
  const [scope, groups] = await Promise.all([loadAccessScope(db, issuer), groupsOfPerson(db, person.id)]);
  return may(scope, 'invite', personSubject(person, groups));
}

export async function inspectAccessLink(db: Db, token: string, now = isoNow()): Promise<LinkState> {
  const link = await findAccessLink(db, token);
  if (link === undefined) return { state: 'unknown' };
  if (link.used_at !== null) return { state: 'used' };
  if (link.expires_at <= now) return { state: link.revoked_at === null ? 'expired' : 'withdrawn' };
  const person = link.person_id === null ? undefined : await findPerson(db, link.person_id);
  if (person?.archived_at != null) return { state: 'unknown' };
  // Checked again on use: a change of rights made behind the revocation's back still voids it.
  if (person !== undefined && !(await issuerStillMay(db, link, person))) return { state: 'withdrawn' };
  return { state: 'usable', link, person };
}

/**
 * After a person's admin right or groups change: their unused links whose issuer may no longer hand
 * them one are withdrawn (an admin's stay good: admins may invite anyone).
 */
export async function withdrawLinksNoLongerAllowed(db: Db, personId: number): Promise<void> {
  const person = await findPerson(db, personId);
  if (person === undefined) return;
  for (const link of await unusedLinksOf(db, personId)) {
    if (!(await issuerStillMay(db, link, person))) await withdrawLink(db, link.id);
  }
}

export type AcceptResult = { ok: true; person: Person } | { ok: false; state: 'used' | 'expired' | 'unknown' | 'withdrawn' };

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
