/**
 * Two real ICMap processes (`node --import tsx server/server.ts`) on one PostgreSQL database behave
 * as one: a session made on one works on the other, the sign-in limits count across both, two
 * facilitators saving one consensus outcome on different processes get one winner and one 409, and
 * the setup link can be used once in total. Runs only with TEST_DATABASE_URL set.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../tools/demo/generate.js';
import { freePort, ServerProcess } from '../../tools/ops/fault-server.js';
import { generateInto, tempFolder } from '../demo/support.js';

const root = path.resolve(import.meta.dirname, '../..');
const url = process.env.TEST_DATABASE_URL ?? '';
const TODAY = new Date().toISOString().slice(0, 10);

interface Reply {
  status: number;
  location: string;
  body: string;
}

/** One person's browser: a cookie jar, over real HTTP, to whichever process it is pointed at. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly forwardedFor?: string) {}

  async send(base: string, method: 'GET' | 'POST', pathname: string, form?: Record<string, string>): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.forwardedFor !== undefined) headers['x-forwarded-for'] = this.forwardedFor;
    const response = await fetch(`${base}${pathname}`, {
      method,
      headers,
      redirect: 'manual',
      ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
    });
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';', 1)[0] ?? '';
      const equals = pair.indexOf('=');
      if (equals > 0) this.cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
    return { status: response.status, location: response.headers.get('location') ?? '', body: await response.text() };
  }

  /** The form token of a page (GET), for a POST that follows. */
  async csrf(base: string, pathname: string): Promise<string> {
    const page = await this.send(base, 'GET', pathname);
    const token = /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1];
    if (token === undefined) throw new Error(`GET ${pathname} answered ${page.status} without a form token`);
    return token;
  }

  async signIn(base: string, email: string, password = DEMO_PASSWORD): Promise<Reply> {
    const token = await this.csrf(base, '/sign-in');
    return this.send(base, 'POST', '/sign-in', { _csrf: token, email, password });
  }
}

function dbCopy(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/ops/db-copy.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_PATH: '', DATABASE_URL: '', NODE_OPTIONS: '' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

/** Two ICMap processes on one schema of the test database, each on its own port. */
async function startPair(schema: string, extra: NodeJS.ProcessEnv = {}): Promise<ServerProcess[]> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['ICMAP_ADMIN_EMAIL', 'ICMAP_ADMIN_PASSWORD', 'ICMAP_NETWORK_NAME', 'PUBLIC_URL', 'DATABASE_PATH'].includes(name)),
  );
  const servers = await Promise.all(
    [0, 1].map(async () => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...inherited,
        NODE_ENV: 'production',
        NODE_OPTIONS: '',
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...extra,
      };
      return new ServerProcess(env, `http://127.0.0.1:${port}`);
    }),
  );
  // Both at once: their migrations and first-run steps meet on the database as two deploys would.
  await Promise.all(servers.map((server) => server.start(90_000)));
  return servers;
}

describe.skipIf(url === '')('two ICMap processes on one PostgreSQL database (runs only with TEST_DATABASE_URL set)', { timeout: 180_000 }, () => {
  const temp = tempFolder();
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  // Under the run's prefix (test/postgres-setup.ts), so a run that dies half-way is still cleaned up.
  const prefix = process.env.ICMAP_TEST_SCHEMA_PREFIX ?? 'icmap_test';
  const fresh = `${prefix}_fresh_${suffix}`;
  const demo = `${prefix}_demo_${suffix}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const running: ServerProcess[] = [];
  let a = '';
  let b = '';

  beforeAll(async () => {
    // A demo network whose newest check is open today, moved to PostgreSQL with db:copy.
    const file = path.join(temp.folder, 'demo.sqlite');
    await generateInto(file, { sites: 2, checks: 2, seed: 3, today: TODAY });
    const copy = await dbCopy('--from', file, '--to', url, '--schema', demo);
    if (copy.code !== 0) throw new Error(`db:copy failed:\n${copy.output}`);
    // Sign-ins come from many addresses, told by X-Forwarded-For from this (loopback) proxy.
    const pair = await startPair(demo, { TRUST_PROXY: 'loopback', SIGN_IN_LIMIT_PER_MINUTE: '4' });
    running.push(...pair);
    [a, b] = pair.map((server) => server.base) as [string, string];
  });

  afterAll(async () => {
    await Promise.all(running.map((server) => server.kill()));
    // The schemas are dropped with the run's others at its end (test/postgres-setup.ts): dropping one
    // mid-run can fail another file's migrator, whose catalogue query reads every schema.
    await pool.end();
    temp.remove();
  });

  const one = async <T>(text: string, values: unknown[] = []): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query(`set search_path to "${demo}"`);
      const { rows } = await client.query(text, values);
      return rows[0] as T;
    } finally {
      client.release();
    }
  };

  it('a session made on one process works on the other, and signing out on the other ends it on both', async () => {
    const { email } = await one<{ email: string }>('select email from people where is_network_admin = 1 order by id limit 1');
    const browser = new Browser('198.51.100.1');
    const signedIn = await browser.signIn(a, email);
    expect(signedIn.status).toBe(303);
    const onB = await browser.send(b, 'GET', '/network');
    expect(onB.status).toBe(200);
    expect(onB.body).toContain('Sign out');

    const token = /name="_csrf" value="([^"]*)"/.exec(onB.body)?.[1] ?? '';
    const out = await browser.send(b, 'POST', '/sign-out', { _csrf: token });
    expect(out.status).toBe(303);
    const onA = await browser.send(a, 'GET', '/network');
    expect(onA.status).toBe(303);
    expect(onA.location).toMatch(/^\/sign-in/);
  });

  it('the account lock counts across both: 10 wrong guesses at once, half to each, get 5 checks and 5 refusals', async () => {
    const { email } = await one<{ email: string }>("select p.email from people p where p.is_network_admin = 0 and p.password_hash is not null order by p.id desc limit 1");
    const browsers = Array.from({ length: 10 }, (_, index) => new Browser(`203.0.113.${index + 1}`));
    const ready = await Promise.all(browsers.map(async (browser, index) => ({ browser, base: index % 2 === 0 ? a : b, token: await browser.csrf(index % 2 === 0 ? a : b, '/sign-in') })));
    const replies = await Promise.all(ready.map(({ browser, base, token }, index) => browser.send(base, 'POST', '/sign-in', { _csrf: token, email, password: `wrong guess ${index}` })));
    expect(replies.map((reply) => reply.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    // Locked on both: the right password is refused on either process.
    for (const base of [a, b]) expect((await new Browser('203.0.113.99').signIn(base, email)).status).toBe(429);
  });

  it('the per-address limit counts across both: the fifth failure from one address in a minute is refused, whichever process gets it', async () => {
    const browser = new Browser('192.0.2.44');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push((await browser.signIn(attempt % 2 === 0 ? a : b, `nobody-${attempt}@example.org`, 'not a password')).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('two facilitators saving one outcome on different processes: one is saved, the other gets 409', async () => {
    const group = await one<{ check_id: number; group_id: number; first: string; second: string }>(
      `select cg.check_id, cg.group_id, min(p.email) as first, max(p.email) as second from check_groups cg
       join progress_checks c on c.id = cg.check_id and c.opens_on <= $1 and c.closes_on >= $1 and c.closed_at is null
       join group_members gm on gm.group_id = cg.group_id and gm.is_facilitator = 1 join people p on p.id = gm.person_id
       group by cg.check_id, cg.group_id having count(*) >= 2 order by cg.check_id desc limit 1`,
      [TODAY],
    );
    expect(group).toBeDefined();
    const record = await one<{ version: number } | undefined>('select version from consensus_records where check_id = $1 and group_id = $2 and outcome_code = $3', [
      group.check_id,
      group.group_id,
      '1.1',
    ]);
    const version = String(record?.version ?? 0);
    const page = `/checks/${group.check_id}/groups/${group.group_id}/consensus`;
    const facilitators = [new Browser('198.51.100.21'), new Browser('198.51.100.22')];
    const bases = [a, b];
    const forms = await Promise.all(
      facilitators.map(async (browser, index) => {
        const base = bases[index] ?? a;
        expect((await browser.signIn(base, index === 0 ? group.first : group.second)).status).toBe(303);
        return { browser, base, token: await browser.csrf(base, page) };
      }),
    );
    const replies = await Promise.all(
      forms.map(({ browser, base, token }, index) =>
        browser.send(base, 'POST', `${page}/1.1`, { _csrf: token, version, level: String(index + 2), rationale: `Facilitator ${index + 1} wrote this.`, dissent: '', next_step: '' }),
      ),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([303, 409]);
    const winner = replies.findIndex((reply) => reply.status === 303);
    const saved = await one<{ level: number; rationale: string; version: number }>('select level, rationale, version from consensus_records where check_id = $1 and group_id = $2 and outcome_code = $3', [
      group.check_id,
      group.group_id,
      '1.1',
    ]);
    expect(saved).toEqual({ level: winner + 2, rationale: `Facilitator ${winner + 1} wrote this.`, version: Number(version) + 1 });
    // The one who lost is told who saved what, and that nothing was overwritten.
    expect(replies[1 - winner]?.body).toContain('while you were editing. Nothing was overwritten.');
  });

  it('the setup link can be used once in total, however many processes print one', async () => {
    const pair = await startPair(fresh);
    running.push(...pair);
    // Each process prints its link just after it starts answering: wait for both lines.
    const linkOf = (server: ServerProcess): string | undefined => server.tail.map((line) => /\/setup\/([\w-]+)/.exec(line)?.[1]).find((token) => token !== undefined);
    for (let waited = 0; pair.some((server) => linkOf(server) === undefined) && waited < 60_000; waited += 100) await sleep(100);
    const links = pair.map(linkOf);
    expect(links.every((token) => token !== undefined)).toBe(true);
    const browsers = pair.map(() => new Browser());
    const ready = await Promise.all(
      pair.map(async (server, index) => {
        const browser = browsers[index] ?? new Browser();
        const setup = `/setup/${links[index] ?? ''}`;
        const page = await browser.send(server.base, 'GET', setup);
        return { browser, server, setup, token: /name="_csrf" value="([^"]*)"/.exec(page.body)?.[1] ?? (await browser.csrf(server.base, '/sign-in')) };
      }),
    );
    const replies = await Promise.all(
      ready.map(({ browser, server, setup, token }, index) =>
        browser.send(server.base, 'POST', setup, {
          _csrf: token,
          network_name: `Network ${index + 1}`,
          time_zone: 'UTC',
          name: `Admin ${index + 1}`,
          email: `admin${index + 1}@example.org`,
          password: 'a long enough password for setup',
          password_confirmation: 'a long enough password for setup',
        }),
      ),
    );
    expect(replies.filter((reply) => reply.status === 303)).toHaveLength(1);
    expect(replies.filter((reply) => reply.status !== 303).every((reply) => reply.status >= 400 && reply.status < 500)).toBe(true);
    const client = await pool.connect();
    try {
      await client.query(`set search_path to "${fresh}"`);
      const admins = await client.query<{ n: string }>('select count(*) as n from people where is_network_admin = 1');
      expect(Number(admins.rows[0]?.n)).toBe(1);
    } finally {
      client.release();
    }
    // Every link printed is now spent, on either process.
    for (const server of pair) {
      for (const token of links) {
        const page = await new Browser().send(server.base, 'GET', `/setup/${token ?? ''}`);
        expect(page.body).toContain('ICMap is set up');
      }
    }
  });
});
