/** Requests for the hub's help on an outcome: asked by a group's facilitator, answered, assigned and closed by the hub. */
import { sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { AssistanceRequest, RequestStatus } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { requestVisible } from './visibility.js';

export type RequestWithNames = AssistanceRequest & {
  group_name: string;
  group_role_key: string;
  site_name: string | null;
  district_name: string | null;
  asked_by_name: string;
  assignee_name: string | null;
  answered_by_name: string | null;
};

function requestsWithNames(db: Db) {
  return db
    .selectFrom('assistance_requests')
    .innerJoin('groups', 'groups.id', 'assistance_requests.group_id')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .leftJoin('districts', (join) =>
      join.on((eb) => eb.or([eb('districts.id', '=', eb.ref('groups.district_id')), eb('districts.id', '=', eb.ref('sites.district_id'))])),
    )
    .innerJoin('people as asker', 'asker.id', 'assistance_requests.created_by')
    .leftJoin('people as assignee', 'assignee.id', 'assistance_requests.assignee_id')
    .leftJoin('people as answerer', 'answerer.id', 'assistance_requests.answered_by')
    .selectAll('assistance_requests')
    .select([
      'groups.name as group_name',
      'groups.role_key as group_role_key',
      'sites.name as site_name',
      'districts.name as district_name',
      'asker.name as asked_by_name',
      'assignee.name as assignee_name',
      'answerer.name as answered_by_name',
    ]);
}

export interface NewRequest {
  groupId: number;
  checkId: number | null;
  outcomeCode: string;
  help: string;
  neededBy: string;
  createdBy: number;
}

export async function insertRequest(db: Db, request: NewRequest): Promise<number> {
  const row = await db
    .insertInto('assistance_requests')
    .values({ group_id: request.groupId, check_id: request.checkId, outcome_code: request.outcomeCode, help: request.help, needed_by: request.neededBy, created_by: request.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findRequest(db: Db, id: number): Promise<RequestWithNames | undefined> {
  return requestsWithNames(db).where('assistance_requests.id', '=', id).executeTakeFirst();
}

export async function requestsOfGroup(db: Db, groupId: number): Promise<RequestWithNames[]> {
  return requestsWithNames(db).where('assistance_requests.group_id', '=', groupId).orderBy('assistance_requests.id', 'desc').execute();
}

/** The queue: every visible request with one of `statuses`, soonest needed first. */
export async function requestQueue(db: Db, scope: AccessScope, statuses: readonly RequestStatus[]): Promise<RequestWithNames[]> {
  if (statuses.length === 0) return [];
  return requestsWithNames(db)
    .where('assistance_requests.status', 'in', statuses)
    .where((eb) => requestVisible(eb, scope))
    .orderBy('assistance_requests.needed_by')
    .orderBy('assistance_requests.id')
    .execute();
}

export interface RequestChange {
  answer: string;
  assigneeId: number | null;
  status: RequestStatus;
  by: number;
  /** The answer text changed: the answerer and time are stamped. */
  answered: boolean;
}

/** Writes the hub's answer as version `expectedVersion + 1`, or returns false (nothing written) when someone saved first. */
export async function saveRequestVersion(db: Db, id: number, change: RequestChange, expectedVersion: number): Promise<boolean> {
  const now = isoNow();
  const result = await db
    .updateTable('assistance_requests')
    .set({
      answer: change.answer,
      assignee_id: change.assigneeId,
      status: change.status,
      version: expectedVersion + 1,
      updated_at: now,
      ...(change.answered ? { answered_by: change.by, answered_at: now } : {}),
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Active members of the network's hub team groups: the people a request can be assigned to. */
export async function hubMembers(db: Db): Promise<{ person_id: number; name: string }[]> {
  return db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .innerJoin('people', 'people.id', 'group_members.person_id')
    .select(['people.id as person_id', 'people.name'])
    .where('groups.role_key', '=', 'hub-team')
    .where('groups.archived_at', 'is', null)
    .where('people.archived_at', 'is', null)
    // One row per person (grouped, not distinct: PostgreSQL orders a distinct list only by what it selects).
    .groupBy(['people.id', 'people.name'])
    .orderBy(sql`people.name collate nocase`)
    .execute();
}
