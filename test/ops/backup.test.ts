/**
 * `npm run backup` and `npm run restore`: an online backup taken while the real app (listening on a
 * port, on a file database) keeps writing self-assessments is a sound, consistent snapshot; a
 * restore on a stopped install checks the backup, refuses without --yes, refuses a corrupt file or
 * a database in use, and keeps the old database aside; the CLIs exit 2 on bad arguments.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { onPostgres } from '../helpers.js';
import { migrations } from '../../migrations/index.js';
import { buildApp } from '../../server/app.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/connection.js';
import { generateNetwork, openBulkDatabase } from '../../tools/demo/generate.js';
import { findRole, MapCatalog } from '../../server/maps/catalog.js';
import { loadMapsFromDirectory } from '../../server/maps/loader.js';
import { backupDatabase } from '../../tools/ops/backup-database.js';
import { configuredDatabasePath, failureOutcome } from '../../tools/ops/cli.js';
import { BACKUP_USAGE, backupCommand, parseBackupArgs, parseRestoreArgs, RESTORE_USAGE, restoreCommand } from '../../tools/ops/commands.js';
import { restoreDatabase } from '../../tools/ops/restore-database.js';
import { OpsError, UsageError } from '../../tools/ops/sqlite-files.js';
import { ensureSelfAssessment } from '../../server/repositories/self-assessments.js';
import { saveAnswers, submitAnswers, surveyPages } from '../../server/services/self-assessment.js';
import { runNode } from '../support/run-node.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-ops-test-'));
afterAll(() => {
  fs.rmSync(temp, { recursive: true, force: true });
});

const catalog = new MapCatalog(loadMapsFromDirectory(loadConfig({}, { isTerminal: false }).mapsDir));
const ALL_MIGRATIONS = Object.keys(migrations);
const LAST_MIGRATION = ALL_MIGRATIONS.at(-1) ?? '';

/** A consistent state of the live database: each commit of the writer below changes at least one figure. */
interface Counts {
  assessments: number;
  placements: number;
  submitted: number;
  versions: number;
}

const COUNTS_QUERY = `select (select count(*) from self_assessments) as assessments, (select count(*) from placements) as placements,
  (select count(*) from self_assessments where submitted_at is not null) as submitted, (select coalesce(sum(version), 0) from self_assessments) as versions`;

const key = (counts: Counts): string => `${counts.assessments}/${counts.placements}/${counts.submitted}/${counts.versions}`;

function readonlyDb(file: string): SQLite.Database {
  return new SQLite(file, { readonly: true, fileMustExist: true });
}

function networkName(file: string): string {
  const sqlite = readonlyDb(file);
  try {
    return (sqlite.prepare('select name from network').get() as { name: string }).name;
  } finally {
    sqlite.close();
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// SQLite only: npm run backup / restore copy the SQLite file; on PostgreSQL they refuse (tested last) and pg_dump does the job.
describe.skipIf(onPostgres)('an online backup while the app writes', { timeout: 60_000 }, () => {
  const folder = path.join(temp, 'online');
  const live = path.join(folder, 'data', 'icmap.sqlite');
  let app: FastifyInstance;
  let base = '';

  beforeAll(async () => {
    const bulk = openBulkDatabase(live);
    try {
      await generateNetwork(bulk.db, { sites: 2, checks: 2, seed: 11, today: '2026-03-16', catalog });
    } finally {
      await bulk.close();
    }
    app = await buildApp(loadConfig({ DATABASE_PATH: live, LOG_LEVEL: 'silent' }, { isTerminal: false }));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app.close();
  });

  /** Self-assessments written the way the survey writes them: created, saved a page (3 placements) per transaction, submitted. */
  async function writeSelfAssessments(stop: () => boolean, states: Counts[]): Promise<void> {
    const map = catalog.list()[0];
    if (map === undefined) throw new Error('no map');
    const open = await sql<{ check_id: number; group_id: number; person_id: number; role_key: string }>`
      select cg.check_id, gm.group_id, gm.person_id, g.role_key from check_groups cg
      join groups g on g.id = cg.group_id join group_members gm on gm.group_id = g.id
      where not exists (select 1 from self_assessments sa where sa.check_id = cg.check_id and sa.group_id = gm.group_id and sa.person_id = gm.person_id)
      order by cg.check_id, gm.group_id, gm.person_id`.execute(app.db);
    const record = async (): Promise<void> => {
      const { rows } = await sql<Counts>`${sql.raw(COUNTS_QUERY)}`.execute(app.db);
      if (rows[0] !== undefined) states.push(rows[0]);
      // better-sqlite3 answers synchronously: without a real turn of the event loop the backup would never get one.
      await yieldToOthers();
    };
    await record();
    for (const [index, task] of open.rows.entries()) {
      if (stop()) return;
      const role = findRole(map, task.role_key);
      if (role === undefined) throw new Error(`no role ${task.role_key}`);
      const assessment = await ensureSelfAssessment(app.db, task.check_id, task.group_id, task.person_id);
      await record();
      let version = assessment.version;
      for (const page of surveyPages(map, role)) {
        const placements = page.outcomes.map((outcome, n) => ({ outcomeCode: outcome.code, level: ((index + n) % 5) + 1, evidence: `note ${index}` }));
        const saved = await saveAnswers(app.db, assessment, version, placements);
        if (!saved.ok) throw new Error('unexpected version conflict');
        version = saved.version;
        await record();
      }
      const submitted = await submitAnswers(app.db, { ...assessment, version }, version, role);
      if (!submitted.ok) throw new Error('unexpected submit failure');
      await record();
    }
  }

  it('is a sound copy of one consistent moment, taken while commits and requests go on', async () => {
    const states: Counts[] = [];
    let stopping = false;
    const writer = writeSelfAssessments(() => stopping, states);
    while (states.length < 4) await yieldToOthers();

    const health: number[] = [];
    const probing = { on: true };
    const prober = (async () => {
      while (probing.on) {
        const response = await fetch(`${base}/healthz`);
        health.push(response.status);
        await response.text();
      }
    })();

    const destination = path.join(folder, 'backups', 'nested', 'online.sqlite');
    const lines: string[] = [];
    const before = states.length;
    // A few pages per step, so ICMap commits between the steps and SQLite has to restart the copy.
    const summary = await backupDatabase({ source: live, destination, pagesPerStep: 4, progressEveryMs: 0, log: (line) => lines.push(line) });
    const after = states.length;
    probing.on = false;
    stopping = true;
    await Promise.all([writer, prober]);

    expect(after - before, 'commits while the backup ran').toBeGreaterThan(0);
    expect(summary.restarts, 'the live database changed under the copy').toBeGreaterThan(0);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((status) => status === 200)).toBe(true);
    expect(summary).toMatchObject({ destination, integrity: 'ok' });
    expect(summary.bytes).toBe(fs.statSync(destination).size);
    expect(lines.join('\n')).toMatch(/pages .*\n[\s\S]*integrity_check {2}ok/);
    // The copy is self-contained: no -wal, no -shm, no leftover partial file.
    expect(fs.readdirSync(path.dirname(destination))).toEqual(['online.sqlite']);

    const copy = readonlyDb(destination);
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('foreign_key_check')).toEqual([]);
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      // Exactly the state after one of the writer's commits made while the backup ran.
      const counts = copy.prepare(COUNTS_QUERY).get() as Counts;
      const moment = states.findIndex((state) => key(state) === key(counts));
      expect(moment, `copy ${key(counts)} is one of the writer's states`).toBeGreaterThanOrEqual(before - 1);
      expect(moment).toBeLessThanOrEqual(after);
      // Nothing half-written: every submitted self-assessment has its 15 placements, every draft whole pages of 3.
      const perAssessment = copy
        .prepare('select sa.id, sa.submitted_at is not null as submitted, count(p.outcome_code) as n from self_assessments sa left join placements p on p.self_assessment_id = sa.id group by sa.id')
        .all() as { id: number; submitted: number; n: number }[];
      expect(perAssessment.filter((row) => row.submitted === 1 && row.n !== 15)).toEqual([]);
      expect(perAssessment.filter((row) => row.n % 3 !== 0)).toEqual([]);
    } finally {
      copy.close();
    }
  });

  it('refuses to overwrite a file without force, and replaces it (only after the check) with force', async () => {
    const destination = path.join(folder, 'backups', 'twice.sqlite');
    await backupDatabase({ source: live, destination });
    await expect(backupDatabase({ source: live, destination })).rejects.toThrow(UsageError);
    await expect(backupDatabase({ source: live, destination })).rejects.toThrow(/already exists.*--force/);
    const again = await backupDatabase({ source: live, destination, force: true });
    expect(again.integrity).toBe('ok');
    expect(fs.readdirSync(path.dirname(destination)).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses the live database, or one of its files, as the destination', async () => {
    await expect(backupDatabase({ source: live, destination: live, force: true })).rejects.toThrow(/live database/);
    await expect(backupDatabase({ source: live, destination: `${live}-wal`, force: true })).rejects.toThrow(UsageError);
    await expect(backupDatabase({ source: path.join(folder, 'missing.sqlite'), destination: path.join(folder, 'x.sqlite') })).rejects.toThrow(/no database/);
  });
});

/** A database at a given set of migrations, with a recognisable network name. */
async function makeDatabase(file: string, migrationNames: readonly string[], name: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    const subset = Object.fromEntries(Object.entries(migrations).filter(([migration]) => migrationNames.includes(migration)));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => subset } }).migrateToLatest();
    if (error !== undefined) throw error instanceof Error ? error : new Error('migrating the test database failed');
    await sql`insert into network (id, name) values (1, ${name})`.execute(db);
  } finally {
    await db.destroy();
  }
}

describe.skipIf(onPostgres)('a restore on a stopped install', { timeout: 30_000 }, () => {
  const folder = path.join(temp, 'restore');
  const target = path.join(folder, 'data', 'icmap.sqlite');
  const backup = path.join(folder, 'backups', 'older.sqlite');
  const listing = (): string[] => fs.readdirSync(path.dirname(target)).sort();

  beforeAll(async () => {
    await makeDatabase(target, ALL_MIGRATIONS, 'The current network');
    // An older backup: made before the last migration existed.
    await makeDatabase(backup, ALL_MIGRATIONS.slice(0, -1), 'The network in the backup');
  });

  it('without --yes checks the backup, says what it would do, and changes nothing', async () => {
    const before = listing();
    const lines: string[] = [];
    const result = await restoreDatabase({ file: backup, target, yes: false, log: (line) => lines.push(line) });
    expect(result).toMatchObject({ restored: false, inUse: false, migrations: [LAST_MIGRATION], movedFiles: [target] });
    expect(result.movedAsideTo).toMatch(/icmap\.sqlite\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(lines.join('\n')).toContain('integrity_check  ok');
    expect(lines.join('\n')).toContain('Run the same command with --yes');
    expect(listing()).toEqual(before);
    expect(networkName(target)).toBe('The current network');
  });

  it('refuses a corrupt file, and a SQLite file that is not an ICMap database', async () => {
    const before = listing();
    const garbage = path.join(folder, 'garbage.sqlite');
    fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 8192 }, (_, index) => (index * 7919) % 251)));
    await expect(restoreDatabase({ file: garbage, target, yes: true })).rejects.toThrow(OpsError);
    await expect(restoreDatabase({ file: garbage, target, yes: true })).rejects.toThrow(/not a usable SQLite database/);

    // A real database whose pages were damaged after the header.
    const damaged = path.join(folder, 'damaged.sqlite');
    fs.copyFileSync(backup, damaged);
    const bytes = fs.readFileSync(damaged);
    bytes.fill(0xff, 4096 + 100, 4096 * 3);
    fs.writeFileSync(damaged, bytes);
    await expect(restoreDatabase({ file: damaged, target, yes: true })).rejects.toThrow(/integrity_check|not a usable|malformed/);

    const stranger = path.join(folder, 'stranger.sqlite');
    const other = new SQLite(stranger);
    other.exec('create table notes (text)');
    other.close();
    await expect(restoreDatabase({ file: stranger, target, yes: true })).rejects.toThrow(/not an ICMap one/);

    expect(listing()).toEqual(before);
    expect(networkName(target)).toBe('The current network');
  });

  it('refuses while the database is open, as a running ICMap holds it (a dry run says so)', async () => {
    const running = openDatabase(target);
    try {
      await sql`select count(*) from people`.execute(running.db);
      await expect(restoreDatabase({ file: backup, target, yes: true, busyTimeoutMs: 200 })).rejects.toThrow(/Stop ICMap first/);
      const lines: string[] = [];
      const dryRun = await restoreDatabase({ file: backup, target, yes: false, busyTimeoutMs: 200, log: (line) => lines.push(line) });
      expect(dryRun).toMatchObject({ restored: false, inUse: true });
      expect(lines.at(-1)).toMatch(/has .*icmap\.sqlite open now: stop ICMap first/);
    } finally {
      await running.close();
    }
    expect(networkName(target)).toBe('The current network');
    expect(listing().filter((name) => name.includes('restor'))).toEqual([]);
  });

  it('with --yes moves the current database aside, puts the backup in place and migrates it', async () => {
    const backupHash = sha256(backup);
    const lines: string[] = [];
    const result = await restoreDatabase({ file: backup, target, yes: true, log: (line) => lines.push(line), now: new Date('2026-11-23T08:30:00Z') });
    expect(result).toMatchObject({ restored: true, migrations: [LAST_MIGRATION], movedAsideTo: `${target}.before-restore-2026-11-23T08-30-00Z` });
    expect(lines.join('\n')).toContain(`Migrations applied: ${LAST_MIGRATION}`);

    expect(networkName(target)).toBe('The network in the backup');
    const restored = readonlyDb(target);
    try {
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((restored.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name)).toEqual(ALL_MIGRATIONS);
    } finally {
      restored.close();
    }
    expect(networkName(`${target}.before-restore-2026-11-23T08-30-00Z`)).toBe('The current network');
    expect(sha256(backup)).toBe(backupHash);
    expect(listing().filter((name) => name.startsWith('.'))).toEqual([]);

    // A second restore in the same second keeps both earlier databases.
    const second = await restoreDatabase({ file: backup, target, yes: true, now: new Date('2026-11-23T08:30:00Z') });
    expect(second.movedAsideTo).toBe(`${target}.before-restore-2026-11-23T08-30-00Z-2`);
    expect(second.migrations).toEqual([LAST_MIGRATION]);
  });
});

/** The commands in-process, as the CLIs run them: what they print, or the error runCli turns into an exit code. */
async function command(tool: 'backup' | 'restore', databasePath: string, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  await (tool === 'backup' ? backupCommand : restoreCommand)(args, () => databasePath, (line) => lines.push(line));
  return lines.join('\n');
}

describe.skipIf(onPostgres)('the backup and restore commands', () => {
  const folder = path.join(temp, 'cli');
  const database = path.join(folder, 'data', 'icmap.sqlite');
  const existing = path.join(folder, 'existing.sqlite');

  beforeAll(async () => {
    await makeDatabase(database, ALL_MIGRATIONS, 'The CLI network');
    fs.writeFileSync(existing, 'already here');
  });

  describe('exit 2 with the usage on bad arguments', () => {
    it.each([
      ['backup', [], 'give the backup FILE to write'],
      ['backup', ['--colour', 'blue'], 'unknown option --colour'],
      ['backup', ['--force=yes', 'x.sqlite'], '--force takes no value'],
      ['backup', ['one.sqlite', 'two.sqlite'], 'give one FILE'],
      ['backup', ['EXISTING'], 'already exists. Choose another file name, or add --force'],
      ['backup', ['DATABASE'], "is ICMap's live database"],
      ['restore', [], 'give the backup FILE to restore'],
      ['restore', ['--force', 'x.sqlite'], 'unknown option --force'],
      ['restore', ['no-such-backup.sqlite', '--yes'], 'no-such-backup.sqlite does not exist'],
      ['restore', ['DATABASE', '--yes'], "is ICMap's database itself"],
    ] as const)('%s %j', async (tool, args, message) => {
      const resolved = args.map((arg) => (arg === 'EXISTING' ? existing : arg === 'DATABASE' ? database : arg));
      const error: unknown = await command(tool, database, ...resolved).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(UsageError);
      const usage = tool === 'backup' ? BACKUP_USAGE : RESTORE_USAGE;
      const outcome = failureOutcome(tool, usage, error);
      expect(outcome.exitCode).toBe(2);
      expect(String(outcome.message[0])).toContain(message);
      expect(String(outcome.message[0])).toContain(`Usage: npm run ${tool} -- FILE`);
    });
  });

  it('read their command lines: one FILE and a flag, or --help', () => {
    expect(parseBackupArgs(['b.sqlite', '--force'])).toEqual({ file: 'b.sqlite', flag: true });
    expect(parseBackupArgs(['b.sqlite'])).toEqual({ file: 'b.sqlite', flag: false });
    expect(parseRestoreArgs(['--yes', 'b.sqlite'])).toEqual({ file: 'b.sqlite', flag: true });
    expect(parseRestoreArgs(['-h'])).toBe('help');
  });

  it('a failed backup or restore exits 1 naming the tool; a bad setting exits 2', () => {
    expect(failureOutcome('restore', RESTORE_USAGE, new OpsError('x is not a usable SQLite database'))).toEqual({ exitCode: 1, message: ['restore: x is not a usable SQLite database'] });
    expect(failureOutcome('backup', BACKUP_USAGE, new ConfigError('DATABASE_PATH is a folder'))).toEqual({ exitCode: 2, message: ['DATABASE_PATH is a folder'] });
    const crash = new Error('disk full');
    expect(failureOutcome('backup', BACKUP_USAGE, crash)).toEqual({ exitCode: 1, message: ['backup failed:', crash] });
  });

  it('back up, check a restore, and refuse a corrupt one (as processes: exit 0 and 0; in-process: the refusal)', { timeout: 60_000 }, async () => {
    const destination = path.join(folder, 'backups', 'cli.sqlite');
    const env = { DATABASE_PATH: database };
    const backup = await runNode('tools/ops/backup.ts', [destination], { env });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/Backup written: .*cli\.sqlite/);
    expect(backup.stdout).toMatch(/pages +\d+ × 4,096 bytes/);
    expect(backup.stdout).toContain('integrity_check  ok');

    const dryRun = await runNode('tools/ops/restore.ts', [destination], { env });
    expect(dryRun.stderr).toBe('');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('Nothing was changed. Run the same command with --yes to restore.');

    const garbage = path.join(folder, 'garbage.sqlite');
    fs.writeFileSync(garbage, 'this is not a database, whatever its name says'.repeat(200));
    await expect(command('restore', database, garbage, '--yes')).rejects.toThrow(OpsError);
    await expect(command('restore', database, garbage, '--yes')).rejects.toThrow('is not a usable SQLite database');
    expect(networkName(database)).toBe('The CLI network');
  });
});

describe('the backup and restore commands with DATABASE_URL (PostgreSQL)', () => {
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it.each(['backup', 'restore'] as const)('%s refuses, pointing at pg_dump and pg_restore, exits 1 and writes nothing', async (tool) => {
    const folder = fs.mkdtempSync(path.join(temp, 'postgres-'));
    const file = path.join(folder, 'icmap.sqlite');
    // The server is never contacted: the tool refuses before opening anything.
    vi.stubEnv('DATABASE_URL', 'postgres://icmap@db.invalid:5432/icmap');
    vi.stubEnv('DATABASE_PATH', path.join(folder, 'live.sqlite'));
    const args = tool === 'backup' ? [file] : [file, '--yes'];
    const error: unknown = await (tool === 'backup' ? backupCommand : restoreCommand)(args, configuredDatabasePath, () => undefined).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    vi.unstubAllEnvs();
    const outcome = failureOutcome(tool, tool === 'backup' ? BACKUP_USAGE : RESTORE_USAGE, error);
    expect(outcome.exitCode).toBe(1);
    expect(String(outcome.message[0])).toContain(
      `${tool}: this tool is for the SQLite database, and DATABASE_URL names a PostgreSQL server: back it up with pg_dump and restore it with pg_restore`,
    );
    expect(fs.readdirSync(folder)).toEqual([]);
  });
});
