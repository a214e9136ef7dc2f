/** Page models for a group's consensus: the consensus page, meeting mode and the named-view choice, loaded as far as privacy allows. */
import { placementStrip, type PlacementStrip } from '../charts/placement-strip.js';
import type { ConsensusRecord } from '../db/schema.js';
import { consensusForGroup, consensusRevisions, type RevisionWithAuthor } from '../repositories/consensus.js';
import { submittedPlacements } from '../repositories/self-assessments.js';
import type { Db } from '../db/types.js';
import { NotFoundError } from '../errors.js';
import { levelName } from '../maps/catalog.js';
import { compareLevels, type LevelComparison } from '../maps/level-changes.js';
import type { Outcome } from '../maps/schema.js';
import type { Viewer } from '../plugins/auth.js';
import { followThroughFor } from '../services/action-plans.js';
import type { CheckGroupContext } from '../services/check-access.js';
import { consensusAccessFor, namedViewRefusal, spreadFor, suggestNextStep, triageOrder, type ConsensusAccess, type OutcomeSpread } from '../services/consensus.js';
import { checkState } from '../services/progress-checks.js';
import { checkGroupPath, withQuery } from '../urls.js';

/** The longest rationale, dissent or next step the consensus form takes. */
export const CONSENSUS_TEXT_MAX = 2000;

/** Meeting mode walks the outcomes in the map's order, or furthest apart first. */
export type MeetingOrder = 'map' | 'triage';

/** What the consensus form sent back for one outcome: shown again with its errors, or beside the winner's values after a conflict. */
export interface OutcomeOverride {
  code: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  conflict?: { level: number; rationale: string; dissent: string; next_step: string; byName: string; at: string };
  version?: number;
}

export interface ConsensusPageErrors {
  reveal?: string;
}

/** "What separates Level 2 from Level 4": the two furthest placements, with their levels named. */
export type LevelDifference = LevelComparison & { fromName: string; toName: string };

export interface ConsensusOutcome {
  outcome: Outcome;
  spread: OutcomeSpread | undefined;
  strip: PlacementStrip | undefined;
  record: ConsensusRecord | undefined;
  disputed: LevelDifference | undefined;
  /** One drafted next step per level, so the page can put in the draft when the facilitator picks a level. */
  suggestions: string[];
  revisions: RevisionWithAuthor[];
  errors: Record<string, string>;
  values: Record<string, string> | undefined;
  conflict: OutcomeOverride['conflict'];
  version: number;
}

/** What both the consensus page and meeting mode show. */
export interface ConsensusModel {
  context: CheckGroupContext;
  /** The consensus page's address; the forms post below it. */
  base: string;
  access: ConsensusAccess;
  submitted: number;
  memberCount: number;
  notSubmitted: number;
  revealedAt: string | null;
  open: boolean;
  outcomes: ConsensusOutcome[];
  discussFirst: ConsensusOutcome[];
  triage: ConsensusOutcome[];
  recorded: number;
  followThrough: Awaited<ReturnType<typeof followThroughFor>>;
  textMax: number;
}

export interface ConsensusPage extends ConsensusModel {
  title: string;
  nav: 'home';
  pageErrors: ConsensusPageErrors;
  /** The outcome whose form came back, to scroll to. */
  focus: string | undefined;
}

export interface MeetingPage extends ConsensusModel {
  title: string;
  nav: 'home';
  current: ConsensusOutcome;
  /** The current outcome's strip at projector size. */
  currentStrip: PlacementStrip | undefined;
  order: MeetingOrder;
  previous: { code: string; title: string; href: string } | undefined;
  next: { code: string; title: string; href: string } | undefined;
  otherOrderHref: string;
  position: number;
}

export interface NamedViewPage {
  title: string;
  nav: 'home';
  context: CheckGroupContext;
  base: string;
  /** Why names cannot be switched on now, if they cannot. */
  refusal: string | undefined;
  error: string | undefined;
}

/** What the builders read from: the database and the network's privacy threshold. */
export interface ConsensusSources {
  db: Db;
  minGroupSize: number;
}

export function consensusPath(context: CheckGroupContext): string {
  return checkGroupPath(context.check.id, context.group.id, 'consensus');
}

/** Meeting mode at one outcome, in one order ("map" is the default and left out of the address). */
export function meetingPath(context: CheckGroupContext, code: string, order: MeetingOrder): string {
  return withQuery(checkGroupPath(context.check.id, context.group.id, 'consensus/meeting'), { outcome: code, order: order === 'triage' ? 'triage' : undefined });
}

/** An outcome's placement strip, drawn for the page (small) or for meeting mode's projector (large). */
function stripOf(context: CheckGroupContext, outcome: Outcome, spread: OutcomeSpread, showNames: boolean, large: boolean): PlacementStrip {
  return placementStrip({ outcomeCode: outcome.code, ...spread, showNames, large, levelLabel: (level) => levelName(context.map, level) });
}

/** Everything the consensus page and meeting mode show, loaded only as far as the privacy rules allow. */
export async function consensusModel(sources: ConsensusSources, viewer: Viewer, context: CheckGroupContext, override?: OutcomeOverride): Promise<ConsensusModel> {
  const { db } = sources;
  const { check, group, map, role } = context;
  const { access, submitted, members } = await consensusAccessFor(db, viewer.scope, context, sources.minGroupSize);
  const [placements, records, revisions, followThrough] = await Promise.all([
    access.showSpread ? submittedPlacements(db, check.id, group.id, access.showNames) : [],
    access.showRecords ? consensusForGroup(db, check.id, group.id) : [],
    access.showRecords ? consensusRevisions(db, check.id, group.id) : [],
    followThroughFor(db, viewer.scope, context, viewer.id),
  ]);
  const recordByCode = new Map(records.map((record) => [record.outcome_code, record]));
  const outcomes = role.outcomes.map((outcome): ConsensusOutcome => {
    const spread = access.showSpread ? spreadFor(placements, outcome.code, map.levels.length, viewer.id) : undefined;
    const record = recordByCode.get(outcome.code);
    const low = spread?.min ?? null;
    const high = spread?.max ?? null;
    const mine = override?.code === outcome.code ? override : undefined;
    return {
      outcome,
      spread,
      strip: spread === undefined ? undefined : stripOf(context, outcome, spread, access.showNames, false),
      record,
      // The lower level's words against the higher's.
      disputed: low !== null && high !== null && high > low ? { ...compareLevels(outcome, high, low), fromName: levelName(map, high), toName: levelName(map, low) } : undefined,
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
    base: consensusPath(context),
    access,
    submitted,
    memberCount: members,
    notSubmitted: Math.max(0, members - submitted),
    revealedAt: context.checkGroup.revealed_at,
    open: checkState(check, context.today) === 'open',
    outcomes,
    discussFirst: triage.filter((entry) => entry.spread?.discussFirst === true),
    triage,
    recorded: records.length,
    followThrough,
    textMax: CONSENSUS_TEXT_MAX,
  };
}

export async function consensusPage(
  sources: ConsensusSources,
  viewer: Viewer,
  context: CheckGroupContext,
  override?: OutcomeOverride,
  pageErrors: ConsensusPageErrors = {},
): Promise<ConsensusPage> {
  const model = await consensusModel(sources, viewer, context, override);
  return { title: `Consensus: ${context.group.name} — ${context.check.name}`, nav: 'home', ...model, pageErrors, focus: override?.code };
}

/** The outcomes in the meeting's order: the map's, or furthest apart first. */
export function meetingSequence(model: Pick<ConsensusModel, 'outcomes' | 'triage'>, order: MeetingOrder): ConsensusOutcome[] {
  return order === 'triage' ? model.triage : model.outcomes;
}

/** The outcome after `code` in the meeting's order; undefined after the last. */
export async function nextInMeeting(sources: ConsensusSources, viewer: Viewer, context: CheckGroupContext, code: string, order: MeetingOrder): Promise<Outcome | undefined> {
  const sequence = meetingSequence(await consensusModel(sources, viewer, context), order);
  return sequence[sequence.findIndex((entry) => entry.outcome.code === code) + 1]?.outcome;
}

/** Meeting mode at one outcome (the first when none is named). */
export async function meetingPage(
  sources: ConsensusSources,
  viewer: Viewer,
  context: CheckGroupContext,
  code: string | undefined,
  order: MeetingOrder,
  override?: OutcomeOverride,
): Promise<MeetingPage> {
  const model = await consensusModel(sources, viewer, context, override);
  const sequence = meetingSequence(model, order);
  const index = code === undefined ? 0 : sequence.findIndex((entry) => entry.outcome.code === code);
  const current = sequence[index];
  if (current === undefined) {
    throw new NotFoundError(`The ${context.role.name} map has no outcome "${code ?? ''}".`, {
      backHref: checkGroupPath(context.check.id, context.group.id, 'consensus/meeting'),
      backLabel: 'Start the meeting at the first outcome',
    });
  }
  const link = (outcome: Outcome | undefined) => outcome && { code: outcome.code, title: outcome.title, href: meetingPath(context, outcome.code, order) };
  return {
    title: `${current.outcome.code} ${current.outcome.title} — meeting`,
    nav: 'home',
    ...model,
    current,
    currentStrip: current.spread === undefined ? undefined : stripOf(context, current.outcome, current.spread, model.access.showNames, true),
    order,
    previous: link(sequence[index - 1]?.outcome),
    next: link(sequence[index + 1]?.outcome),
    otherOrderHref: meetingPath(context, current.outcome.code, order === 'triage' ? 'map' : 'triage'),
    position: index + 1,
  };
}

export async function namedViewPage(db: Db, context: CheckGroupContext, error?: string): Promise<NamedViewPage> {
  return {
    title: `Show names in this check — ${context.group.name}`,
    nav: 'home',
    context,
    base: consensusPath(context),
    refusal: await namedViewRefusal(db, context),
    error,
  };
}
