/**
 * Follow-through: a consensus next step becomes actions with owners, a due date and a status, worked
 * by the group and looked back on at the next check. Business rules live here: who may change what,
 * owners must be active members, no new due date in the past, archived groups are read-only, and two
 * people saving one action never silently overwrite each other.
 */
import type { Kysely } from 'kysely';
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { ActionKind, ActionStatus, Database } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { ChangeRefusedError, ForbiddenError, NotFoundError } from '../errors.js';
import type { MapCatalog } from '../maps/catalog.js';
import { findRole, outcomesByPrinciple, type PrincipleWithOutcomes } from '../maps/catalog.js';
import type { IcMap, Role } from '../maps/schema.js';
import { actionsOfGroup, earlierConsensus, findAction, insertAction, saveActionVersion, type ActionChange, type ActionWithOwners } from '../repositories/action-plans.js';
import { recordAudit } from '../repositories/audit.js';
import { findGroup, listMembers, type GroupWithPlace, type Member } from '../repositories/organisation.js';
import { findGroupInCheck } from '../repositories/progress-checks.js';
import { todayUtc } from './progress-checks.js';
import { actionPath, groupPath, withQuery } from '../urls.js';

export const ACTION_KINDS: readonly { key: ActionKind; label: string }[] = [
  { key: 'learn', label: 'Learn more' },
  { key: 'pdsa', label: 'Test a change with a PDSA cycle' },
  { key: 'adapt', label: 'Adapt and test' },
];
export const ACTION_STATUSES: readonly { key: ActionStatus; label: string }[] = [
  { key: 'planned', label: 'Planned' },
  { key: 'in-progress', label: 'In progress' },
  { key: 'done', label: 'Done' },
  { key: 'dropped', label: 'Dropped' },
];
export const kindLabel = (kind: string): string => ACTION_KINDS.find((entry) => entry.key === kind)?.label ?? kind;
export const statusLabel = (status: string): string => ACTION_STATUSES.find((entry) => entry.key === status)?.label ?? status;

/** Still to do and past its date. */
export function isOverdue(action: { status: string; due_on: string }, today = todayUtc()): boolean {
  return (action.status === 'planned' || action.status === 'in-progress') && action.due_on < today;
}

/** An action is "due soon" on a member's home page within this many days (overdue ones included). */
export const DUE_SOON_DAYS = 14;

export function addDaysTo(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The map a group's plan is read against: the newest loaded one (outcome codes are the same in every version). */
export function planMap(catalog: MapCatalog, group: GroupWithPlace): { map: IcMap; role: Role } {
  const map = catalog.primary();
  const role = findRole(map, group.role_key);
  if (role === undefined) throw new Error(`no loaded map has the role ${group.role_key}`);
  return { map, role };
}

export interface PlanContext {
  group: GroupWithPlace;
  map: IcMap;
  role: Role;
  sections: PrincipleWithOutcomes[];
  /** Active members (not archived): the people who may own an action. */
  members: Member[];
  canManage: boolean;
  canAsk: boolean;
  archived: boolean;
}

const absent = (what: string, id: number): NotFoundError =>
  new NotFoundError(`There is no ${what} number ${id} in your part of the network.`);

const planSubject = (group: GroupWithPlace) => ({ kind: 'action' as const, groupId: group.id, place: group.place, ownerIds: [] });

/** A group's plan, if the viewer may see the group (404 otherwise). */
export async function planFor(db: Db, catalog: MapCatalog, scope: AccessScope, groupId: number): Promise<PlanContext> {
  const group = await findGroup(db, groupId);
  if (group === undefined || !may(scope, 'view', planSubject(group))) throw absent('group', groupId);
  const { map, role } = planMap(catalog, group);
  const members = (await listMembers(db, group.id)).filter((member) => member.archived_at === null);
  const archived = group.archived_at !== null;
  const canManage = !archived && may(scope, 'manage', planSubject(group));
  return { group, map, role, sections: outcomesByPrinciple(map, role), members, canManage, canAsk: canManage, archived };
}

/** A group's archived: its plan stays readable, and nothing in it changes. */
export function refuseArchived(group: GroupWithPlace): void {
  if (group.archived_at !== null) throw new ChangeRefusedError(`${group.name} is archived, so its action plan is read-only. Nothing was saved.`);
}

export interface ActionContext {
  action: ActionWithOwners;
  plan: PlanContext;
  /** Owner or facilitator: may change the status and add a note. */
  canUpdate: boolean;
  /** Facilitator: may change everything. */
  canEdit: boolean;
}

export async function actionFor(db: Db, catalog: MapCatalog, scope: AccessScope, actionId: number): Promise<ActionContext> {
  const action = await findAction(db, actionId);
  if (action === undefined) throw absent('action', actionId);
  const group = await findGroup(db, action.group_id);
  const subject = group === undefined ? undefined : { kind: 'action' as const, groupId: action.group_id, place: group.place, ownerIds: action.owners.map((owner) => owner.person_id) };
  if (subject === undefined || !may(scope, 'view', subject)) throw absent('action', actionId);
  const plan = await planFor(db, catalog, scope, action.group_id);
  return { action, plan, canUpdate: !plan.archived && may(scope, 'update', subject), canEdit: plan.canManage };
}

export type FieldErrors = Record<string, string>;

/** Owners must be active members of the group and not archived. */
function ownerErrors(plan: PlanContext, ownerIds: readonly number[]): FieldErrors {
  const memberIds = new Set(plan.members.map((member) => member.person_id));
  if (ownerIds.length === 0) return { owners: 'Choose at least one person responsible.' };
  if (ownerIds.some((id) => !memberIds.has(id))) return { owners: `Owners must be active members of ${plan.group.name}; choose from the list.` };
  return {};
}

export interface NewActionInput {
  checkId: number | null;
  outcomeCode: string;
  what: string;
  kind: ActionKind;
  dueOn: string;
  ownerIds: readonly number[];
}

export type CreateResult = { ok: true; id: number } | { ok: false; errors: FieldErrors };

/** Creates an action in a group's plan (facilitators only), or says which fields are wrong and writes nothing. */
export async function createAction(db: Kysely<Database>, actor: { id: number; scope: AccessScope }, plan: PlanContext, input: NewActionInput, today = todayUtc()): Promise<CreateResult> {
  refuseArchived(plan.group);
  if (!plan.canManage) throw new ForbiddenError();
  const errors: FieldErrors = { ...ownerErrors(plan, input.ownerIds) };
  if (!plan.role.outcomes.some((outcome) => outcome.code === input.outcomeCode)) errors.outcome_code = 'Choose an outcome from the list.';
  if (input.dueOn < today) errors.due_on = `Choose a due date from today (${today}) on; ${input.dueOn} has passed.`;
  if (input.checkId !== null) {
    const found = await findGroupInCheck(db, input.checkId, plan.group.id);
    if (found?.checkGroup === undefined) errors.check_id = 'That progress check does not include this group; open the plan from the group\'s consensus page.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const id = await db.transaction().execute(async (trx) => {
    const created = await insertAction(trx, { ...input, groupId: plan.group.id, status: 'planned', createdBy: actor.id });
    await recordAudit(trx, { actorId: actor.id, action: 'action.create', subject: `action:${created}`, detail: { groupId: plan.group.id, outcome: input.outcomeCode } });
    return created;
  });
  return { ok: true, id };
}

export interface ActionUpdateInput {
  status: ActionStatus;
  note: string;
  /** Only facilitators change these; for owners they stay as they are. */
  what?: string;
  kind?: ActionKind;
  dueOn?: string;
  ownerIds?: readonly number[];
}

/** Archived groups are read-only; otherwise only owners and facilitators change an action. */
export function assertMayUpdate(context: ActionContext): void {
  refuseArchived(context.plan.group);
  if (!context.canUpdate) throw new ForbiddenError();
}

export type UpdateResult = { ok: true; version: number } | { ok: false; errors: FieldErrors } | { ok: false; conflict: ActionWithOwners };

/** Saves an owner's or facilitator's change unless someone saved first; then the winner's action comes back to be shown. */
export async function updateAction(db: Kysely<Database>, actor: { id: number }, context: ActionContext, input: ActionUpdateInput, expectedVersion: number, today = todayUtc()): Promise<UpdateResult> {
  const { action, plan } = context;
  assertMayUpdate(context);
  const full = context.canEdit;
  const change: ActionChange = {
    what: full && input.what !== undefined ? input.what : action.what,
    kind: full && input.kind !== undefined ? input.kind : action.kind,
    dueOn: full && input.dueOn !== undefined ? input.dueOn : action.due_on,
    status: input.status,
    ownerIds: full && input.ownerIds !== undefined ? input.ownerIds : action.owners.map((owner) => owner.person_id),
    note: input.note,
    by: actor.id,
  };
  const errors: FieldErrors = {};
  if (full && input.ownerIds !== undefined) Object.assign(errors, ownerErrors(plan, input.ownerIds));
  // A date already set may stay; a new one cannot be in the past.
  if (change.dueOn !== action.due_on && change.dueOn < today) errors.due_on = `Choose a due date from today (${today}) on; ${change.dueOn} has passed.`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return db.transaction().execute(async (trx) => {
    if (!(await saveActionVersion(trx, action.id, change, expectedVersion))) {
      const current = await findAction(trx, action.id);
      if (current === undefined) throw new Error(`action ${action.id} vanished during a save`);
      return { ok: false, conflict: current } as const;
    }
    await recordAudit(trx, { actorId: actor.id, action: 'action.update', subject: `action:${action.id}`, detail: { status: change.status, note: change.note !== '' } });
    return { ok: true, version: expectedVersion + 1 } as const;
  });
}

// ---- the plan page ----

export interface PlanFilter {
  mine: boolean;
  overdue: boolean;
  status: ActionStatus | undefined;
}

export type PlannedAction = ActionWithOwners & { overdue: boolean; statusLabel: string; kindLabel: string; mine: boolean; href: string };

export interface PlanOutcome {
  code: string;
  title: string;
  actions: PlannedAction[];
}

export interface PlanSection {
  code: string;
  title: string;
  outcomes: PlanOutcome[];
}

export function decorateAction(action: ActionWithOwners, viewerId: number, today = todayUtc()): PlannedAction {
  return {
    ...action,
    overdue: isOverdue(action, today),
    statusLabel: statusLabel(action.status),
    kindLabel: kindLabel(action.kind),
    mine: action.owners.some((owner) => owner.person_id === viewerId),
    href: actionPath(action.id),
  };
}

/** The plan by principle and outcome, filtered; outcomes without a matching action are left out. */
export function planSections(plan: PlanContext, actions: readonly ActionWithOwners[], filter: PlanFilter, viewerId: number, today = todayUtc()): { sections: PlanSection[]; shown: number; total: number; counts: Record<ActionStatus | 'overdue', number> } {
  const decorated = actions.map((action) => decorateAction(action, viewerId, today));
  const counts = { planned: 0, 'in-progress': 0, done: 0, dropped: 0, overdue: 0 };
  for (const action of decorated) {
    counts[action.status] += 1;
    if (action.overdue) counts.overdue += 1;
  }
  const kept = decorated.filter((action) => (!filter.mine || action.mine) && (!filter.overdue || action.overdue) && (filter.status === undefined || action.status === filter.status));
  const sections = plan.sections
    .map((section) => ({
      code: section.principle.code,
      title: section.principle.title,
      outcomes: section.outcomes
        .map((outcome) => ({ code: outcome.code, title: outcome.title, actions: kept.filter((action) => action.outcome_code === outcome.code) }))
        .filter((outcome) => outcome.actions.length > 0),
    }))
    .filter((section) => section.outcomes.length > 0);
  return { sections, shown: kept.length, total: actions.length, counts };
}

// ---- looking back at the next check ----

export interface OutcomeFollowThrough {
  /** Last check's agreed level, next step and the actions that carried it (shown once placements are revealed). */
  lookBack: { checkName: string; level: number; nextStep: string; actions: PlannedAction[] } | undefined;
  /** Actions planned from this check's consensus for the outcome. */
  actions: PlannedAction[];
  newHref: string;
  askHref: string;
}

export interface FollowThrough {
  byCode: Record<string, OutcomeFollowThrough>;
  canPlan: boolean;
  planHref: string;
}

/** For each outcome of a group's check: what was agreed last time and what the team did about it, and what it plans now. */
export async function followThroughFor(
  db: Db,
  scope: AccessScope,
  context: { check: { id: number; opens_on: string }; group: GroupWithPlace; checkGroup: { revealed_at: string | null }; role: Role },
  viewerId: number,
  today = todayUtc(),
): Promise<FollowThrough> {
  const { check, group, role } = context;
  const [earlier, actions] = await Promise.all([earlierConsensus(db, group.id, check.opens_on), actionsOfGroup(db, group.id)]);
  const revealed = context.checkGroup.revealed_at !== null;
  const byCode: Record<string, OutcomeFollowThrough> = {};
  for (const outcome of role.outcomes) {
    const before = earlier.get(outcome.code);
    const mine = actions.filter((action) => action.outcome_code === outcome.code);
    byCode[outcome.code] = {
      lookBack:
        revealed && before !== undefined
          ? { checkName: before.check_name, level: before.level, nextStep: before.next_step, actions: mine.filter((action) => action.check_id === before.check_id).map((action) => decorateAction(action, viewerId, today)) }
          : undefined,
      actions: mine.filter((action) => action.check_id === check.id).map((action) => decorateAction(action, viewerId, today)),
      newHref: withQuery(groupPath(group.id, 'actions/new'), { check: check.id, outcome: outcome.code }),
      askHref: withQuery(groupPath(group.id, 'requests/new'), { check: check.id, outcome: outcome.code }),
    };
  }
  const canPlan = group.archived_at === null && may(scope, 'manage', planSubject(group));
  return { byCode, canPlan, planHref: groupPath(group.id, 'plan') };
}

/** Per outcome: the actions that carried the group's previous agreed next step, for the team report's "change per outcome". */
export async function whatTheTeamDid(db: Db, groupId: number, before: string, viewerId: number, today = todayUtc()): Promise<Record<string, PlannedAction[]>> {
  const [earlier, actions] = await Promise.all([earlierConsensus(db, groupId, before), actionsOfGroup(db, groupId)]);
  const did: Record<string, PlannedAction[]> = {};
  for (const [code, record] of earlier) {
    did[code] = actions.filter((action) => action.outcome_code === code && action.check_id === record.check_id).map((action) => decorateAction(action, viewerId, today));
  }
  return did;
}
