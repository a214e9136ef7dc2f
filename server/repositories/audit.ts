/** The audit log: who did what to what, and when. Written inside the same transaction as the change. */
import type { AuditEvent } from '../db/schema.js';
import type { Db } from '../db/types.js';

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

export async function listAuditEvents(
  db: Db,
  options: { limit: number; beforeId?: number },
): Promise<AuditEventWithActor[]> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('people', 'people.id', 'audit_events.actor_id')
    .selectAll('audit_events')
    .select('people.name as actor_name')
    .orderBy('audit_events.id', 'desc')
    .limit(options.limit);
  if (options.beforeId !== undefined) query = query.where('audit_events.id', '<', options.beforeId);
  return query.execute();
}
