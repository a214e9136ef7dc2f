/** A group's agreed level per outcome in a check, with every revision kept. */
import type { ConsensusRecord, ConsensusRevision } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';
import { recordConsensusInSummaries } from './report-summaries.js';

export interface ConsensusInput {
  checkId: number;
  groupId: number;
  outcomeCode: string;
  level: number;
  rationale: string;
  dissent: string;
  nextStep: string;
  recordedBy: number;
}

export async function consensusForGroup(db: Db, checkId: number, groupId: number): Promise<ConsensusRecord[]> {
  return db
    .selectFrom('consensus_records')
    .selectAll()
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .execute();
}

export async function findConsensus(db: Db, checkId: number, groupId: number, outcomeCode: string): Promise<ConsensusRecord | undefined> {
  return db
    .selectFrom('consensus_records')
    .selectAll()
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .where('outcome_code', '=', outcomeCode)
    .executeTakeFirst();
}

/**
 * Writes version `expectedVersion + 1` of a record if the stored one is still `expectedVersion`
 * (0: none yet). Returns false, writing nothing, when someone else saved first.
 */
export async function saveConsensusVersion(db: Db, input: ConsensusInput, expectedVersion: number): Promise<boolean> {
  const values = {
    level: input.level,
    rationale: input.rationale,
    dissent: input.dissent,
    next_step: input.nextStep,
    updated_by: input.recordedBy,
    updated_at: isoNow(),
    version: expectedVersion + 1,
  };
  let written: boolean;
  let previousLevel: number | undefined;
  if (expectedVersion === 0) {
    const result = await db
      .insertInto('consensus_records')
      .values({ check_id: input.checkId, group_id: input.groupId, outcome_code: input.outcomeCode, ...values })
      .onConflict((oc) => oc.columns(['check_id', 'group_id', 'outcome_code']).doNothing())
      .executeTakeFirst();
    written = (result.numInsertedOrUpdatedRows ?? 0n) === 1n;
  } else {
    // The level this version replaces, for the report summaries (a version's level never changes).
    const previous = await db
      .selectFrom('consensus_records')
      .select('level')
      .where('check_id', '=', input.checkId)
      .where('group_id', '=', input.groupId)
      .where('outcome_code', '=', input.outcomeCode)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    previousLevel = previous?.level;
    const result = await db
      .updateTable('consensus_records')
      .set(values)
      .where('check_id', '=', input.checkId)
      .where('group_id', '=', input.groupId)
      .where('outcome_code', '=', input.outcomeCode)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    written = result.numUpdatedRows === 1n;
  }
  if (!written) return false;
  await recordConsensusInSummaries(db, input, previousLevel);
  await db
    .insertInto('consensus_revisions')
    .values({
      check_id: input.checkId,
      group_id: input.groupId,
      outcome_code: input.outcomeCode,
      version: expectedVersion + 1,
      level: input.level,
      rationale: input.rationale,
      dissent: input.dissent,
      next_step: input.nextStep,
      recorded_by: input.recordedBy,
    })
    .execute();
  return true;
}

export type RevisionWithAuthor = ConsensusRevision & { recorded_by_name: string };

export async function consensusRevisions(db: Db, checkId: number, groupId: number): Promise<RevisionWithAuthor[]> {
  return db
    .selectFrom('consensus_revisions')
    .innerJoin('people', 'people.id', 'consensus_revisions.recorded_by')
    .selectAll('consensus_revisions')
    .select('people.name as recorded_by_name')
    .where('consensus_revisions.check_id', '=', checkId)
    .where('consensus_revisions.group_id', '=', groupId)
    .orderBy('consensus_revisions.id', 'desc')
    .execute();
}
