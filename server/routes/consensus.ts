/** A group's consensus for a check: reveal, the spread per outcome, recording the agreed level, and meeting mode. */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAllowed } from '../access/guard.js';
import { CheckNotOpenError, NotFoundError } from '../errors.js';
import { findOutcome } from '../maps/catalog.js';
import type { Outcome } from '../maps/schema.js';
import {
  CONSENSUS_TEXT_MAX,
  consensusPage,
  consensusPath,
  meetingPage,
  meetingPath,
  namedViewPage,
  nextInMeeting,
  type ConsensusPageErrors,
  type MeetingOrder,
  type OutcomeOverride,
} from '../pages/consensus.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { findPerson } from '../repositories/people.js';
import { checkGroupFor, checkGroupSubject, type CheckGroupContext } from '../services/check-access.js';
import { consensusAccessFor, draftedNextStep, namedViewRefusal, recordConsensus, revealPlacements, setNamedView } from '../services/consensus.js';
import { checkState } from '../services/progress-checks.js';
import { consensusOutcomePath } from '../urls.js';
import { checkboxField, idField } from './fields.js';
import { parseForm } from './forms.js';

const params = z.object({ id: idField, groupId: idField });
const outcomeParams = params.extend({ code: z.string().min(1).max(20) });
const orderField = z.enum(['map', 'triage'], { message: 'order is map or triage' }).default('map');
const meetingQuery = z.object({ outcome: z.string().max(20).optional(), order: orderField });
const TEXT_MAX = CONSENSUS_TEXT_MAX;
// Over the limit is refused with the length, never cut: the form comes back with the text in it.
const textField = (what: string) =>
  z
    .string()
    // Browsers send a textarea's line breaks as CR LF but count them as one character: count as they do.
    .transform((text) => text.replace(/\r\n?/g, '\n'))
    .pipe(z.string().trim().max(TEXT_MAX, { error: (issue) => `The ${what} is ${typeof issue.input === 'string' ? issue.input.length.toLocaleString('en-US') : 'too many'} characters; keep it to ${TEXT_MAX.toLocaleString('en-US')}.` }))
    .default('');
const recordForm = (levelCount: number) =>
  z.object({
    level: z.coerce
      .number({ message: 'Choose the agreed level.' })
      .int('Choose the agreed level.')
      .min(1, 'Choose the agreed level.')
      .max(levelCount, 'Choose the agreed level.'),
    rationale: textField('rationale'),
    dissent: textField('dissent'),
    next_step: textField('next step'),
    version: z.coerce.number({ message: 'The form is missing its version; reload the page.' }).int().min(0),
  });
const namedViewForm = z.object({ shows_names: checkboxField, confirm: checkboxField });
const revealForm = z.object({ confirm: checkboxField });

const consensusRoutes: FastifyPluginAsyncZod = async (app) => {
  const sources = { db: app.db, minGroupSize: app.config.minGroupSize };

  async function renderConsensus(reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, override?: OutcomeOverride, pageErrors: ConsensusPageErrors = {}) {
    return renderPage(reply, 'pages/consensus/show', await consensusPage(sources, viewer, context, override, pageErrors));
  }

  async function renderMeeting(reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, code: string | undefined, order: MeetingOrder, override?: OutcomeOverride) {
    return renderPage(reply, 'pages/consensus/meeting', await meetingPage(sources, viewer, context, code, order, override));
  }

  async function renderNamedView(reply: FastifyReply, context: CheckGroupContext, error?: string) {
    return renderPage(reply, 'pages/consensus/named-view', await namedViewPage(app.db, context, error));
  }

  /** The group's part in the check, for someone who may facilitate it (404 or 403 otherwise). */
  async function facilitatedCheckGroup(viewer: Viewer, checkId: number, groupId: number): Promise<CheckGroupContext> {
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, checkId, groupId);
    requireAllowed(viewer.scope, 'facilitate', checkGroupSubject(context));
    return context;
  }

  app.get('/checks/:id/groups/:groupId/consensus', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return renderConsensus(reply, viewer, await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId));
  });

  app.get('/checks/:id/groups/:groupId/consensus/meeting', { schema: { params, querystring: meetingQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    return renderMeeting(reply, viewer, context, request.query.outcome, request.query.order);
  });

  app.post('/checks/:id/groups/:groupId/consensus/reveal', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await facilitatedCheckGroup(viewer, request.params.id, request.params.groupId);
    const form = parseForm(revealForm, request.body);
    if (!form.ok) return renderConsensus(reply.code(422), viewer, context, undefined, { reveal: Object.values(form.errors)[0] });
    const counts = await consensusAccessFor(app.db, viewer.scope, context, app.config.minGroupSize);
    const revealed = await revealPlacements(app.db, viewer.id, context, counts, form.data.confirm);
    if (!revealed.ok) return renderConsensus(reply.code(422), viewer, context, undefined, { reveal: revealed.refusal });
    setFlash(request, 'Placements revealed to the group.');
    return reply.redirect(consensusPath(context), 303);
  });

  app.get('/checks/:id/groups/:groupId/consensus/named-view', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return renderNamedView(reply, await facilitatedCheckGroup(viewer, request.params.id, request.params.groupId));
  });

  app.post('/checks/:id/groups/:groupId/consensus/named-view', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await facilitatedCheckGroup(viewer, request.params.id, request.params.groupId);
    const form = parseForm(namedViewForm, request.body);
    if (!form.ok) return renderNamedView(reply.code(422), context, Object.values(form.errors)[0]);
    const on = form.data.shows_names;
    if (on) {
      if ((await namedViewRefusal(app.db, context)) !== undefined) return renderNamedView(reply.code(409), context);
      if (!form.data.confirm) return renderNamedView(reply.code(422), context, 'Tick the box to confirm that the group agreed to show names in this check.');
    }
    await setNamedView(app.db, viewer.id, context, on);
    setFlash(request, on ? 'Names are now visible to the group in this check only.' : 'The spread is anonymous in this check.');
    return reply.redirect(consensusPath(context), 303);
  });

  app.post('/checks/:id/groups/:groupId/consensus/:code', { schema: { params: outcomeParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await facilitatedCheckGroup(viewer, request.params.id, request.params.groupId);
    if (checkState(context.check, context.today) !== 'open') throw new CheckNotOpenError('consensus');
    const outcome: Outcome | undefined = findOutcome(context.role, request.params.code);
    if (outcome === undefined) throw new NotFoundError(`The ${context.role.name} map has no outcome "${request.params.code}".`, { backHref: consensusPath(context), backLabel: 'Back to the consensus' });
    const body = request.body as { meeting?: unknown; order?: unknown } | undefined;
    const inMeeting = body?.meeting === '1';
    const order: MeetingOrder = body?.order === 'triage' ? 'triage' : 'map';
    const rerender = (status: number, override: OutcomeOverride) =>
      inMeeting ? renderMeeting(reply.code(status), viewer, context, outcome.code, order, override) : renderConsensus(reply.code(status), viewer, context, override);
    const form = parseForm(recordForm(context.map.levels.length), request.body);
    if (!form.ok) return rerender(422, { code: outcome.code, errors: form.errors, values: form.values });
    const result = await recordConsensus(
      app.db,
      {
        checkId: context.check.id,
        groupId: context.group.id,
        outcomeCode: outcome.code,
        level: form.data.level,
        rationale: form.data.rationale,
        dissent: form.data.dissent,
        // An untouched draft (or none) follows the level being saved, with or without JavaScript.
        nextStep: draftedNextStep(context.map, outcome, form.data.level, form.data.next_step),
        recordedBy: viewer.id,
      },
      form.data.version,
    );
    if (!result.ok) {
      const by = await findPerson(app.db, result.current.updated_by);
      return rerender(409, {
        code: outcome.code,
        values: { level: String(form.data.level), rationale: form.data.rationale, dissent: form.data.dissent, next_step: form.data.next_step },
        conflict: { ...result.current, byName: by?.name ?? 'someone', at: result.current.updated_at },
        version: result.current.version,
      });
    }
    if (!inMeeting) {
      setFlash(request, `Consensus for ${outcome.code} saved.`);
      return reply.redirect(consensusOutcomePath(context.check.id, context.group.id, outcome.code), 303);
    }
    // In a meeting, saving moves on to the next outcome in the meeting's order (the last one stays).
    const next = await nextInMeeting(sources, viewer, context, outcome.code, order);
    setFlash(request, next === undefined ? `Consensus for ${outcome.code} saved. That was the last outcome.` : `Consensus for ${outcome.code} saved. Now ${next.code}.`);
    return reply.redirect(meetingPath(context, next?.code ?? outcome.code, order), 303);
  });
};

export default consensusRoutes;
