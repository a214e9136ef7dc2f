/**
 * Team consensus: who may see the spread of placements and with which names, the spread per outcome,
 * a next step drafted from the level above, recording the agreed level without overwriting a
 * colleague's save, and the facilitator's reveal and named-view choice (each with its audit entry).
 */
import type { Kysely } from 'kysely';
import { may, type Place } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { ConsensusRecord, Database } from '../db/schema.js';
import { StaleConsensusFormError } from '../errors.js';
import type { IcMap, Outcome } from '../maps/schema.js';
import { levelName } from '../maps/catalog.js';
import { findConsensus, saveConsensusVersion, type ConsensusInput } from '../repositories/consensus.js';
import type { Db } from '../db/types.js';
import { recordAudit } from '../repositories/audit.js';
import { countActiveMembers } from '../repositories/organisation.js';
import { revealCheckGroup, setCheckGroupShowsNames } from '../repositories/progress-checks.js';
import { countSubmitted, type GroupPlacement } from '../repositories/self-assessments.js';
import type { CheckGroupContext } from './check-access.js';
import { checkState } from './progress-checks.js';

export interface ConsensusAccess {
  isMember: boolean;
  canRecord: boolean;
  canReveal: boolean;
  /** Whether the spread of individual placements may be loaded at all. */
  showSpread: boolean;
  /** Whether the spread names people (members only, and only when the group chose named view for this check). */
  showNames: boolean;
  /** Whether the group chose named view for this check (what members are told on their pages). */
  namedCheck: boolean;
  /** Whether the consensus records may be shown (not a one-person group's, outside it, below the threshold). */
  showRecords: boolean;
  /** One person's answers stand for the group: its "consensus" is an individual self-assessment. */
  individual: boolean;
  /** Why the spread is hidden, in words for the page. */
  hiddenBecause: string | undefined;
}

export interface ConsensusState {
  revealed: boolean;
  submitted: number;
  minGroupSize: number;
  open: boolean;
  /** The group's named-view choice for this check (check_groups.shows_names). */
  showsNames: number;
  /** Active members of the group now. */
  members: number;
}

/**
 * The privacy rules (README, "Progress checks and consensus", Privacy): members see their group's spread once the facilitator reveals it,
 * named only if the group chose so for this check; anyone above the group (school, district and hub
 * leaders, admins) sees it only as an anonymous aggregate, only from `minGroupSize` submissions and
 * only once the check has closed. While a check is open its submissions change, so two looks at the
 * spread taken before and after one person submits differ by exactly that person's answers, whatever
 * the threshold or the order of the columns; once closed, the set is fixed.
 *
 * A one-person group (one active member and at most one submission) has no consensus to speak of: its
 * record is one person's self-assessment, so outside the group it is shown only where individual
 * answers may be (`minGroupSize` of 1), and marked as individual wherever it is shown.
 */
export function consensusAccess(scope: AccessScope, group: { id: number; place: Place }, state: ConsensusState): ConsensusAccess {
  // Who is in the group and who runs it is the policy's to say (access/policy.ts).
  const isMember = may(scope, 'assess', { kind: 'self-assessment', groupId: group.id });
  const checkGroup = { kind: 'check-group', group: { id: group.id, place: group.place }, open: state.open, revealed: state.revealed } as const;
  const individual = isIndividualGroup(state.members, state.submitted);
  const showRecords = isMember || !individual || state.minGroupSize <= 1;
  let hiddenBecause: string | undefined;
  if (!showRecords) {
    hiddenBecause = `This group has one member: its record is one person's self-assessment, which is shown outside the group only where individual answers may be (from ${state.minGroupSize} submissions).`;
  } else if (!state.revealed) hiddenBecause = 'The facilitator has not revealed the placements yet, so nobody anchors on others.';
  else if (!isMember && (state.submitted < state.minGroupSize || state.open)) {
    hiddenBecause = `Placements of individuals are shown outside the group once the check has closed, and only from ${state.minGroupSize} submissions; this group has ${state.submitted}${state.open ? ' and the check is still open' : ''}.`;
  }
  const showSpread = hiddenBecause === undefined && (isMember || may(scope, 'oversee', { kind: 'group', id: group.id, place: group.place }));
  return {
    isMember,
    canRecord: may(scope, 'record', checkGroup),
    canReveal: may(scope, 'reveal', checkGroup),
    showSpread,
    showNames: showSpread && isMember && state.showsNames === 1,
    namedCheck: state.showsNames === 1,
    showRecords,
    individual,
    hiddenBecause,
  };
}

/** One active member and at most one submission: the group's record is that person's own answer. */
export function isIndividualGroup(members: number, submitted: number): boolean {
  return members <= 1 && submitted <= 1;
}

/** The access rules for one group's part in a check, with its submission and member counts (two queries). */
export async function consensusAccessFor(
  db: Db,
  scope: AccessScope,
  context: CheckGroupContext,
  minGroupSize: number,
): Promise<{ access: ConsensusAccess; submitted: number; members: number }> {
  const [submitted, members] = await Promise.all([countSubmitted(db, context.check.id, context.group.id), countActiveMembers(db, context.group.id)]);
  const access = consensusAccess(scope, context.group, {
    revealed: context.checkGroup.revealed_at !== null,
    submitted,
    minGroupSize,
    open: checkState(context.check, context.today) === 'open',
    showsNames: context.checkGroup.shows_names,
    members,
  });
  return { access, submitted, members };
}

export interface OutcomeSpread {
  /** People per level, index 0 = Level 1. */
  counts: number[];
  /** Names per level (empty strings when anonymous). */
  names: string[][];
  /** People who placed themselves at a level. */
  placed: number;
  notSure: number;
  /** Everyone with an answer: placed + not sure. */
  total: number;
  median: number | null;
  min: number | null;
  max: number | null;
  /** max - min, 0 with fewer than two placements. */
  range: number;
  /** Population standard deviation of the levels, 0 with fewer than two placements. */
  spread: number;
  /** Placements two or more levels apart: talk about this one first. */
  discussFirst: boolean;
  /** The viewer's own answer, when they are among the placements: a level, or null for "not sure yet". */
  mine: number | null | undefined;
}

export function spreadFor(placements: readonly GroupPlacement[], code: string, levelCount: number, viewerId?: number): OutcomeSpread {
  const counts = Array.from({ length: levelCount }, () => 0);
  const names: string[][] = Array.from({ length: levelCount }, () => []);
  const levels: number[] = [];
  let notSure = 0;
  let mine: number | null | undefined;
  for (const placement of placements) {
    if (placement.outcome_code !== code) continue;
    if (viewerId !== undefined && placement.person_id === viewerId) mine = placement.level;
    if (placement.level === null) {
      notSure += 1;
      continue;
    }
    levels.push(placement.level);
    counts[placement.level - 1] = (counts[placement.level - 1] ?? 0) + 1;
    // The viewer's own name first in its column, where the strip draws their dot marked "you".
    if (viewerId !== undefined && placement.person_id === viewerId) names[placement.level - 1]?.unshift(placement.person_name);
    else names[placement.level - 1]?.push(placement.person_name);
  }
  levels.sort((a, b) => a - b);
  const middle = levels.length / 2;
  const median =
    levels.length === 0 ? null : levels.length % 2 === 1 ? (levels[Math.floor(middle)] ?? null) : ((levels[middle - 1] ?? 0) + (levels[middle] ?? 0)) / 2;
  const min = levels[0] ?? null;
  const max = levels[levels.length - 1] ?? null;
  const mean = levels.reduce((sum, level) => sum + level, 0) / Math.max(1, levels.length);
  const spread = levels.length < 2 ? 0 : Math.sqrt(levels.reduce((sum, level) => sum + (level - mean) ** 2, 0) / levels.length);
  const range = min === null || max === null ? 0 : max - min;
  return { counts, names, placed: levels.length, notSure, total: levels.length + notSure, median, min, max, range, spread, discussFirst: range >= 2, mine };
}

/**
 * The order to talk through outcomes: furthest apart first (range, then standard deviation), the map's
 * order among equals. Outcomes without a spread keep the map's order, after the others.
 */
export function triageOrder<T extends { spread?: OutcomeSpread | undefined }>(entries: readonly T[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => {
      const [x, y] = [a.entry.spread, b.entry.spread];
      if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0) || a.index - b.index;
      return y.range - x.range || y.spread - x.spread || a.index - b.index;
    })
    .map(({ entry }) => entry);
}

/** "To reach Level 2: …" from the behaviours of the level above; at Level 1, what sustaining it means. */
export function suggestNextStep(map: IcMap, outcome: Outcome, level: number): string {
  const target = Math.max(1, level - 1);
  const behaviors = outcome.levels.find((candidate) => candidate.level === target)?.behaviors ?? [];
  const lead = level <= 1 ? `To sustain ${levelName(map, 1)}:` : `To reach ${levelName(map, target)}:`;
  return behaviors.length === 0 ? `${lead} (the map gives no description for this level).` : `${lead} ${behaviors.join(' ')}`;
}

/**
 * The next step to save: the text as typed, unless it is empty or still one of the drafts the form
 * offered (for any level), in which case the draft for the level being agreed. So a level picked
 * without JavaScript never keeps the draft of another level.
 */
export function draftedNextStep(map: IcMap, outcome: Outcome, level: number, typed: string): string {
  const text = typed.replace(/\r\n/g, '\n').trim();
  const drafts = map.levels.map((candidate) => suggestNextStep(map, outcome, candidate.level));
  return text === '' || drafts.includes(text) ? suggestNextStep(map, outcome, level) : typed;
}

export type RecordResult = { ok: true; version: number } | { ok: false; current: ConsensusRecord };

/** Saves the agreed level unless someone else saved first; then their record comes back to be shown. */

export async function recordConsensus(db: Kysely<Database>, input: ConsensusInput, expectedVersion: number): Promise<RecordResult> {
  return db.transaction().execute(async (trx) => {
    if (await saveConsensusVersion(trx, input, expectedVersion)) return { ok: true, version: expectedVersion + 1 } as const;
    const current = await findConsensus(trx, input.checkId, input.groupId, input.outcomeCode);
    // A version for an outcome with no record: the form was crafted or comes from another database.
    if (current === undefined) throw new StaleConsensusFormError();
    return { ok: false, current } as const;
  });
}

/**
 * Reveals the group's placements to its members, once; revealing again changes nothing. Revealing with
 * members missing is allowed but only knowingly: the refusal says how many, for the page to ask again.
 */
export async function revealPlacements(
  db: Kysely<Database>,
  actorId: number,
  context: CheckGroupContext,
  counts: { submitted: number; members: number },
  confirmed: boolean,
): Promise<{ ok: true } | { ok: false; refusal: string }> {
  if (context.checkGroup.revealed_at !== null) return { ok: true };
  const { submitted, members } = counts;
  const missing = Math.max(0, members - submitted);
  if (missing > 0 && !confirmed) {
    return { ok: false, refusal: `${missing} of ${members} members ${missing === 1 ? 'has' : 'have'} not submitted yet. Tick the box to reveal anyway, or wait for them.` };
  }
  await db.transaction().execute(async (trx) => {
    await revealCheckGroup(trx, context.check.id, context.group.id, actorId);
    await recordAudit(trx, { actorId, action: 'consensus.reveal', subject: `group:${context.group.id}`, detail: { checkId: context.check.id, submitted, members } });
  });
  return { ok: true };
}

/** Named view is chosen for one check, knowingly, before anyone has answered: answers given anonymously stay so. */
export async function namedViewRefusal(db: Db, context: CheckGroupContext): Promise<string | undefined> {
  if (checkState(context.check, context.today) !== 'open') return 'Names can only be switched on while the check is open.';
  const submitted = await countSubmitted(db, context.check.id, context.group.id);
  if (submitted > 0) {
    return `${submitted} ${submitted === 1 ? 'member has' : 'members have'} already submitted without names showing, so names cannot be switched on in this check: answers given anonymously stay anonymous. Choose named view at the start of the next check.`;
  }
  return undefined;
}

/** Switches the group's named view for this check on or off, with an audit entry; the same choice again writes nothing. */
export async function setNamedView(db: Kysely<Database>, actorId: number, context: CheckGroupContext, on: boolean): Promise<void> {
  if ((context.checkGroup.shows_names === 1) === on) return;
  await db.transaction().execute(async (trx) => {
    await setCheckGroupShowsNames(trx, context.check.id, context.group.id, on, actorId);
    await recordAudit(trx, { actorId, action: on ? 'consensus.named-view-on' : 'consensus.named-view-off', subject: `group:${context.group.id}`, detail: { checkId: context.check.id } });
  });
}
