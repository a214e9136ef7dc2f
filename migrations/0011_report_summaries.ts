/**
 * Report summaries: per check and group, per principle and per role/district/level counts of the agreed
 * levels, kept up to date in the same transaction as each write, so reports read only what they show.
 * Existing installs are filled here, check by check, with progress on stderr.
 */
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // One row per group taking part in a check: its active members (now), submissions and agreed outcomes.
  await db.schema
    .createTable('report_check_groups')
    .addColumn('check_id', 'integer', (col) => col.notNull())
    .addColumn('group_id', 'integer', (col) => col.notNull())
    .addColumn('role_key', 'text', (col) => col.notNull())
    // coalesce(groups.district_id, sites.district_id): neither changes once a group exists.
    .addColumn('district_id', 'integer')
    .addColumn('members', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('submitted', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('agreed', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('level_sum', 'integer', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('report_check_groups_pk', ['check_id', 'group_id'])
    .execute();
  await db.schema.createIndex('report_check_groups_role').on('report_check_groups').columns(['check_id', 'role_key', 'district_id']).execute();
  await db.schema.createIndex('report_check_groups_group').on('report_check_groups').column('group_id').execute();

  // A group's agreed levels in a check, summed per principle (an outcome code's part before the dot).
  await db.schema
    .createTable('report_principle_levels')
    .addColumn('check_id', 'integer', (col) => col.notNull())
    .addColumn('group_id', 'integer', (col) => col.notNull())
    .addColumn('principle', 'text', (col) => col.notNull())
    .addColumn('levels', 'integer', (col) => col.notNull())
    .addColumn('level_sum', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('report_principle_levels_pk', ['check_id', 'group_id', 'principle'])
    .execute();

  // How many groups of a role agreed each level, per check and outcome: network-wide and per district.
  await db.schema
    .createTable('report_role_levels')
    .addColumn('role_key', 'text', (col) => col.notNull())
    .addColumn('check_id', 'integer', (col) => col.notNull())
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('level', 'integer', (col) => col.notNull())
    .addColumn('group_count', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('report_role_levels_pk', ['role_key', 'check_id', 'outcome_code', 'level'])
    .execute();
  await db.schema
    .createTable('report_district_levels')
    .addColumn('role_key', 'text', (col) => col.notNull())
    .addColumn('district_id', 'integer', (col) => col.notNull())
    .addColumn('check_id', 'integer', (col) => col.notNull())
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('level', 'integer', (col) => col.notNull())
    .addColumn('group_count', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('report_district_levels_pk', ['role_key', 'check_id', 'district_id', 'outcome_code', 'level'])
    .execute();
  await db.schema.createIndex('report_district_levels_district').on('report_district_levels').columns(['role_key', 'district_id']).execute();

  await fillReportSummaries(db, (done, total) => {
    process.stderr.write(`Filling report summaries: check ${done} of ${total} (${Math.round((done / total) * 100)}%)\n`);
  });
}

/**
 * Fills the summaries from the records, one check at a time (`onProgress` after each), in portable
 * SQL. Also used by the demo generator's tests to compare; it assumes the summary tables are empty.
 */
export async function fillReportSummaries(db: AnyDb, onProgress: (done: number, total: number) => void = () => undefined): Promise<void> {
  const checks = await sql<{ id: number }>`select id from progress_checks order by id`.execute(db);
  const codes = await sql<{ outcome_code: string }>`select distinct outcome_code from consensus_records`.execute(db);
  const anyRecords = codes.rows.length > 0;
  // The principle of an outcome code ("2.3" → "2") as a CASE over the codes in use: no string function differs between databases.
  const principle =
    codes.rows.length === 0
      ? sql<string>`cr.outcome_code`
      : sql<string>`case cr.outcome_code ${sql.join(
          codes.rows.map((row) => sql`when ${row.outcome_code} then ${row.outcome_code.split('.')[0] ?? row.outcome_code}`),
          sql` `,
        )} else cr.outcome_code end`;
  const total = checks.rows.length;
  let done = 0;
  for (const { id } of checks.rows) {
    await sql`insert into report_check_groups (check_id, group_id, role_key, district_id, members, submitted, agreed, level_sum)
      select cg.check_id, cg.group_id, g.role_key, coalesce(g.district_id, s.district_id),
        (select count(*) from group_members gm join people pe on pe.id = gm.person_id where gm.group_id = cg.group_id and pe.archived_at is null),
        (select count(*) from self_assessments sa where sa.check_id = cg.check_id and sa.group_id = cg.group_id and sa.submitted_at is not null),
        (select count(*) from consensus_records cr where cr.check_id = cg.check_id and cr.group_id = cg.group_id),
        (select coalesce(sum(cr.level), 0) from consensus_records cr where cr.check_id = cg.check_id and cr.group_id = cg.group_id)
      from check_groups cg join groups g on g.id = cg.group_id left join sites s on s.id = g.site_id
      where cg.check_id = ${id}`.execute(db);
    await sql`insert into report_principle_levels (check_id, group_id, principle, levels, level_sum)
      select cr.check_id, cr.group_id, ${principle}, count(*), sum(cr.level)
      from consensus_records cr where cr.check_id = ${id}
      group by cr.check_id, cr.group_id, ${principle}`.execute(db);
    await sql`insert into report_role_levels (role_key, check_id, outcome_code, level, group_count)
      select g.role_key, cr.check_id, cr.outcome_code, cr.level, count(*)
      from consensus_records cr join groups g on g.id = cr.group_id
      where cr.check_id = ${id}
      group by g.role_key, cr.check_id, cr.outcome_code, cr.level`.execute(db);
    await sql`insert into report_district_levels (role_key, district_id, check_id, outcome_code, level, group_count)
      select g.role_key, coalesce(g.district_id, s.district_id), cr.check_id, cr.outcome_code, cr.level, count(*)
      from consensus_records cr join groups g on g.id = cr.group_id left join sites s on s.id = g.site_id
      where cr.check_id = ${id} and coalesce(g.district_id, s.district_id) is not null
      group by g.role_key, coalesce(g.district_id, s.district_id), cr.check_id, cr.outcome_code, cr.level`.execute(db);
    done += 1;
    if (anyRecords) onProgress(done, total);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['report_district_levels', 'report_role_levels', 'report_principle_levels', 'report_check_groups']) {
    await db.schema.dropTable(table).execute();
  }
}
