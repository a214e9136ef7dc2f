/**
 * `npm run db:copy`: a demo install copied from SQLite into PostgreSQL arrives whole (every table's
 * rows and checksum equal, ids kept, sequences set past them); a target that is not empty is refused
 * with nothing written; bad arguments exit 2. The PostgreSQL parts run when TEST_DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOutcome } from '../../tools/ops/cli.js';
import { DB_COPY_USAGE, dbCopyCommand } from '../../tools/ops/db-copy-command.js';
import { generateInto, tempFolder } from '../demo/support.js';

const root = path.resolve(import.meta.dirname, '../..');
const url = process.env.TEST_DATABASE_URL ?? '';

function dbCopy(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/ops/db-copy.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: '', DATABASE_URL: '', NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** A row as text, so a SQLite integer and a PostgreSQL one read alike. */
const asText = (row: Record<string, unknown>, columns: readonly string[]): string =>
  JSON.stringify(
    columns.map((column) => {
      const value = row[column];
      return value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
    }),
  );

describe('db:copy arguments', () => {
  /** What the command line would exit with and print, run in-process. */
  const outcome = async (...args: string[]) => {
    const error: unknown = await dbCopyCommand(args, () => undefined).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return failureOutcome('db:copy', DB_COPY_USAGE, error);
  };

  it('exits 2 with the usage when --to is missing or not PostgreSQL', async () => {
    const missing = await outcome('--from', 'data/nothing.sqlite');
    expect(missing.exitCode).toBe(2);
    expect(String(missing.message[0])).toContain('give the target with --to');
    expect(String(missing.message[0])).toContain('Usage: npm run db:copy');
    const wrong = await outcome('--to', 'mysql://somewhere/icmap');
    expect(wrong.exitCode).toBe(2);
    expect(String(wrong.message[0])).toContain('--to must be a PostgreSQL URL');
  });

  it('as a process: an unknown option exits 2 with the usage on stderr', { timeout: 60_000 }, async () => {
    const unknown = await dbCopy('--to', 'postgres://127.0.0.1/icmap', '--colour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option --colour');
    expect(unknown.stderr).toContain('Usage: npm run db:copy');
  });

  it('exits 2 when the source is not there', async () => {
    const run = await outcome('--from', 'data/no-such-install.sqlite', '--to', 'postgres://127.0.0.1:1/icmap');
    expect(run.exitCode).toBe(2);
    expect(String(run.message[0])).toContain('data/no-such-install.sqlite does not exist');
  });
});

describe.skipIf(url === '')('db:copy into PostgreSQL (runs only with TEST_DATABASE_URL set)', { timeout: 120_000 }, () => {
  const temp = tempFolder();
  const source = path.join(temp.folder, 'icmap.sqlite');
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  // Under the run's prefix (test/postgres-setup.ts), so a run that dies half-way is still cleaned up.
  const prefix = process.env.ICMAP_TEST_SCHEMA_PREFIX ?? 'icmap_test';
  const schema = `${prefix}_copy_${suffix}`;
  const taken = `${prefix}_taken_${suffix}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  let sqlite: SQLite.Database;

  beforeAll(async () => {
    await generateInto(source, { sites: 2, checks: 2, seed: 5, today: '2026-03-16' });
    sqlite = new SQLite(source, { readonly: true });
  });

  afterAll(async () => {
    sqlite.close();
    // The schemas are dropped with the run's others at its end (test/postgres-setup.ts): dropping one
    // mid-run can fail another file's migrator, whose catalogue query reads every schema.
    await pool.end();
    temp.remove();
  });

  const tables = (): string[] =>
    (sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name").all() as { name: string }[]).map(
      (row) => row.name,
    );

  it('copies every table with the same rows, the same checksums and the ids kept', async () => {
    const run = await dbCopy('--from', source, '--to', url, '--schema', schema);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('every row count and checksum is the same on both sides');

    // The tool's own table: one line per table, the same on both sides.
    for (const table of tables()) {
      const line = run.stdout.split('\n').find((text) => text.startsWith(`${table} `));
      expect(line, `no line for ${table}`).toBeDefined();
      const [, sqliteRows, postgresRows, sqliteSum, postgresSum] = line?.trim().split(/\s+/) ?? [];
      expect(postgresRows).toBe(sqliteRows);
      expect(postgresSum).toBe(sqliteSum);
      expect(line?.trim().endsWith('yes')).toBe(true);
    }

    // And, read independently of the tool: every row of every table, compared as text.
    const client = await pool.connect();
    try {
      await client.query(`set search_path to "${schema}"`);
      let rows = 0;
      for (const table of tables()) {
        const columns = (sqlite.prepare('select name from pragma_table_info(?)').all(table) as { name: string }[]).map((row) => row.name);
        const expected = (sqlite.prepare(`select * from "${table}"`).all() as Record<string, unknown>[]).map((row) => asText(row, columns)).sort();
        const actual = (await client.query<Record<string, unknown>>(`select * from "${table}"`)).rows.map((row) => asText(row, columns)).sort();
        expect(actual, table).toEqual(expected);
        rows += expected.length;
      }
      expect(rows).toBeGreaterThan(1000);

      // The next id follows the largest copied one: a new row does not collide.
      const largest = (sqlite.prepare('select max(id) as id from people').get() as { id: number }).id;
      const added = await client.query<{ id: number }>(`insert into people (email, name) values ('new.person@example.org', 'New Person') returning id`);
      expect(Number(added.rows[0]?.id)).toBe(largest + 1);
    } finally {
      client.release();
    }
  });

  it('refuses a database that already holds ICMap (a second copy into the same schema), writing nothing', async () => {
    const before = await pool.query<{ n: string }>(`select (select count(*) from "${schema}".people) + (select count(*) from "${schema}".kysely_migration) as n`);
    const run = await dbCopy('--from', source, '--to', url, '--schema', schema);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the target is not empty');
    expect(run.stderr).toMatch(/people \([\d,]+ rows\)/);
    expect(run.stderr).toContain('kysely_migration');
    expect(run.stderr).toContain('nothing was written');
    const after = await pool.query<{ n: string }>(`select (select count(*) from "${schema}".people) + (select count(*) from "${schema}".kysely_migration) as n`);
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('refuses a database with a table of ICMap\'s name that has rows, creating nothing', async () => {
    await pool.query(`create schema "${taken}"`);
    await pool.query(`create table "${taken}".settings (key text primary key, value text)`);
    await pool.query(`insert into "${taken}".settings values ('someone', 'else')`);
    const run = await dbCopy('--from', source, '--to', url, '--schema', taken);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the target is not empty: it already has settings (1 row)');
    const created = await pool.query<{ name: string }>('select table_name as name from information_schema.tables where table_schema = $1', [taken]);
    expect(created.rows.map((row) => row.name)).toEqual(['settings']);
  });
});
