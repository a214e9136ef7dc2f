/** A person's own sessions: signing out on their other devices, recorded in the audit log. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { recordAudit } from '../repositories/audit.js';
import { deleteOtherSessionsOfPerson } from '../repositories/sessions.js';
import { auditSubject } from './audit.js';

export function endOtherSessions(db: Kysely<Database>, personId: number, currentSessionId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await deleteOtherSessionsOfPerson(trx, personId, currentSessionId);
    await recordAudit(trx, { actorId: personId, action: 'session.end-others', subject: auditSubject.person(personId), detail: { ended } });
    return ended;
  });
}
