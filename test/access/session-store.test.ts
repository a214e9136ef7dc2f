import type { Session } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../server/db/connection.js';
import { DatabaseSessionStore } from '../../server/plugins/session-store.js';
import { createPerson } from '../../server/repositories/people.js';
import { deleteSessionsOfPerson } from '../../server/repositories/sessions.js';
import { openMigratedTestDatabase } from '../helpers.js';

let handle: DatabaseHandle | undefined;
afterEach(async () => {
  await handle?.close();
});

function settle(resolve: () => void, reject: (error: Error) => void, error: unknown): void {
  if (error === undefined || error === null) resolve();
  else reject(error instanceof Error ? error : new Error('the session store failed', { cause: error }));
}

const promised = {
  set: (store: DatabaseSessionStore, id: string, session: object) =>
    new Promise<void>((resolve, reject) => {
      store.set(id, session as Session, (error) => {
        settle(resolve, reject, error);
      });
    }),
  get: (store: DatabaseSessionStore, id: string) =>
    new Promise<unknown>((resolve, reject) => {
      store.get(id, (error, session) => {
        settle(() => {
          resolve(session);
        }, reject, error);
      });
    }),
};

describe('the session store', () => {
  it('never brings back a session revoked while a request was still using it', async () => {
    handle = await openMigratedTestDatabase();
    const personId = await createPerson(handle.db, { email: 'ana@elm.test', name: 'Ana' });
    const store = new DatabaseSessionStore(handle.db, 60_000, 1_000);
    const expires = new Date(Date.now() + 60_000).toISOString();
    await promised.set(store, 'session-1', { personId, cookie: { expires } });
    expect(await promised.get(store, 'session-1')).toMatchObject({ personId });

    await deleteSessionsOfPerson(handle.db, personId);
    // The in-flight request's response saves its session, now with a changed value.
    await promised.set(store, 'session-1', { personId, flash: 'Saved.', cookie: { expires } });
    expect(await promised.get(store, 'session-1')).toBeNull();
  });

  it('skips a save that changes nothing but keeps one that changes the data', async () => {
    handle = await openMigratedTestDatabase();
    const store = new DatabaseSessionStore(handle.db, 60_000, 60_000);
    const expires = new Date(Date.now() + 60_000).toISOString();
    await promised.set(store, 'session-2', { cookie: { expires } });
    await handle.db.updateTable('sessions').set({ data: '{"tampered":true}' }).execute();
    await promised.set(store, 'session-2', { cookie: { expires } });
    expect(await promised.get(store, 'session-2')).toMatchObject({ tampered: true });
    await promised.set(store, 'session-2', { _csrf: 'secret', cookie: { expires } });
    expect(await promised.get(store, 'session-2')).toMatchObject({ _csrf: 'secret' });
  });
});
