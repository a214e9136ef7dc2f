/** An @fastify/session store on the app's database (server-side, revocable sessions). */
import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { deleteSession, findSession, saveSession } from '../repositories/sessions.js';

type Callback = (error?: unknown) => void;

export class DatabaseSessionStore implements SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lifetimeMs: number,
    /** A rolling session writes its new expiry at most this often. */
    private readonly touchGranularityMs: number,
  ) {}

  set(sessionId: string, session: Session, callback: Callback): void {
    // The cookie's expiry has its own column; the rest of the session is the stored data.
    const { cookie, ...data } = JSON.parse(JSON.stringify(session)) as { cookie: { expires?: string | null } } & Record<string, unknown>;
    const expires = cookie.expires == null ? new Date(Date.now() + this.lifetimeMs) : new Date(cookie.expires);
    saveSession(
      this.db,
      sessionId,
      { personId: typeof data.personId === 'number' ? data.personId : null, data: JSON.stringify(data), expiresAt: expires.toISOString() },
      this.touchGranularityMs,
    ).then(() => { callback(); }, callback);
  }

  get(sessionId: string, callback: (error: unknown, session?: Session | null) => void): void {
    findSession(this.db, sessionId).then(
      (stored) => { callback(null, stored === undefined ? null : ({ ...stored.data, cookie: { expires: new Date(stored.expiresAt), originalMaxAge: null } })); },
      (error: unknown) => { callback(error); },
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    deleteSession(this.db, sessionId).then(() => { callback(); }, callback);
  }
}
