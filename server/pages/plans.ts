/**
 * Page models for follow-through: a group's action plan (and its printout), planning an action, one
 * action, asking the hub for help, the hub's queue and one request.
 */
import type { ActionKind, ActionStatus, RequestStatus } from '../db/schema.js';
import type { PrincipleWithOutcomes } from '../maps/catalog.js';
import type { Outcome } from '../maps/schema.js';
import type { PlanContext, PlanFilter, PlannedAction, PlanSection } from '../services/action-plans.js';
import { consensusOutcomePath } from '../urls.js';
import type { ShownRequest } from '../services/assistance-requests.js';
import type { PageFrame } from './render.js';

/** An action as the plan's pages show it. */
export interface ActionRow {
  id: number;
  href: string;
  what: string;
  kindLabel: string;
  ownerNames: string[];
  dueOn: string;
  overdue: boolean;
  status: ActionStatus;
  statusLabel: string;
  outcomeCode: string;
  /** The check whose consensus the action came from, linked to that outcome on its consensus page. */
  fromCheck: { name: string; href: string } | undefined;
  /** When it was last saved (ISO). */
  updatedAt: string;
}

export function actionRow(action: PlannedAction): ActionRow {
  return {
    id: action.id,
    href: action.href,
    what: action.what,
    kindLabel: action.kindLabel,
    ownerNames: action.owners.map((owner) => owner.name),
    dueOn: action.due_on,
    overdue: action.overdue,
    status: action.status,
    statusLabel: action.statusLabel,
    outcomeCode: action.outcome_code,
    fromCheck: action.check_name === null || action.check_id === null ? undefined : { name: action.check_name, href: consensusOutcomePath(action.check_id, action.group_id, action.outcome_code) },
    updatedAt: action.updated_at,
  };
}

/** A principle's outcomes that have actions, with their actions. */
export interface ActionSection {
  code: string;
  title: string;
  outcomes: { code: string; title: string; actions: ActionRow[] }[];
}

/** The plan's actions by principle and outcome, and how many there are. */
export interface PlanModel {
  sections: ActionSection[];
  shown: number;
  total: number;
  counts: Record<ActionStatus | 'overdue', number>;
}

/** services/action-plans.ts planSections()'s plan, its actions as rows. */
export function planModel(plan: { sections: PlanSection[]; shown: number; total: number; counts: Record<ActionStatus | 'overdue', number> }): PlanModel {
  return {
    ...plan,
    sections: plan.sections.map((section) => ({ ...section, outcomes: section.outcomes.map((outcome) => ({ ...outcome, actions: outcome.actions.map(actionRow) })) })),
  };
}

/** A progress note on an action. */
export interface NoteRow {
  authorName: string;
  /** YYYY-MM-DD. */
  createdOn: string;
  statusLabel: string;
  body: string;
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

/** A person a form offers: an action's possible owner, a request's possible assignee. */
export interface ShownPerson {
  id: number;
  name: string;
}

export function shownPerson(row: { person_id: number; name: string }): ShownPerson {
  return { id: row.person_id, name: row.name };
}

/** A group's plan as the action forms read it: the group, its outcomes by principle, who may own an action. */
export interface ShownPlan {
  group: { id: number; name: string };
  sections: PrincipleWithOutcomes[];
  /** Active members, who may own an action. */
  members: ShownPerson[];
  canManage: boolean;
  archived: boolean;
}

export function shownPlan(plan: Pick<PlanContext, 'group' | 'sections' | 'members' | 'canManage' | 'archived'>): ShownPlan {
  return {
    group: { id: plan.group.id, name: plan.group.name },
    sections: plan.sections,
    members: plan.members.map(shownPerson),
    canManage: plan.canManage,
    archived: plan.archived,
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
  plan: ShownPlan;
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
  plan: ShownPlan;
  /** Owner or facilitator: may change the status and add a note. */
  canUpdate: boolean;
  /** Facilitator: may change everything. */
  canEdit: boolean;
  action: ActionRow;
  outcome: Outcome | undefined;
  notes: NoteRow[];
  values: ActionFormValues;
  owners: Set<string>;
  errors: Record<string, string>;
  /** Someone else saved first: their version, beside the form. */
  conflict: (ActionRow & { byName: string }) | undefined;
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
  /** The viewer answers requests (the hub): the page shows the answer form. */
  canAnswer: boolean;
  /** Hub members the request can be assigned to. */
  assignees: ShownPerson[];
  request: RequestRow;
  values: Record<string, string>;
  errors: Record<string, string>;
  /** Someone else saved first (the request shown is theirs): who. */
  conflict: { byName: string } | undefined;
  statuses: Choice<RequestStatus>;
  planHref: string;
  viewerId: number;
}
