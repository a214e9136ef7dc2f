/** Requests for the hub's help: asking from a group's plan, the hub's queue (with CSV), and answering one. */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAllowed } from '../access/guard.js';
import type { RequestStatus } from '../db/schema.js';
import { requestRow, shownPerson } from '../pages/plans.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { requestQueue, type RequestWithNames } from '../repositories/assistance-requests.js';
import { findPerson } from '../repositories/people.js';
import { addDaysTo, planFor, type PlanContext } from '../services/action-plans.js';
import { answerRequest, askForHelp, decorateRequest, REQUEST_STATUSES, requestFor, type RequestContext } from '../services/assistance-requests.js';
import { findRole } from '../maps/catalog.js';
import { dayIn } from '../services/network-time.js';
import { safeCsv } from '../services/csv.js';
import { dayField, typedValues } from './action-plans.js';
import { sendCsv } from './csv.js';
import { idField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';
import { groupPath, requestPath, requestsPath, withQuery } from '../urls.js';

const idParams = z.object({ id: idField });
const optionalId = z.preprocess((value) => (value === '' ? undefined : value), idField.optional());
const TEXT_MAX = 2000;
const askForm = z.object({
  check_id: optionalId,
  outcome_code: z.string({ message: 'Choose an outcome from the list.' }).min(1, 'Choose an outcome from the list.').max(20),
  help: z.string({ message: 'Say what help you need.' }).trim().min(1, 'Say what help you need.').max(TEXT_MAX, `Keep the request to ${TEXT_MAX} characters.`),
  needed_by: dayField('the date you need help by'),
});
const statusField = z.enum(['open', 'answered', 'closed'], { message: 'Choose a status from the list: open, answered or closed.' });
const answerForm = z.object({
  version: z.coerce.number({ message: 'The form is missing its version; reload the page.' }).int().min(1),
  answer: z.string().trim().max(TEXT_MAX, `Keep the answer to ${TEXT_MAX} characters.`).default(''),
  assignee_id: optionalId,
  status: statusField,
});
const queueQuery = z.object({
  status: z.preprocess((value) => (value === '' ? undefined : value), z.enum(['open', 'answered', 'closed', 'all'], { message: 'Choose a status from the list.' }).optional()),
  format: z.enum(['csv'], { message: 'format can only be csv' }).optional(),
});
const newQuery = z.object({ check: optionalId, outcome: z.string().max(20).optional() });

const assistanceRoutes: FastifyPluginAsyncZod = async (app) => {
  async function renderAsk(reply: FastifyReply, plan: PlanContext, values: Record<string, string>, errors: FormErrors = {}) {
    return renderPage(reply, 'pages/requests/new', { csrfToken: reply.generateCsrf(), title: `Ask the hub for help: ${plan.group.name}`, nav: 'home', plan, values, errors, today: dayIn(reply.request.timeZone) });
  }

  app.get('/groups/:id/requests/new', { schema: { params: idParams, querystring: newQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const plan = await planFor(app.db, app.maps, viewer.scope, request.params.id);
    return renderAsk(reply, plan, { check_id: request.query.check === undefined ? '' : String(request.query.check), outcome_code: request.query.outcome ?? '', help: '', needed_by: addDaysTo(dayIn(request.timeZone), 21) });
  });

  app.post('/groups/:id/requests', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const plan = await planFor(app.db, app.maps, viewer.scope, request.params.id);
    const form = parseForm(askForm, request.body);
    if (!form.ok) return renderAsk(reply.code(422), plan, form.values, form.errors);
    const result = await askForHelp(app.db, viewer, plan, { checkId: form.data.check_id ?? null, outcomeCode: form.data.outcome_code, help: form.data.help, neededBy: form.data.needed_by });
    if (!result.ok) return renderAsk(reply.code(422), plan, typedValues(request.body), result.errors);
    setFlash(request, `Your request for help on ${form.data.outcome_code} went to the hub.`);
    return reply.redirect(requestPath(result.id), 303);
  });

  // ---- the hub's queue ----

  app.get('/requests', { schema: { querystring: queueQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'view', { kind: 'overview', of: 'requests' });
    const status = request.query.status ?? 'active';
    const statuses: RequestStatus[] = status === 'all' ? ['open', 'answered', 'closed'] : status === 'active' ? ['open', 'answered'] : [status];
    const rows = await requestQueue(app.db, viewer.scope, statuses);
    const map = app.maps.primary();
    const shown = rows.map((row) => decorateRequest(row, findRole(map, row.group_role_key)));
    if (request.query.format === 'csv') {
      return sendCsv(
        reply,
        'icmap-requests',
          safeCsv(
            ['id', 'district', 'site', 'group', 'outcome', 'outcome_title', 'help', 'needed_by', 'status', 'asked_by', 'asked_on', 'assigned_to', 'answer', 'answered_by'],
            shown.map((row) => [row.id, row.district_name, row.site_name, row.group_name, row.outcome_code, row.outcomeTitle, row.help, row.needed_by, row.statusLabel, row.asked_by_name, row.created_at.slice(0, 10), row.assignee_name, row.answer, row.answered_by_name]),
          ),
        );
    }
    return renderPage(reply, 'pages/requests/index', {
      title: 'Requests for help',
      nav: 'requests',
      requests: shown.map(requestRow),
      status,
      statuses: REQUEST_STATUSES,
      csvHref: withQuery(requestsPath(), { status: request.query.status, format: 'csv' }),
    });
  });

  // ---- one request ----

  async function renderRequest(reply: FastifyReply, viewer: Viewer, context: RequestContext, override: { errors?: FormErrors; values?: Record<string, string>; conflict?: RequestWithNames & { byName: string } } = {}) {
    const request = context.request;
    return renderPage(reply, 'pages/requests/show', {
      csrfToken: reply.generateCsrf(),
      title: `Request for help: ${request.outcome_code} ${request.group_name}`,
      nav: 'requests',
      canAnswer: context.canAnswer,
      assignees: context.assignees.map(shownPerson),
      request: requestRow(decorateRequest(request, context.role)),
      values: override.values ?? { answer: request.answer, assignee_id: request.assignee_id === null ? '' : String(request.assignee_id), status: request.status === 'open' ? 'answered' : request.status },
      errors: override.errors ?? {},
      conflict: override.conflict,
      statuses: REQUEST_STATUSES,
      planHref: groupPath(request.group_id, 'plan'),
      viewerId: viewer.id,
    });
  }

  app.get('/requests/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return renderRequest(reply, viewer, await requestFor(app.db, app.maps, viewer.scope, request.params.id));
  });

  app.post('/requests/:id', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await requestFor(app.db, app.maps, viewer.scope, request.params.id);
    requireAllowed(viewer.scope, 'answer', context.subject);
    const form = parseForm(answerForm, request.body);
    if (!form.ok) return renderRequest(reply.code(422), viewer, context, { errors: form.errors, values: form.values });
    const result = await answerRequest(app.db, viewer, context, { answer: form.data.answer, assigneeId: form.data.assignee_id ?? null, status: form.data.status }, form.data.version);
    if (!result.ok && 'errors' in result) return renderRequest(reply.code(422), viewer, context, { errors: result.errors, values: typedValues(request.body) });
    if (!result.ok) {
      const by = await findPerson(app.db, result.conflict.answered_by ?? result.conflict.created_by);
      return renderRequest(reply.code(409), viewer, { ...context, request: result.conflict }, { values: typedValues(request.body), conflict: { ...result.conflict, byName: by?.name ?? 'someone' } });
    }
    setFlash(request, `Request ${form.data.status === 'closed' ? 'closed' : 'saved'}.`);
    return reply.redirect(requestPath(context.request.id), 303);
  });
};

export default assistanceRoutes;
