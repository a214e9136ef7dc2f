/** A person's own self-assessment for one group in one check: one principle per page, review, submit. */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAllowed } from '../access/guard.js';
import { CheckNotOpenError, NotFoundError } from '../errors.js';
import { wantsJson } from '../negotiation.js';
import { levelName } from '../maps/catalog.js';
import { renderPage } from '../pages/render.js';
import { surveyContext } from '../pages/survey.js';
import { requireViewer, setFlash, takeKeptForm, type Viewer } from '../plugins/auth.js';
import { ensureSelfAssessment, findSelfAssessment, placementsOf } from '../repositories/self-assessments.js';
import { checkGroupFor, type CheckGroupContext } from '../services/check-access.js';
import { checkGroupPath, roleOutcomePath, withQuery } from '../urls.js';
import { checkState } from '../services/progress-checks.js';
import {
  answersOf,
  EVIDENCE_MAX_LENGTH,
  isAnswered,
  missingOutcomes,
  NOT_SURE,
  parseSurveyPage,
  saveAnswers,
  submittedAnswers,
  submitAnswers,
  surveyPages,
  type Answer,
  type SurveyPage,
} from '../services/self-assessment.js';
import { idField, pageField } from './fields.js';

const params = z.object({ id: idField, groupId: idField });
const pageQuery = z.object({ page: pageField(50).optional(), resume: z.literal('1').optional() });
const saveFields = z.object({
  version: z.coerce.number({ message: 'The form is missing its version; reload the page.' }).int().min(0),
  page: pageField(50),
  // Which button was pressed. Not named `action`: a control of that name hides the form's own `action`
  // property from scripts (form.action would be the buttons, not the URL).
  go: z.enum(['save', 'next', 'previous', 'review']).default('save'),
});
const submitFields = z.object({ version: z.coerce.number().int().min(0) });


const selfAssessmentRoutes: FastifyPluginAsyncZod = async (app) => {
  /** The context, but only for a member of the group: nobody else has a self-assessment here. */
  async function ownContext(viewer: Viewer, checkId: number, groupId: number): Promise<CheckGroupContext> {
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, checkId, groupId);
    requireAllowed(viewer.scope, 'assess', { kind: 'self-assessment', groupId });
    return context;
  }

  const base = (context: CheckGroupContext): string => checkGroupPath(context.check.id, context.group.id, 'self');
  const review = (context: CheckGroupContext): string => checkGroupPath(context.check.id, context.group.id, 'self/review');

  interface PageState {
    answers: Map<string, Answer>;
    version: number;
    submittedAt: string | null;
    errors?: Record<string, string>;
    conflict?: { code: string; saved: string; yours: string }[];
    /** The answers on the page were sent before the session ended and are not saved yet. */
    resumed?: boolean;
  }

  function answerLabel(context: CheckGroupContext, answer: Answer | undefined): string {
    if (answer?.level === undefined) return 'no answer';
    return answer.level === null ? 'Not sure yet' : levelName(context.map, answer.level);
  }

  async function renderSurveyPage(reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, pageNumber: number, state: PageState) {
    const pages = surveyPages(context.map, context.role);
    const page = pages[pageNumber - 1];
    if (page === undefined) throw new NotFoundError(`This self-assessment has ${pages.length} pages.`, { backHref: withQuery(base(context), { page: 1 }), backLabel: 'Go to the first page' });
    const answered = context.role.outcomes.filter((outcome) => isAnswered(state.answers.get(outcome.code))).length;
    return renderPage(reply, 'pages/survey/page', {
      title: `${page.principle.code}. ${page.principle.title} — ${context.check.name}`,
      nav: 'home',
      context: surveyContext(context),
      base: base(context),
      pages,
      page,
      answers: state.answers,
      answered,
      version: state.version,
      errors: state.errors ?? {},
      conflict: state.conflict,
      resumed: state.resumed === true,
      readOnly: checkState(context.check, context.today) !== 'open',
      submittedAt: state.submittedAt,
      evidenceMax: EVIDENCE_MAX_LENGTH,
      notSure: NOT_SURE,
      changesHref: (code: string) => roleOutcomePath(context.map, context.role, code),
    });
  }

  async function savedState(viewer: Viewer, context: CheckGroupContext): Promise<PageState> {
    const assessment = await findSelfAssessment(app.db, context.check.id, context.group.id, viewer.id);
    // A self-assessment starts at version 1 when it is first saved.
    if (assessment === undefined) return { answers: new Map(), version: 1, submittedAt: null };
    return { answers: answersOf(await placementsOf(app.db, assessment.id)), version: assessment.version, submittedAt: assessment.submitted_at };
  }

  /** The saved answers with what a form sent laid over them: what the person sees as theirs. */
  async function withSent(viewer: Viewer, context: CheckGroupContext, body: unknown, outcomes: SurveyPage['outcomes'], version: number): Promise<PageState> {
    const saved = await savedState(viewer, context);
    const merged = new Map(saved.answers);
    for (const [code, answer] of submittedAnswers(body, outcomes, context.map.levels.length)) merged.set(code, answer);
    return { ...saved, answers: merged, version };
  }

  app.get('/checks/:id/groups/:groupId/self', { schema: { params, querystring: pageQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await ownContext(viewer, request.params.id, request.params.groupId);
    const kept = request.query.resume === '1' ? takeKeptForm(request, base(context)) : undefined;
    if (kept !== undefined) {
      // Back from signing in again: the page as the person sent it, their answers on it, not yet saved.
      const fields = saveFields.safeParse(kept.fields);
      const page = fields.success ? surveyPages(context.map, context.role)[fields.data.page - 1] : undefined;
      if (fields.success && page !== undefined) {
        const state = await withSent(viewer, context, kept.fields, page.outcomes, fields.data.version);
        return renderSurveyPage(reply, viewer, context, page.number, { ...state, resumed: true });
      }
    }
    const state = await savedState(viewer, context);
    if (request.query.page === undefined) {
      // Coming back: resume at the first page with an unanswered outcome, or the review when none is left.
      const resume = surveyPages(context.map, context.role).find((page) => page.outcomes.some((outcome) => !isAnswered(state.answers.get(outcome.code))));
      if (resume === undefined && state.answers.size > 0) return reply.redirect(review(context), 303);
      return renderSurveyPage(reply, viewer, context, resume?.number ?? 1, state);
    }
    return renderSurveyPage(reply, viewer, context, request.query.page, state);
  });

  app.post('/checks/:id/groups/:groupId/self', { schema: { params }, config: { keepsFormWhenSignedOut: true } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await ownContext(viewer, request.params.id, request.params.groupId);
    if (checkState(context.check, context.today) !== 'open') {
      if (wantsJson(request)) return reply.code(409).send({ closed: true });
      throw new CheckNotOpenError('answers');
    }
    const fields = saveFields.safeParse(request.body);
    const pages = surveyPages(context.map, context.role);
    const page = fields.success ? pages[fields.data.page - 1] : undefined;
    if (!fields.success || page === undefined) {
      return renderPage(reply.code(400), 'errors/error', { title: 'That did not work', message: 'The form was incomplete. Reload the page and try again. Nothing was saved.' });
    }
    const parsed = parseSurveyPage(request.body, page.outcomes, context.map.levels.length);
    // What the person sent, to show back to them on an error or a conflict: never lose their typing.
    const sent = (version: number): Promise<PageState> => withSent(viewer, context, request.body, page.outcomes, version);
    if (!parsed.ok) {
      if (wantsJson(request)) return reply.code(422).send({ errors: parsed.errors });
      return renderSurveyPage(reply.code(422), viewer, context, fields.data.page, { ...(await sent(fields.data.version)), errors: parsed.errors });
    }
    const assessment = await ensureSelfAssessment(app.db, context.check.id, context.group.id, viewer.id);
    const result = await saveAnswers(app.db, assessment, fields.data.version, parsed.placements);
    if (!result.ok) {
      if (wantsJson(request)) return reply.code(409).send({ conflict: true, version: result.current.version });
      const conflict = parsed.placements
        .map((placement) => ({ code: placement.outcomeCode, saved: result.answers.get(placement.outcomeCode), yours: { level: placement.level, evidence: placement.evidence } }))
        .filter(({ saved, yours }) => saved?.level !== yours.level || saved.evidence !== yours.evidence)
        .map(({ code, saved, yours }) => ({ code, saved: answerLabel(context, saved), yours: answerLabel(context, yours) }));
      return renderSurveyPage(reply.code(409), viewer, context, fields.data.page, { ...(await sent(result.current.version)), conflict });
    }
    if (wantsJson(request)) return reply.send({ version: result.version });
    const target =
      fields.data.go === 'review'
        ? review(context)
        : withQuery(base(context), { page: Math.min(pages.length, Math.max(1, fields.data.page + (fields.data.go === 'next' ? 1 : fields.data.go === 'previous' ? -1 : 0))) });
    if (fields.data.go === 'save') setFlash(request, 'Draft saved. You can come back to it at any time before the check closes.');
    return reply.redirect(target, 303);
  });

  async function renderReview(reply: FastifyReply, viewer: Viewer, context: CheckGroupContext, missingCodes?: string[]) {
    const state = await savedState(viewer, context);
    const missing = missingOutcomes(context.role, state.answers);
    return renderPage(reply, 'pages/survey/review', {
      title: `Review and submit — ${context.check.name}`,
      nav: 'home',
      context: surveyContext(context),
      base: base(context),
      pages: surveyPages(context.map, context.role),
      answers: state.answers,
      version: state.version,
      missing,
      submitErrors: missingCodes,
      submittedAt: state.submittedAt,
      readOnly: checkState(context.check, context.today) !== 'open',
    });
  }

  app.get('/checks/:id/groups/:groupId/self/review', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    return renderReview(reply, viewer, await ownContext(viewer, request.params.id, request.params.groupId));
  });

  app.post('/checks/:id/groups/:groupId/self/submit', { schema: { params } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const context = await ownContext(viewer, request.params.id, request.params.groupId);
    if (checkState(context.check, context.today) !== 'open') throw new CheckNotOpenError('answers');
    const fields = submitFields.safeParse(request.body);
    if (!fields.success) return renderPage(reply.code(400), 'errors/error', { title: 'That did not work', message: 'The form was incomplete. Reload the page and try again. Nothing was changed.' });
    const assessment = await findSelfAssessment(app.db, context.check.id, context.group.id, viewer.id);
    if (assessment === undefined) return renderReview(reply.code(422), viewer, context, context.role.outcomes.map((outcome) => outcome.code));
    const result = await submitAnswers(app.db, assessment, fields.data.version, context.role);
    if (!result.ok && 'missing' in result) return renderReview(reply.code(422), viewer, context, result.missing.map((outcome) => outcome.code));
    if (!result.ok) {
      // A second click racing the first finds it already submitted: that is success, not a conflict.
      const now = await findSelfAssessment(app.db, context.check.id, context.group.id, viewer.id);
      if (now?.submitted_at == null) {
        setFlash(request, 'Your answers changed in another tab or window since this page was loaded. Check them below, then submit again.');
        return reply.redirect(review(context), 303);
      }
    }
    if (result.ok && !result.alreadySubmitted) setFlash(request, 'Submitted. Thank you! You can still change your answers until the check closes.');
    return reply.redirect(review(context), 303);
  });
};

export default selfAssessmentRoutes;
