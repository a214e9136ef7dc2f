/** A group's action plan: actions with their owners and signed progress notes, and a version per action against lost updates. */
import { sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { Action, ActionKind, ActionNote, ActionStatus } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { actionVisible } from './visibility.js';

export interface ActionOwner {
  person_id: number;
  name: string;
}

export type ActionWithOwners = Action & { owners: ActionOwner[]; check_name: string | null };
export type NoteWithAuthor = ActionNote & { author_name: string };

export interface NewAction {
  groupId: number;
  checkId: number | null;
  outcomeCode: string;
  what: string;
  kind: ActionKind;
  dueOn: string;
  status: ActionStatus;
  ownerIds: readonly number[];
  createdBy: number;
}

export async function insertAction(db: Db, action: NewAction): Promise<number> {
  const row = await db
    .insertInto('actions')
    .values({
      group_id: action.groupId,
      check_id: action.checkId,
      outcome_code: action.outcomeCode,
      what: action.what,
      kind: action.kind,
      due_on: action.dueOn,
      status: action.status,
      created_by: action.createdBy,
      updated_by: action.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceOwners(db, row.id, action.ownerIds);
  return row.id;
}

async function replaceOwners(db: Db, actionId: number, ownerIds: readonly number[]): Promise<void> {
  await db.deleteFrom('action_owners').where('action_id', '=', actionId).execute();
  if (ownerIds.length > 0) await db.insertInto('action_owners').values(ownerIds.map((personId) => ({ action_id: actionId, person_id: personId }))).execute();
}

async function withOwners(db: Db, actions: (Action & { check_name: string | null })[]): Promise<ActionWithOwners[]> {
  if (actions.length === 0) return [];
  const owners = await db
    .selectFrom('action_owners')
    .innerJoin('people', 'people.id', 'action_owners.person_id')
    .select(['action_owners.action_id', 'people.id as person_id', 'people.name'])
    .where('action_owners.action_id', 'in', actions.map((action) => action.id))
    .orderBy(sql`people.name collate nocase`)
    .execute();
  const byAction = new Map<number, ActionOwner[]>();
  for (const owner of owners) {
    const list = byAction.get(owner.action_id) ?? [];
    list.push({ person_id: owner.person_id, name: owner.name });
    byAction.set(owner.action_id, list);
  }
  return actions.map((action) => ({ ...action, owners: byAction.get(action.id) ?? [] }));
}

function actionsWithCheck(db: Db) {
  return db.selectFrom('actions').leftJoin('progress_checks', 'progress_checks.id', 'actions.check_id').selectAll('actions').select('progress_checks.name as check_name');
}

export async function findAction(db: Db, id: number): Promise<ActionWithOwners | undefined> {
  const action = await actionsWithCheck(db).where('actions.id', '=', id).executeTakeFirst();
  return action === undefined ? undefined : (await withOwners(db, [action]))[0];
}

/** Every action of a group, oldest due date first. */
export async function actionsOfGroup(db: Db, groupId: number): Promise<ActionWithOwners[]> {
  const actions = await actionsWithCheck(db).where('actions.group_id', '=', groupId).orderBy('actions.due_on').orderBy('actions.id').execute();
  return withOwners(db, actions);
}

export type OwnedAction = ActionWithOwners & { group_name: string };

/** The open actions a person owns that fall due by `until` (overdue ones included), in groups they can see. */
export async function openActionsOwnedBy(db: Db, scope: AccessScope, personId: number, until: string): Promise<OwnedAction[]> {
  const rows = await actionsWithCheck(db)
    .innerJoin('groups', 'groups.id', 'actions.group_id')
    .select('groups.name as group_name')
    .where('actions.id', 'in', db.selectFrom('action_owners').select('action_id').where('person_id', '=', personId))
    .where('actions.status', 'in', ['planned', 'in-progress'])
    .where('actions.due_on', '<=', until)
    .where('groups.archived_at', 'is', null)
    .where((eb) => actionVisible(eb, scope))
    .orderBy('actions.due_on')
    .orderBy('actions.id')
    .execute();
  const owned = await withOwners(db, rows);
  return owned.map((action, index) => ({ ...action, group_name: rows[index]?.group_name ?? '' }));
}

export async function notesOf(db: Db, actionIds: readonly number[]): Promise<NoteWithAuthor[]> {
  if (actionIds.length === 0) return [];
  return db
    .selectFrom('action_notes')
    .innerJoin('people', 'people.id', 'action_notes.author_id')
    .selectAll('action_notes')
    .select('people.name as author_name')
    .where('action_notes.action_id', 'in', actionIds)
    .orderBy('action_notes.id', 'desc')
    .execute();
}

export interface ActionChange {
  what: string;
  kind: ActionKind;
  dueOn: string;
  status: ActionStatus;
  ownerIds: readonly number[];
  note: string;
  by: number;
}

/**
 * Writes version `expectedVersion + 1` of an action (its fields, owners, and a signed note when there
 * is one) if the stored one is still `expectedVersion`. Returns false, writing nothing, when someone
 * else saved first.
 */
export async function saveActionVersion(db: Db, actionId: number, change: ActionChange, expectedVersion: number): Promise<boolean> {
  const result = await db
    .updateTable('actions')
    .set({ what: change.what, kind: change.kind, due_on: change.dueOn, status: change.status, version: expectedVersion + 1, updated_by: change.by, updated_at: isoNow() })
    .where('id', '=', actionId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return false;
  await replaceOwners(db, actionId, change.ownerIds);
  if (change.note !== '') await db.insertInto('action_notes').values({ action_id: actionId, author_id: change.by, body: change.note, status: change.status }).execute();
  return true;
}

export interface ActionCountRow {
  group_id: number;
  done: number;
  overdue: number;
  total: number;
}

/** Per visible group: how many actions are done and how many are overdue on `today`. */
export async function actionCountsByGroup(db: Db, scope: AccessScope, groupIds: readonly number[], today: string): Promise<ActionCountRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom('actions')
    .select('actions.group_id')
    .select(sql<number>`sum(case when status = 'done' then 1 else 0 end)`.as('done'))
    .select(sql<number>`sum(case when status in ('planned', 'in-progress') and due_on < ${today} then 1 else 0 end)`.as('overdue'))
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .where('actions.group_id', 'in', groupIds)
    .where((eb) => actionVisible(eb, scope))
    .groupBy('actions.group_id')
    .execute();
}

export interface ExportActionRow {
  action_id: number;
  district_name: string | null;
  site_name: string | null;
  group_name: string;
  check_name: string | null;
  outcome_code: string;
  what: string;
  kind: string;
  due_on: string;
  status: string;
  owners: string | null;
  notes: number;
  updated_at: string;
}

/** Every action in the network, for the admins' export. */
export async function allActionsForExport(db: Db): Promise<ExportActionRow[]> {
  const result = await sql<ExportActionRow>`
    select a.id as action_id, d.name as district_name, s.name as site_name, g.name as group_name, pc.name as check_name,
      a.outcome_code, a.what, a.kind, a.due_on, a.status,
      (select string_agg(p.name, '; ') from action_owners o join people p on p.id = o.person_id where o.action_id = a.id) as owners,
      (select count(*) from action_notes n where n.action_id = a.id) as notes, a.updated_at
    from actions a
    join groups g on g.id = a.group_id
    left join sites s on s.id = g.site_id
    left join districts d on d.id = coalesce(g.district_id, s.district_id)
    left join progress_checks pc on pc.id = a.check_id
    order by d.name nulls first, s.name nulls first, g.name, a.outcome_code, a.id`.execute(db);
  return result.rows;
}

export interface EarlierRecord {
  check_id: number;
  check_name: string;
  level: number;
  next_step: string;
}

/** Per outcome, the group's consensus in the latest check that opened before `before`: what the next check looks back on. */
export async function earlierConsensus(db: Db, groupId: number, before: string): Promise<Map<string, EarlierRecord>> {
  const rows = await db
    .selectFrom('consensus_records')
    .innerJoin('progress_checks', 'progress_checks.id', 'consensus_records.check_id')
    .select(['consensus_records.outcome_code', 'consensus_records.check_id', 'progress_checks.name as check_name', 'consensus_records.level', 'consensus_records.next_step'])
    .where('consensus_records.group_id', '=', groupId)
    .where('progress_checks.opens_on', '<', before)
    .orderBy('progress_checks.opens_on', 'desc')
    .orderBy('progress_checks.id', 'desc')
    .execute();
  const earlier = new Map<string, EarlierRecord>();
  for (const { outcome_code: code, ...row } of rows) if (!earlier.has(code)) earlier.set(code, row);
  return earlier;
}
