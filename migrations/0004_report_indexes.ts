/** Indexes for the reports: a group's consensus across checks, and groups by role. */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('consensus_records_group_outcome').on('consensus_records').columns(['group_id', 'outcome_code']).execute();
  await db.schema.createIndex('groups_role_key').on('groups').column('role_key').execute();
  await db.schema.createIndex('progress_checks_opens_on').on('progress_checks').column('opens_on').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('progress_checks_opens_on').execute();
  await db.schema.dropIndex('groups_role_key').execute();
  await db.schema.dropIndex('consensus_records_group_outcome').execute();
}
