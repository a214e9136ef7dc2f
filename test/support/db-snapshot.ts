/** Everything an action could change, read back in a stable order: "nothing changed" is snapshot equality. */
import type { Kysely } from 'kysely';
import type { AuditEvent, Database } from '../../server/db/schema.js';

export async function snapshot(db: Kysely<Database>) {
  const [network, districts, sites, groups, groupMembers, people, accessLinks, auditEvents, rosterImports, actions, actionOwners, actionNotes, requests] = await Promise.all([
    db.selectFrom('network').selectAll().orderBy('id').execute(),
    db.selectFrom('districts').selectAll().orderBy('id').execute(),
    db.selectFrom('sites').selectAll().orderBy('id').execute(),
    db.selectFrom('groups').selectAll().orderBy('id').execute(),
    db.selectFrom('group_members').selectAll().orderBy('group_id').orderBy('person_id').execute(),
    db.selectFrom('people').selectAll().orderBy('id').execute(),
    db.selectFrom('access_links').selectAll().orderBy('id').execute(),
    db.selectFrom('audit_events').selectAll().orderBy('id').execute(),
    db.selectFrom('roster_imports').selectAll().orderBy('id').execute(),
    db.selectFrom('actions').selectAll().orderBy('id').execute(),
    db.selectFrom('action_owners').selectAll().orderBy('action_id').orderBy('person_id').execute(),
    db.selectFrom('action_notes').selectAll().orderBy('id').execute(),
    db.selectFrom('assistance_requests').selectAll().orderBy('id').execute(),
  ]);
  return { network, districts, sites, groups, groupMembers, people, accessLinks, auditEvents, rosterImports, actions, actionOwners, actionNotes, requests };
}

export async function auditEvents(db: Kysely<Database>): Promise<AuditEvent[]> {
  return db.selectFrom('audit_events').selectAll().orderBy('id').execute();
}
