/**
 * Roster import: upload -> preview (what would be created, updated or left alone, and every
 * problem) -> confirm. Confirming re-plans against the database as it is then and writes
 * everything in one transaction, or nothing. Re-importing the same file changes nothing.
 */
import type { Kysely } from 'kysely';
import { placeKindOfRole } from '../access/group-roles.js';
import type { Database } from '../db/schema.js';
import type { Db } from '../db/types.js';
import type { Role } from '../maps/schema.js';
import { recordAudit } from '../repositories/audit.js';
import {
  addMember,
  createDistrict,
  createGroup,
  createSite,
  findDistrictByName,
  findGroupAt,
  findMembership,
  findSiteByName,
} from '../repositories/organisation.js';
import { createPerson, findPeopleByEmails, updatePersonDetails } from '../repositories/people.js';
import { markRosterImportApplied, peopleCreatedByImport, rememberImportedPerson } from '../repositories/roster-imports.js';
import { issueAccessLink } from './access-links.js';
import { auditSubject } from './audit.js';
import { nextTurn, parseRoster, ROWS_PER_TURN, type RosterProblem, type RosterRow } from './roster-csv.js';
import { accessLinkPath } from '../urls.js';

export type RowAction = 'create' | 'update' | 'unchanged';

export interface PlannedRow extends RosterRow {
  /** What happens to the person: a new account, a new name for a known one, or nothing. */
  person: RowAction;
  /** What happens to the membership: joins the group, changes facilitator, or nothing. */
  membership: RowAction;
  groupLabel: string;
  /** True when the group already exists (the row joins it); false when the import creates it. */
  groupExists: boolean;
}

export interface RosterPlan {
  rows: PlannedRow[];
  problems: RosterProblem[];
  newDistricts: string[];
  newSites: string[];
  newGroups: string[];
  counts: { create: number; update: number; unchanged: number };
}

function groupName(roleName: string, place: string | null): string {
  return place === null ? roleName : `${place} ${roleName.toLowerCase()}`;
}

const key = (...parts: (string | null)[]): string => parts.map((part) => (part ?? '').toLowerCase()).join('\u0000');

/** Works out what applying the roster would do, touching nothing. */
export async function planRoster(db: Db, text: string, roles: readonly Role[]): Promise<RosterPlan> {
  const parsed = await parseRoster(text, roles);
  const roleName = (roleKey: string): string => roles.find((role) => role.key === roleKey)?.name ?? roleKey;
  const known = new Map((await findPeopleByEmails(db, [...new Set(parsed.rows.map((row) => row.email))])).map((person) => [person.email.toLowerCase(), person]));

  const newDistricts = new Set<string>();
  const newSites = new Set<string>();
  const newGroups = new Set<string>();
  const districtIds = new Map<string, number | undefined>();
  const siteIds = new Map<string, number | undefined>();
  const seenPeople = new Set<string>();
  const seenMemberships = new Map<string, { line: number; facilitator: boolean }>();
  const problems = [...parsed.problems];
  const rows: PlannedRow[] = [];

  for (const [index, row] of parsed.rows.entries()) {
    // The lookups below run synchronously under their awaits: yield now and then for other requests.
    if (index > 0 && index % ROWS_PER_TURN === 0) await nextTurn();
    let districtId: number | undefined;
    let siteId: number | undefined;
    if (row.district !== null) {
      const dKey = key(row.district);
      if (!districtIds.has(dKey)) districtIds.set(dKey, (await findDistrictByName(db, row.district))?.id);
      districtId = districtIds.get(dKey);
      if (districtId === undefined) newDistricts.add(row.district);
      if (row.site !== null) {
        const sKey = key(row.district, row.site);
        if (!siteIds.has(sKey)) siteIds.set(sKey, districtId === undefined ? undefined : (await findSiteByName(db, districtId, row.site))?.id);
        siteId = siteIds.get(sKey);
        if (siteId === undefined) newSites.add(`${row.site} (${row.district})`);
      }
    }
    const kind = placeKindOfRole(row.roleKey);
    const placeLabel = kind === 'site' ? row.site : kind === 'district' ? row.district : null;
    const label = groupName(roleName(row.roleKey), placeLabel);
    const placeKnown = kind === 'network' || (kind === 'district' ? districtId !== undefined : siteId !== undefined);
    const group = placeKnown
      ? await findGroupAt(db, row.roleKey, { districtId: kind === 'district' ? (districtId ?? null) : null, siteId: kind === 'site' ? (siteId ?? null) : null })
      : undefined;
    if (group === undefined) newGroups.add(label);

    const membershipKey = key(row.email, row.roleKey, row.district, row.site);
    const earlier = seenMemberships.get(membershipKey);
    if (earlier !== undefined) {
      if (earlier.facilitator !== row.facilitator) {
        problems.push({ line: row.line, column: 'facilitator', reason: `Line ${earlier.line} puts ${row.email} in the same group with a different facilitator value.` });
      }
      continue;
    }
    seenMemberships.set(membershipKey, { line: row.line, facilitator: row.facilitator });

    const person = known.get(row.email);
    const personAction: RowAction = seenPeople.has(row.email) ? 'unchanged' : person === undefined ? 'create' : person.name === row.name ? 'unchanged' : 'update';
    seenPeople.add(row.email);
    const membership = person === undefined || group === undefined ? undefined : await findMembership(db, group.id, person.id);
    const membershipAction: RowAction =
      membership === undefined ? 'create' : (membership.is_facilitator === 1) === row.facilitator ? 'unchanged' : 'update';
    rows.push({ ...row, person: personAction, membership: membershipAction, groupLabel: group?.name ?? label, groupExists: group !== undefined });
  }

  const rowOutcome = (row: PlannedRow): RowAction => (row.person === 'create' ? 'create' : row.person === 'update' || row.membership !== 'unchanged' ? 'update' : 'unchanged');
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (const row of rows) counts[rowOutcome(row)] += 1;
  problems.sort((a, b) => a.line - b.line);
  return { rows, problems, newDistricts: [...newDistricts], newSites: [...newSites], newGroups: [...newGroups], counts };
}

export type ApplyResult =
  | { ok: true; plan: RosterPlan; createdPeople: number }
  | { ok: false; plan: RosterPlan };

/** Applies a roster in one transaction: every row or none. People it creates are remembered for invitations. */
export async function applyRoster(db: Kysely<Database>, importId: number, text: string, roles: readonly Role[], actorId: number): Promise<ApplyResult> {
  return db.transaction().execute(async (trx) => {
    const plan = await planRoster(trx, text, roles);
    if (plan.problems.length > 0) return { ok: false, plan };
    const districtIds = new Map<string, number>();
    const siteIds = new Map<string, number>();
    const personIds = new Map((await findPeopleByEmails(trx, plan.rows.map((row) => row.email))).map((person) => [person.email.toLowerCase(), person.id]));
    let createdPeople = 0;

    for (const row of plan.rows) {
      let districtId: number | null = null;
      let siteId: number | null = null;
      if (row.district !== null) {
        const dKey = key(row.district);
        districtId = districtIds.get(dKey) ?? (await findDistrictByName(trx, row.district))?.id ?? (await createDistrict(trx, row.district));
        districtIds.set(dKey, districtId);
        if (row.site !== null) {
          const sKey = key(row.district, row.site);
          siteId = siteIds.get(sKey) ?? (await findSiteByName(trx, districtId, row.site))?.id ?? (await createSite(trx, districtId, row.site));
          siteIds.set(sKey, siteId);
        }
      }
      const kind = placeKindOfRole(row.roleKey);
      const place = { districtId: kind === 'district' ? districtId : null, siteId: kind === 'site' ? siteId : null };
      const group =
        (await findGroupAt(trx, row.roleKey, place))?.id ??
        (await createGroup(trx, { name: row.groupLabel, roleKey: row.roleKey, districtId: place.districtId, siteId: place.siteId }));

      let personId = personIds.get(row.email);
      if (personId === undefined) {
        personId = await createPerson(trx, { email: row.email, name: row.name });
        personIds.set(row.email, personId);
        await rememberImportedPerson(trx, importId, personId);
        createdPeople += 1;
      } else if (row.person === 'update') {
        await updatePersonDetails(trx, personId, { name: row.name, email: row.email });
      }
      if (row.membership !== 'unchanged') await addMember(trx, group, personId, row.facilitator);
    }
    await markRosterImportApplied(trx, importId);
    await recordAudit(trx, {
      actorId,
      action: 'roster.import',
      subject: auditSubject.rosterImport(importId),
      detail: { ...plan.counts, newDistricts: plan.newDistricts.length, newSites: plan.newSites.length, newGroups: plan.newGroups.length },
    });
    return { ok: true, plan, createdPeople };
  });
}

export interface InvitationRow {
  email: string;
  name: string;
  link: string;
  expiresAt: string;
}

/** Issues invitation links for the people an import created who cannot sign in yet; shown once, as a CSV. */
export async function invitationsForImport(db: Kysely<Database>, importId: number, actorId: number, linkBase: string): Promise<InvitationRow[]> {
  return db.transaction().execute(async (trx) => {
    const people = (await peopleCreatedByImport(trx, importId)).filter((person) => person.password_hash === null && person.archived_at === null);
    const rows: InvitationRow[] = [];
    for (const person of people) {
      const link = await issueAccessLink(trx, person, actorId);
      rows.push({ email: person.email, name: person.name, link: `${linkBase}${accessLinkPath(link.token)}`, expiresAt: link.expiresAt });
    }
    return rows;
  });
}
