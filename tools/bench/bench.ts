/**
 * `npm run bench`: ICMap's real server, in production mode, on a network of 1,000 sites and 10 checks,
 * driven over HTTP with autocannon from this (second) process, each figure set against a bare Fastify
 * server measured in the same run. Prints a table, then one JSON object with every figure.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { DEMO_PASSWORD } from '../demo/generate.js';
import { projectRoot } from '../../server/paths.js';
import { todayUtc } from '../../server/services/progress-checks.js';

const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARM_UP_SECONDS = 3;
const CACHE = path.join(projectRoot, 'data/bench/network.sqlite');
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

/** The cached network, regenerated when missing or when its newest check is no longer open. */
async function ensureNetwork(): Promise<void> {
  if (fs.existsSync(CACHE)) {
    const db = new Database(CACHE, { readonly: true });
    const newest = db.prepare('select closes_on from progress_checks order by opens_on desc limit 1').get() as { closes_on: string } | undefined;
    db.close();
    if (newest !== undefined && newest.closes_on >= todayUtc()) return;
    log('The cached network\'s newest check has closed: generating a fresh one.');
  }
  log('Generating the network (1,000 sites, 10 checks): about a minute and a half, once.');
  await run(process.execPath, [...NODE_TSX, 'tools/demo/seed-cli.ts', '--db', CACHE, '--sites', '1000', '--checks', '10', '--seed', '7', '--force']);
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
  async get(pathname: string): Promise<string> {
    const response = await fetch(`${this.base}${pathname}`, { headers: { cookie: this.cookie }, redirect: 'manual' });
    this.remember(response);
    return response.text();
  }
  async signIn(email: string): Promise<void> {
    const page = await this.get('/sign-in');
    const csrf = csrfOf(page);
    const response = await fetch(`${this.base}/sign-in`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email, password: DEMO_PASSWORD }),
      redirect: 'manual',
    });
    if (response.status !== 303) throw new Error(`sign-in as ${email} answered ${response.status}`);
    this.remember(response);
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
async function load(options: autocannon.Options, until?: Promise<unknown>): Promise<Load> {
  const duration = until === undefined ? SECONDS : UNTIL_LIMIT_SECONDS;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, duration, ...options }, (error: unknown, outcome) => {
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
async function saveLoad(base: string, sessions: SignedIn[], until?: Promise<unknown>): Promise<Load> {
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
  times.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN);
  return { p50: at(0.5), p95: at(0.95) };
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

    // Twice as many people as connections: a request that never answers cannot leave the pool empty.
    const { members, adminEmail } = personas(file, CONNECTIONS * 2);
    log(`Signing in ${members.length} team members and the network admin…`);
    const peakBy: Record<string, number> = {};
    const notePeak = (phase: string): void => {
      peakBy[phase] = peakRssMb(server.pid);
    };
    notePeak('start');
    const sessions = await Promise.all(
      members.map(async (member) => {
        const session = new Session(base);
        await session.signIn(member.email);
        const html = await session.get(`${member.surveyPath}?page=1`);
        return { session, member, csrf: csrfOf(html), version: versionOf(html) };
      }),
    );
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

    log('4/5 reports at 1,000 sites: site comparison and role growth, sequential requests…');
    const admin = new Session(base);
    await admin.signIn(adminEmail);
    const db = new Database(file, { readonly: true });
    const closed = db.prepare("select id from progress_checks where closes_on < date('now') order by opens_on desc limit 1").get() as { id: number };
    db.close();
    const sites = await timeSequential(admin, `/reports/sites?check=${closed.id}`, 30);
    const growth = await timeSequential(admin, '/reports/growth', 30);
    notePeak('reports');

    log('5/5 peak memory…');
    const rss = peakRssMb(server.pid);

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
      sites_p50_ms: sites.p50,
      sites_p95_ms: sites.p95,
      growth_p50_ms: growth.p50,
      growth_p95_ms: growth.p95,
      report_p95_ms: Math.max(sites.p95, growth.p95),
      peak_rss_mb: rss,
      // The peak so far after each phase (VmHWM), to tell which phase set it.
      peak_rss_mb_after: peakBy,
      connections: CONNECTIONS,
      seconds: SECONDS,
    };
    const row = (name: string, value: string, target: string, ok: boolean): string => `${name.padEnd(38)}${value.padEnd(26)}${target.padEnd(18)}${ok ? 'met' : 'MISSED'}`;
    log('');
    log(`${'figure'.padEnd(38)}${'measured'.padEnd(26)}${'target'.padEnd(18)}`);
    log(row('survey page req/s (vs bare Fastify)', `${survey.rps} (${bareSurvey.rps}) = ${figures.survey_ratio}`, 'ratio >= 0.5', figures.survey_ratio >= 0.5));
    log(row('survey page p99', `${survey.p99} ms`, '< 50 ms', survey.p99 < 50));
    log(row('outcome page (what changes) req/s, p99', `${outcomePage.rps}, ${outcomePage.p99} ms`, '(no target)', true));
    log(row('draft saves/s (vs bare Fastify)', `${save.rps} (${bareSave.rps}) = ${figures.submit_ratio}`, '>= 1,000/s', save.rps >= 1000));
    log(row('draft save p99', `${save.p99} ms`, '< 100 ms', save.p99 < 100));
    log(row('draft save errors', String(figures.submit_errors), '0', figures.submit_errors === 0));
    log(row(`saves during a ${backupSeconds} s online backup`, `${duringBackup.rps}/s, p99 ${duringBackup.p99} ms, ${figures.backup_save_errors} errors`, '0 errors', figures.backup_save_errors === 0));
    log(row('site comparison p50 / p95', `${sites.p50} / ${sites.p95} ms`, 'p95 < 300 ms', sites.p95 < 300));
    log(row('role growth p50 / p95', `${growth.p50} / ${growth.p95} ms`, 'p95 < 300 ms', growth.p95 < 300));
    log(row('peak RSS of the server', `${rss} MB`, '< 250 MB', rss < 250));
    log(JSON.stringify(figures));
  } finally {
    stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
