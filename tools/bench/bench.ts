/**
 * `npm run bench [-- --sites N] [--reports-only]`: ICMap's real server, in production mode, on a network
 * of N sites (1,000 by default) and 10 checks, driven over HTTP with autocannon from this (second)
 * process, each figure set against a bare Fastify server measured in the same run; then the reports
 * and recording consensus, request by request. Prints a table, then one JSON object with every figure.
 * With `--database postgres`, the same network is then moved into PostgreSQL (db:copy, into a schema
 * of its own in BENCH_DATABASE_URL's database) and measured with one and with two ICMap processes,
 * the clients spread across them; the three are printed side by side.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pLimit from 'p-limit';
import pg from 'pg';
import { DEMO_PASSWORD } from '../demo/generate.js';
import { describeTarget } from '../ops/copy-database.js';
import { replicateNetwork } from './replicate.js';
import { projectRoot } from '../../server/paths.js';
import { todayUtc } from '../../server/services/progress-checks.js';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = 3;
const { values: cli } = parseArgs({ options: { sites: { type: 'string', default: '1000' }, 'reports-only': { type: 'boolean', default: false }, replicate: { type: 'boolean', default: false }, database: { type: 'string', default: 'sqlite' } } });
if (cli.database !== 'sqlite' && cli.database !== 'postgres') throw new Error(`--database must be sqlite or postgres, not "${cli.database}"`);
/** Also measure PostgreSQL, with one and with two ICMap processes (BENCH_DATABASE_URL). */
const POSTGRES = cli.database === 'postgres';
const SITES = Number(cli.sites);
if (!Number.isInteger(SITES) || SITES < 1 || SITES > 20_000) throw new Error(`--sites must be a whole number from 1 to 20000, not "${cli.sites}"`);
const REPORTS_ONLY = cli['reports-only'];
/** Sites in the network that --replicate copies. */
const REPLICA_SITES = 20;
/** Build N sites as N / 20 copies of a generated 20-site network (10 checks) instead of generating them all: minutes instead of hours on a busy machine. */
const REPLICATE = cli.replicate && SITES > REPLICA_SITES && SITES % REPLICA_SITES === 0;
/** One cached network per size. */
const CACHE = path.join(projectRoot, `data/bench/network-${SITES}.sqlite`);
/** Sequential requests per report page. */
const REPORT_REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 30);
const NODE_TSX = ['--import', 'tsx'];

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, stdout: 'inherit' | 'ignore' = 'inherit'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', stdout, 'inherit'], cwd: projectRoot, env: { ...process.env, ...env } });
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? 'a signal'}`));
    });
  });
}

/** A cached network, regenerated when missing or when its newest check is no longer open. */
async function ensureNetwork(): Promise<void> {
  if (REPLICATE) {
    const source = path.join(projectRoot, `data/bench/network-${REPLICA_SITES}.sqlite`);
    if (!isFresh(source)) await generate(source, REPLICA_SITES);
    if (isFresh(CACHE)) return;
    log(`Copying the ${REPLICA_SITES}-site network ${SITES / REPLICA_SITES} times into ${path.relative(projectRoot, CACHE)}, then filling the report summaries…`);
    await replicateNetwork(source, CACHE, SITES / REPLICA_SITES, (message) => { log(`  ${message}`); });
    return;
  }
  if (!isFresh(CACHE)) await generate(CACHE, SITES);
}

function isFresh(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { readonly: true });
  const newest = db.prepare('select closes_on from progress_checks order by opens_on desc limit 1').get() as { closes_on: string } | undefined;
  db.close();
  if (newest !== undefined && newest.closes_on >= todayUtc()) return true;
  log(`${path.relative(projectRoot, file)}: its newest check has closed, so it is made afresh.`);
  return false;
}

async function generate(file: string, sites: number): Promise<void> {
  log(`Generating the network (${sites.toLocaleString('en')} sites, 10 checks): about a minute and a half per 1,000 sites on an idle machine, once.`);
  await run(process.execPath, [...NODE_TSX, 'tools/demo/seed-cli.ts', '--db', file, '--sites', String(sites), '--checks', '10', '--seed', '7', '--force']);
}

/** The node arguments of `npm start` ("npm run build && node … dist/server/server.js"), so the bench runs exactly what people run. */
function startArguments(): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = manifest.scripts.start ?? '';
  const command = /&& node ((?:--[\w-]+(?:=\S+)? )*\S+\.js)$/.exec(start)?.[1];
  if (command === undefined) throw new Error(`npm start is "${start}": expected "npm run build && node [--flags] FILE.js"`);
  return command.split(' ');
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => { resolve(port); });
    });
  });
}

async function waitFor(url: string, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

class Session {
  cookie = '';
  constructor(readonly base: string) {}
  private remember(response: Response): void {
    const set = response.headers.getSetCookie().find((cookie) => cookie.startsWith('icmap_session='));
    if (set !== undefined) this.cookie = set.split(';')[0] ?? '';
  }
  /** A page; a 503 (the server shedding load right after a burst) is asked again a second later, up to a minute. */
  async get(pathname: string): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${this.base}${pathname}`, { headers: { cookie: this.cookie }, redirect: 'manual' });
      this.remember(response);
      const body = await response.text();
      if (response.status !== 503 || attempt >= 60) return body;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  async signIn(email: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const page = await this.get('/sign-in');
      const csrf = csrfOf(page);
      const response = await fetch(`${this.base}/sign-in`, {
        method: 'POST',
        headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, email, password: DEMO_PASSWORD }),
        redirect: 'manual',
      });
      await response.text();
      if (response.status === 303) {
        this.remember(response);
        return;
      }
      if (response.status !== 503 || attempt >= 60) throw new Error(`sign-in as ${email} answered ${response.status}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
  if (token === undefined) throw new Error('no CSRF token on the page');
  return token;
}

function versionOf(html: string): number {
  const version = /name="version" value="(\d+)"/.exec(html)?.[1];
  if (version === undefined) throw new Error('no version field on the survey page');
  return Number(version);
}

interface Persona {
  email: string;
  surveyPath: string;
}

/** Team members of the newest (open) check who have a place to save answers. */
function personas(file: string, count: number): { members: Persona[]; adminEmail: string; checkId: number } {
  const db = new Database(file, { readonly: true });
  const check = db.prepare('select id from progress_checks order by opens_on desc limit 1').get() as { id: number };
  const members = db
    .prepare(
      `select p.email, cg.group_id from check_groups cg
       join groups g on g.id = cg.group_id and g.role_key = 'improvement-team'
       join group_members gm on gm.group_id = g.id join people p on p.id = gm.person_id
       where cg.check_id = ? order by p.id limit ?`,
    )
    .all(check.id, count) as { email: string; group_id: number }[];
  const admin = db.prepare('select email from people where is_network_admin = 1 limit 1').get() as { email: string };
  db.close();
  return { members: members.map((m) => ({ email: m.email, surveyPath: `/checks/${check.id}/groups/${m.group_id}/self` })), adminEmail: admin.email, checkId: check.id };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Answers by status code, e.g. "200: 9411": what the errors were, when there were any. */
  statuses: string;
}

/** At most this long for a load that lasts until something else finishes. */
const UNTIL_LIMIT_SECONDS = 300;

/** autocannon for SECONDS; or, given `until`, for as long as that takes (at most UNTIL_LIMIT_SECONDS). */
async function load(options: Omit<autocannon.Options, 'url'> & { url: string | string[] }, until?: Promise<unknown>): Promise<Load> {
  const duration = until === undefined ? SECONDS : UNTIL_LIMIT_SECONDS;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    // Several URLs: autocannon's connections take turns among them (its types name only one).
    const instance = autocannon({ connections: CONNECTIONS, duration, ...options, url: options.url as string }, (error: unknown, outcome) => {
      if (error === null || error === undefined) resolve(outcome);
      else reject(error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`));
    });
    void until?.finally(() => {
      instance.stop();
    });
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statuses: Object.entries(result.statusCodeStats as Record<string, { count: number }>)
      .map(([code, { count }]) => `${code}: ${count}`)
      .join(', '),
  };
}

function pageBody(csrf: string, version: number): string {
  const body = new URLSearchParams({ _csrf: csrf, version: String(version), page: '1', action: 'save' });
  for (const [index, code] of ['1.1', '1.2', '1.3'].entries()) {
    body.set(`level_${code}`, String((index % 5) + 2));
    body.set(`evidence_${code}`, `We keep notes on ${code} in our PDSA tracker and review them every two weeks.`);
  }
  return body.toString();
}

interface SignedIn {
  session: Session;
  member: Persona;
  csrf: string;
  version: number;
}

/**
 * Draft saves from signed-in team members. Each request takes a person not already in flight and
 * gives them back on the answer: two connections saving one person's page at once would (rightly)
 * get 409s, which is not load. autocannon resets a connection's context after every request, so
 * the context only carries the person from a request to its answer.
 */
async function saveLoad(base: string | string[], sessions: SignedIn[], until?: Promise<unknown>): Promise<Load> {
  // A run that ended with saves in flight never heard their new versions: let those land, then
  // start from the saved ones.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await Promise.all(
    sessions.map(async (own) => {
      own.version = versionOf(await own.session.get(`${own.member.surveyPath}?page=1`));
    }),
  );
  const free = sessions.map((_, index) => index);
  return load(
    {
      url: base,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context: { index?: number }) => {
            context.index = free.pop();
            const own = context.index === undefined ? undefined : sessions[context.index];
            if (own === undefined) throw new Error('more connections than signed-in people');
            return {
              ...request,
              path: own.member.surveyPath,
              headers: { ...request.headers, cookie: own.session.cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
              body: pageBody(own.csrf, own.version),
            };
          },
          onResponse: (status, body, context: { index?: number }) => {
            if (context.index === undefined) return;
            const own = sessions[context.index];
            // 200 carries the new version, 409 the one saved meanwhile (counted as an error all the same).
            if (own !== undefined && (status === 200 || status === 409)) own.version = (JSON.parse(body) as { version: number }).version;
            free.unshift(context.index);
          },
        },
      ],
    },
    until,
  );
}

async function timeSequential(session: Session, pathname: string, count: number): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  await session.get(pathname); // warm: the first request after start-up compiles statements and fills caches
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await session.get(pathname);
    times.push(performance.now() - started);
  }
  return percentiles(times);
}

type RowFormat = (name: string, value: string, target: string, ok: boolean) => string;

/** Phases 1–3: the survey page and draft saves under load, against a bare Fastify server, and saves during a backup. */
async function throughputPhases(
  base: string,
  file: string,
  work: string,
  children: ChildProcess[],
  notePeak: (phase: string) => void,
): Promise<{ figures: Record<string, number | string>; rows: (row: RowFormat) => string[] }> {
  // Twice as many people as connections: a request that never answers cannot leave the pool empty.
  const { members } = personas(file, CONNECTIONS * 2);
  log(`Signing in ${members.length} team members…`);
  const sessions = await signInMembers(members, [base]);
  notePeak('sign_ins');
  const first = sessions[0];
  if (first === undefined) throw new Error('no team member to sign in');
  const surveyUrl = `${base}${first.member.surveyPath}?page=1`;
  const surveyHtml = await first.session.get(`${first.member.surveyPath}?page=1`);

  const pageFile = path.join(work, 'page.html');
  fs.writeFileSync(pageFile, surveyHtml);
  // Compiled by the same build, run by plain node like the server.
  const bare = fork(path.join(projectRoot, 'dist/tools/bench/bare-server.js'), [pageFile, '0'], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(bare);
  const barePort = await new Promise<number>((resolve) => bare.once('message', (message: { port: number }) => { resolve(message.port); }));
  const bareBase = `http://127.0.0.1:${barePort}`;

  log(`1/5 survey page and a map outcome page, ${CONNECTIONS} connections, ${SECONDS} s each…`);
  // Both servers warm up first (JIT, caches), so neither figure includes the first seconds after start.
  await load({ url: `${bareBase}/page`, duration: WARM_UP_SECONDS });
  const bareSurvey = await load({ url: `${bareBase}/page` });
  await load({ url: surveyUrl, headers: { cookie: first.session.cookie }, duration: WARM_UP_SECONDS });
  const survey = await load({ url: surveyUrl, headers: { cookie: first.session.cookie } });
  notePeak('survey');
  // The page the survey links to for each outcome ("What changes between levels"), signed out.
  const outcomeUrl = `${base}/maps/txnsi/roles/improvement-team/outcomes/2.2`;
  await load({ url: outcomeUrl, duration: WARM_UP_SECONDS });
  const outcomePage = await load({ url: outcomeUrl });

  log('2/5 draft saves (a page of 3 placements with notes, CSRF, session, synchronous=FULL)…');
  const bareSave = await load({
    url: `${bareBase}/form`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: pageBody('token', 1),
  });
  const save = await saveLoad(`${base}${first.member.surveyPath}`, sessions);
  notePeak('saves');

  log('3/5 draft saves while `npm run backup` copies the live database…');
  const backupFile = path.join(work, 'backup.sqlite');
  const backupStarted = performance.now();
  const backup = run('npm', ['run', '--silent', 'backup', '--', backupFile], { DATABASE_PATH: file }, 'ignore');
  const duringBackup = await saveLoad(`${base}${first.member.surveyPath}`, sessions, backup.catch(() => undefined));
  await backup;
  const backupSeconds = Math.round((performance.now() - backupStarted) / 100) / 10;
  notePeak('backup');

  const figures = {
    survey_rps: survey.rps,
    survey_bare_rps: bareSurvey.rps,
    survey_ratio: Math.round((survey.rps / bareSurvey.rps) * 100) / 100,
    survey_p99_ms: survey.p99,
    survey_errors: survey.errors + survey.non2xx,
    survey_statuses: survey.statuses,
    outcome_page_rps: outcomePage.rps,
    outcome_page_p99_ms: outcomePage.p99,
    submit_rps: save.rps,
    submit_bare_rps: bareSave.rps,
    submit_ratio: Math.round((save.rps / bareSave.rps) * 100) / 100,
    submit_p99_ms: save.p99,
    submit_errors: save.errors + save.non2xx,
    submit_statuses: save.statuses,
    backup_seconds: backupSeconds,
    backup_saves_rps: duringBackup.rps,
    backup_save_p99_ms: duringBackup.p99,
    backup_save_errors: duringBackup.errors + duringBackup.non2xx,
    backup_save_statuses: duringBackup.statuses,
  };
  return {
    figures,
    rows: (row) => [
      row('survey page req/s (vs bare Fastify)', `${survey.rps} (${bareSurvey.rps}) = ${figures.survey_ratio}`, 'ratio >= 0.5', figures.survey_ratio >= 0.5),
      row('survey page p99', `${survey.p99} ms`, '< 50 ms', survey.p99 < 50),
      row('outcome page (what changes) req/s, p99', `${outcomePage.rps}, ${outcomePage.p99} ms`, '(no target)', true),
      row('draft saves/s (vs bare Fastify)', `${save.rps} (${bareSave.rps}) = ${figures.submit_ratio}`, '>= 1,000/s', save.rps >= 1000),
      row('draft save p99', `${save.p99} ms`, '< 100 ms', save.p99 < 100),
      row('draft save errors', String(figures.submit_errors), '0', figures.submit_errors === 0),
      row(`saves during a ${backupSeconds} s online backup`, `${duringBackup.rps}/s, p99 ${duringBackup.p99} ms, ${figures.backup_save_errors} errors`, '0 errors', figures.backup_save_errors === 0),
    ],
  };
}

interface ReportTargets {
  /** The newest closed check: the site comparison and the team report read it. */
  closedCheckId: number;
  /** The open check: its tracking page, and the check consensus is recorded in. */
  openCheckId: number;
  /** An improvement team taking part in both. */
  teamId: number;
  facilitatorEmail: string;
  outcomeCode: string;
  /** The stored version of that team's record for the outcome in the open check (0: none yet). */
  version: number;
}

function reportTargets(file: string): ReportTargets {
  const db = new Database(file, { readonly: true });
  try {
    const open = db.prepare('select id from progress_checks order by opens_on desc limit 1').get() as { id: number };
    const closed = db.prepare("select id from progress_checks where closes_on < date('now') order by opens_on desc limit 1").get() as { id: number };
    const team = db
      .prepare(
        `select g.id, p.email from groups g join check_groups cg on cg.group_id = g.id and cg.check_id = ?
         join group_members gm on gm.group_id = g.id and gm.is_facilitator = 1 join people p on p.id = gm.person_id
         where g.role_key = 'improvement-team' order by g.id limit 1`,
      )
      .get(open.id) as { id: number; email: string };
    const outcomeCode = '3.2';
    const record = db.prepare('select version from consensus_records where check_id = ? and group_id = ? and outcome_code = ?').get(open.id, team.id, outcomeCode) as { version: number } | undefined;
    return { closedCheckId: closed.id, openCheckId: open.id, teamId: team.id, facilitatorEmail: team.email, outcomeCode, version: record?.version ?? 0 };
  } finally {
    db.close();
  }
}

/** A facilitator saving one outcome's agreed level again and again (a new version each time, the level changing), timed per request. */
async function timeConsensus(session: Session, target: ReportTargets, count: number): Promise<{ p50: number; p95: number }> {
  const page = await session.get(`/checks/${target.openCheckId}/groups/${target.teamId}/consensus`);
  const csrf = csrfOf(page);
  let version = target.version;
  const times: number[] = [];
  for (let index = 0; index <= count; index += 1) {
    const body = new URLSearchParams({ _csrf: csrf, level: String((index % 5) + 1), rationale: `Agreed after looking at our notes (${index}).`, dissent: '', next_step: '', version: String(version) });
    const started = performance.now();
    const response = await fetch(`${session.base}/checks/${target.openCheckId}/groups/${target.teamId}/consensus/${target.outcomeCode}`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    });
    await response.text();
    const took = performance.now() - started;
    if (response.status !== 303) throw new Error(`recording consensus answered ${response.status}`);
    version += 1;
    // The first save warms the statements up and is not counted.
    if (index > 0) times.push(took);
  }
  return percentiles(times);
}

function percentiles(times: number[]): { p50: number; p95: number } {
  times.sort((a, b) => a - b);
  const at = (q: number): number => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

/** The machine's load average (1, 5 and 15 minutes), as `uptime` shows it: the bench shares the machine with whatever else runs. */
function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(', ');
}

/**
 * Signs the people in, eight at a time (the server hashes two passwords at once anyway, and on a
 * loaded machine a hundred sign-ins queued at once outlast their connections), taking turns among
 * the processes: a session made on one works on every one.
 */
async function signInMembers(members: readonly Persona[], bases: readonly string[]): Promise<SignedIn[]> {
  const limit = pLimit(8);
  return Promise.all(
    members.map((member, index) =>
      limit(async () => {
        const session = new Session(bases[index % bases.length] ?? '');
        await session.signIn(member.email);
        const html = await session.get(`${member.surveyPath}?page=1`);
        return { session, member, csrf: csrfOf(html), version: versionOf(html) };
      }),
    ),
  );
}

type Figures = Record<string, number | string | Record<string, number>>;

/** A fresh schema for the PostgreSQL runs, in the database BENCH_DATABASE_URL names; dropped at the end. */
function postgresTarget(): { url: string; schema: string; drop: () => Promise<void> } {
  const url = process.env.BENCH_DATABASE_URL ?? '';
  if (url === '') {
    throw new Error('--database postgres needs BENCH_DATABASE_URL: a PostgreSQL database the bench may make a schema in, e.g. postgres://icmap@127.0.0.1:5432/icmap_bench');
  }
  const schema = `icmap_bench_${Date.now().toString(36)}`;
  return {
    url,
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Starts `count` ICMap processes as npm start does, each on its own port, and waits until all answer. */
async function startServers(count: number, env: NodeJS.ProcessEnv, children: ChildProcess[]): Promise<{ bases: string[]; servers: ChildProcess[] }> {
  const started = await Promise.all(
    Array.from({ length: count }, async () => {
      const port = await freePort();
      const server = spawn(process.execPath, startArguments(), {
        cwd: projectRoot,
        env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: '', PORT: String(port), HOST: '127.0.0.1', SIGN_IN_LIMIT_PER_MINUTE: '1000', ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(server);
      return { base: `http://127.0.0.1:${port}`, server };
    }),
  );
  await Promise.all(started.map(({ base }) => waitFor(`${base}/healthz`)));
  return { bases: started.map(({ base }) => base), servers: started.map(({ server }) => server) };
}

async function stopServers(servers: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (server.exitCode !== null || server.signalCode !== null) {
            resolve();
            return;
          }
          server.once('exit', () => { resolve(); });
          server.kill('SIGTERM');
        }),
    ),
  );
}

/** The survey page, the outcome page, draft saves and the reports on one or more processes sharing a PostgreSQL database, load spread across them. */
async function measurePostgres(label: string, bases: string[], servers: ChildProcess[], file: string): Promise<Figures> {
  const peak = (): number => Math.max(...servers.map((server) => peakRssMb(server.pid)));
  const { members, adminEmail } = personas(file, CONNECTIONS * 2);
  log(`[${label}] signing in ${members.length} team members across ${bases.length} process${bases.length === 1 ? '' : 'es'}…`);
  const sessions = await signInMembers(members, bases);
  const first = sessions[0];
  if (first === undefined) throw new Error('no team member to sign in');
  const everywhere = (pathname: string): string[] => bases.map((base) => `${base}${pathname}`);
  log(`[${label}] survey page, outcome page and draft saves, ${CONNECTIONS} connections, ${SECONDS} s each…`);
  const surveyUrls = everywhere(`${first.member.surveyPath}?page=1`);
  await load({ url: surveyUrls, headers: { cookie: first.session.cookie }, duration: WARM_UP_SECONDS });
  const survey = await load({ url: surveyUrls, headers: { cookie: first.session.cookie } });
  const outcomeUrls = everywhere('/maps/txnsi/roles/improvement-team/outcomes/2.2');
  await load({ url: outcomeUrls, duration: WARM_UP_SECONDS });
  const outcomePage = await load({ url: outcomeUrls });
  const save = await saveLoad(everywhere(first.member.surveyPath), sessions);
  log(`[${label}] reports and recording consensus, sequential requests (${REPORT_REQUESTS} each)…`);
  const admin = new Session(bases[0] ?? '');
  await admin.signIn(adminEmail);
  const target = reportTargets(file);
  const sites = await timeSequential(admin, `/reports/sites?check=${target.closedCheckId}`, REPORT_REQUESTS);
  const growth = await timeSequential(admin, '/reports/growth', REPORT_REQUESTS);
  const facilitator = new Session(bases[bases.length - 1] ?? '');
  await facilitator.signIn(target.facilitatorEmail);
  const record = await timeConsensus(facilitator, { ...target, version: await consensusVersion(facilitator, target) }, REPORT_REQUESTS * 2);
  return {
    survey_rps: survey.rps,
    survey_p99_ms: survey.p99,
    survey_errors: survey.errors + survey.non2xx,
    outcome_page_rps: outcomePage.rps,
    outcome_page_p99_ms: outcomePage.p99,
    submit_rps: save.rps,
    submit_p99_ms: save.p99,
    submit_errors: save.errors + save.non2xx,
    submit_statuses: save.statuses,
    sites_p50_ms: sites.p50,
    sites_p95_ms: sites.p95,
    growth_p50_ms: growth.p50,
    growth_p95_ms: growth.p95,
    consensus_p50_ms: record.p50,
    consensus_p95_ms: record.p95,
    peak_rss_mb: peak(),
    processes: bases.length,
  };
}

/** The version the consensus form shows now for the target outcome (the SQLite run saved it many times in its own copy; this database started from the cache). */
async function consensusVersion(session: Session, target: ReportTargets): Promise<number> {
  const page = await session.get(`/checks/${target.openCheckId}/groups/${target.teamId}/consensus`);
  const form = page.indexOf(`/consensus/${target.outcomeCode}"`);
  const version = /name="version" value="(\d+)"/.exec(page.slice(form))?.[1];
  return version === undefined ? target.version : Number(version);
}

/** SQLite, PostgreSQL ×1 and ×2 side by side: one row per figure, one column per run. */
function printSideBySide(columns: readonly { label: string; figures: Figures }[]): void {
  const value = (figures: Figures, key: string): string => {
    const figure = figures[key];
    return typeof figure === 'number' || typeof figure === 'string' ? String(figure) : '—';
  };
  const rows: [string, (figures: Figures) => string][] = [
    ['survey page req/s (p99)', (f) => `${value(f, 'survey_rps')} (${value(f, 'survey_p99_ms')} ms)`],
    ['outcome page req/s (p99)', (f) => `${value(f, 'outcome_page_rps')} (${value(f, 'outcome_page_p99_ms')} ms)`],
    ['draft saves/s (p99)', (f) => `${value(f, 'submit_rps')} (${value(f, 'submit_p99_ms')} ms)`],
    ['draft save errors', (f) => value(f, 'submit_errors')],
    ['site comparison p50 / p95', (f) => `${value(f, 'sites_p50_ms')} / ${value(f, 'sites_p95_ms')} ms`],
    ['role growth p50 / p95', (f) => `${value(f, 'growth_p50_ms')} / ${value(f, 'growth_p95_ms')} ms`],
    ['recording consensus p50 / p95', (f) => `${value(f, 'consensus_p50_ms')} / ${value(f, 'consensus_p95_ms')} ms`],
    ['peak RSS (largest process)', (f) => `${value(f, 'peak_rss_mb')} MB`],
  ];
  log('');
  log(`${'figure'.padEnd(32)}${columns.map((column) => column.label.padEnd(24)).join('')}`);
  for (const [name, cell] of rows) log(`${name.padEnd(32)}${columns.map((column) => cell(column.figures).padEnd(24)).join('')}`);
}

async function main(): Promise<void> {
  await ensureNetwork();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-bench-'));
  const file = path.join(work, 'network.sqlite');
  fs.copyFileSync(CACHE, file);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const stopAll = (): void => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.on('exit', stopAll);
  let dropPostgres: (() => Promise<void>) | undefined;
  try {
    log('Building the server as `npm start` does (npm run build)…');
    await run('npm', ['run', '--silent', 'build']);
    const nodeArguments = startArguments();
    log(`Starting ICMap as npm start does (node ${nodeArguments.join(' ')}, production mode) on ${base} with a copy of ${path.relative(projectRoot, CACHE)}`);
    const server = spawn(process.execPath, nodeArguments, {
      cwd: projectRoot,
      // As installed: production mode, the default log level (a line per request and per answer).
      // The bench signs 129 people in from one address: lift the per-address sign-in limit for this run only.
      env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: '', PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: file, SIGN_IN_LIMIT_PER_MINUTE: '1000' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(server);
    await waitFor(`${base}/healthz`);

    const peakBy: Record<string, number> = {};
    const notePeak = (phase: string): void => {
      peakBy[phase] = peakRssMb(server.pid);
    };
    notePeak('start');
    const throughput = REPORTS_ONLY ? undefined : await throughputPhases(base, file, work, children, notePeak);

    log(`4/5 reports at ${SITES.toLocaleString('en')} sites, sequential requests (${REPORT_REQUESTS} each)…`);
    const uptimeBefore = loadAverage();
    const admin = new Session(base);
    const { adminEmail } = personas(file, 0);
    await admin.signIn(adminEmail);
    const target = reportTargets(file);
    const sites = await timeSequential(admin, `/reports/sites?check=${target.closedCheckId}`, REPORT_REQUESTS);
    const growth = await timeSequential(admin, '/reports/growth', REPORT_REQUESTS);
    const tracking = await timeSequential(admin, `/checks/${target.openCheckId}`, REPORT_REQUESTS);
    const team = await timeSequential(admin, `/checks/${target.closedCheckId}/groups/${target.teamId}/report`, REPORT_REQUESTS);
    notePeak('reports');

    log('5/5 recording consensus (a facilitator saving one outcome, sequential requests)…');
    const facilitator = new Session(base);
    await facilitator.signIn(target.facilitatorEmail);
    const record = await timeConsensus(facilitator, target, REPORT_REQUESTS * 2);
    notePeak('consensus');
    const rss = peakRssMb(server.pid);
    const uptimeAfter = loadAverage();

    const figures = {
      sites: SITES,
      ...throughput?.figures,
      sites_p50_ms: sites.p50,
      sites_p95_ms: sites.p95,
      growth_p50_ms: growth.p50,
      growth_p95_ms: growth.p95,
      tracking_p50_ms: tracking.p50,
      tracking_p95_ms: tracking.p95,
      team_report_p50_ms: team.p50,
      team_report_p95_ms: team.p95,
      report_p95_ms: Math.max(sites.p95, growth.p95),
      consensus_p50_ms: record.p50,
      consensus_p95_ms: record.p95,
      peak_rss_mb: rss,
      // The peak so far after each phase (VmHWM), to tell which phase set it.
      peak_rss_mb_after: peakBy,
      load_average_before: uptimeBefore,
      load_average_after: uptimeAfter,
      connections: CONNECTIONS,
      seconds: SECONDS,
      report_requests: REPORT_REQUESTS,
    };
    const row = (name: string, value: string, targetText: string, ok: boolean): string => `${name.padEnd(38)}${value.padEnd(26)}${targetText.padEnd(18)}${ok ? 'met' : 'MISSED'}`;
    const reportTarget = SITES > 1000 ? 300 : 150;
    log('');
    log(`${'figure'.padEnd(38)}${'measured'.padEnd(26)}${'target'.padEnd(18)}`);
    for (const line of throughput?.rows(row) ?? []) log(line);
    log(row('site comparison p50 / p95', `${sites.p50} / ${sites.p95} ms`, `p95 < ${reportTarget} ms`, sites.p95 < reportTarget));
    log(row('role growth p50 / p95', `${growth.p50} / ${growth.p95} ms`, `p95 < ${reportTarget} ms`, growth.p95 < reportTarget));
    log(row('check tracking page p50 / p95', `${tracking.p50} / ${tracking.p95} ms`, '(no target)', true));
    log(row('team report p50 / p95', `${team.p50} / ${team.p95} ms`, '(no target)', true));
    log(row('recording consensus p50 / p95', `${record.p50} / ${record.p95} ms`, 'p95 < 10 ms', record.p95 < 10));
    log(row('peak RSS of the server', `${rss} MB`, '< 250 MB', rss < 250));
    log(`load average (1, 5, 15 min): ${uptimeBefore} before the reports, ${uptimeAfter} after`);
    log(JSON.stringify(figures));
    if (!POSTGRES) return;

    await stopServers([server]);
    const postgres = postgresTarget();
    dropPostgres = postgres.drop;
    log('');
    log(`Copying the network into PostgreSQL with npm run db:copy (${describeTarget(postgres.url)}, schema ${postgres.schema})…`);
    const copyStarted = performance.now();
    // The working copy: the SQLite server brought it to this version's schema (db:copy refuses an older one).
    await run(process.execPath, ['dist/tools/ops/db-copy.js', '--from', file, '--to', postgres.url, '--schema', postgres.schema], {}, 'ignore');
    const copySeconds = Math.round((performance.now() - copyStarted) / 100) / 10;
    const postgresEnv = { DATABASE_URL: postgres.url, DATABASE_SCHEMA: postgres.schema, DATABASE_PATH: '' };
    const runs: { label: string; figures: Figures }[] = [{ label: 'SQLite', figures }];
    for (const count of [1, 2]) {
      const started = await startServers(count, postgresEnv, children);
      runs.push({ label: `PostgreSQL ×${count}`, figures: await measurePostgres(`PostgreSQL ×${count}`, started.bases, started.servers, file) });
      await stopServers(started.servers);
    }
    printSideBySide(runs);
    const loadNow = loadAverage();
    log(`db:copy of the ${SITES.toLocaleString('en')}-site network: ${copySeconds} s; ${os.cpus().length} cores; load average (1, 5, 15 min) at the end: ${loadNow}`);
    log(JSON.stringify({ sqlite: figures, postgres_1: runs[1]?.figures, postgres_2: runs[2]?.figures, db_copy_seconds: copySeconds, load_average: loadNow, cores: os.cpus().length }));
  } finally {
    stopAll();
    await dropPostgres?.();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
