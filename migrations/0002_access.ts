/** Access: server-side sessions, invitation and reset links, sign-in throttling, roster imports and the audit log. */
import { type Kysely, sql } from 'kysely';
import { autoId, nowText } from './dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const now = nowText(db);
  const id = autoId(db);

  // Installation secrets generated on first start (never in the repository).
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .execute();

  // The session id is a random secret held in the cookie; only its SHA-256 is stored, so a copy of
  // the database does not let anyone sign in as someone else.
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('person_id', 'integer', (col) => col.references('people.id').onDelete('cascade'))
    .addColumn('data', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('sessions_person_id').on('sessions').column('person_id').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  // One-time links: first-run setup (no person yet), invitations and password resets.
  await db.schema
    .createTable('access_links')
    .addColumn('id', 'integer', id)
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ('setup', 'invitation', 'reset')`))
    .addColumn('person_id', 'integer', (col) => col.references('people.id'))
    .addColumn('created_by', 'integer', (col) => col.references('people.id'))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('used_at', 'text')
    .addCheckConstraint('access_links_person', sql`(purpose = 'setup') = (person_id is null)`)
    .execute();
  await db.schema.createIndex('access_links_person_id').on('access_links').column('person_id').execute();

  await db.schema
    .createTable('sign_in_failures')
    .addColumn('id', 'integer', id)
    .addColumn('email', 'text', (col) => col.notNull().modifyEnd(sql`collate nocase`))
    .addColumn('at', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_email_at').on('sign_in_failures').columns(['email', 'at']).execute();

  // An uploaded roster waits here between preview and confirmation.
  await db.schema
    .createTable('roster_imports')
    .addColumn('id', 'integer', id)
    .addColumn('uploaded_by', 'integer', (col) => col.notNull().references('people.id'))
    .addColumn('file_name', 'text', (col) => col.notNull())
    .addColumn('contents', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('applied_at', 'text')
    .execute();

  await db.schema
    .createTable('roster_import_people')
    .addColumn('import_id', 'integer', (col) => col.notNull().references('roster_imports.id'))
    .addColumn('person_id', 'integer', (col) => col.notNull().references('people.id'))
    .addPrimaryKeyConstraint('roster_import_people_pk', ['import_id', 'person_id'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'integer', id)
    .addColumn('actor_id', 'integer', (col) => col.references('people.id'))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', 'text', (col) => col.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_events',
    'roster_import_people',
    'roster_imports',
    'sign_in_failures',
    'access_links',
    'sessions',
    'settings',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
