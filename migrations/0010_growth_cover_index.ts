/**
 * Growth over time counts every group's agreed levels per check: an index holding the level beside
 * group, check and outcome answers that from the index alone, without reading each record's texts.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('consensus_records_group_check_level')
    .on('consensus_records')
    .columns(['group_id', 'check_id', 'outcome_code', 'level'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('consensus_records_group_check_level').execute();
}
