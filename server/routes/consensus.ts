/** A group's consensus for a check: reveal, the spread per outcome, recording the agreed level, and meeting mode. */
import { may } from '../access/policy.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import { findOutcome } from '../maps/catalog.js';
import { compareLevels } from '../maps/level-changes.js';
import type { Outcome } from '../maps/schema.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { recordAudit } from '../repositories/audit.js';
import { consensusForGroup, consensusRevisions } from '../repositories/consensus.js';
import { countActiveMembers, setGroupShowsNames } from '../repositories/organisation.js';
import { findPerson } from '../repositories/people.js';
import { revealCheckGroup } from '../repositories/progress-checks.js';
import { submittedPlacements } from '../repositories/self-assessments.js';
import { checkGroupFor, type CheckGroupContext } from '../services/check-access.js';
import { consensusAccessFor, recordConsensus, spreadFor, suggestNextStep } from '../services/consensus.js';
import { ForbiddenError } from '../services/organisation-access.js';
import { checkState, CheckNotOpenError } from '../services/progress-checks.js';
import { followThroughFor } from '../services/action-plans.js';
import { checkboxField, idField } from './fields.js';
import { parseForm, type FormErrors } from './forms.js';

const params = z.object({ id: idField, groupId: idField });
const outcomeParams = params.extend({ code: z.string().min(1).max(20) });
const meetingQuery = z.object({ outcome: z.string().max(20).optional() });
const TEXT_MAX = 2000;
const textField = (what: string) => z.string().trim().max(TEXT_MAX, `Keep the ${what} to ${TEXT_MAX} characters.`).default('');
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
const namedViewForm = z.object({ shows_names: checkboxField });

interface OutcomeOverride {
  code: string;
  errors?: FormErrors;
  values?: Record<string, string>;
  conflict?: { level: number; rationale: string; dissent: string; next_step: string; byName: string; at: string };
  version?: number;
}

const consensusRoutes: FastifyPluginAsyncZod = async (app) => {
  const base = (context: CheckGroupContext): string => `/checks/${context.check.id}/groups/${context.group.id}/consensus`;

  /** Everything the consensus page and meeting mode show, loaded only as far as the privacy rules allow. */
  async function consensusModel(viewer: Viewer, context: CheckGroupContext, override?: OutcomeOverride) {
    const { check, group, map, role } = context;
    const { access, submitted } = await consensusAccessFor(app.db, viewer.scope, context, app.config.minGroupSize);
    const open = checkState(check) === 'open';
    const [placements, records, revisions] = await Promise.all([
      access.showSpread ? submittedPlacements(app.db, check.id, group.id, access.showNames) : [],
      consensusForGroup(app.db, check.id, group.id),
      consensusRevisions(app.db, check.id, group.id),
    ]);
    const recordByCode = new Map(records.map((record) => [record.outcome_code, record]));
    const outcomes = role.outcomes.map((outcome) => {
      const spread = access.showSpread ? spreadFor(placements, outcome.code, map.levels.length) : undefined;
      const record = recordByCode.get(outcome.code);
      // The next step is drafted from the agreed level, else the team's median, else the entry level.
      const median = spread?.median ?? null;
      const basis = record?.level ?? (median === null ? map.levels.length : Math.round(median));
      const low = spread?.min ?? null;
      const high = spread?.max ?? null;
      const disputed = low !== null && high !== null && high > low ? compareLevels(outcome, high, low) : undefined;
      const mine = override?.code === outcome.code ? override : undefined;
      return {
        outcome,
        spread,
        record,
        disputed,
        suggestion: suggestNextStep(map, outcome, basis),
        // One draft per level, so the page can swap the draft when the facilitator picks another level.
        suggestions: map.levels.map((level) => suggestNextStep(map, outcome, level.level)),
        revisions: revisions.filter((revision) => revision.outcome_code === outcome.code),
        errors: mine?.errors ?? {},
        values: mine?.values,
        conflict: mine?.conflict,
        version: mine?.version ?? record?.version ?? 0,
      };
    });
    return {
      context,
      base: base(context),
      access,
      submitted,
      memberCount: await countActiveMembers(app.db, group.id),
      revealedAt: context.checkGroup.revealed_at,
      open,
      outcomes,
      discussFirst: outcomes.filter((entry) => entry.spread?.discussFirst === true),
      recorded: records.length,
      followThrough: await followThroughFor(app.db, viewer.scope, context, viewer.id),
    };
  }

  async function renderConsensus(request: FastifyRequest, reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, override?: OutcomeOverride) {
    const model = await consensusModel(viewer, context, override);
    return reply.view('pages/consensus/show', { title: `Consensus: ${context.group.name} — ${context.check.name}`, nav: 'home', ...model, focus: override?.code });
  }

  async function renderMeeting(reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, code: string | undefined, override?: OutcomeOverride) {
    const model = await consensusModel(viewer, context, override);
    const index = code === undefined ? 0 : model.outcomes.findIndex((entry) => entry.outcome.code === code);
    const current = model.outcomes[index];
    if (current === undefined) throw new NotFoundError(`The ${context.role.name} map has no outcome "${code ?? ''}".`, { backHref: `${model.base}/meeting`, backLabel: 'Start the meeting at the first outcome' });
    return reply.view('pages/consensus/meeting', {
      title: `${current.outcome.code} ${current.outcome.title} — meeting`,
      nav: 'home',
      ...model,
      current,
      previous: model.outcomes[index - 1]?.outcome,
      next: model.outcomes[index + 1]?.outcome,
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
    return renderMeeting(reply, viewer, context, request.query.outcome);
  });

  function requireFacilitator(viewer: Viewer, context: CheckGroupContext): void {
    if (!may(viewer.scope, 'facilitate', { kind: 'group', id: context.group.id, place: context.group.place })) {
      throw new ForbiddenError('Only the group\'s facilitators can do this.');
    }
  }

  app.post('/checks/:id/groups/:groupId/consensus/reveal', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    await app.db.transaction().execute(async (trx) => {
      await revealCheckGroup(trx, context.check.id, context.group.id, viewer.id);
      await recordAudit(trx, { actorId: viewer.id, action: 'consensus.reveal', subject: `group:${context.group.id}`, detail: { checkId: context.check.id } });
    });
    setFlash(request, 'Placements revealed to the group.');
    return reply.redirect(base(context), 303);
  });

  app.post('/checks/:id/groups/:groupId/consensus/named-view', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    const form = parseForm(namedViewForm, request.body);
    if (!form.ok) return renderConsensus(request, reply.code(422), viewer, context);
    await app.db.transaction().execute(async (trx) => {
      await setGroupShowsNames(trx, context.group.id, form.data.shows_names);
      await recordAudit(trx, { actorId: viewer.id, action: form.data.shows_names ? 'group.named-view-on' : 'group.named-view-off', subject: `group:${context.group.id}` });
    });
    setFlash(request, form.data.shows_names ? 'The group\'s spread now shows names to its members.' : 'The group\'s spread is anonymous again.');
    return reply.redirect(base(context), 303);
  });

  app.post('/checks/:id/groups/:groupId/consensus/:code', { schema: { params: outcomeParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    requireFacilitator(viewer, context);
    if (checkState(context.check) !== 'open') throw new CheckNotOpenError('consensus');
    const outcome: Outcome | undefined = findOutcome(context.role, request.params.code);
    if (outcome === undefined) throw new NotFoundError(`The ${context.role.name} map has no outcome "${request.params.code}".`, { backHref: base(context), backLabel: 'Back to the consensus' });
    const inMeeting = (request.body as { meeting?: unknown } | undefined)?.meeting === '1';
    const rerender = (status: number, override: OutcomeOverride) =>
      inMeeting ? renderMeeting(reply.code(status), viewer, context, outcome.code, override) : renderConsensus(request, reply.code(status), viewer, context, override);
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
        nextStep: form.data.next_step,
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
    setFlash(request, `Consensus for ${outcome.code} saved.`);
    const target = inMeeting ? `${base(context)}/meeting?outcome=${encodeURIComponent(outcome.code)}` : `${base(context)}#outcome-${outcome.code}`;
    return reply.redirect(target, 303);
  });
};

export default consensusRoutes;
