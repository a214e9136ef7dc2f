/** Progress checks: who takes part, each person's self-assessment and placements, and each group's consensus with its revisions. */
import { type Kysely, sql } from 'kysely';
import { autoId, nowText } from './dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const now = nowText(db);
  const id = autoId(db);

  // A check pins the map version it uses, so later map edits never change an old check.
  await db.schema
    .createTable('progress_checks')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('map_id', 'text', (col) => col.notNull())
    .addColumn('map_version', 'text', (col) => col.notNull())
    .addColumn('opens_on', 'text', (col) => col.notNull())
    .addColumn('closes_on', 'text', (col) => col.notNull())
    // Set when a district leader opened the check for their own district; null for the network.
    .addColumn('district_id', 'integer', (col) => col.references('districts.id'))
    .addColumn('closed_at', 'text')
    .addColumn('created_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addCheckConstraint('progress_checks_dates', sql`opens_on <= closes_on`)
    .execute();

  await db.schema
    .createTable('check_groups')
    .addColumn('check_id', 'integer', (col) => col.notNull().references('progress_checks.id'))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('revealed_at', 'text')
    .addColumn('revealed_by', 'integer', (col) => col.references('people.id'))
    .addPrimaryKeyConstraint('check_groups_pk', ['check_id', 'group_id'])
    .execute();
  await db.schema.createIndex('check_groups_group_id').on('check_groups').column('group_id').execute();

  // One self-assessment per person, group and check: the unique key makes a double submit harmless.
  await db.schema
    .createTable('self_assessments')
    .addColumn('id', 'integer', id)
    .addColumn('check_id', 'integer', (col) => col.notNull().references('progress_checks.id'))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('submitted_at', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'text', (col) => col.notNull().defaultTo(now))
    .addUniqueConstraint('self_assessments_one_per_person', ['check_id', 'group_id', 'person_id'])
    .execute();
  await db.schema.createIndex('self_assessments_person_id').on('self_assessments').column('person_id').execute();

  // level null with not_sure = 1 is "Not sure yet"; a row with neither is not written.
  await db.schema
    .createTable('placements')
    .addColumn('self_assessment_id', 'integer', (col) => col.notNull().references('self_assessments.id'))
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('level', 'integer', (col) => col.check(sql`level between 1 and 5`))
    .addColumn('not_sure', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('evidence', 'text', (col) => col.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('placements_pk', ['self_assessment_id', 'outcome_code'])
    .addCheckConstraint('placements_answer', sql`(level is null) = (not_sure = 1)`)
    .execute();

  await db.schema
    .createTable('consensus_records')
    .addColumn('check_id', 'integer', (col) => col.notNull().references('progress_checks.id'))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('level', 'integer', (col) => col.notNull().check(sql`level between 1 and 5`))
    .addColumn('rationale', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('dissent', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('next_step', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('updated_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('updated_at', 'text', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('consensus_records_pk', ['check_id', 'group_id', 'outcome_code'])
    .execute();

  await db.schema
    .createTable('consensus_revisions')
    .addColumn('id', 'integer', id)
    .addColumn('check_id', 'integer', (col) => col.notNull().references('progress_checks.id'))
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('level', 'integer', (col) => col.notNull())
    .addColumn('rationale', 'text', (col) => col.notNull())
    .addColumn('dissent', 'text', (col) => col.notNull())
    .addColumn('next_step', 'text', (col) => col.notNull())
    .addColumn('recorded_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('recorded_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('consensus_revisions_record')
    .on('consensus_revisions')
    .columns(['check_id', 'group_id', 'outcome_code', 'version'])
    .unique()
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['consensus_revisions', 'consensus_records', 'placements', 'self_assessments', 'check_groups', 'progress_checks']) {
    await db.schema.dropTable(table).execute();
  }
}
