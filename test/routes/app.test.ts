import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { staticDir } from '../../server/paths.js';
import { buildTestApp, testConfig } from '../helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('GET /healthz', () => {
  it('answers ok once the database responds', async () => {
    app = await buildTestApp();
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database cannot be reached', async () => {
    app = await buildTestApp();
    await app.db.destroy();
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable' });
  });
});

describe('security headers', () => {
  it('send a strict Content-Security-Policy with no inline script or style', async () => {
    app = await buildTestApp();
    const response = await app.inject('/');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('reach error pages too', async () => {
    app = await buildTestApp();
    const response = await app.inject('/missing');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('pages carry no inline script or style that the policy would block', async () => {
    app = await buildTestApp();
    for (const url of ['/', '/maps/txnsi', '/maps/txnsi/roles/hub-team', '/maps/txnsi/roles/hub-team/outcomes/1.1', '/missing']) {
      const html = (await app.inject(url)).body;
      expect(html, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, url).not.toMatch(/<style|\sstyle="|\son[a-z]+="/);
    }
  });
});

describe('the error handler', () => {
  async function appWithFailingRoutes(): Promise<FastifyInstance> {
    const instance = await buildApp(testConfig());
    instance.get('/boom', () => {
      throw new Error('secret database detail');
    });
    instance.get('/api/boom', () => {
      throw new Error('secret database detail');
    });
    await instance.ready();
    return instance;
  }

  it('shows a friendly page on a 500 with a reference, hiding the internals', async () => {
    app = await appWithFailingRoutes();
    const response = await app.inject('/boom');
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('Something went wrong');
    expect(response.body).toMatch(/quote reference [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\./);
    expect(response.body).not.toContain('secret database detail');
  });

  it('answers JSON under /api without internals', async () => {
    app = await appWithFailingRoutes();
    const response = await app.inject('/api/boom');
    expect(response.statusCode).toBe(500);
    const body = response.json<{ error: string; message: string; requestId: string }>();
    expect(body.error).toBe('Internal Server Error');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(body)).not.toContain('secret database detail');
  });
});

describe('public pages', () => {
  it('carry a meta description for search results and link previews', async () => {
    app = await buildTestApp();
    for (const url of ['/maps', '/maps/txnsi/roles/improvement-team', '/sign-in']) {
      const page = await app.inject(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toMatch(/<meta name="description" content="ICMap: self-assessment, team consensus and growth on Innovation Configuration maps/);
    }
  });
});

describe('static files', () => {
  it('serves the stylesheet and the enhancement script', async () => {
    app = await buildTestApp();
    expect((await app.inject('/static/css/app.css')).statusCode).toBe(200);
    const script = await app.inject('/static/js/app.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('links pages to names carrying a hash of the content, kept a year without revalidation', async () => {
    app = await buildTestApp();
    const page = await app.inject('/maps');
    const links = [...page.body.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((match) => match[1]!);
    expect(links).toHaveLength(3);
    for (const link of links) {
      const file = link.replace(/^\/static\//, '');
      const [, base, hash, extension] = /^(.+)\.([0-9a-f]{10})(\.\w+)$/.exec(file) ?? [];
      const plainFile = `${base}${extension}`;
      const content = fs.readFileSync(path.join(staticDir, plainFile));
      expect(hash, link).toBe(createHash('sha256').update(content).digest('hex').slice(0, 10));
      const response = await app.inject(link);
      expect(response.statusCode, link).toBe(200);
      expect(response.rawPayload.equals(content), link).toBe(true);
      expect(response.headers['cache-control'], link).toBe('public, max-age=31536000, immutable');
    }
  });

  it('serves the plain names revalidated, and answers 404 for an old hash or a file that is not there', async () => {
    app = await buildTestApp();
    const plain = await app.inject('/static/css/app.css');
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.headers.etag).toBeDefined();
    const notModified = await app.inject({ url: '/static/css/app.css', headers: { 'if-none-match': String(plain.headers.etag) } });
    expect(notModified.statusCode).toBe(304);
    for (const url of ['/static/css/app.0123456789.css', '/static/css/nothing.css', '/static/../package.json', '/static/%2e%2e/package.json']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['cache-control'] ?? '', url).not.toContain('immutable');
    }
  });
});

describe('shutdown', () => {
  it('lets an in-flight request finish, then closes the database', async () => {
    const instance = await buildApp(testConfig());
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      instance.get('/slow', async () => {
        resolveStarted();
        await new Promise<void>((resolve) => (release = resolve));
        return { finished: true };
      });
    });
    await instance.listen({ port: 0, host: '127.0.0.1' });
    const address = instance.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await started;
    const closing = instance.close();
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    await expect(instance.db.selectFrom('districts').selectAll().execute()).rejects.toThrow();
  });
});

describe('compression', () => {
  it('sends a role map compressed when the browser accepts it', async () => {
    app = await buildTestApp();
    const plain = await app.inject('/maps/txnsi/roles/improvement-team');
    const zipped = await app.inject({ url: '/maps/txnsi/roles/improvement-team', headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
  });
});
