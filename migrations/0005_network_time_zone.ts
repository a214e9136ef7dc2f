/** The network's time zone (an IANA name): dates and times show in it, and a check closes at the end of its day there. */
import type { Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and never import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Existing installs keep the UTC they had; time_zone_chosen_at stays null until an admin chooses,
  // so admins are told the time zone was set for them.
  await db.schema.alterTable('network').addColumn('time_zone', 'text', (col) => col.notNull().defaultTo('UTC')).execute();
  await db.schema.alterTable('network').addColumn('time_zone_chosen_at', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('network').dropColumn('time_zone_chosen_at').execute();
  await db.schema.alterTable('network').dropColumn('time_zone').execute();
}
