/**
 * When another connection holds what a save needs past DATABASE_BUSY_TIMEOUT_MS (a backup tool, a
 * second process), a save answers 503 with Retry-After and a plain message, never a 500, writes
 * nothing, and works again once the lock is gone. SQLite: another connection holds the file's write
 * lock (a file database: an in-memory one has no second connection). PostgreSQL: another connection
 * holds a lock on the survey's tables past lock_timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers.js';
import type { Agent } from '../support/http.js';
import { buildNetworkFixture, type NetworkFixture } from '../support/network-fixture.js';
import { assessmentOf, checkTables, openCheck, personas, savePage, selfUrl, versionIn } from '../checks/helpers.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-busy-'));
let f: NetworkFixture;
/** Takes and lets go of a lock, from a connection of its own, that makes a survey save wait. */
let locker: { lock: () => Promise<void>; unlock: () => Promise<void>; close: () => Promise<void> };

beforeAll(async () => {
  if (onPostgres) {
    f = await buildNetworkFixture({ databaseBusyTimeoutMs: 200 });
    const client = new pg.Client({ connectionString: f.app.config.databaseUrl, options: `-c search_path=${f.app.config.databaseSchema ?? 'public'}` });
    await client.connect();
    locker = {
      // EXCLUSIVE lets the page be read but no row be written, as SQLite's write lock does.
      lock: async () => {
        await client.query('begin');
        await client.query('lock table self_assessments, placements in exclusive mode');
      },
      unlock: async () => {
        await client.query('rollback');
      },
      close: () => client.end(),
    };
  } else {
    f = await buildNetworkFixture({ databasePath: path.join(folder, 'icmap.sqlite'), databaseBusyTimeoutMs: 200 });
    const other = new SQLite(path.join(folder, 'icmap.sqlite'));
    locker = {
      lock: async () => {
        other.exec('begin immediate');
      },
      unlock: async () => {
        other.exec('rollback');
      },
      close: async () => {
        other.close();
      },
    };
  }
});

afterAll(async () => {
  await locker.close();
  await f.app.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** Holds the lock from a second connection while `during` runs. */
async function whileLocked<T>(during: () => Promise<T>): Promise<T> {
  await locker.lock();
  try {
    return await during();
  } finally {
    await locker.unlock();
  }
}

describe('a database locked by another connection', () => {
  it('answers a save with 503 and Retry-After, writes nothing, and saves once the lock is released', async () => {
    const as = personas(f, 3);
    const checkId = await openCheck(f, await as('admin'));
    const member: Agent = await as('memberA1');
    const url = selfUrl(checkId, f.groups.teamA1.id);
    const version = versionIn((await member.get(`${url}?page=1`)).body);
    const before = await checkTables(f);

    const refused = await whileLocked(() => savePage(member, url, 1, version, { '1.1': 2, '1.2': 3, '1.3': 'not-sure' }));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body).toContain('Nothing was saved from this request. Please try again in a few seconds.');
    expect(await checkTables(f)).toEqual(before);

    const saved = await savePage(member, url, 1, version, { '1.1': 2, '1.2': 3, '1.3': 'not-sure' });
    expect(saved.statusCode).toBe(303);
    expect((await assessmentOf(f, checkId, f.groups.teamA1.id, f.people.memberA1.id))?.version).toBe(version + 1);
  });

  it('answers the JSON autosave with a 503 JSON body', async () => {
    const as = personas(f, 4);
    const checkId = await openCheck(f, await as('admin'));
    const member = await as('memberA1');
    const url = selfUrl(checkId, f.groups.teamA1.id);
    const token = await member.csrfToken('/');
    const response = await whileLocked(() =>
      f.app.inject({
        method: 'POST',
        url,
        headers: { cookie: member.cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token },
        payload: new URLSearchParams({ version: '1', page: '1', 'level_1.1': '2' }).toString(),
      }),
    );
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'Service Unavailable', retryAfterSeconds: 5 });
  });
});
