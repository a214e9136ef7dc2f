/** The audit log: who did what to what, and when. Written inside the same transaction as the change. */
import { sql } from 'kysely';
import type { AuditEvent } from '../db/schema.js';
import type { Db } from '../db/types.js';
import { FOLD_FUNCTION, foldText } from '../db/fold.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  subject: string;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      actor_id: entry.actorId,
      action: entry.action,
      subject: entry.subject,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    })
    .execute();
}

export type AuditEventWithActor = AuditEvent & { actor_name: string | null };

export interface AuditFilter {
  /** Part of the name or email of who did it, accents and case ignored. */
  who?: string;
  /** Action prefixes ("check.", "person."): any of them. */
  actionPrefixes?: readonly string[];
  /** YYYY-MM-DD, inclusive, UTC. */
  from?: string;
  to?: string;
}

export async function listAuditEvents(
  db: Db,
  options: { limit: number; beforeId?: number; filter?: AuditFilter },
): Promise<AuditEventWithActor[]> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('people', 'people.id', 'audit_events.actor_id')
    .selectAll('audit_events')
    .select('people.name as actor_name')
    .orderBy('audit_events.id', 'desc')
    .limit(options.limit);
  if (options.beforeId !== undefined) query = query.where('audit_events.id', '<', options.beforeId);
  const filter = options.filter ?? {};
  if (filter.who !== undefined && filter.who !== '') {
    const pattern = `%${foldText(filter.who).replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    const fold = sql.raw(FOLD_FUNCTION);
    query = query.where((eb) => eb.or([sql<boolean>`${fold}(people.name) like ${pattern} escape '\\'`, sql<boolean>`${fold}(people.email) like ${pattern} escape '\\'`]));
  }
  if (filter.actionPrefixes !== undefined && filter.actionPrefixes.length > 0) {
    const prefixes = filter.actionPrefixes;
    query = query.where((eb) => eb.or(prefixes.map((prefix) => sql<boolean>`substr(audit_events.action, 1, ${prefix.length}) = ${prefix}`)));
  }
  if (filter.from !== undefined) query = query.where('audit_events.at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('audit_events.at', '<', nextDay(filter.to));
  return query.execute();
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Names of the things audit entries point at, looked up in one query per kind. */
export async function auditSubjectNames(
  db: Db,
  ids: { people: number[]; groups: number[]; checks: number[]; districts: number[]; sites: number[]; imports: number[] },
): Promise<{ people: Map<number, string>; groups: Map<number, string>; checks: Map<number, string>; districts: Map<number, string>; sites: Map<number, string>; imports: Map<number, string> }> {
  const load = async (table: 'people' | 'groups' | 'progress_checks' | 'districts' | 'sites', list: number[]): Promise<Map<number, string>> => {
    if (list.length === 0) return new Map();
    const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', [...new Set(list)]).execute();
    return new Map(rows.map((row) => [row.id, row.name]));
  };
  const importRows =
    ids.imports.length === 0 ? [] : await db.selectFrom('roster_imports').select(['id', 'file_name']).where('id', 'in', [...new Set(ids.imports)]).execute();
  return {
    people: await load('people', ids.people),
    groups: await load('groups', ids.groups),
    checks: await load('progress_checks', ids.checks),
    districts: await load('districts', ids.districts),
    sites: await load('sites', ids.sites),
    imports: new Map(importRows.map((row) => [row.id, row.file_name])),
  };
}
