/**
 * Page models for follow-through: a group's action plan (and its printout), planning an action, one
 * action, asking the hub for help, the hub's queue and one request.
 */
import type { ActionKind, ActionStatus, RequestStatus } from '../db/schema.js';
import type { Outcome } from '../maps/schema.js';
import type { NoteWithAuthor } from '../repositories/action-plans.js';
import type { ActionContext, PlanContext, PlanFilter, PlannedAction, PlanSection } from '../services/action-plans.js';
import type { RequestContext, ShownRequest } from '../services/assistance-requests.js';
import type { PageFrame } from './render.js';

/** The plan's actions by principle and outcome (services/action-plans.ts planSections). */
export interface PlanModel {
  sections: PlanSection[];
  shown: number;
  total: number;
  counts: Record<ActionStatus | 'overdue', number>;
}

/** A request for the hub's help, as its pages list and show it. */
export interface RequestRow {
  id: number;
  version: number;
  href: string;
  outcomeCode: string;
  outcomeTitle: string;
  groupName: string;
  /** Site and district, or "Network". */
  place: string;
  help: string;
  neededBy: string;
  /** Not closed, and past the day it was needed by. */
  late: boolean;
  status: RequestStatus;
  statusLabel: string;
  askedByName: string;
  /** YYYY-MM-DD. */
  askedOn: string;
  assigneeName: string | null;
  /** '' until the hub answers. */
  answer: string;
  answeredByName: string | null;
  /** YYYY-MM-DD, or '' before an answer. */
  answeredOn: string;
}

export function requestRow(request: ShownRequest): RequestRow {
  return {
    id: request.id,
    version: request.version,
    href: request.href,
    outcomeCode: request.outcome_code,
    outcomeTitle: request.outcomeTitle,
    groupName: request.group_name,
    place: request.place,
    help: request.help,
    neededBy: request.needed_by,
    late: request.late,
    status: request.status,
    statusLabel: request.statusLabel,
    askedByName: request.asked_by_name,
    askedOn: request.created_at.slice(0, 10),
    assigneeName: request.assignee_name,
    answer: request.answer,
    answeredByName: request.answered_by_name,
    answeredOn: (request.answered_at ?? '').slice(0, 10),
  };
}

type Choice<K> = readonly { key: K; label: string }[];

/** Values typed into an action's form; owners may be several. */
export type ActionFormValues = Record<string, string | string[]>;

export interface PlanPage extends PageFrame, PlanModel {
  plan: PlanContext;
  filter: PlanFilter;
  filtered: boolean;
  statuses: Choice<ActionStatus>;
  requests: RequestRow[];
  printHref: string;
  csvHref: string;
}

export interface PlanPrintPage extends PageFrame, PlanModel {
  plan: PlanContext;
  today: string;
}

export interface NewActionPage extends PageFrame {
  csrfToken: string;
  plan: PlanContext;
  values: ActionFormValues;
  /** The owners ticked, as strings of person ids. */
  owners: Set<string>;
  errors: Record<string, string>;
  kinds: Choice<ActionKind>;
  today: string;
  viewerId: number;
}

export interface ActionPage extends PageFrame {
  csrfToken: string;
  context: ActionContext;
  action: PlannedAction;
  outcome: Outcome | undefined;
  notes: (NoteWithAuthor & { statusLabel: string })[];
  values: ActionFormValues;
  owners: Set<string>;
  errors: Record<string, string>;
  /** Someone else saved first: their version, beside the form. */
  conflict: (PlannedAction & { byName: string }) | undefined;
  version: number;
  statuses: Choice<ActionStatus>;
  kinds: Choice<ActionKind>;
  planHref: string;
}

export interface NewRequestPage extends PageFrame {
  csrfToken: string;
  plan: PlanContext;
  values: Record<string, string>;
  errors: Record<string, string>;
  today: string;
}

export interface RequestQueuePage extends PageFrame {
  requests: RequestRow[];
  /** The status asked for: "active" (open and answered) by default. */
  status: string;
  statuses: Choice<RequestStatus>;
  csvHref: string;
}

export interface RequestPage extends PageFrame {
  csrfToken: string;
  context: RequestContext;
  request: RequestRow;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Someone else saved first (the request shown is theirs): who. */
  conflict: { byName: string } | undefined;
  statuses: Choice<RequestStatus>;
  planHref: string;
  viewerId: number;
}
