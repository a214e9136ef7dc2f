/**
 * First run: while no network admin exists, ICMap either creates one from ICMAP_ADMIN_EMAIL and
 * ICMAP_ADMIN_PASSWORD (unattended installs) or issues a one-time setup link that `npm start` prints.
 */
import type { Kysely } from 'kysely';
import { takeTurns } from '../db/dialect.js';
import type { Database, Person } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { consumeAccessLink, insertAccessLink, revokeUnusedLinks } from '../repositories/access-links.js';
import { recordAudit } from '../repositories/audit.js';
import { saveNetworkName, saveNetworkTimeZone } from '../repositories/network.js';
import { countActiveNetworkAdmins, createPerson, findPerson, findPersonByEmail, setNetworkAdmin, setPasswordHash } from '../repositories/people.js';
import { inspectAccessLink } from './access-links.js';
import { auditSubject } from './audit.js';
import { hashPassword } from './passwords.js';
import { normaliseEmail } from './sign-in.js';
import { newToken } from './tokens.js';

export const SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_NETWORK_NAME = 'ICMap network';

export type FirstRunState =
  | { state: 'ready' }
  | { state: 'admin-created'; email: string }
  | { state: 'setup-needed'; token: string; expiresAt: string };

export async function needsSetup(db: Db): Promise<boolean> {
  return (await countActiveNetworkAdmins(db)) === 0;
}

export interface NewAdmin {
  networkName: string;
  /** A canonical IANA time zone name; unattended installs leave it out and get UTC, to be confirmed. */
  timeZone?: string;
  name: string;
  email: string;
  password: string;
}

/** Creates the network and its first admin in one transaction; an existing person with that email is promoted. */
async function createFirstAdmin(trx: Db, admin: NewAdmin, passwordHash: string): Promise<Person> {
  await saveNetworkName(trx, admin.networkName);
  if (admin.timeZone !== undefined) await saveNetworkTimeZone(trx, admin.timeZone, new Date().toISOString());
  const email = normaliseEmail(admin.email);
  const existing = await findPersonByEmail(trx, email);
  let personId: number;
  if (existing === undefined) {
    personId = await createPerson(trx, { email, name: admin.name, isNetworkAdmin: true, passwordHash });
  } else {
    personId = existing.id;
    await setNetworkAdmin(trx, personId, true);
    await setPasswordHash(trx, personId, passwordHash);
  }
  await recordAudit(trx, { actorId: personId, action: 'network.setup', subject: auditSubject.network(), detail: { networkName: admin.networkName } });
  const person = await findPerson(trx, personId);
  if (person === undefined) throw new Error('the first admin vanished inside its own transaction');
  return person;
}

export async function prepareFirstRun(
  db: Kysely<Database>,
  initialAdmin: { email: string; password: string; networkName: string | undefined } | undefined,
  now = Date.now(),
): Promise<FirstRunState> {
  if (!(await needsSetup(db))) return { state: 'ready' };
  if (initialAdmin !== undefined) {
    const passwordHash = await hashPassword(initialAdmin.password);
    const admin = {
      networkName: initialAdmin.networkName ?? DEFAULT_NETWORK_NAME,
      name: 'Network admin',
      email: initialAdmin.email,
      password: initialAdmin.password,
    };
    const created = await db.transaction().execute(async (trx) => {
      // Processes starting together on one PostgreSQL: the first creates the admin, the others find it there.
      await takeTurns(trx, 'first-run setup');
      if (!(await needsSetup(trx))) return false;
      await createFirstAdmin(trx, admin, passwordHash);
      return true;
    });
    return created ? { state: 'admin-created', email: normaliseEmail(initialAdmin.email) } : { state: 'ready' };
  }
  const token = newToken();
  const expiresAt = new Date(now + SETUP_LINK_LIFETIME_MS).toISOString();
  await db.transaction().execute(async (trx) => {
    // Processes starting together on one PostgreSQL issue their links one after another.
    await takeTurns(trx, 'first-run setup');
    await revokeUnusedLinks(trx, 'setup', null);
    await insertAccessLink(trx, { token, purpose: 'setup', personId: null, createdBy: null, expiresAt });
  });
  return { state: 'setup-needed', token, expiresAt };
}

export type SetupResult = { ok: true; person: Person } | { ok: false; reason: 'link' | 'done' };

/** Completes first-run setup from the printed link: exactly once, and only while no admin exists. */
export async function completeSetup(db: Kysely<Database>, token: string, admin: NewAdmin): Promise<SetupResult> {
  const link = await inspectAccessLink(db, token);
  if (link.state !== 'usable' || link.link.purpose !== 'setup') return { ok: false, reason: 'link' };
  const passwordHash = await hashPassword(admin.password);
  return db.transaction().execute(async (trx) => {
    // Two setups completing at once on different processes: the second waits, then finds it done.
    await takeTurns(trx, 'first-run setup');
    if (!(await needsSetup(trx))) return { ok: false, reason: 'done' } as const;
    if (!(await consumeAccessLink(trx, link.link.id))) return { ok: false, reason: 'link' } as const;
    return { ok: true, person: await createFirstAdmin(trx, admin, passwordHash) } as const;
  });
}
