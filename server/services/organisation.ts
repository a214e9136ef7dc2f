/** Changes to the network's structure and people: each one checked, written with its audit entry in one transaction. */
import type { Kysely } from 'kysely';
import { placeKindOfRole } from '../access/group-roles.js';
import type { Database } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { ChangeRefusedError } from '../errors.js';
import { recordAudit } from '../repositories/audit.js';
import { saveNetworkName, saveNetworkTimeZone } from '../repositories/network.js';
import {
  addMember,
  createDistrict,
  createGroup,
  createSite,
  removeMember,
  renameDistrict,
  renameGroup,
  renameSite,
  setDistrictArchived,
  setGroupArchived,
  setSiteArchived,
} from '../repositories/organisation.js';
import {
  countActiveNetworkAdmins,
  createPerson,
  findPersonByEmail,
  setNetworkAdmin,
  setPersonArchived,
  updatePersonDetails,
} from '../repositories/people.js';
import { deleteSessionsOfPerson } from '../repositories/sessions.js';
import { withdrawLinksNoLongerAllowed } from './access-links.js';
import { auditSubject } from './audit.js';


type Audited<T> = (trx: Db) => Promise<T>;

function inTransaction<T>(db: Kysely<Database>, work: Audited<T>): Promise<T> {
  return db.transaction().execute(work);
}

export function renameNetwork(db: Kysely<Database>, actorId: number, name: string): Promise<void> {
  return inTransaction(db, async (trx) => {
    await saveNetworkName(trx, name);
    await recordAudit(trx, { actorId, action: 'network.rename', subject: auditSubject.network(), detail: { name } });
  });
}

/** Sets the network's time zone (a canonical IANA name): dates, times and check closing follow it. */
export function changeNetworkTimeZone(db: Kysely<Database>, actorId: number, timeZone: string): Promise<void> {
  return inTransaction(db, async (trx) => {
    await saveNetworkTimeZone(trx, timeZone, new Date().toISOString());
    await recordAudit(trx, { actorId, action: 'network.time-zone', subject: auditSubject.network(), detail: { timeZone } });
  });
}

export function addDistrict(db: Kysely<Database>, actorId: number, name: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const id = await createDistrict(trx, name);
    await recordAudit(trx, { actorId, action: 'district.create', subject: auditSubject.district(id), detail: { name } });
    return id;
  });
}

export function addSite(db: Kysely<Database>, actorId: number, districtId: number, name: string): Promise<number> {
  return inTransaction(db, async (trx) => {
    const id = await createSite(trx, districtId, name);
    await recordAudit(trx, { actorId, action: 'site.create', subject: auditSubject.site(id), detail: { name, districtId } });
    return id;
  });
}

export interface GroupPlaceInput {
  districtId: number | null;
  siteId: number | null;
}

/** Creates a group for a role at a place that suits it: site roles at a site, district leaders at a district, the hub team at the network. */
export function addGroup(db: Kysely<Database>, actorId: number, input: { name: string; roleKey: string } & GroupPlaceInput): Promise<number> {
  const kind = placeKindOfRole(input.roleKey);
  const placeKind = input.siteId !== null ? 'site' : input.districtId !== null ? 'district' : 'network';
  if (kind !== placeKind) {
    throw new ChangeRefusedError(`A ${input.roleKey} group cannot sit at a ${placeKind}.`);
  }
  return inTransaction(db, async (trx) => {
    const id = await createGroup(trx, { name: input.name, roleKey: input.roleKey, districtId: input.siteId !== null ? null : input.districtId, siteId: input.siteId });
    await recordAudit(trx, { actorId, action: 'group.create', subject: auditSubject.group(id), detail: { name: input.name, roleKey: input.roleKey } });
    return id;
  });
}

type Renameable = 'district' | 'site' | 'group';
const renamers = { district: renameDistrict, site: renameSite, group: renameGroup } as const;
const archivers = { district: setDistrictArchived, site: setSiteArchived, group: setGroupArchived } as const;

export function renameThing(db: Kysely<Database>, actorId: number, kind: Renameable, id: number, name: string): Promise<void> {
  return inTransaction(db, async (trx) => {
    await renamers[kind](trx, id, name);
    await recordAudit(trx, { actorId, action: `${kind}.rename`, subject: auditSubject[kind](id), detail: { name } });
  });
}

/** Archiving hides a thing from lists but keeps it and its history; nothing is ever hard-deleted. */
export function archiveThing(db: Kysely<Database>, actorId: number, kind: Renameable, id: number, archived: boolean): Promise<void> {
  return inTransaction(db, async (trx) => {
    await archivers[kind](trx, id, archived);
    await recordAudit(trx, { actorId, action: `${kind}.${archived ? 'archive' : 'restore'}`, subject: auditSubject[kind](id) });
  });
}

export function addPerson(db: Kysely<Database>, actorId: number, person: { name: string; email: string }): Promise<number> {
  return inTransaction(db, async (trx) => {
    if ((await findPersonByEmail(trx, person.email)) !== undefined) {
      throw new ChangeRefusedError(`Someone with the email address ${person.email} already exists.`);
    }
    const id = await createPerson(trx, person);
    await recordAudit(trx, { actorId, action: 'person.create', subject: auditSubject.person(id), detail: { email: person.email } });
    return id;
  });
}

export function editPerson(db: Kysely<Database>, actorId: number, id: number, details: { name: string; email: string }): Promise<void> {
  return inTransaction(db, async (trx) => {
    const clash = await findPersonByEmail(trx, details.email);
    if (clash !== undefined && clash.id !== id) {
      throw new ChangeRefusedError(`Someone else already uses the email address ${details.email}.`);
    }
    await updatePersonDetails(trx, id, details);
    await recordAudit(trx, { actorId, action: 'person.update', subject: auditSubject.person(id), detail: details });
  });
}

/** Grants or removes network admin rights; the network always keeps at least one active admin. */
export function changeAdminRole(db: Kysely<Database>, actorId: number, id: number, isAdmin: boolean): Promise<void> {
  return inTransaction(db, async (trx) => {
    await setNetworkAdmin(trx, id, isAdmin);
    if (!isAdmin && (await countActiveNetworkAdmins(trx)) === 0) {
      throw new ChangeRefusedError('The network needs at least one administrator. Make someone else an administrator first.');
    }
    await withdrawLinksNoLongerAllowed(trx, id);
    await recordAudit(trx, { actorId, action: isAdmin ? 'person.grant-admin' : 'person.revoke-admin', subject: auditSubject.person(id) });
  });
}

/** Archived people cannot sign in (their sessions end now); their memberships and history stay. */
export function archivePerson(db: Kysely<Database>, actorId: number, id: number, archived: boolean): Promise<void> {
  return inTransaction(db, async (trx) => {
    await setPersonArchived(trx, id, archived);
    if (archived) {
      await deleteSessionsOfPerson(trx, id);
      if ((await countActiveNetworkAdmins(trx)) === 0) {
        throw new ChangeRefusedError('The network needs at least one administrator. Make someone else an administrator first.');
      }
    }
    await recordAudit(trx, { actorId, action: `person.${archived ? 'archive' : 'restore'}`, subject: auditSubject.person(id) });
  });
}

export function addMembership(db: Kysely<Database>, actorId: number, groupId: number, personId: number, isFacilitator: boolean): Promise<void> {
  return inTransaction(db, async (trx) => {
    await addMember(trx, groupId, personId, isFacilitator);
    await withdrawLinksNoLongerAllowed(trx, personId);
    await recordAudit(trx, { actorId, action: 'group.add-member', subject: auditSubject.group(groupId), detail: { personId, isFacilitator } });
  });
}

/** Creates a person and seats them in a group, in one transaction: from the group page, for someone not in ICMap yet. */
export function addNewMember(db: Kysely<Database>, actorId: number, groupId: number, person: { name: string; email: string }, isFacilitator: boolean): Promise<number> {
  return inTransaction(db, async (trx) => {
    if ((await findPersonByEmail(trx, person.email)) !== undefined) {
      throw new ChangeRefusedError(`Someone with the email address ${person.email} already exists.`);
    }
    const personId = await createPerson(trx, person);
    await recordAudit(trx, { actorId, action: 'person.create', subject: auditSubject.person(personId), detail: { email: person.email } });
    await addMember(trx, groupId, personId, isFacilitator);
    await recordAudit(trx, { actorId, action: 'group.add-member', subject: auditSubject.group(groupId), detail: { personId, isFacilitator } });
    return personId;
  });
}

export function removeMembership(db: Kysely<Database>, actorId: number, groupId: number, personId: number): Promise<void> {
  return inTransaction(db, async (trx) => {
    await removeMember(trx, groupId, personId);
    await withdrawLinksNoLongerAllowed(trx, personId);
    await recordAudit(trx, { actorId, action: 'group.remove-member', subject: auditSubject.group(groupId), detail: { personId } });
  });
}
