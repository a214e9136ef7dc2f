/**
 * The server's own defences: slow senders are cut off, one-time tokens never reach the logs,
 * malformed URLs get ICMap's error page with its security headers, and start-up warnings are logged.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { prepareFirstRun } from '../../server/services/first-run.js';
import { testConfig } from '../helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose log lines (JSON) are collected in `lines`. */
async function appWithLog(overrides: Partial<Config> = {}): Promise<{ app: FastifyInstance; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const built = await buildApp(testConfig({ logLevel: 'info', ...overrides }), { logStream: stream });
  await built.ready();
  return { app: built, lines };
}

describe('slow requests', () => {
  it('a body sent one byte at a time is cut off with 408 once the request timeout has passed', async () => {
    app = await buildApp(testConfig({ requestTimeoutMs: 1000, headersTimeoutMs: 500 }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as net.AddressInfo;
    const body = 'email=someone%40example.org&password=abcdefghijklmnopqrstuvwxyz';
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      let received = '';
      let sent = 0;
      socket.on('data', (data) => {
        received += data.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(drip);
        resolve(received);
      });
      socket.write(`POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
      // One byte every 100 ms: the whole body would take over 6 s; the server must not wait for it.
      const drip = setInterval(() => {
        if (sent < body.length && !socket.destroyed) socket.write(body[sent++]!);
        if (sent === body.length) {
          clearInterval(drip);
          socket.end();
        }
      }, 100);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('sets the request, headers and keep-alive timeouts on the server', async () => {
    app = await buildApp(testConfig({ requestTimeoutMs: 45_000, headersTimeoutMs: 12_000, keepAliveTimeoutMs: 9_000 }));
    await app.ready();
    expect(app.server.requestTimeout).toBe(45_000);
    expect(app.server.headersTimeout).toBe(12_000);
    expect(app.server.keepAliveTimeout).toBe(9_000);
  });
});

describe('logs', () => {
  it('one-time link tokens are redacted from logged URLs', async () => {
    const logged = await appWithLog();
    app = logged.app;
    const first = await prepareFirstRun(app.db, undefined);
    if (first.state !== 'setup-needed') throw new Error('expected a setup link');
    await app.inject(`/setup/${first.token}`);
    await app.inject('/access/aSecretInvitationToken0123456789?x=1');
    const text = JSON.stringify(logged.lines);
    expect(text).not.toContain(first.token);
    expect(text).not.toContain('aSecretInvitationToken0123456789');
    const urls = logged.lines.flatMap((line) => {
      const req = line.req as { url?: string } | undefined;
      return req?.url === undefined ? [] : [req.url];
    });
    expect(urls).toEqual(['/setup/[redacted]', '/access/[redacted]?x=1']);
  });

  it('start-up notices (PUBLIC_URL unset in production, TRUST_PROXY=true) are logged as warnings', async () => {
    const logged = await appWithLog({ notices: ['PUBLIC_URL is not set: a test notice'] });
    app = logged.app;
    expect(logged.lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'PUBLIC_URL is not set: a test notice' }));
  });
});

describe('malformed URLs', () => {
  it.for(['/%c0', '/maps/%E0%A4%A'])('%s gets ICMap’s 400 page with the security headers', async (url) => {
    app = await buildApp(testConfig());
    const response = await app.inject(url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('This address is not valid');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('DENY');
  });
});
