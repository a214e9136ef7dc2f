/** A person's self-assessment for one group in one check, and its placements. */
import { sql } from 'kysely';
import type { Placement, SelfAssessment } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { recordSubmissionInSummaries } from './report-summaries.js';

export interface PlacementInput {
  outcomeCode: string;
  /** 1..5, or null for "Not sure yet". */
  level: number | null;
  evidence: string;
}

export async function findSelfAssessment(db: Db, checkId: number, groupId: number, personId: number): Promise<SelfAssessment | undefined> {
  return db
    .selectFrom('self_assessments')
    .selectAll()
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** The person's self-assessment, created on first use; two tabs racing still share one row. */
export async function ensureSelfAssessment(db: Db, checkId: number, groupId: number, personId: number): Promise<SelfAssessment> {
  const existing = await findSelfAssessment(db, checkId, groupId, personId);
  if (existing !== undefined) return existing;
  await db
    .insertInto('self_assessments')
    .values({ check_id: checkId, group_id: groupId, person_id: personId, submitted_at: null })
    .onConflict((oc) => oc.columns(['check_id', 'group_id', 'person_id']).doNothing())
    .execute();
  const row = await findSelfAssessment(db, checkId, groupId, personId);
  if (row === undefined) throw new Error('the self-assessment vanished right after it was created');
  return row;
}

export async function placementsOf(db: Db, selfAssessmentId: number): Promise<Placement[]> {
  return db.selectFrom('placements').selectAll().where('self_assessment_id', '=', selfAssessmentId).execute();
}

/**
 * Bumps the version if it is still `expectedVersion` (optimistic concurrency); false when another
 * tab or device saved in between.
 */
export async function claimVersion(db: Db, selfAssessmentId: number, expectedVersion: number): Promise<boolean> {
  const result = await db
    .updateTable('self_assessments')
    .set({ version: sql`version + 1`, updated_at: isoNow() })
    .where('id', '=', selfAssessmentId)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function upsertPlacements(db: Db, selfAssessmentId: number, placements: readonly PlacementInput[]): Promise<void> {
  for (const placement of placements) {
    const values = { level: placement.level, not_sure: placement.level === null ? 1 : 0, evidence: placement.evidence };
    await db
      .insertInto('placements')
      .values({ self_assessment_id: selfAssessmentId, outcome_code: placement.outcomeCode, ...values })
      .onConflict((oc) => oc.columns(['self_assessment_id', 'outcome_code']).doUpdateSet(values))
      .execute();
  }
}

/** Marks submitted once; submitting again keeps the first time. */
export async function markSubmitted(db: Db, selfAssessmentId: number): Promise<void> {
  const result = await db
    .updateTable('self_assessments')
    .set({ submitted_at: isoNow() })
    .where('id', '=', selfAssessmentId)
    .where('submitted_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 1n) await recordSubmissionInSummaries(db, selfAssessmentId);
}

export interface GroupPlacement {
  person_id: number;
  person_name: string;
  outcome_code: string;
  level: number | null;
}

/**
 * The submitted placements of a group in a check, for the consensus spread. Callers decide, by the
 * privacy rules, whether they may load them at all; names are only read when `withNames` is true.
 */
export async function submittedPlacements(db: Db, checkId: number, groupId: number, withNames: boolean): Promise<GroupPlacement[]> {
  return db
    .selectFrom('placements')
    .innerJoin('self_assessments', 'self_assessments.id', 'placements.self_assessment_id')
    .innerJoin('people', 'people.id', 'self_assessments.person_id')
    .select(['self_assessments.person_id', 'placements.outcome_code', 'placements.level'])
    .select(withNames ? sql<string>`people.name`.as('person_name') : sql<string>`''`.as('person_name'))
    .where('self_assessments.check_id', '=', checkId)
    .where('self_assessments.group_id', '=', groupId)
    .where('self_assessments.submitted_at', 'is not', null)
    .orderBy('self_assessments.id')
    .execute();
}

export async function countSubmitted(db: Db, checkId: number, groupId: number): Promise<number> {
  const row = await db
    .selectFrom('self_assessments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .where('submitted_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

export interface OwnHistoryRow {
  check_id: number;
  check_name: string;
  opens_on: string;
  group_id: number;
  group_name: string;
  role_key: string;
  outcome_code: string;
  level: number | null;
  team_level: number | null;
}

/** A person's own submitted placements in every check, beside their group's agreed level: for their eyes only. */
export async function ownPlacementHistory(db: Db, personId: number): Promise<OwnHistoryRow[]> {
  return db
    .selectFrom('self_assessments as sa')
    .innerJoin('placements as p', 'p.self_assessment_id', 'sa.id')
    .innerJoin('progress_checks as pc', 'pc.id', 'sa.check_id')
    .innerJoin('groups as g', 'g.id', 'sa.group_id')
    .leftJoin('consensus_records as cr', (join) => join.onRef('cr.check_id', '=', 'sa.check_id').onRef('cr.group_id', '=', 'sa.group_id').onRef('cr.outcome_code', '=', 'p.outcome_code'))
    .select(['sa.check_id', 'pc.name as check_name', 'pc.opens_on', 'sa.group_id', 'g.name as group_name', 'g.role_key', 'p.outcome_code', 'p.level', 'cr.level as team_level'])
    .where('sa.person_id', '=', personId)
    .where('sa.submitted_at', 'is not', null)
    .orderBy('pc.opens_on')
    .orderBy('sa.check_id')
    .execute();
}
