/**
 * Failed sign-ins remember the address they came from (the per-address limit counts failures only);
 * a one-time link withdrawn because its person's access changed says so.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sign_in_failures').addColumn('address', 'text').execute();
  await db.schema.createIndex('sign_in_failures_address_at').on('sign_in_failures').columns(['address', 'at']).execute();
  await db.schema.alterTable('access_links').addColumn('revoked_at', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('access_links').dropColumn('revoked_at').execute();
  await db.schema.dropIndex('sign_in_failures_address_at').execute();
  await db.schema.alterTable('sign_in_failures').dropColumn('address').execute();
}
