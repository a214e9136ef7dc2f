/**
 * "Needs for assistance" as requests: a group's facilitator asks the hub for help on an outcome (what
 * help, by when); the hub answers, assigns one of its members and closes it; the group sees the answer.
 */
import type { Kysely } from 'kysely';
import { may, type Subject } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { Database, RequestStatus } from '../db/schema.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { MapCatalog } from '../maps/catalog.js';
import type { Role } from '../maps/schema.js';
import { recordAudit } from '../repositories/audit.js';
import { findGroup } from '../repositories/organisation.js';
import { findGroupInCheck } from '../repositories/progress-checks.js';
import { findRequest, hubMembers, insertRequest, saveRequestVersion, type RequestWithNames } from '../repositories/assistance-requests.js';
import type { Db } from '../db/types.js';
import { planMap, refuseArchived, type FieldErrors, type PlanContext } from './action-plans.js';
import { todayUtc } from './progress-checks.js';
import { requestPath } from '../urls.js';

export const REQUEST_STATUSES: readonly { key: RequestStatus; label: string }[] = [
  { key: 'open', label: 'Open' },
  { key: 'answered', label: 'Answered' },
  { key: 'closed', label: 'Closed' },
];
export const requestStatusLabel = (status: string): string => REQUEST_STATUSES.find((entry) => entry.key === status)?.label ?? status;

export type ShownRequest = RequestWithNames & { statusLabel: string; outcomeTitle: string; href: string; place: string; late: boolean };

export function decorateRequest(request: RequestWithNames, role: Role | undefined, today = todayUtc()): ShownRequest {
  return {
    ...request,
    statusLabel: requestStatusLabel(request.status),
    outcomeTitle: role?.outcomes.find((outcome) => outcome.code === request.outcome_code)?.title ?? '',
    href: requestPath(request.id),
    place: [request.site_name, request.district_name].filter((part) => part !== null).join(', ') || 'Network',
    late: request.status !== 'closed' && request.needed_by < today,
  };
}

export interface NewRequestInput {
  checkId: number | null;
  outcomeCode: string;
  help: string;
  neededBy: string;
}

export type AskResult = { ok: true; id: number } | { ok: false; errors: FieldErrors };

/** A facilitator asks the hub for help, or is told which fields are wrong; nothing is written then. */
export async function askForHelp(db: Kysely<Database>, actor: { id: number }, plan: PlanContext, input: NewRequestInput, today = todayUtc()): Promise<AskResult> {
  refuseArchived(plan.group);
  if (!plan.canAsk) throw new ForbiddenError();
  const errors: FieldErrors = {};
  if (!plan.role.outcomes.some((outcome) => outcome.code === input.outcomeCode)) errors.outcome_code = 'Choose an outcome from the list.';
  if (input.neededBy < today) errors.needed_by = `Choose a date from today (${today}) on; ${input.neededBy} has passed.`;
  if (input.checkId !== null && (await findGroupInCheck(db, input.checkId, plan.group.id))?.checkGroup === undefined) {
    errors.check_id = 'That progress check does not include this group.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const id = await db.transaction().execute(async (trx) => {
    const created = await insertRequest(trx, { ...input, groupId: plan.group.id, createdBy: actor.id });
    await recordAudit(trx, { actorId: actor.id, action: 'request.create', subject: `request:${created}`, detail: { groupId: plan.group.id, outcome: input.outcomeCode } });
    return created;
  });
  return { ok: true, id };
}

export interface RequestContext {
  request: RequestWithNames;
  role: Role | undefined;
  /** The request as the policy sees it (access/policy.ts). */
  subject: Subject;
  canAnswer: boolean;
  /** Hub members a request can be assigned to (only loaded for those who answer). */
  assignees: { person_id: number; name: string }[];
}

export async function requestFor(db: Db, catalog: MapCatalog, scope: AccessScope, id: number): Promise<RequestContext> {
  const request = await findRequest(db, id);
  const group = request === undefined ? undefined : await findGroup(db, request.group_id);
  if (request === undefined || group === undefined || !may(scope, 'view', { kind: 'request', groupId: group.id, place: group.place })) {
    throw new NotFoundError(`There is no request for help number ${id} in your part of the network.`);
  }
  const subject: Subject = { kind: 'request', groupId: group.id, place: group.place };
  const canAnswer = may(scope, 'answer', subject);
  return { request, role: planMap(catalog, group).role, subject, canAnswer, assignees: canAnswer ? await hubMembers(db) : [] };
}

export interface AnswerInput {
  answer: string;
  assigneeId: number | null;
  status: RequestStatus;
}

export type AnswerResult = { ok: true } | { ok: false; errors: FieldErrors } | { ok: false; conflict: RequestWithNames };

/** The hub answers, assigns and closes a request unless someone saved it first. */
export async function answerRequest(db: Kysely<Database>, actor: { id: number }, context: RequestContext, input: AnswerInput, expectedVersion: number): Promise<AnswerResult> {
  if (!context.canAnswer) throw new ForbiddenError();
  const errors: FieldErrors = {};
  if (input.assigneeId !== null && !context.assignees.some((member) => member.person_id === input.assigneeId)) {
    errors.assignee_id = 'Assign the request to an active member of the hub team, from the list.';
  }
  if (input.status === 'answered' && input.answer === '') errors.answer = 'Write the answer before marking the request answered.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const answered = input.answer !== context.request.answer;
  return db.transaction().execute(async (trx) => {
    const change = { ...input, by: actor.id, answered };
    if (!(await saveRequestVersion(trx, context.request.id, change, expectedVersion))) {
      const current = await findRequest(trx, context.request.id);
      if (current === undefined) throw new Error(`request ${context.request.id} vanished during a save`);
      return { ok: false, conflict: current } as const;
    }
    await recordAudit(trx, { actorId: actor.id, action: 'request.answer', subject: `request:${context.request.id}`, detail: { status: input.status, assigneeId: input.assigneeId } });
    return { ok: true } as const;
  });
}
