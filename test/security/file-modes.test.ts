/**
 * The database holds password hashes and sessions: its file, its -wal and -shm, and a backup while
 * it is being written are readable by their owner only (0600) from the moment they exist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/connection.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { backupDatabase } from '../../tools/ops/backup-database.js';

const modeOf = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);

let handle: DatabaseHandle | undefined;
let previousUmask: number | undefined;
afterEach(async () => {
  await handle?.close();
  handle = undefined;
  if (previousUmask !== undefined) process.umask(previousUmask);
  previousUmask = undefined;
});

// SQLite only: a PostgreSQL server keeps its own files (and their modes).
describe.skipIf(onPostgres)('file modes', () => {
  it('a new database and its -wal and -shm files are created 0600, even under a permissive umask', async () => {
    previousUmask = process.umask(0o022);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-modes-'));
    const file = path.join(folder, 'icmap.sqlite');
    handle = openDatabase(file);
    await migrateToLatest(handle.db);
    await sql`insert into settings (key, value) values ('probe', 'x')`.execute(handle.db);
    expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual(['600', '600', '600']);
  });

  it('an existing database readable by others is made 0600 when ICMap opens it', async () => {
    previousUmask = process.umask(0o022);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-modes-'));
    const file = path.join(folder, 'icmap.sqlite');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    handle = openDatabase(file);
    await migrateToLatest(handle.db);
    expect(modeOf(file)).toBe('600');
    expect(modeOf(`${file}-wal`)).toBe('600');
  });

  it('a backup is 0600 while it is being written, not only once it is renamed into place', async () => {
    previousUmask = process.umask(0o022);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-modes-'));
    const source = path.join(folder, 'live.sqlite');
    handle = openDatabase(source);
    await migrateToLatest(handle.db);
    const destination = path.join(folder, 'backups', 'copy.sqlite');
    const seen: string[] = [];
    await backupDatabase({
      source,
      destination,
      pagesPerStep: 1,
      progressEveryMs: 0,
      log: () => {
        const backups = path.join(folder, 'backups');
        for (const name of fs.existsSync(backups) ? fs.readdirSync(backups) : []) {
          if (name.includes('.partial-')) seen.push(modeOf(path.join(backups, name)));
        }
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['600']));
    expect(modeOf(destination)).toBe('600');
  });
});
