/** A group's consensus for a check: reveal, the spread per outcome, recording the agreed level, and meeting mode. */
import { requireAllowed } from '../access/guard.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CheckNotOpenError, NotFoundError } from '../errors.js';
import { placementStrip } from '../charts/placement-strip.js';
import { findOutcome, levelName } from '../maps/catalog.js';
import { compareLevels } from '../maps/level-changes.js';
import type { Outcome } from '../maps/schema.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { recordAudit } from '../repositories/audit.js';
import { consensusForGroup, consensusRevisions } from '../repositories/consensus.js';
import { findPerson } from '../repositories/people.js';
import { revealCheckGroup, setCheckGroupShowsNames } from '../repositories/progress-checks.js';
import { countSubmitted, submittedPlacements } from '../repositories/self-assessments.js';
import { checkGroupFor, checkGroupSubject, type CheckGroupContext } from '../services/check-access.js';
import { consensusAccessFor, draftedNextStep, recordConsensus, spreadFor, suggestNextStep, triageOrder, type OutcomeSpread } from '../services/consensus.js';
import { checkState } from '../services/progress-checks.js';
import { followThroughFor } from '../services/action-plans.js';
import { checkboxField, idField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';

const params = z.object({ id: idField, groupId: idField });
const outcomeParams = params.extend({ code: z.string().min(1).max(20) });
const orderField = z.enum(['map', 'triage'], { message: 'order is map or triage' }).default('map');
const meetingQuery = z.object({ outcome: z.string().max(20).optional(), order: orderField });
type MeetingOrder = z.output<typeof orderField>;
const TEXT_MAX = 2000;
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

interface OutcomeOverride {
  code: string;
  errors?: FormErrors;
  values?: Record<string, string>;
  conflict?: { level: number; rationale: string; dissent: string; next_step: string; byName: string; at: string };
  version?: number;
}

interface PageErrors {
  reveal?: string;
}

const consensusRoutes: FastifyPluginAsyncZod = async (app) => {
  const base = (context: CheckGroupContext): string => `/checks/${context.check.id}/groups/${context.group.id}/consensus`;

  /** An outcome's placement strip, drawn for the page (small) or for meeting mode's projector (large). */
  const stripOf = (context: CheckGroupContext, outcome: Outcome, spread: OutcomeSpread, showNames: boolean, large: boolean) =>
    placementStrip({ outcomeCode: outcome.code, ...spread, showNames, large, levelLabel: (level) => levelName(context.map, level) });

  /** Everything the consensus page and meeting mode show, loaded only as far as the privacy rules allow. */
  async function consensusModel(viewer: Viewer, context: CheckGroupContext, override?: OutcomeOverride) {
    const { check, group, map, role } = context;
    const { access, submitted, members } = await consensusAccessFor(app.db, viewer.scope, context, app.config.minGroupSize);
    const open = checkState(check, context.today) === 'open';
    const [placements, records, revisions] = await Promise.all([
      access.showSpread ? submittedPlacements(app.db, check.id, group.id, access.showNames) : [],
      access.showRecords ? consensusForGroup(app.db, check.id, group.id) : [],
      access.showRecords ? consensusRevisions(app.db, check.id, group.id) : [],
    ]);
    const recordByCode = new Map(records.map((record) => [record.outcome_code, record]));
    const outcomes = role.outcomes.map((outcome) => {
      const spread = access.showSpread ? spreadFor(placements, outcome.code, map.levels.length, viewer.id) : undefined;
      const record = recordByCode.get(outcome.code);
      const low = spread?.min ?? null;
      const high = spread?.max ?? null;
      // "What separates Level 2 from Level 4": the two furthest placements, the lower level's words against the higher's.
      const disputed =
        low !== null && high !== null && high > low
          ? { ...compareLevels(outcome, high, low), fromName: levelName(map, high), toName: levelName(map, low) }
          : undefined;
      const mine = override?.code === outcome.code ? override : undefined;
      return {
        outcome,
        spread,
        strip: spread === undefined ? undefined : stripOf(context, outcome, spread, access.showNames, false),
        record,
        disputed,
        // One draft per level, so the page can put in the draft when the facilitator picks a level; none before.
        suggestions: map.levels.map((level) => suggestNextStep(map, outcome, level.level)),
        revisions: revisions.filter((revision) => revision.outcome_code === outcome.code),
        errors: mine?.errors ?? {},
        values: mine?.values,
        conflict: mine?.conflict,
        version: mine?.version ?? record?.version ?? 0,
      };
    });
    const triage = triageOrder(outcomes);
    return {
      context,
      base: base(context),
      access,
      submitted,
      memberCount: members,
      notSubmitted: Math.max(0, members - submitted),
      revealedAt: context.checkGroup.revealed_at,
      open,
      outcomes,
      discussFirst: triage.filter((entry) => entry.spread?.discussFirst === true),
      triage,
      recorded: records.length,
      followThrough: await followThroughFor(app.db, viewer.scope, context, viewer.id),
      pageErrors: {} as PageErrors,
      textMax: TEXT_MAX,
    };
  }

  async function renderConsensus(request: FastifyRequest, reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, override?: OutcomeOverride, pageErrors: PageErrors = {}) {
    const model = await consensusModel(viewer, context, override);
    return reply.view('pages/consensus/show', { title: `Consensus: ${context.group.name} — ${context.check.name}`, nav: 'home', ...model, pageErrors, focus: override?.code });
  }

  /** The outcomes in the meeting's order: the map's, or furthest apart first. */
  const inOrder = <T extends { outcome: Outcome }>(model: { outcomes: T[]; triage: T[] }, order: MeetingOrder): T[] => (order === 'triage' ? model.triage : model.outcomes);
  const meetingHref = (context: CheckGroupContext, code: string, order: MeetingOrder): string =>
    `${base(context)}/meeting?outcome=${encodeURIComponent(code)}${order === 'triage' ? '&order=triage' : ''}`;

  async function renderMeeting(reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, code: string | undefined, order: MeetingOrder, override?: OutcomeOverride) {
    const model = await consensusModel(viewer, context, override);
    const sequence = inOrder(model, order);
    const index = code === undefined ? 0 : sequence.findIndex((entry) => entry.outcome.code === code);
    const current = sequence[index];
    if (current === undefined) throw new NotFoundError(`The ${context.role.name} map has no outcome "${code ?? ''}".`, { backHref: `${model.base}/meeting`, backLabel: 'Start the meeting at the first outcome' });
    const previous = sequence[index - 1]?.outcome;
    const next = sequence[index + 1]?.outcome;
    return reply.view('pages/consensus/meeting', {
      title: `${current.outcome.code} ${current.outcome.title} — meeting`,
      nav: 'home',
      ...model,
      current,
      currentStrip: current.spread === undefined ? undefined : stripOf(context, current.outcome, current.spread, model.access.showNames, true),
      order,
      previous: previous && { code: previous.code, title: previous.title, href: meetingHref(context, previous.code, order) },
      next: next && { code: next.code, title: next.title, href: meetingHref(context, next.code, order) },
      otherOrderHref: meetingHref(context, current.outcome.code, order === 'triage' ? 'map' : 'triage'),
      position: index + 1,
    });
  }

  app.get('/checks/:id/groups/:groupId/consensus', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return renderConsensus(request, reply, viewer, await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId));
  });

  app.get('/checks/:id/groups/:groupId/consensus/meeting', { schema: { params, querystring: meetingQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    return renderMeeting(reply, viewer, context, request.query.outcome, request.query.order);
  });

  function requireFacilitator(viewer: Viewer, context: CheckGroupContext): void {
    requireAllowed(viewer.scope, 'facilitate', checkGroupSubject(context));
  }

  app.post('/checks/:id/groups/:groupId/consensus/reveal', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    const form = parseForm(revealForm, request.body);
    if (!form.ok) return renderConsensus(request, reply.code(422), viewer, context, undefined, { reveal: Object.values(form.errors)[0] });
    if (context.checkGroup.revealed_at === null) {
      // Revealing with members missing is allowed, but only knowingly: their placements will not be in the spread.
      const { submitted, members } = await consensusAccessFor(app.db, viewer.scope, context, app.config.minGroupSize);
      const missing = Math.max(0, members - submitted);
      if (missing > 0 && !form.data.confirm) {
        return renderConsensus(request, reply.code(422), viewer, context, undefined, {
          reveal: `${missing} of ${members} members ${missing === 1 ? 'has' : 'have'} not submitted yet. Tick the box to reveal anyway, or wait for them.`,
        });
      }
      await app.db.transaction().execute(async (trx) => {
        await revealCheckGroup(trx, context.check.id, context.group.id, viewer.id);
        await recordAudit(trx, { actorId: viewer.id, action: 'consensus.reveal', subject: `group:${context.group.id}`, detail: { checkId: context.check.id, submitted, members } });
      });
    }
    setFlash(request, 'Placements revealed to the group.');
    return reply.redirect(base(context), 303);
  });

  /** Named view is chosen for one check, knowingly, before anyone has answered: answers given anonymously stay so. */
  async function namedViewRefusal(context: CheckGroupContext): Promise<string | undefined> {
    if (checkState(context.check, context.today) !== 'open') return 'Names can only be switched on while the check is open.';
    const submitted = await countSubmitted(app.db, context.check.id, context.group.id);
    if (submitted > 0) {
      return `${submitted} ${submitted === 1 ? 'member has' : 'members have'} already submitted without names showing, so names cannot be switched on in this check: answers given anonymously stay anonymous. Choose named view at the start of the next check.`;
    }
    return undefined;
  }

  async function renderNamedView(reply: FastifyReply, context: CheckGroupContext, error?: string) {
    const refusal = await namedViewRefusal(context);
    return reply.view('pages/consensus/named-view', {
      title: `Show names in this check — ${context.group.name}`,
      nav: 'home',
      context,
      base: base(context),
      refusal,
      error,
    });
  }

  app.get('/checks/:id/groups/:groupId/consensus/named-view', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    return renderNamedView(reply, context);
  });

  app.post('/checks/:id/groups/:groupId/consensus/named-view', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    const form = parseForm(namedViewForm, request.body);
    if (!form.ok) return renderNamedView(reply.code(422), context, Object.values(form.errors)[0]);
    const on = form.data.shows_names;
    if (on) {
      const refusal = await namedViewRefusal(context);
      if (refusal !== undefined) return renderNamedView(reply.code(409), context);
      if (!form.data.confirm) return renderNamedView(reply.code(422), context, 'Tick the box to confirm that the group agreed to show names in this check.');
    }
    if ((context.checkGroup.shows_names === 1) !== on) {
      await app.db.transaction().execute(async (trx) => {
        await setCheckGroupShowsNames(trx, context.check.id, context.group.id, on, viewer.id);
        await recordAudit(trx, { actorId: viewer.id, action: on ? 'consensus.named-view-on' : 'consensus.named-view-off', subject: `group:${context.group.id}`, detail: { checkId: context.check.id } });
      });
    }
    setFlash(request, on ? 'Names are now visible to the group in this check only.' : 'The spread is anonymous in this check.');
    return reply.redirect(base(context), 303);
  });

  app.post('/checks/:id/groups/:groupId/consensus/:code', { schema: { params: outcomeParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    if (checkState(context.check, context.today) !== 'open') throw new CheckNotOpenError('consensus');
    const outcome: Outcome | undefined = findOutcome(context.role, request.params.code);
    if (outcome === undefined) throw new NotFoundError(`The ${context.role.name} map has no outcome "${request.params.code}".`, { backHref: base(context), backLabel: 'Back to the consensus' });
    const body = request.body as { meeting?: unknown; order?: unknown } | undefined;
    const inMeeting = body?.meeting === '1';
    const order: MeetingOrder = body?.order === 'triage' ? 'triage' : 'map';
    const rerender = (status: number, override: OutcomeOverride) =>
      inMeeting ? renderMeeting(reply.code(status), viewer, context, outcome.code, order, override) : renderConsensus(request, reply.code(status), viewer, context, override);
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
      return reply.redirect(`${base(context)}#outcome-${outcome.code}`, 303);
    }
    // In a meeting, saving moves on to the next outcome in the meeting's order (the last one stays).
    const model = await consensusModel(viewer, context);
    const sequence = inOrder(model, order);
    const next = sequence[sequence.findIndex((entry) => entry.outcome.code === outcome.code) + 1]?.outcome;
    setFlash(request, next === undefined ? `Consensus for ${outcome.code} saved. That was the last outcome.` : `Consensus for ${outcome.code} saved. Now ${next.code}.`);
    return reply.redirect(meetingHref(context, next?.code ?? outcome.code, order), 303);
  });
};

export default consensusRoutes;
