/** The network's structure: network > districts > sites > groups (people assessing against one role's map) > members. */
import { type Kysely, sql } from 'kysely';
import { autoId, createPostgresHelpers, isPostgres, nowText } from './dialect.js';

// Migrations are frozen in time: they take Kysely<any> and never import application code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const now = nowText(db);
  const id = autoId(db);
  await createPostgresHelpers(db);

  // One installation is one network: a single row, created by the first-run setup.
  await db.schema
    .createTable('network')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('districts')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('archived_at', 'text')
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'integer', id)
    .addColumn('district_id', 'integer', (col) => col.notNull().references('districts.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema.createIndex('sites_district_id').on('sites').column('district_id').execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'integer', id)
    .addColumn('email', 'text', (col) => col.notNull().unique().modifyEnd(sql`collate nocase`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('is_network_admin', 'integer', (col) => col.notNull().defaultTo(0))
    // "scrypt$N$r$p$salt$hash"; null until the person accepts an invitation.
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('archived_at', 'text')
    .execute();
  // SQLite's `collate nocase` makes the unique email case-blind; PostgreSQL's nocase orders only, so the index says it.
  if (isPostgres(db)) await db.schema.createIndex('people_email_nocase').on('people').column(sql`lower(email)`).unique().execute();

  // A group sits at exactly one place: the network (hub team), a district or a site.
  await db.schema
    .createTable('groups')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('role_key', 'text', (col) => col.notNull())
    .addColumn('district_id', 'integer', (col) => col.references('districts.id'))
    .addColumn('site_id', 'integer', (col) => col.references('sites.id'))
    .addColumn('shows_names', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('archived_at', 'text')
    .addCheckConstraint('groups_one_place', sql`not (district_id is not null and site_id is not null)`)
    .execute();
  await db.schema.createIndex('groups_district_id').on('groups').column('district_id').execute();
  await db.schema.createIndex('groups_site_id').on('groups').column('site_id').execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'integer', (col) => col.notNull().references('groups.id'))
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('is_facilitator', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'person_id'])
    .execute();
  await db.schema.createIndex('group_members_person_id').on('group_members').column('person_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['group_members', 'groups', 'people', 'sites', 'districts', 'network']) {
    await db.schema.dropTable(table).execute();
  }
}
