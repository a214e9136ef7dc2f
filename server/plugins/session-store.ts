/** An @fastify/session store on the app's database (server-side, revocable sessions). */
import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { deleteSession, findSession, insertSession, updateSession, type SessionValues } from '../repositories/sessions.js';

type Callback = (error?: unknown) => void;

/** How many sessions' last stored state this process remembers, to skip writes that change nothing. */
const REMEMBERED_SESSIONS = 10_000;

export class DatabaseSessionStore implements SessionStore {
  /** The last state read or written per session id: a rolling session is saved on every response. */
  readonly #known = new Map<string, { data: string; expiresAtMs: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly lifetimeMs: number,
    /** A rolling session writes its new expiry at most this often. */
    private readonly touchGranularityMs: number,
    /**
     * A visitor's session (no one signed in: a sign-in form's CSRF secret, a kept form) lasts this
     * long, not a working day: every anonymous GET /sign-in stores one, and they must not pile up.
     */
    private readonly anonymousLifetimeMs: number = lifetimeMs,
  ) {}

  #remember(sessionId: string, data: string, expiresAtMs: number): void {
    this.#known.delete(sessionId);
    this.#known.set(sessionId, { data, expiresAtMs });
    if (this.#known.size > REMEMBERED_SESSIONS) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }

  set(sessionId: string, session: Session, callback: Callback): void {
    // The cookie's expiry has its own column; the rest of the session is the stored data. Saved on
    // every response (rolling sessions), so serialised once, leaving the cookie out as it goes.
    const data = JSON.stringify(session, (key, value: unknown) => (key === 'cookie' ? undefined : value));
    const cookieExpires = session.cookie.expires;
    const personId = typeof session.personId === 'number' ? session.personId : null;
    const cookieExpiresMs = cookieExpires == null ? Date.now() + this.lifetimeMs : new Date(cookieExpires).getTime();
    const expires = new Date(personId === null ? Math.min(cookieExpiresMs, Date.now() + this.anonymousLifetimeMs) : cookieExpiresMs);
    const values: SessionValues = { personId, data, expiresAt: expires.toISOString() };
    const known = this.#known.get(sessionId);
    if (known?.data === values.data && expires.getTime() - known.expiresAtMs < this.touchGranularityMs) {
      callback();
      return;
    }
    // A session this process has seen is only ever updated, so a request still in flight when its
    // session is revoked cannot bring it back; a new id (sign-in regenerates it) is inserted.
    const write = known === undefined ? insertSession(this.db, sessionId, values) : updateSession(this.db, sessionId, values);
    write.then(() => {
      this.#remember(sessionId, values.data, expires.getTime());
      callback();
    }, callback);
  }

  get(sessionId: string, callback: (error: unknown, session?: Session | null) => void): void {
    findSession(this.db, sessionId).then(
      (stored) => {
        if (stored === undefined) {
          this.#known.delete(sessionId);
          callback(null, null);
          return;
        }
        this.#remember(sessionId, JSON.stringify(stored.data), new Date(stored.expiresAt).getTime());
        callback(null, { ...stored.data, cookie: { expires: new Date(stored.expiresAt), originalMaxAge: null } });
      },
      (error: unknown) => {
        callback(error);
      },
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.#known.delete(sessionId);
    deleteSession(this.db, sessionId).then(() => {
      callback();
    }, callback);
  }
}
