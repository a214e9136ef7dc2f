/**
 * Named view becomes a choice per progress check: a flag on the group's part in one check, instead of
 * one group-wide flag that named members in every check, past ones included.
 *
 * Nothing already given anonymously becomes named: the old group-wide flag is not carried to any
 * check, closed or open. The old flag was never shown to members on their survey, so nobody can be
 * said to have answered an existing check knowing their name would show; a facilitator who wants
 * names in the open check asks the group again and switches it on there (before anyone submits).
 */
import { type Kysely, sql } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('check_groups').addColumn('shows_names', 'integer', (col) => col.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('check_groups').addColumn('names_set_by', 'integer', (col) => col.references('people.id')).execute();
  await db.schema.alterTable('check_groups').addColumn('names_set_at', 'text').execute();
  // Kept in the audit log: which groups had the old switch on when it went away.
  await sql`insert into audit_events (actor_id, action, subject, detail)
    select null, 'group.named-view-retired', 'group:' || id, '{"reason":"named view is now chosen per check; not carried to any check"}'
    from groups where shows_names = 1`.execute(db);
  await db.schema.alterTable('groups').dropColumn('shows_names').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('shows_names', 'integer', (col) => col.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('check_groups').dropColumn('names_set_at').execute();
  await db.schema.alterTable('check_groups').dropColumn('names_set_by').execute();
  await db.schema.alterTable('check_groups').dropColumn('shows_names').execute();
}
