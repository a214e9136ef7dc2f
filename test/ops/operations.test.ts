/**
 * What a school's IT person watches the server with: /metrics for Prometheus (only with the token),
 * load shedding with 503 + Retry-After while /healthz keeps answering, slow-query warnings carrying
 * the request id, and the proxy's X-Request-Id adopted when TRUST_PROXY is on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { commitTogether } from '../../server/db/group-commit.js';
import { onPostgres, testConfig } from '../helpers.js';
import { anonymous } from '../support/http.js';

const TOKEN = 'metrics-token-for-the-test-0123456789';
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-operations-'));
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});
afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

/** The app with extra test routes added before it is ready. */
async function appWith(overrides: Partial<Config>, addRoutes: (instance: FastifyInstance) => void = () => undefined): Promise<FastifyInstance> {
  const instance = await buildApp(testConfig(overrides));
  addRoutes(instance);
  await instance.ready();
  app = instance;
  return instance;
}

/** The value of one sample line of the Prometheus text, e.g. `icmap_database_busy_total`. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('GET /metrics', () => {
  it('does not exist unless METRICS_TOKEN is set', async () => {
    const instance = await appWith({ metricsToken: undefined });
    expect((await instance.inject('/metrics')).statusCode).toBe(404);
  });

  it('answers only with the token as a bearer token', async () => {
    const instance = await appWith({ metricsToken: TOKEN });
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const response = await instance.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.headers['www-authenticate']).toContain('Bearer');
      expect(response.body).not.toContain('icmap_');
    }
  });

  // SQLite only: it holds SQLite's write lock and counts group-commit batches (PostgreSQL's busy answer: test/db/database-busy.test.ts).
  it.skipIf(onPostgres)('reports request timings by route, event-loop lag, busy answers and group-commit batch sizes', async () => {
    const databasePath = path.join(folder, 'metrics.sqlite');
    const instance = await appWith({ metricsToken: TOKEN, databasePath, databaseBusyTimeoutMs: 50 }, (routes) => {
      routes.get('/test/write', async () => {
        await sql`create table if not exists scratch (x integer)`.execute(routes.db);
        return { ok: true };
      });
    });
    expect((await instance.inject('/maps')).statusCode).toBe(200);
    expect((await instance.inject('/maps/txnsi/roles/improvement-team')).statusCode).toBe(200);
    expect((await instance.inject('/no/such/page/12345')).statusCode).toBe(404);

    // A write while another connection holds the lock: answered 503 busy, and counted.
    const other = new SQLite(databasePath);
    other.exec('begin immediate');
    const busy = await instance.inject({ url: '/test/write', headers: { accept: 'application/json' } });
    other.exec('rollback');
    other.close();
    expect(busy.statusCode).toBe(503);

    // Three transactions arriving together share one commit.
    await Promise.all([1, 2, 3].map((n) => commitTogether(instance.db, (trx) => sql`select ${n}`.execute(trx))));

    const response = await instance.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toMatch(/icmap_http_request_duration_seconds_count\{method="GET",route="\/maps",status_code="200"\} 1/);
    expect(text).toMatch(/icmap_http_request_duration_seconds_count\{method="GET",route="\/maps\/:mapId\/roles\/:roleKey",status_code="200"\} 1/);
    // An unknown address is one series, never one per URL.
    expect(text).toMatch(/route="no route",status_code="404"\} 1/);
    expect(text).not.toContain('12345');
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'icmap_database_busy_total')).toBe(1);
    expect(sample(text, 'icmap_group_commit_batch_size_count')).toBe(1);
    expect(sample(text, 'icmap_group_commit_batch_size_sum')).toBe(3);
    expect(sample(text, 'icmap_load_shed_total')).toBe(0);
  });
});

describe('load shedding', () => {
  it('answers 503 with Retry-After while the event loop is saturated, and /healthz and /metrics still answer', async () => {
    const instance = await appWith({ metricsToken: TOKEN, loadShedding: { maxEventLoopDelayMs: 20, maxEventLoopUtilization: 0, sampleIntervalMs: 25 } });
    expect((await instance.inject('/maps')).statusCode).toBe(200);

    // Hold the event loop, as a long synchronous job would, then let the next sample see it.
    const until = Date.now() + 500;
    while (Date.now() < until) {
      // busy
    }
    // The sampler runs on a timer; on a busy machine its next turn can take a while: wait in real time
    // (up to 10 s, a few milliseconds at a time), not for a number of loop turns.
    for (const started = Date.now(); !instance.isUnderPressure() && Date.now() - started < 10_000; ) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(instance.isUnderPressure()).toBe(true);

    const page = await instance.inject('/maps');
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.body).toContain('more requests than it can answer right now. Nothing was saved from this request.');
    expect((await instance.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const metrics = await instance.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metrics.statusCode).toBe(200);
    expect(sample(metrics.body, 'icmap_load_shed_total')).toBe(1);
  });
});

describe('slow queries', () => {
  it('are logged as a warning with the request id, the SQL and the time taken, at or above SLOW_QUERY_MS', async () => {
    const instance = await appWith({ slowQueryMs: 0 });
    const warn = vi.spyOn(instance.log, 'warn');
    const response = await instance.inject('/healthz');
    const slow = warn.mock.calls.filter((call) => call[1] === 'slow query').map((call) => call[0] as { reqId?: string; sql: string; durationMs: number });
    expect(response.statusCode).toBe(200);
    expect(slow).toContainEqual(expect.objectContaining({ reqId: expect.stringMatching(/^[0-9a-f-]{36}$/), sql: 'select 1' }));
    expect(slow.every((entry) => entry.durationMs >= 0)).toBe(true);
  });

  it('carry the request id also for a form post, whose queries run after its body was read', async () => {
    const instance = await appWith({ trustProxy: 1, slowQueryMs: 0 });
    const warn = vi.spyOn(instance.log, 'warn');
    const visitor = anonymous(instance, { headers: { 'x-request-id': 'form-post-1' } });
    const refused = await visitor.post('/sign-in', { email: 'nobody@example.org', password: 'not the password' }, { tokenFrom: '/sign-in' });
    expect(refused.statusCode).toBe(401);
    const slow = warn.mock.calls.filter((call) => call[1] === 'slow query').map((call) => call[0] as { reqId?: string; sql: string });
    expect(slow.some((entry) => entry.sql.includes('email'))).toBe(true);
    expect(slow.map((entry) => entry.reqId)).toEqual(slow.map(() => 'form-post-1'));
  });

  it('are not logged below the threshold', async () => {
    const instance = await appWith({ slowQueryMs: 60_000 });
    const warn = vi.spyOn(instance.log, 'warn');
    expect((await instance.inject('/maps')).statusCode).toBe(200);
    expect(warn.mock.calls.filter((call) => call[1] === 'slow query')).toEqual([]);
  });
});

describe('request ids', () => {
  const boom = (instance: FastifyInstance) => {
    instance.get('/test/boom', async () => {
      throw new Error('boom');
    });
  };

  it('adopt the proxy’s X-Request-Id when TRUST_PROXY is on, so the 5xx page quotes the proxy’s id', async () => {
    const instance = await appWith({ trustProxy: 1, slowQueryMs: 0 }, boom);
    const warn = vi.spyOn(instance.log, 'warn');
    const failed = await instance.inject({ url: '/test/boom', headers: { 'x-request-id': 'edge-7f3a9c:01' } });
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toContain('quote reference edge-7f3a9c:01');
    await instance.inject({ url: '/healthz', headers: { 'x-request-id': 'edge-health-1' } });
    expect(warn.mock.calls.map((call) => (call[0] as { reqId?: string }).reqId)).toContain('edge-health-1');
  });

  it('ignore an X-Request-Id of the wrong shape, or any when TRUST_PROXY is off', async () => {
    const trusting = await appWith({ trustProxy: 1 }, boom);
    for (const id of ['has space', 'x'.repeat(129), 'line\\nbreak', '<script>', '']) {
      const response = await trusting.inject({ url: '/test/boom', headers: { 'x-request-id': id } });
      expect(response.body, id).toMatch(/quote reference [0-9a-f-]{36}\./);
    }
    await trusting.close();
    const direct = await appWith({ trustProxy: false }, boom);
    const response = await direct.inject({ url: '/test/boom', headers: { 'x-request-id': 'edge-7f3a9c' } });
    expect(response.body).toMatch(/quote reference [0-9a-f-]{36}\./);
  });
});
