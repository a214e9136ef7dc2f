/**
 * The report summaries (migration 0011), kept exact by the writes that change report numbers, each in
 * the caller's transaction: consensus saved or revised, groups added to a check, submissions, members.
 */
import { takeTurns } from '../db/dialect.js';
import { sql } from 'kysely';
import type { Db } from '../db/types.js';

/** An outcome's principle: its code's part before the dot (the map schema requires "2.3" to belong to principle "2"). */
export function principleOfCode(code: string): string {
  return code.split('.')[0] ?? code;
}

/** Summary rows for groups just added to a check, counted from what is already stored. */
export async function addCheckGroupSummaries(db: Db, checkId: number, groupIds: readonly number[]): Promise<void> {
  if (groupIds.length === 0) return;
  await sql`insert into report_check_groups (check_id, group_id, role_key, district_id, members, submitted, agreed, level_sum)
    select cg.check_id, cg.group_id, g.role_key, coalesce(g.district_id, s.district_id),
      (select count(*) from group_members gm join people pe on pe.id = gm.person_id where gm.group_id = cg.group_id and pe.archived_at is null),
      (select count(*) from self_assessments sa where sa.check_id = cg.check_id and sa.group_id = cg.group_id and sa.submitted_at is not null),
      (select count(*) from consensus_records cr where cr.check_id = cg.check_id and cr.group_id = cg.group_id),
      (select coalesce(sum(cr.level), 0) from consensus_records cr where cr.check_id = cg.check_id and cr.group_id = cg.group_id)
    from check_groups cg join groups g on g.id = cg.group_id left join sites s on s.id = g.site_id
    where cg.check_id = ${checkId} and cg.group_id in (${sql.join(groupIds)})
      and not exists (select 1 from report_check_groups r where r.check_id = cg.check_id and r.group_id = cg.group_id)`.execute(db);
}

/**
 * A consensus record written: `previousLevel` is the level it replaced (undefined for a new record).
 * Moves the group's counts from the old level to the new one in every summary.
 */
export async function recordConsensusInSummaries(
  db: Db,
  record: { checkId: number; groupId: number; outcomeCode: string; level: number },
  previousLevel: number | undefined,
): Promise<void> {
  const group = await db
    .selectFrom('groups')
    .leftJoin('sites', 'sites.id', 'groups.site_id')
    .select(['groups.role_key', sql<number | null>`coalesce(groups.district_id, sites.district_id)`.as('district_id')])
    .where('groups.id', '=', record.groupId)
    .executeTakeFirstOrThrow();
  const isNew = previousLevel === undefined;
  const delta = record.level - (previousLevel ?? 0);
  await db
    .updateTable('report_check_groups')
    .set((eb) => ({ agreed: eb('agreed', '+', isNew ? 1 : 0), level_sum: eb('level_sum', '+', delta) }))
    .where('check_id', '=', record.checkId)
    .where('group_id', '=', record.groupId)
    .execute();
  await db
    .insertInto('report_principle_levels')
    .values({ check_id: record.checkId, group_id: record.groupId, principle: principleOfCode(record.outcomeCode), levels: 1, level_sum: record.level })
    .onConflict((oc) =>
      oc.columns(['check_id', 'group_id', 'principle']).doUpdateSet({
        levels: sql`report_principle_levels.levels + ${isNew ? 1 : 0}`,
        level_sum: sql`report_principle_levels.level_sum + ${delta}`,
      }),
    )
    .execute();
  if (previousLevel === record.level) return;
  const key = { role_key: group.role_key, check_id: record.checkId, outcome_code: record.outcomeCode };
  if (previousLevel !== undefined) {
    await db
      .updateTable('report_role_levels')
      .set((eb) => ({ group_count: eb('group_count', '-', 1) }))
      .where('role_key', '=', key.role_key)
      .where('check_id', '=', key.check_id)
      .where('outcome_code', '=', key.outcome_code)
      .where('level', '=', previousLevel)
      .execute();
    if (group.district_id !== null) {
      await db
        .updateTable('report_district_levels')
        .set((eb) => ({ group_count: eb('group_count', '-', 1) }))
        .where('role_key', '=', key.role_key)
        .where('check_id', '=', key.check_id)
        .where('district_id', '=', group.district_id)
        .where('outcome_code', '=', key.outcome_code)
        .where('level', '=', previousLevel)
        .execute();
    }
  }
  await db
    .insertInto('report_role_levels')
    .values({ ...key, level: record.level, group_count: 1 })
    .onConflict((oc) => oc.columns(['role_key', 'check_id', 'outcome_code', 'level']).doUpdateSet({ group_count: sql`report_role_levels.group_count + 1` }))
    .execute();
  if (group.district_id !== null) {
    await db
      .insertInto('report_district_levels')
      .values({ ...key, district_id: group.district_id, level: record.level, group_count: 1 })
      .onConflict((oc) =>
        oc.columns(['role_key', 'check_id', 'district_id', 'outcome_code', 'level']).doUpdateSet({ group_count: sql`report_district_levels.group_count + 1` }),
      )
      .execute();
  }
}

/** One more submitted self-assessment for its check and group. */
export async function recordSubmissionInSummaries(db: Db, selfAssessmentId: number): Promise<void> {
  const assessment = await db.selectFrom('self_assessments').select(['check_id', 'group_id']).where('id', '=', selfAssessmentId).executeTakeFirst();
  if (assessment === undefined) return;
  await db
    .updateTable('report_check_groups')
    .set((eb) => ({ submitted: eb('submitted', '+', 1) }))
    .where('check_id', '=', assessment.check_id)
    .where('group_id', '=', assessment.group_id)
    .execute();
}

/**
 * Recounts the active members of groups (after a membership or a person's archiving changed), in every
 * check they take part in. On PostgreSQL two such changes to one group take turns: each recount then
 * runs after the other's change is committed and sees it (at READ COMMITTED a recount running beside
 * another change would count from a snapshot without it, and the last one written would be short).
 */
export async function recountMembersInSummaries(db: Db, which: { groupId: number } | { personId: number }): Promise<void> {
  const groupIds =
    'groupId' in which
      ? [which.groupId]
      : (await db.selectFrom('group_members').select('group_id').where('person_id', '=', which.personId).execute()).map((row) => row.group_id);
  if (groupIds.length === 0) return;
  groupIds.sort((a, b) => a - b);
  await takeTurns(db, ...groupIds.map((id) => `group members ${id}`));
  await db
    .updateTable('report_check_groups')
    .set({
      members: sql<number>`(select count(*) from group_members gm join people pe on pe.id = gm.person_id
        where gm.group_id = report_check_groups.group_id and pe.archived_at is null)`,
    })
    .where('group_id', 'in', groupIds)
    .execute();
}
