/**
 * The self-assessment survey: one principle's outcomes per page, each a level (or "Not sure yet")
 * with an optional evidence note. Saves are versioned so two tabs never silently overwrite each
 * other; submitting needs every outcome answered and happens once however often it is sent. Both
 * commit together with the saves arriving at the same moment (group commit).
 */
import type { Kysely } from 'kysely';
import { commitTogether } from '../db/group-commit.js';
import type { Database, Placement, SelfAssessment } from '../db/schema.js';
import type { IcMap, Outcome, Role } from '../maps/schema.js';
import { outcomesByPrinciple, type PrincipleWithOutcomes } from '../maps/catalog.js';
import { claimVersion, markSubmitted, placementsOf, upsertPlacements, type PlacementInput } from '../repositories/self-assessments.js';

export const EVIDENCE_MAX_LENGTH = 1000;
export const NOT_SURE = 'not-sure';

export interface SurveyPage extends PrincipleWithOutcomes {
  /** 1-based page number: one principle per page. */
  number: number;
}

export function surveyPages(map: IcMap, role: Role): SurveyPage[] {
  return outcomesByPrinciple(map, role).map((section, index) => ({ ...section, number: index + 1 }));
}

export interface Answer {
  /** 1..5, null for "Not sure yet", or undefined for a note typed without a valid level (never stored). */
  level: number | null | undefined;
  evidence: string;
}

/** Placements keyed by outcome code. */
export function answersOf(placements: readonly Placement[]): Map<string, Answer> {
  return new Map(placements.map((placement) => [placement.outcome_code, { level: placement.level, evidence: placement.evidence }]));
}

export function isAnswered(answer: Answer | undefined): boolean {
  return answer?.level !== undefined;
}

export function missingOutcomes(role: Role, answers: ReadonlyMap<string, Answer>): Outcome[] {
  return role.outcomes.filter((outcome) => !isAnswered(answers.get(outcome.code)));
}

export type PageParse = { ok: true; placements: PlacementInput[] } | { ok: false; errors: Record<string, string> };

/**
 * Reads one page's answers from a form: `level_<code>` is "1".."5" or "not-sure", `evidence_<code>`
 * is optional text. An outcome left unanswered is left as it was; anything malformed is refused.
 */
export function parseSurveyPage(body: unknown, outcomes: readonly Outcome[], levelCount: number): PageParse {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const placements: PlacementInput[] = [];
  const known = new Set(outcomes.map((outcome) => outcome.code));
  for (const key of Object.keys(form)) {
    const match = /^(level|evidence)_(.+)$/.exec(key);
    if (match?.[2] !== undefined && !known.has(match[2])) errors[key] = `There is no outcome "${match[2]}" on this page.`;
  }
  for (const outcome of outcomes) {
    const rawLevel = form[`level_${outcome.code}`];
    const rawEvidence = form[`evidence_${outcome.code}`] ?? '';
    if (typeof rawEvidence !== 'string') {
      errors[`evidence_${outcome.code}`] = `Send one evidence note for ${outcome.code}.`;
      continue;
    }
    // Browsers send a textarea's line breaks as CR LF but count them as one character: count as they do.
    const evidence = rawEvidence.replace(/\r\n?/g, '\n').trim();
    if (evidence.length > EVIDENCE_MAX_LENGTH) {
      errors[`evidence_${outcome.code}`] = `The evidence note for ${outcome.code} is ${evidence.length.toLocaleString('en-US')} characters; keep it to ${EVIDENCE_MAX_LENGTH.toLocaleString('en-US')}.`;
    }
    if (rawLevel === undefined || rawLevel === '') {
      if (evidence !== '') errors[`level_${outcome.code}`] = `Choose a level, or "Not sure yet", for ${outcome.code} to keep your evidence note.`;
      continue;
    }
    if (rawLevel === NOT_SURE) {
      placements.push({ outcomeCode: outcome.code, level: null, evidence });
      continue;
    }
    const level = typeof rawLevel === 'string' && /^\d+$/.test(rawLevel) ? Number(rawLevel) : NaN;
    if (!Number.isInteger(level) || level < 1 || level > levelCount) {
      errors[`level_${outcome.code}`] = `Choose a level from 1 to ${levelCount}, or "Not sure yet", for ${outcome.code}.`;
      continue;
    }
    placements.push({ outcomeCode: outcome.code, level, evidence });
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, placements };
}

/**
 * The answers as typed on a page, even when the page is refused: a valid level (or "Not sure yet")
 * is kept with its note; an invalid level is dropped but the note stays, so nothing typed is lost.
 */
export function submittedAnswers(body: unknown, outcomes: readonly Outcome[], levelCount: number): Map<string, Answer> {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const answers = new Map<string, Answer>();
  for (const outcome of outcomes) {
    const rawLevel = form[`level_${outcome.code}`];
    const rawEvidence = form[`evidence_${outcome.code}`];
    const evidence = typeof rawEvidence === 'string' ? rawEvidence : '';
    const number = typeof rawLevel === 'string' && /^\d+$/.test(rawLevel) ? Number(rawLevel) : NaN;
    if (rawLevel === NOT_SURE) answers.set(outcome.code, { level: null, evidence });
    else if (number >= 1 && number <= levelCount) answers.set(outcome.code, { level: number, evidence });
    else if (evidence !== '') answers.set(outcome.code, { level: undefined, evidence });
  }
  return answers;
}

export type SaveResult = { ok: true; version: number } | { ok: false; conflict: true; current: SelfAssessment; answers: Map<string, Answer> };

/** Saves a page's answers if nothing else saved since `expectedVersion`; otherwise reports the saved state. */
export async function saveAnswers(db: Kysely<Database>, assessment: SelfAssessment, expectedVersion: number, placements: readonly PlacementInput[]): Promise<SaveResult> {
  return commitTogether(db, async (trx) => {
    if (!(await claimVersion(trx, assessment.id, expectedVersion))) {
      const current = await trx.selectFrom('self_assessments').selectAll().where('id', '=', assessment.id).executeTakeFirstOrThrow();
      return { ok: false, conflict: true, current, answers: answersOf(await placementsOf(trx, assessment.id)) } as const;
    }
    await upsertPlacements(trx, assessment.id, placements);
    return { ok: true, version: expectedVersion + 1 } as const;
  });
}

export type SubmitResult = { ok: true; alreadySubmitted: boolean } | { ok: false; missing: Outcome[] } | { ok: false; conflict: true };

/** Submits once: a repeat (double click, refresh) of an already submitted assessment changes nothing. */
export async function submitAnswers(db: Kysely<Database>, assessment: SelfAssessment, expectedVersion: number, role: Role): Promise<SubmitResult> {
  if (assessment.submitted_at !== null) return { ok: true, alreadySubmitted: true };
  return commitTogether(db, async (trx) => {
    const missing = missingOutcomes(role, answersOf(await placementsOf(trx, assessment.id)));
    if (missing.length > 0) return { ok: false, missing } as const;
    if (!(await claimVersion(trx, assessment.id, expectedVersion))) return { ok: false, conflict: true } as const;
    await markSubmitted(trx, assessment.id);
    return { ok: true, alreadySubmitted: false } as const;
  });
}
