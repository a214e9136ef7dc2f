/**
 * `npm start` runs the compiled server (`npm run build` → dist/), not TypeScript through a loader:
 * the build compiles (emit only, as `npm run build` does), and the compiled server finds its views, static files and maps, answers, and
 * shuts down cleanly on SIGTERM. Builds into a folder of its own so a developer's dist/ is untouched.
 */
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot as root, runNode, startNode } from '../support/run-node.js';

const outDir = path.join(root, `.test-build-${process.pid}`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-build-'));

afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitForHealth(base: string, seconds: number): Promise<Response> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await fetch(`${base}/healthz`);
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('the production build', () => {
  it('compiles, serves the map browser from compiled code and stops on SIGTERM', async () => {
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const build = await runNode(tsc, ['-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir, '--tsBuildInfoFile', path.join(outDir, '.tsbuildinfo')]);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(fs.existsSync(path.join(outDir, 'server/server.js'))).toBe(true);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = startNode(path.join(outDir, 'server/server.js'), [], {
      // Load shedding off (as in testConfig): on a busy machine the just-started server's event loop lags
      // past the 1 s default and it would answer 503; test/ops/operations.test.ts tests load shedding.
      env: { PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: path.join(dataDir, 'icmap.sqlite'), NODE_ENV: 'production', LOG_LEVEL: 'warn', MAX_EVENT_LOOP_DELAY_MS: '0' },
    });
    try {
      // Every body is read to the end: an unread response keeps its connection busy and delays shutdown.
      const health = await waitForHealth(base, 90);
      expect(await health.json()).toEqual({ status: 'ok' });
      const map = await fetch(`${base}/maps/txnsi/roles/improvement-team`);
      expect(map.status).toBe(200);
      expect(await map.text()).toContain('Improvement team');
      const stylesheet = await fetch(`${base}/static/css/app.css`);
      expect(stylesheet.headers.get('cache-control')).toBe('no-cache');
      expect(stylesheet.status).toBe(200);
      expect((await stylesheet.text()).length).toBeGreaterThan(0);
      expect(server.output()).toContain('/setup/');
    } finally {
      server.kill('SIGTERM');
    }
    expect((await server.done).code, server.output()).toBe(0);
  });
});
