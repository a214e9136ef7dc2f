/**
 * Group commit: saves that arrive together share one commit, each in its own savepoint in arrival
 * order; one that fails rolls back alone; nobody is answered before the commit; a batch that
 * cannot take the write lock fails whole and writes nothing. On a file database, with a second
 * connection looking on, as a backup or another process would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/connection.js';
import { commitTogether, groupCommitStats } from '../../server/db/group-commit.js';
import { migrateToLatest } from '../../server/db/migrator.js';

let folder: string;
let handle: DatabaseHandle;
let onlooker: SQLite.Database;

beforeEach(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-group-commit-'));
  handle = openDatabase(path.join(folder, 'icmap.sqlite'), { busyTimeoutMs: 100 });
  await migrateToLatest(handle.db);
  onlooker = new SQLite(path.join(folder, 'icmap.sqlite'));
});

afterEach(async () => {
  onlooker.close();
  await handle.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const settingsSeenByOthers = (): { key: string; value: string }[] =>
  onlooker.prepare("select key, value from settings where key like 'test-%' order by rowid").all() as { key: string; value: string }[];

function setSetting(key: string, value: string): Promise<string> {
  return commitTogether(handle.db, async (trx) => {
    await trx.insertInto('settings').values({ key, value }).execute();
    return key;
  });
}

// SQLite only: on PostgreSQL commitTogether runs a plain transaction (the server groups its own commits).
describe.skipIf(onPostgres)('commitTogether', () => {
  it('commits transactions that arrive together once, in the order they arrived', async () => {
    const before = groupCommitStats(handle.db);
    const keys = Array.from({ length: 10 }, (_, index) => `test-${index}`);
    expect(await Promise.all(keys.map((key) => setSetting(key, 'saved')))).toEqual(keys);
    const after = groupCommitStats(handle.db);
    expect(after.commits - before.commits).toBe(1);
    expect(after.transactions - before.transactions).toBe(10);
    expect(settingsSeenByOthers().map((row) => row.key)).toEqual(keys);
  });

  it('answers a caller only once its commit is visible to other connections', async () => {
    const seenOnAnswer = await setSetting('test-visible', 'yes').then(() => settingsSeenByOthers());
    expect(seenOnAnswer).toEqual([{ key: 'test-visible', value: 'yes' }]);
  });

  it('rolls back a transaction that throws, alone: its caller gets its error, the others commit', async () => {
    const failing = commitTogether(handle.db, async (trx) => {
      await trx.insertInto('settings').values({ key: 'test-half-written', value: 'never seen' }).execute();
      throw new Error('the form was refused half way');
    });
    const [first, second, third] = await Promise.allSettled([setSetting('test-a', '1'), failing, setSetting('test-b', '2')]);
    expect(first).toEqual({ status: 'fulfilled', value: 'test-a' });
    expect(second).toMatchObject({ status: 'rejected', reason: { message: 'the form was refused half way' } });
    expect(third).toEqual({ status: 'fulfilled', value: 'test-b' });
    expect(settingsSeenByOthers()).toEqual([
      { key: 'test-a', value: '1' },
      { key: 'test-b', value: '2' },
    ]);
  });

  it('sees, in a later transaction of the same batch, what an earlier one wrote (as if run one after another)', async () => {
    const reads = await Promise.all([
      setSetting('test-first', 'here'),
      commitTogether(handle.db, (trx) => trx.selectFrom('settings').select('value').where('key', '=', 'test-first').executeTakeFirst()),
    ]);
    expect(reads[1]).toEqual({ value: 'here' });
  });

  it('fails a whole batch when another connection holds the write lock, writes nothing, and works once it is released', async () => {
    onlooker.exec('begin immediate');
    const outcomes = await Promise.allSettled(['test-x', 'test-y', 'test-z'].map((key) => setSetting(key, 'blocked')));
    onlooker.exec('rollback');
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_BUSY' } });
    expect(settingsSeenByOthers()).toEqual([]);
    await setSetting('test-after', 'saved');
    expect(settingsSeenByOthers()).toEqual([{ key: 'test-after', value: 'saved' }]);
  });

  it('runs transactions that arrive while a commit is under way in the next commit', async () => {
    const before = groupCommitStats(handle.db);
    const first = setSetting('test-early', '1');
    // Arrives after the first batch has started (it starts on the next turn of the event loop).
    await new Promise((resolve) => setImmediate(resolve));
    const second = setSetting('test-late', '2');
    await Promise.all([first, second]);
    expect(groupCommitStats(handle.db).commits - before.commits).toBe(2);
    expect(settingsSeenByOthers().map((row) => row.key)).toEqual(['test-early', 'test-late']);
  });
});
