/** The full export, streamed in chunks of rows: placements (pseudonymous, only where the privacy rules allow) and consensus per outcome, with its rationale, dissent and next step. */
import { sql } from 'kysely';
import type { Db } from '../db/types.js';

export interface ExportRow {
  check_name: string;
  opens_on: string;
  district_name: string | null;
  site_name: string | null;
  group_name: string;
  role_key: string;
  /** 1-based position of the member within the group and check, or null for a consensus-only row. */
  member_number: number | null;
  outcome_code: string;
  placement: number | null;
  not_sure: number | null;
  consensus_level: number | null;
  rationale: string | null;
  dissent: string | null;
  next_step: string | null;
}

/**
 * Rows for every person x outcome x check of the groups whose placements may leave the group (revealed,
 * at least `minGroupSize` submissions), and one consensus-only row per outcome for the other groups.
 * Members are numbered, never named.
 */
export async function* streamExportRows(db: Db, minGroupSize: number): AsyncGenerator<ExportRow[]> {
  // One check at a time: SQLite sorts each check's rows before the first one streams, and better-sqlite3
  // runs on the event loop, so a smaller sort keeps other requests answering while the export runs.
  const checks = await db.selectFrom('progress_checks').select('id').orderBy('opens_on').orderBy('id').execute();
  for (const { id } of checks) yield* streamCheckRows(db, id, minGroupSize);
}

async function* streamCheckRows(db: Db, checkId: number, minGroupSize: number): AsyncGenerator<ExportRow[]> {
  const query = sql<ExportRow>`
    with eligible as (
      select sa.check_id, sa.group_id from self_assessments sa
      join check_groups cg on cg.check_id = sa.check_id and cg.group_id = sa.group_id and cg.revealed_at is not null
      where sa.submitted_at is not null and sa.check_id = ${checkId}
      group by sa.check_id, sa.group_id having count(*) >= ${minGroupSize}
    ),
    place as (
      select g.id as group_id, g.name as group_name, g.role_key, s.name as site_name, d.name as district_name
      from groups g left join sites s on s.id = g.site_id
      left join districts d on d.id = coalesce(g.district_id, s.district_id)
    )
    select pc.name as check_name, pc.opens_on, place.district_name, place.site_name, place.group_name, place.role_key,
      dense_rank() over (partition by sa.check_id, sa.group_id order by sa.id) as member_number,
      p.outcome_code, p.level as placement, p.not_sure, cr.level as consensus_level,
      cr.rationale, cr.dissent, cr.next_step
    from placements p
    join self_assessments sa on sa.id = p.self_assessment_id and sa.submitted_at is not null
    join eligible e on e.check_id = sa.check_id and e.group_id = sa.group_id
    join progress_checks pc on pc.id = sa.check_id
    join place on place.group_id = sa.group_id
    left join consensus_records cr on cr.check_id = sa.check_id and cr.group_id = sa.group_id and cr.outcome_code = p.outcome_code
    union all
    select pc.name, pc.opens_on, place.district_name, place.site_name, place.group_name, place.role_key,
      null, cr.outcome_code, null, null, cr.level, cr.rationale, cr.dissent, cr.next_step
    from consensus_records cr
    join progress_checks pc on pc.id = cr.check_id
    join place on place.group_id = cr.group_id
    where cr.check_id = ${checkId} and not exists (select 1 from eligible e where e.check_id = cr.check_id and e.group_id = cr.group_id)`;
  // Kysely streams only select queries from SQLite: wrap the raw query as a subquery.
  const rows = db
    .selectFrom(sql<ExportRow>`(${query})`.as('export_rows'))
    .selectAll()
    .orderBy('district_name', (ob) => ob.asc().nullsFirst())
    .orderBy('site_name', (ob) => ob.asc().nullsFirst())
    .orderBy('group_name')
    .orderBy('member_number', (ob) => ob.asc().nullsFirst())
    .orderBy('outcome_code')
    .stream(1000);
  let chunk: ExportRow[] = [];
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length >= 1000) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
