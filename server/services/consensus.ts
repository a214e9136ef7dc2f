/**
 * Team consensus: who may see the spread of placements and with which names, the spread per outcome,
 * a next step drafted from the level above, and recording the agreed level without overwriting a
 * colleague's save.
 */
import type { Kysely } from 'kysely';
import { may, type Place } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { ConsensusRecord, Database } from '../db/schema.js';
import type { IcMap, Outcome } from '../maps/schema.js';
import { levelName } from '../maps/catalog.js';
import { findConsensus, saveConsensusVersion, type ConsensusInput } from '../repositories/consensus.js';
import type { Db } from '../db/types.js';
import { countSubmitted, type GroupPlacement } from '../repositories/self-assessments.js';
import type { CheckGroupContext } from './check-access.js';
import { checkState } from './progress-checks.js';

export interface ConsensusAccess {
  isMember: boolean;
  canRecord: boolean;
  canReveal: boolean;
  /** Whether the spread of individual placements may be loaded at all. */
  showSpread: boolean;
  /** Whether the spread names people (members only, and only when the group chose named view). */
  showNames: boolean;
  /** Why the spread is hidden, in words for the page. */
  hiddenBecause: string | undefined;
}

/**
 * The privacy rules of PRODUCT.md: members see their group's spread once the facilitator reveals it,
 * named only if the group chose so; anyone above the group (school, district and hub leaders,
 * admins) sees it only as an anonymous aggregate, and only from `minGroupSize` submissions.
 */
export function consensusAccess(
  scope: AccessScope,
  group: { id: number; place: Place; shows_names: number },
  state: { revealed: boolean; submitted: number; minGroupSize: number; open: boolean },
): ConsensusAccess {
  const isMember = scope.groupIds.includes(group.id);
  const facilitates = scope.facilitatedGroupIds.includes(group.id);
  let hiddenBecause: string | undefined;
  if (!state.revealed) hiddenBecause = 'The facilitator has not revealed the placements yet, so nobody anchors on others.';
  else if (!isMember && state.submitted < state.minGroupSize) {
    hiddenBecause = `Placements of individuals are shown outside the group only from ${state.minGroupSize} submissions; this group has ${state.submitted}.`;
  }
  const showSpread = hiddenBecause === undefined && (isMember || may(scope, 'oversee', { kind: 'group', id: group.id, place: group.place }));
  return {
    isMember,
    canRecord: facilitates && state.open,
    canReveal: facilitates && !state.revealed,
    showSpread,
    showNames: showSpread && isMember && group.shows_names === 1,
    hiddenBecause,
  };
}

/** The access rules for one group's part in a check, with its submission count (one query). */
export async function consensusAccessFor(
  db: Db,
  scope: AccessScope,
  context: CheckGroupContext,
  minGroupSize: number,
): Promise<{ access: ConsensusAccess; submitted: number }> {
  const submitted = await countSubmitted(db, context.check.id, context.group.id);
  const access = consensusAccess(scope, context.group, {
    revealed: context.checkGroup.revealed_at !== null,
    submitted,
    minGroupSize,
    open: checkState(context.check) === 'open',
  });
  return { access, submitted };
}

export interface OutcomeSpread {
  /** People per level, index 0 = Level 1. */
  counts: number[];
  /** Names per level (empty strings when anonymous). */
  names: string[][];
  notSure: number;
  total: number;
  median: number | null;
  min: number | null;
  max: number | null;
  /** Placements two or more levels apart: talk about this one first. */
  discussFirst: boolean;
}

export function spreadFor(placements: readonly GroupPlacement[], code: string, levelCount: number): OutcomeSpread {
  const counts = Array.from({ length: levelCount }, () => 0);
  const names: string[][] = Array.from({ length: levelCount }, () => []);
  const levels: number[] = [];
  let notSure = 0;
  for (const placement of placements) {
    if (placement.outcome_code !== code) continue;
    if (placement.level === null) {
      notSure += 1;
      continue;
    }
    levels.push(placement.level);
    counts[placement.level - 1] = (counts[placement.level - 1] ?? 0) + 1;
    names[placement.level - 1]?.push(placement.person_name);
  }
  levels.sort((a, b) => a - b);
  const middle = levels.length / 2;
  const median =
    levels.length === 0 ? null : levels.length % 2 === 1 ? (levels[Math.floor(middle)] ?? null) : ((levels[middle - 1] ?? 0) + (levels[middle] ?? 0)) / 2;
  const min = levels[0] ?? null;
  const max = levels[levels.length - 1] ?? null;
  return { counts, names, notSure, total: levels.length + notSure, median, min, max, discussFirst: min !== null && max !== null && max - min >= 2 };
}

/** "To reach Level 2: …" from the behaviours of the level above; at Level 1, what sustaining it means. */
export function suggestNextStep(map: IcMap, outcome: Outcome, level: number): string {
  const target = Math.max(1, level - 1);
  const behaviors = outcome.levels.find((candidate) => candidate.level === target)?.behaviors ?? [];
  const lead = level <= 1 ? `To sustain ${levelName(map, 1)}:` : `To reach ${levelName(map, target)}:`;
  return behaviors.length === 0 ? `${lead} (the map gives no description for this level).` : `${lead} ${behaviors.join(' ')}`;
}

export type RecordResult = { ok: true; version: number } | { ok: false; current: ConsensusRecord };

/** Saves the agreed level unless someone else saved first; then their record comes back to be shown. */
/** A consensus form whose version matches nothing stored: refused (409), nothing saved. */
export class StaleConsensusFormError extends Error {
  override name = 'StaleConsensusFormError';
  readonly statusCode = 409;
  constructor() {
    super('This form is out of date: this outcome has no agreed level saved yet. Reload the page and save again. Nothing was saved.');
  }
}

export async function recordConsensus(db: Kysely<Database>, input: ConsensusInput, expectedVersion: number): Promise<RecordResult> {
  return db.transaction().execute(async (trx) => {
    if (await saveConsensusVersion(trx, input, expectedVersion)) return { ok: true, version: expectedVersion + 1 } as const;
    const current = await findConsensus(trx, input.checkId, input.groupId, input.outcomeCode);
    // A version for an outcome with no record: the form was crafted or comes from another database.
    if (current === undefined) throw new StaleConsensusFormError();
    return { ok: false, current } as const;
  });
}
