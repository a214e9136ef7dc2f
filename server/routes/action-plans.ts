/** A group's action plan: the plan page (filters, print, CSV), planning an action from a next step, and moving an action on. */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionRow, planModel, requestRow, shownPlan } from '../pages/plans.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { actionsOfGroup, allActionsForExport, notesOf, type ActionWithOwners } from '../repositories/action-plans.js';
import { requireAllowed } from '../access/guard.js';
import { requestsOfGroup } from '../repositories/assistance-requests.js';
import { findConsensus } from '../repositories/consensus.js';
import { findPerson } from '../repositories/people.js';
import {
  ACTION_KINDS,
  ACTION_STATUSES,
  actionFor,
  assertMayUpdate,
  addDaysTo,
  createAction,
  decorateAction,
  isOverdue,
  kindLabel,
  planFor,
  planSections,
  statusLabel,
  updateAction,
  type ActionContext,
  type ActionUpdateInput,
  type PlanContext,
} from '../services/action-plans.js';
import { decorateRequest } from '../services/assistance-requests.js';
import { dayIn } from '../services/network-time.js';
import { safeCsv } from '../services/csv.js';
import { sendCsv } from './csv.js';
import { checkboxField, idField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';
import { actionPath, consensusOutcomePath, groupPath, planOutcomePath, withQuery } from '../urls.js';

const groupParams = z.object({ id: idField });
const TEXT_MAX = 1000;
const statusField = z.enum(['planned', 'in-progress', 'done', 'dropped'], { message: 'Choose a status from the list: planned, in progress, done or dropped.' });
const kindField = z.enum(['learn', 'pdsa', 'adapt'], { message: 'Choose the kind of next step from the list.' });
/** A real calendar day as YYYY-MM-DD (what a date input sends). */
export const dayField = (what: string) =>
  z
    .string({ message: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter ${what} as a date, like 2026-05-01.`)
    .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), `Enter ${what} as a real calendar date.`);
const ownersField = z
  .union([z.string(), z.array(z.string())], { message: 'Choose at least one person responsible.' })
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  .pipe(z.array(z.string().regex(/^\d{1,15}$/, 'Choose owners from the list.').transform(Number)));
const whatField = z
  .string({ message: 'Say what will be done.' })
  .trim()
  .min(1, 'Say what will be done.')
  .max(TEXT_MAX, `Keep what will be done to ${TEXT_MAX} characters.`);
const noteField = z.string().trim().max(TEXT_MAX, `Keep the progress note to ${TEXT_MAX} characters.`).default('');
const optionalId = z.preprocess((value) => (value === '' ? undefined : value), idField.optional());

const createForm = z.object({
  check_id: optionalId,
  outcome_code: z.string({ message: 'Choose an outcome from the list.' }).min(1, 'Choose an outcome from the list.').max(20),
  what: whatField,
  kind: kindField,
  due_on: dayField('a due date'),
  owners: ownersField,
  return_to: z.enum(['plan', 'consensus']).default('plan'),
});
const ownerUpdateForm = z.object({
  version: z.coerce.number({ message: 'The form is missing its version; reload the page.' }).int().min(1),
  status: statusField,
  note: noteField,
});
const fullUpdateForm = ownerUpdateForm.extend({ what: whatField, kind: kindField, due_on: dayField('a due date'), owners: ownersField });

const planQuery = z.object({
  mine: checkboxField,
  overdue: checkboxField,
  status: z.preprocess((value) => (value === '' ? undefined : value), statusField.optional()),
  format: z.enum(['csv'], { message: 'format can only be csv' }).optional(),
});
const newActionQuery = z.object({ check: optionalId, outcome: z.string().max(20).optional() });

/** What the person typed, to put back into the form after a refusal (never the CSRF token). */
export function typedValues(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== '_csrf'));
}

const ownerNames = (action: ActionWithOwners): string => action.owners.map((owner) => owner.name).join('; ');

const actionPlanRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/groups/:id/plan', { schema: { params: groupParams, querystring: planQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const plan = await planFor(app.db, app.maps, viewer.scope, request.params.id);
    const today = dayIn(request.timeZone);
    const [actions, requests] = await Promise.all([actionsOfGroup(app.db, plan.group.id), requestsOfGroup(app.db, plan.group.id)]);
    const query = request.query;
    if (query.format === 'csv') {
      const title = new Map(plan.role.outcomes.map((outcome) => [outcome.code, outcome.title]));
      const notes = await notesOf(app.db, actions.map((action) => action.id));
      return sendCsv(
        reply,
        `icmap-plan-group-${plan.group.id}`,
        safeCsv(
          ['outcome', 'outcome_title', 'what', 'kind', 'owners', 'due_on', 'status', 'overdue', 'from_check', 'progress_notes'],
          actions.map((action) => [
            action.outcome_code,
            title.get(action.outcome_code) ?? '',
            action.what,
            kindLabel(action.kind),
            ownerNames(action),
            action.due_on,
            statusLabel(action.status),
            decorateAction(action, viewer.id, today).overdue ? 'yes' : '',
            action.check_name,
            notes
              .filter((note) => note.action_id === action.id)
              .reverse()
              .map((note) => `${note.created_at.slice(0, 10)} ${note.author_name}: ${note.body}`)
              .join(' | '),
          ]),
        ),
      );
    }
    const filter = { mine: query.mine, overdue: query.overdue, status: query.status };
    const model = planModel(planSections(plan, actions, filter, viewer.id, today));
    const filtered = filter.mine || filter.overdue || filter.status !== undefined;
    return renderPage(reply, 'pages/plans/show', {
      title: `Action plan: ${plan.group.name}`,
      nav: 'home',
      plan,
      ...model,
      filter,
      filtered,
      statuses: ACTION_STATUSES,
      requests: requests.map((entry) => requestRow(decorateRequest(entry, plan.role))),
      printHref: groupPath(plan.group.id, 'plan/print'),
      csvHref: withQuery(groupPath(plan.group.id, 'plan'), { format: 'csv' }),
    });
  });

  app.get('/groups/:id/plan/print', { schema: { params: groupParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const plan = await planFor(app.db, app.maps, viewer.scope, request.params.id);
    const actions = (await actionsOfGroup(app.db, plan.group.id)).filter((action) => action.status !== 'dropped');
    const model = planModel(planSections(plan, actions, { mine: false, overdue: false, status: undefined }, viewer.id));
    return renderPage(reply, 'pages/plans/print', { title: `Action plan: ${plan.group.name}`, nav: 'home', bodyClass: 'print-sheet', plan, ...model, today: dayIn(request.timeZone) });
  });

  // ---- planning an action ----

  async function renderNew(reply: FastifyReply, viewer: Viewer, plan: PlanContext, values: Record<string, string | string[]>, errors: FormErrors = {}) {
    return renderPage(reply, 'pages/plans/new-action', {
      csrfToken: reply.generateCsrf(),
      title: `Plan an action: ${plan.group.name}`,
      nav: 'home',
      plan: shownPlan(plan),
      values,
      owners: new Set((Array.isArray(values.owners) ? values.owners : values.owners === undefined ? [] : [values.owners]).map(String)),
      errors,
      kinds: ACTION_KINDS,
      today: dayIn(reply.request.timeZone),
      viewerId: viewer.id,
    });
  }

  app.get('/groups/:id/actions/new', { schema: { params: groupParams, querystring: newActionQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const plan = await planFor(app.db, app.maps, viewer.scope, request.params.id);
    const { check, outcome } = request.query;
    // The next step agreed for this outcome in that check is the action's first draft.
    const record = check === undefined || outcome === undefined ? undefined : await findConsensus(app.db, check, plan.group.id, outcome);
    return renderNew(reply, viewer, plan, {
      check_id: record === undefined ? '' : String(check),
      outcome_code: outcome ?? '',
      what: record?.next_step ?? '',
      kind: 'pdsa',
      due_on: addDaysTo(dayIn(request.timeZone), 28),
      return_to: record === undefined ? 'plan' : 'consensus',
    });
  });

  app.post('/groups/:id/actions', { schema: { params: groupParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const plan = await planFor(app.db, app.maps, viewer.scope, request.params.id);
    const body = (request.body ?? {}) as Record<string, string | string[]>;
    const form = parseForm(createForm, request.body);
    if (!form.ok) return renderNew(reply.code(422), viewer, plan, { ...form.values, owners: body.owners ?? [] }, form.errors);
    const input = { checkId: form.data.check_id ?? null, outcomeCode: form.data.outcome_code, what: form.data.what, kind: form.data.kind, dueOn: form.data.due_on, ownerIds: form.data.owners };
    const result = await createAction(app.db, viewer, plan, input);
    if (!result.ok) return renderNew(reply.code(422), viewer, plan, { ...typedValues(body), owners: body.owners ?? [] }, result.errors);
    setFlash(request, `Action added to ${plan.group.name}'s plan for ${form.data.outcome_code}.`);
    const back =
      form.data.return_to === 'consensus' && form.data.check_id !== undefined
        ? consensusOutcomePath(form.data.check_id, plan.group.id, form.data.outcome_code)
        : planOutcomePath(plan.group.id, form.data.outcome_code);
    return reply.redirect(back, 303);
  });

  // ---- one action ----

  interface Override {
    errors?: FormErrors;
    values?: Record<string, string | string[]>;
    conflict?: ActionWithOwners & { byName: string };
  }

  async function renderAction(reply: FastifyReply, viewer: Viewer, context: ActionContext, override: Override = {}) {
    const { action, plan } = context;
    const notes = await notesOf(app.db, [action.id]);
    const outcome = plan.role.outcomes.find((candidate) => candidate.code === action.outcome_code);
    const values = override.values ?? {
      status: action.status,
      what: action.what,
      kind: action.kind,
      due_on: action.due_on,
      owners: action.owners.map((owner) => String(owner.person_id)),
      note: '',
    };
    const owners = new Set((Array.isArray(values.owners) ? values.owners : values.owners === undefined ? [] : [values.owners]).map(String));
    return renderPage(reply, 'pages/plans/action', {
      csrfToken: reply.generateCsrf(),
      title: `Action: ${action.outcome_code} ${plan.group.name}`,
      nav: 'home',
      plan: shownPlan(plan),
      canUpdate: context.canUpdate,
      canEdit: context.canEdit,
      action: actionRow(decorateAction(action, viewer.id)),
      outcome,
      notes: notes.map((note) => ({ authorName: note.author_name, createdOn: note.created_at.slice(0, 10), statusLabel: statusLabel(note.status), body: note.body })),
      values,
      owners,
      errors: override.errors ?? {},
      conflict: override.conflict === undefined ? undefined : { ...actionRow(decorateAction(override.conflict, viewer.id)), byName: override.conflict.byName },
      version: override.conflict?.version ?? action.version,
      statuses: ACTION_STATUSES,
      kinds: ACTION_KINDS,
      planHref: groupPath(plan.group.id, 'plan'),
    });
  }

  app.get('/actions/:id', { schema: { params: groupParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return renderAction(reply, viewer, await actionFor(app.db, app.maps, viewer.scope, request.params.id));
  });

  app.post('/actions/:id', { schema: { params: groupParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await actionFor(app.db, app.maps, viewer.scope, request.params.id);
    const body = (request.body ?? {}) as Record<string, string | string[]>;
    const submitted = { ...typedValues(body), owners: body.owners ?? [] };
    // What the person may not do at all is refused before the form is read: a bad form from them is still a refusal.
    assertMayUpdate(context);
    let input: ActionUpdateInput;
    let version: number;
    if (context.canEdit) {
      const form = parseForm(fullUpdateForm, request.body);
      if (!form.ok) return renderAction(reply.code(422), viewer, context, { errors: form.errors, values: submitted });
      const data = form.data;
      input = { status: data.status, note: data.note, what: data.what, kind: data.kind, dueOn: data.due_on, ownerIds: data.owners };
      version = data.version;
    } else {
      const form = parseForm(ownerUpdateForm, request.body);
      if (!form.ok) return renderAction(reply.code(422), viewer, context, { errors: form.errors, values: submitted });
      input = { status: form.data.status, note: form.data.note };
      version = form.data.version;
    }
    const result = await updateAction(app.db, viewer, context, input, version);
    if (!result.ok && 'errors' in result) return renderAction(reply.code(422), viewer, context, { errors: result.errors, values: submitted });
    if (!result.ok) {
      const by = await findPerson(app.db, result.conflict.updated_by);
      return renderAction(reply.code(409), viewer, { ...context, action: result.conflict }, { values: submitted, conflict: { ...result.conflict, byName: by?.name ?? 'someone' } });
    }
    setFlash(request, `Action saved: ${statusLabel(input.status).toLowerCase()}${input.note === '' ? '' : ', with your note'}.`);
    return reply.redirect(actionPath(context.action.id), 303);
  });
};

/** GET /admin/export-actions.csv: every action in the network with its owners and note count, beside the full export. */
export const actionExportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/admin/export-actions.csv', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'export', { kind: 'administration' });
    const rows = await allActionsForExport(app.db);
    const today = dayIn(request.timeZone);
    return sendCsv(
      reply.header('cache-control', 'no-store'),
      'icmap-actions',
      safeCsv(
        ['action', 'district', 'site', 'group', 'from_check', 'outcome', 'what', 'kind', 'owners', 'due_on', 'status', 'overdue', 'progress_notes', 'updated_at'],
        rows.map((row) => [row.action_id, row.district_name, row.site_name, row.group_name, row.check_name, row.outcome_code, row.what, kindLabel(row.kind), row.owners, row.due_on, statusLabel(row.status), isOverdue(row, today) ? 'yes' : '', row.notes, row.updated_at]),
      ),
    );
  });
};

export default actionPlanRoutes;
