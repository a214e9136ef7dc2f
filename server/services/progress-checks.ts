/** Opening, closing, reopening and moving the dates of progress checks, and whether one is open today. */
import type { Kysely } from 'kysely';
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { Database, ProgressCheck } from '../db/schema.js';
import { isoNow } from '../db/types.js';
import type { MapCatalog } from '../maps/catalog.js';
import { recordAudit } from '../repositories/audit.js';
import { activeGroupIds } from '../repositories/organisation.js';
import { addCheckGroups, createCheck, setCheckClosedAt, setCheckDates } from '../repositories/progress-checks.js';
import { ChangeRefusedError, ForbiddenError } from '../errors.js';

export type CheckState = 'upcoming' | 'open' | 'closed';


/** Today as YYYY-MM-DD in UTC, for tools that run outside a network (bench, fault drills). */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * A check's dates are whole days in the network's time zone, the closing day included: `today` is the
 * date there now (`networkToday`), so a check closes when its closing day ends where the schools are.
 */
export function checkState(check: Pick<ProgressCheck, 'opens_on' | 'closes_on' | 'closed_at'>, today: string): CheckState {
  if (check.closed_at !== null || today > check.closes_on) return 'closed';
  return today < check.opens_on ? 'upcoming' : 'open';
}

export interface NewCheckInput {
  name: string;
  mapId: string;
  opensOn: string;
  closesOn: string;
  /** null: the whole network (admins only); otherwise one district. */
  districtId: number | null;
  roleKeys: readonly string[];
}

/** Opens a check for every active group of the chosen roles in its place, pinning the map's current version. */
export async function openCheck(db: Kysely<Database>, catalog: MapCatalog, actor: { id: number; scope: AccessScope }, input: NewCheckInput): Promise<number> {
  if (!may(actor.scope, 'manage', { kind: 'check', id: null, districtId: input.districtId })) {
    throw new ForbiddenError(input.districtId === null ? 'Only network administrators open checks for the whole network.' : 'You can open checks only for a district you lead.');
  }
  const map = catalog.find(input.mapId);
  if (map === undefined) throw new ChangeRefusedError(`There is no IC map called "${input.mapId}".`);
  return db.transaction().execute(async (trx) => {
    const groupIds = await activeGroupIds(trx, { districtId: input.districtId, roleKeys: input.roleKeys });
    if (groupIds.length === 0) throw new ChangeRefusedError('No active group of the chosen roles is there to take part. Add groups first, or choose other roles.');
    const id = await createCheck(trx, {
      name: input.name,
      mapId: map.id,
      mapVersion: map.version,
      opensOn: input.opensOn,
      closesOn: input.closesOn,
      districtId: input.districtId,
      createdBy: actor.id,
    });
    await addCheckGroups(trx, id, groupIds);
    await recordAudit(trx, {
      actorId: actor.id,
      action: 'check.open',
      subject: `check:${id}`,
      detail: { name: input.name, map: `${map.id}@${map.version}`, groups: groupIds.length },
    });
    return id;
  });
}

/** Closes a check now, before its closing date. */
export async function closeCheck(db: Kysely<Database>, actor: { id: number; scope: AccessScope }, check: ProgressCheck): Promise<void> {
  if (!may(actor.scope, 'manage', { kind: 'check', id: check.id, districtId: check.district_id })) throw new ForbiddenError();
  await db.transaction().execute(async (trx) => {
    await setCheckClosedAt(trx, check.id, isoNow());
    await recordAudit(trx, { actorId: actor.id, action: 'check.close', subject: `check:${check.id}` });
  });
}

/** Reopens a closed check until `closesOn` (which must not be in the past). */
export async function reopenCheck(db: Kysely<Database>, actor: { id: number; scope: AccessScope }, check: ProgressCheck, closesOn: string, today: string): Promise<void> {
  if (!may(actor.scope, 'manage', { kind: 'check', id: check.id, districtId: check.district_id })) throw new ForbiddenError();
  if (closesOn < today) throw new ChangeRefusedError('Choose a closing date from today on.');
  if (closesOn < check.opens_on) throw new ChangeRefusedError('The closing date must not be before the opening date.');
  await db.transaction().execute(async (trx) => {
    await setCheckClosedAt(trx, check.id, null, closesOn);
    await recordAudit(trx, { actorId: actor.id, action: 'check.reopen', subject: `check:${check.id}`, detail: { closesOn } });
  });
}

/**
 * Moves an open or upcoming check's dates, usually to extend the deadline. The closing day must not be
 * in the past (closing is its own, confirmed action) nor before the opening day.
 */
export async function changeCheckDates(
  db: Kysely<Database>,
  actor: { id: number; scope: AccessScope },
  check: ProgressCheck,
  dates: { opensOn: string; closesOn: string },
  today = todayUtc(),
): Promise<void> {
  if (!may(actor.scope, 'manage', { kind: 'check', id: check.id, districtId: check.district_id })) throw new ForbiddenError();
  if (checkState(check, today) === 'closed') throw new ChangeRefusedError('This check is closed: reopen it to give it a new closing date.');
  if (dates.closesOn < today) throw new ChangeRefusedError('Choose a closing date from today on. To end the check now, close it.');
  if (dates.closesOn < dates.opensOn) throw new ChangeRefusedError('The closing date must not be before the opening date.');
  if (dates.opensOn === check.opens_on && dates.closesOn === check.closes_on) return;
  await db.transaction().execute(async (trx) => {
    await setCheckDates(trx, check.id, dates);
    await recordAudit(trx, {
      actorId: actor.id,
      action: 'check.dates',
      subject: `check:${check.id}`,
      detail: { opensOn: dates.opensOn, closesOn: dates.closesOn, previousOpensOn: check.opens_on, previousClosesOn: check.closes_on },
    });
  });
}
