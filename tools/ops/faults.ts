/**
 * `npm run test:faults -- [--kills N] [--seed S] [--quick] [--keep]`: crash safety under fire. Starts
 * the real server (`node --import tsx server/server.ts`, a child process) on a file database seeded
 * with a small demo network whose newest check is open today; team members sign in, save their
 * self-assessments page by page and submit them over HTTP from this process, while the server is
 * SIGKILLed and restarted: at random moments, just after a POST leaves this process, or the instant
 * the server writes to its WAL. Requests a kill cut off are retried. At the end, with the server stopped by a last SIGKILL, the database must hold
 * every acknowledged submission exactly once with exactly the acknowledged answers, nothing
 * half-written, and pass PRAGMA integrity_check. With `--database postgres` the seeded database is
 * moved into a PostgreSQL schema (db:copy), two server processes serve it and the kills take turns
 * between them. Prints a table, then one JSON line; exits 1 on any failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../server/config.js';
import { generateNetwork, mulberry32, openBulkDatabase } from '../demo/generate.js';
import { findRole, MapCatalog } from '../../server/maps/catalog.js';
import { loadMapsFromDirectory } from '../../server/maps/loader.js';
import { checkState, todayUtc } from '../../server/services/progress-checks.js';
import { surveyPages } from '../../server/services/self-assessment.js';
import { runCli } from './cli.js';
import { copyDatabase } from './copy-database.js';
import { judge, verifyDatabase, type DatabaseVerdict } from './fault-checks.js';
import { parseFaultsOptions, USAGE, type FaultsOptions } from './faults-options.js';
import { freePort, HarnessError, ServerProcess } from './fault-server.js';
import { Traffic, type Person, type SurveyTask, type TrafficStats } from './fault-traffic.js';
import { formatNumber } from './sqlite-files.js';

/** Resolves true as soon as the file is written to (false after `timeoutMs`, or where it cannot be watched). */
async function walWritten(file: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let watcher: fs.FSWatcher | undefined;
    const done = (written: boolean): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve(written);
    };
    const timer = setTimeout(() => { done(false); }, timeoutMs);
    try {
      watcher = fs.watch(file, { persistent: false }, () => { done(true); });
      watcher.on('error', () => { done(false); });
    } catch {
      done(false);
    }
  });
}

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const SITES = 3;
const CHECKS = 2;

interface Plan {
  checkId: number;
  people: Person[];
  tasks: SurveyTask[];
  outcomesPerRole: Map<string, number>;
}

/** Seeds the network, empties the open check's self-assessments, and lists who will fill them in. */
async function seed(file: string, catalog: MapCatalog, options: FaultsOptions, random: () => number): Promise<Plan> {
  const today = todayUtc();
  const bulk = openBulkDatabase(file);
  try {
    await generateNetwork(bulk.db, { sites: SITES, checks: CHECKS, seed: options.seed, today, catalog });
  } finally {
    await bulk.close();
  }
  const map = catalog.list()[0];
  if (map === undefined) throw new HarnessError('no IC map is loaded');
  const sqlite = new SQLite(file);
  try {
    const check = sqlite.prepare('select id, opens_on, closes_on, closed_at from progress_checks order by opens_on desc, id desc limit 1').get() as
      | { id: number; opens_on: string; closes_on: string; closed_at: string | null }
      | undefined;
    if (check === undefined || checkState(check, today) !== 'open') throw new HarnessError(`the newest progress check is not open today (${today})`);
    // Everyone starts from nothing in the open check, so each submission the run counts is its own.
    sqlite.transaction(() => {
      sqlite.prepare('delete from placements where self_assessment_id in (select id from self_assessments where check_id = ?)').run(check.id);
      sqlite.prepare('delete from self_assessments where check_id = ?').run(check.id);
    })();
    const rows = sqlite
      .prepare(
        `select p.id as personId, p.email, g.id as groupId, g.role_key as roleKey from check_groups cg
         join groups g on g.id = cg.group_id join group_members gm on gm.group_id = g.id join people p on p.id = gm.person_id
         where cg.check_id = ? and p.archived_at is null and g.archived_at is null and p.password_hash is not null
         order by p.id, g.id`,
      )
      .all(check.id) as { personId: number; email: string; groupId: number; roleKey: string }[];
    const outcomesPerRole = new Map<string, number>();
    const byEmail = new Map<string, Person>();
    for (const row of rows) {
      const role = findRole(map, row.roleKey);
      if (role === undefined) throw new HarnessError(`the map has no role ${row.roleKey}`);
      outcomesPerRole.set(row.roleKey, role.outcomes.length);
      const task: SurveyTask = {
        personId: row.personId,
        groupId: row.groupId,
        email: row.email,
        path: `/checks/${check.id}/groups/${row.groupId}/self`,
        pages: surveyPages(map, role).map((page) => ({ number: page.number, codes: page.outcomes.map((outcome) => outcome.code) })),
        acknowledged: new Map(),
        submitted: false,
        rounds: 0,
      };
      const person = byEmail.get(row.email) ?? { email: row.email, tasks: [] };
      person.tasks.push(task);
      byEmail.set(row.email, person);
    }
    // Every role, for the check of submitted self-assessments in the older (seeded) check too.
    for (const role of map.roles) outcomesPerRole.set(role.key, role.outcomes.length);
    let people = [...byEmail.values()];
    for (let index = people.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      const a = people[index];
      const b = people[other];
      if (a !== undefined && b !== undefined) [people[index], people[other]] = [b, a];
    }
    if (options.quick) people = people.slice(0, 12);
    if (people.length === 0) throw new HarnessError('the open check has no members who can sign in');
    return { checkId: check.id, people, tasks: people.flatMap((person) => person.tasks), outcomesPerRole };
  } finally {
    sqlite.close();
  }
}

interface Figures extends TrafficStats {
  ok: boolean;
  database: 'sqlite' | 'postgres';
  processes: number;
  kills: number;
  restarts: number;
  selfAssessmentsSubmitted: number;
  people: number;
  rounds: number;
  lost: number;
  mismatched: number;
  duplicates: number;
  partial: number;
  orphans: number;
  foreignKeyViolations: number;
  integrity: string;
  serverErrorLogLines: number;
  meanRestartMs: number;
  seconds: number;
  seed: number;
  quick: boolean;
}

function report(figures: Figures, verdict: DatabaseVerdict | undefined): void {
  const rows: [string, string][] = [
    ['database (ICMap processes)', `${figures.database === 'postgres' ? 'PostgreSQL' : 'SQLite'} (${figures.processes})`],
    ['SIGKILLs during traffic', formatNumber(figures.kills)],
    ['restarts (mean time to healthy)', `${formatNumber(figures.restarts)} (${formatNumber(figures.meanRestartMs)} ms)`],
    ['people / self-assessments', `${figures.people} / ${figures.selfAssessmentsSubmitted} submitted`],
    ['rounds (answers changed, saved again)', formatNumber(figures.rounds)],
    ['HTTP requests', formatNumber(figures.requests)],
    ['  cut off by a kill or refused', formatNumber(figures.networkErrors)],
    ['  steps retried', formatNumber(figures.retries)],
    ['  5xx answers', formatNumber(figures.serverErrors)],
    ['  version conflicts (retried)', formatNumber(figures.conflicts)],
    ['sign-ins', formatNumber(figures.signIns)],
    ['acknowledged saves (pages)', formatNumber(figures.acknowledgedSaves)],
    ['acknowledged submissions', formatNumber(figures.acknowledgedSubmissions)],
    ['writes cut off: committed / not committed', `${figures.cutOffCommitted} / ${figures.cutOffNotCommitted}`],
    ['lost', formatNumber(figures.lost)],
    ['answers differing from acknowledged', formatNumber(figures.mismatched)],
    ['duplicates', formatNumber(figures.duplicates)],
    ['half-written (submitted, < all placements)', formatNumber(figures.partial)],
    ['orphan placements / foreign_key_check', `${figures.orphans} / ${figures.foreignKeyViolations}`],
    ['integrity_check', figures.integrity],
    ['server error log lines', formatNumber(figures.serverErrorLogLines)],
    ['time', `${figures.seconds} s`],
    ['result', figures.ok ? 'PASS' : 'FAIL'],
  ];
  log('');
  for (const [name, value] of rows) log(`  ${name.padEnd(44)}${value}`);
  if (verdict !== undefined && verdict.problems.length > 0) {
    log('');
    log('Problems:');
    for (const line of verdict.problems) log(`  ${line}`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseFaultsOptions(argv);
  if (parsed === 'help') {
    log(USAGE);
    return;
  }
  const options = parsed;
  const started = performance.now();
  const { timeLimitMs } = options;
  // Two processes start (and restart) on one machine, and talk to a database server: give them room.
  const startTimeoutMs = options.postgres ? 90_000 : 30_000;
  const deadline = started + timeLimitMs;
  const random = mulberry32(options.seed ^ 0x6b1a7e5);
  const randomInt = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

  const mapsDir = loadConfig({ MAPS_DIR: process.env.MAPS_DIR }, { isTerminal: false }).mapsDir;
  const catalog = new MapCatalog(loadMapsFromDirectory(mapsDir));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-faults-'));
  const file = path.join(work, 'icmap.sqlite');
  let keep = options.keep;

  const postgresUrl = process.env.TEST_DATABASE_URL ?? '';
  const schema = `faults_${Date.now().toString(36)}_${process.pid}`;
  const processes = options.postgres ? 2 : 1;
  const bases = await Promise.all(Array.from({ length: processes }, async () => `http://127.0.0.1:${await freePort()}`));
  // The server's own settings only: no first admin, public URL or proxy setting from this shell.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['ICMAP_ADMIN_EMAIL', 'ICMAP_ADMIN_PASSWORD', 'ICMAP_NETWORK_NAME', 'PUBLIC_URL', 'TRUST_PROXY', 'DATABASE_URL', 'DATABASE_SCHEMA'].includes(name)),
  );
  const servers = bases.map(
    (base) =>
      new ServerProcess(
        {
          ...inherited,
          NODE_ENV: 'production',
          NODE_OPTIONS: '',
          DATABASE_PATH: file,
          ...(options.postgres ? { DATABASE_URL: postgresUrl, DATABASE_SCHEMA: schema } : {}),
          MAPS_DIR: mapsDir,
          PORT: new URL(base).port,
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          // Every member signs in from 127.0.0.1, again after kills: lift the per-address limit for this server only.
          SIGN_IN_LIMIT_PER_MINUTE: '100000',
        },
        base,
      ),
  );
  const killAllNow = (): void => {
    for (const server of servers) server.killNow();
  };
  const where = options.postgres ? `${work} and PostgreSQL schema ${schema}` : work;
  process.on('exit', killAllNow);
  const onSignal = (signal: NodeJS.Signals): void => {
    killAllNow();
    process.stderr.write(`\ntest:faults: stopped by ${signal}; the server was killed. Files: ${where}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // A last resort should something hang despite every bounded wait.
  setTimeout(() => {
    killAllNow();
    process.stderr.write(`\ntest:faults: the run exceeded its time limit of ${Math.round(timeLimitMs / 1000)} s by 30 s; stopped. Files: ${where}\n`);
    process.exit(1);
  }, timeLimitMs + 30_000).unref();

  let verdict: DatabaseVerdict | undefined;
  try {
    log(`Seeding ${SITES} sites and ${CHECKS} progress checks (seed ${options.seed}, today ${todayUtc()}) into ${file}`);
    const plan = await seed(file, catalog, options, random);
    if (options.postgres) {
      log(`Moving it into PostgreSQL (schema ${schema}) with db:copy; ${processes} ICMap processes will serve it`);
      await copyDatabase({ source: file, target: postgresUrl, schema });
    }
    const workers = Math.min(options.quick ? 4 : 8, plan.people.length);
    log(`${plan.people.length} people fill in ${plan.tasks.length} self-assessments (${workers} at a time) on ${bases.join(' and ')}; ${options.kills} SIGKILLs meanwhile`);

    await Promise.all(servers.map((server) => server.start(startTimeoutMs)));
    const traffic = new Traffic(bases, deadline, random);
    const upMs = options.quick ? ([250, 800] as const) : ([300, 1500] as const);
    let kills = 0;
    let restarts = 0;
    let restartMs = 0;

    const killer = async (): Promise<void> => {
      for (let kill = 1; kill <= options.kills; kill += 1) {
        traffic.checkDeadline();
        // With several processes the kills take turns; the others keep serving their people meanwhile.
        const lane = (kill - 1) % servers.length;
        const server = servers[lane];
        const gate = traffic.gates[lane];
        if (server === undefined || gate === undefined) throw new HarnessError(`no server ${lane}`);
        const upFor = randomInt(upMs[0], upMs[1]);
        await sleep(upFor);
        // A third of the kills at a random moment; a third 0–20 ms after a POST leaves this process;
        // a third the instant the server writes to its WAL (SQLite), in or right after a commit, before the answer.
        let moment = 'at a random moment';
        const aim = random();
        if (aim < 1 / 3) {
          if (await traffic.nextPost(3000, lane)) {
            await sleep(randomInt(0, 20));
            moment = 'just after a POST was sent';
          }
        } else if (aim < 2 / 3 && !options.postgres) {
          if (await walWritten(`${file}-wal`, 3000)) moment = 'as the server wrote to its WAL';
        }
        traffic.checkDeadline();
        const inFlight = traffic.inFlightOn[lane] ?? 0;
        gate.close();
        await server.kill();
        kills += 1;
        const restartedIn = await server.start(startTimeoutMs);
        restarts += 1;
        restartMs += restartedIn;
        gate.open();
        const which = servers.length > 1 ? ` process ${lane + 1}` : '';
        log(`  kill ${String(kill).padStart(String(options.kills).length)}/${options.kills}: SIGKILL${which} after ${upFor} ms up, ${moment}, ${inFlight} request${inFlight === 1 ? '' : 's'} in flight; healthy again in ${restartedIn} ms (${traffic.stats.acknowledgedSubmissions} submissions acknowledged so far)`);
      }
      traffic.stopping = true;
    };

    const groups: Person[][] = Array.from({ length: workers }, () => []);
    plan.people.forEach((person, index) => groups[index % workers]?.push(person));
    const killing = killer().catch((error: unknown) => {
      traffic.failure ??= error instanceof Error ? error : new Error(String(error));
      traffic.stopping = true;
      throw error;
    });
    const results = await Promise.allSettled([killing, ...groups.map((people, index) => traffic.runWorker(people, index % servers.length))]);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw traffic.failure ?? failed.reason;

    // The last stop is a crash too: nothing below relies on a graceful shutdown or checkpoint.
    await Promise.all(servers.map((server) => server.kill()));
    verdict = options.postgres ? await verifyPostgres(postgresUrl, schema, plan) : await verifyDatabase(file, plan.checkId, plan.tasks, plan.outcomesPerRole);
    const unfinished = plan.tasks.filter((task) => !task.submitted).length;
    if (unfinished > 0) verdict.problems.push(`${unfinished} self-assessments were never acknowledged as submitted`);
    const figures: Figures = {
      ok: false,
      database: options.postgres ? 'postgres' : 'sqlite',
      processes: servers.length,
      kills,
      restarts,
      requests: traffic.stats.requests,
      networkErrors: traffic.stats.networkErrors,
      retries: traffic.stats.retries,
      serverErrors: traffic.stats.serverErrors,
      conflicts: traffic.stats.conflicts,
      signIns: traffic.stats.signIns,
      acknowledgedSaves: traffic.stats.acknowledgedSaves,
      acknowledgedSubmissions: traffic.stats.acknowledgedSubmissions,
      cutOffCommitted: traffic.stats.cutOffCommitted,
      cutOffNotCommitted: traffic.stats.cutOffNotCommitted,
      selfAssessmentsSubmitted: plan.tasks.filter((task) => task.submitted).length,
      people: plan.people.length,
      rounds: Math.min(...plan.tasks.map((task) => task.rounds)),
      lost: verdict.lost,
      mismatched: verdict.mismatched,
      duplicates: verdict.duplicates,
      partial: verdict.partial,
      orphans: verdict.orphans,
      foreignKeyViolations: verdict.foreignKeyViolations,
      integrity: verdict.integrity,
      serverErrorLogLines: servers.reduce((sum, server) => sum + server.errorLines, 0),
      meanRestartMs: restarts === 0 ? 0 : Math.round(restartMs / restarts),
      seconds: Math.round((performance.now() - started) / 100) / 10,
      seed: options.seed,
      quick: options.quick,
    };
    figures.ok =
      unfinished === 0 &&
      kills === options.kills &&
      figures.lost === 0 &&
      figures.mismatched === 0 &&
      figures.duplicates === 0 &&
      figures.partial === 0 &&
      figures.orphans === 0 &&
      figures.foreignKeyViolations === 0 &&
      (figures.integrity === 'ok' || figures.integrity === POSTGRES_SOUNDNESS.integrity);
    report(figures, verdict);
    if (!figures.ok) {
      keep = true;
      log('');
      log(`FAILED. The database and its files are kept in ${where}`);
      for (const [index, server] of servers.entries()) {
        if (server.tail.length > 0) log(`Server ${index + 1}'s last output:\n${server.tail.join('\n')}`);
      }
      process.exitCode = 1;
    }
    log(JSON.stringify(figures));
  } catch (error) {
    keep = true;
    killAllNow();
    for (const [index, server] of servers.entries()) {
      if (server.tail.length > 0) process.stderr.write(`Server ${index + 1}'s last output:\n${server.tail.join('\n')}\n`);
    }
    process.stderr.write(`Files kept in ${where}\n`);
    log(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error), seconds: Math.round((performance.now() - started) / 100) / 10, seed: options.seed, quick: options.quick }));
    throw error;
  } finally {
    killAllNow();
    if (!keep) {
      fs.rmSync(work, { recursive: true, force: true });
      if (options.postgres) await dropSchema(postgresUrl, schema);
    } else if (process.exitCode !== 1) log(`(kept ${where})`);
  }
}

/** PostgreSQL checks its own pages and enforces foreign keys at every commit: nothing for the harness to run. */
const POSTGRES_SOUNDNESS = { integrity: 'n/a (PostgreSQL)', foreignKeyViolations: 0 };

/** The verdict from the PostgreSQL schema the processes used: the same checks as on SQLite, through `pg`. */
async function verifyPostgres(url: string, schema: string, plan: Plan): Promise<DatabaseVerdict> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const query = async <T>(text: string, ...parameters: unknown[]): Promise<T[]> => {
      let index = 0;
      const numbered = text.replace(/\?/g, () => `$${(index += 1)}`);
      return (await client.query(numbered, parameters)).rows as T[];
    };
    return await judge(query, POSTGRES_SOUNDNESS, plan.checkId, plan.tasks, plan.outcomesPerRole);
  } finally {
    await client.end();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

runCli('test:faults', USAGE, () => main(process.argv.slice(2)));
