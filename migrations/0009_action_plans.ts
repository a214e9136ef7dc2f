/** Follow-through: actions that carry a consensus next step (owners, due date, status, signed progress notes) and requests for the hub's help. */
import { type Kysely, sql } from 'kysely';
import { autoId, nowText } from './dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const now = nowText(db);
  const id = autoId(db);

  // An action belongs to a group and an outcome; check_id names the check whose consensus it follows (if any).
  await db.schema
    .createTable('actions')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('check_id', 'integer', (col) => col.references('progress_checks.id'))
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('what', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('learn', 'pdsa', 'adapt')`))
    .addColumn('due_on', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('planned').check(sql`status in ('planned', 'in-progress', 'done', 'dropped')`))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('updated_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('actions_group_outcome').on('actions').columns(['group_id', 'outcome_code']).execute();

  await db.schema
    .createTable('action_owners')
    .addColumn('action_id', 'integer', (col) => col.notNull().references('actions.id'))
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id'))
    .addPrimaryKeyConstraint('action_owners_pk', ['action_id', 'person_id'])
    .execute();
  await db.schema.createIndex('action_owners_person_id').on('action_owners').column('person_id').execute();

  // Progress notes are signed and dated: "what have we done".
  await db.schema
    .createTable('action_notes')
    .addColumn('id', 'integer', id)
    .addColumn('action_id', 'integer', (col) => col.notNull().references('actions.id'))
    .addColumn('author_id', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('action_notes_action_id').on('action_notes').column('action_id').execute();

  // A facilitator asks the hub for help on an outcome; the hub answers, assigns one of its members and closes it.
  await db.schema
    .createTable('assistance_requests')
    .addColumn('id', 'integer', id)
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('check_id', 'integer', (col) => col.references('progress_checks.id'))
    .addColumn('outcome_code', 'text', (col) => col.notNull())
    .addColumn('help', 'text', (col) => col.notNull())
    .addColumn('needed_by', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('open').check(sql`status in ('open', 'answered', 'closed')`))
    .addColumn('answer', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('assignee_id', 'integer', (col) => col.references('people.id'))
    .addColumn('answered_by', 'integer', (col) => col.references('people.id'))
    .addColumn('answered_at', 'text')
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('updated_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('assistance_requests_group_id').on('assistance_requests').column('group_id').execute();
  await db.schema.createIndex('assistance_requests_status').on('assistance_requests').column('status').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['assistance_requests', 'action_notes', 'action_owners', 'actions']) {
    await db.schema.dropTable(table).execute();
  }
}
