/**
 * The growth page says of an open check "k of n groups agreed": it counts a role's groups taking part
 * and those with every outcome agreed. An index holding `agreed` beside check and role answers that
 * from the index alone, without reading each group's summary row (10,000 of them at 10,000 sites).
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('report_check_groups_agreed').on('report_check_groups').columns(['check_id', 'role_key', 'agreed']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('report_check_groups_agreed').execute();
}
