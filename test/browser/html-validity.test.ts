/**
 * Every kind of page passes the W3C Nu HTML validator (the `vnu-jar` package, run with Java) with
 * zero errors. On the demo network, each persona signs in in Chromium and walks the links of the
 * pages they can reach (one page of each kind: numbers in the path count as the same kind); the
 * facilitator also reveals their team's open consensus, opens meeting mode and submits an agreed
 * level with no level chosen (the 422 re-render). The served HTML of every page is written to a
 * temporary folder and the validator runs once over all of it.
 *
 * Needs Java 11+ on PATH as `java` (Debian: `default-jre-headless`), or JAVA_PATH set.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import type { PersonaKey } from '../../tools/demo/generate.js';
import { useBrowserSession, useDemoNetwork, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url } = session;
const demo = useDemoNetwork(session, { sites: 4, checks: 2 });
const pagesDir = mkdtempSync(path.join(tmpdir(), 'icmap-html-'));
/** File name → the page it holds, for the failure message. */
const saved = new Map<string, string>();
/** Chart marks that are tab stops without being links: "page: element", one each. */
const chartTabStops: string[] = [];


afterAll(() => {
  rmSync(pagesDir, { recursive: true, force: true });
});

function save(label: string, pathname: string, html: string): void {
  const file = `${String(saved.size + 1).padStart(3, '0')}-${label}.html`;
  writeFileSync(path.join(pagesDir, file), html);
  saved.set(file, `${pathname} (${label})`);
  // A chart's dots and cells are not tab stops (the table beside each chart has the same data);
  // only links in a chart are.
  for (const svg of html.matchAll(/<svg[\s\S]*?<\/svg>/g)) {
    for (const mark of svg[0].matchAll(/<(?!a[\s>])[a-z]+\s[^>]*\btabindex="0"[^>]*>/g)) chartTabStops.push(`${pathname}: ${mark[0]}`);
  }
}

/** The same kind of page: numbers, map roles and outcome codes in the path count as one. */
function pageKind(pathname: string): string {
  return pathname
    .replace(/\/\d+(?=\/|$)/g, '/:n')
    .replace(/^\/maps\/[^/]+/, '/maps/:map')
    .replace(/\/roles\/[^/]+/, '/roles/:role')
    .replace(/\/outcomes\/[^/]+/, '/outcomes/:code')
    .replace(/\/consensus\/(?!meeting$)[^/]+$/, '/consensus/:code');
}

/** Links not to follow: downloads, sign-out, one-time links and anything outside the app. */
function skip(pathname: string): boolean {
  return /\.(csv|pdf|png|svg|css|js|ico|json)$/.test(pathname) || /^\/(static|sign-out|access|setup|healthz|metrics)(\/|$)/.test(pathname);
}

/**
 * Fetches the pages reachable from `start` with the context's cookies (no rendering: the served
 * HTML is what the validator reads), saving one page of each kind not yet seen. Returns every
 * same-origin path it found, visited or not.
 */
async function crawl(context: BrowserContext, label: string, start: string[], seenKinds: Set<string>, limit = 60): Promise<string[]> {
  const queue = [...start];
  const found = new Set<string>(start);
  let fetched = 0;
  while (queue.length > 0 && fetched < limit) {
    const target = queue.shift() ?? '/';
    const kind = pageKind(target.split('?')[0] ?? target);
    if (seenKinds.has(kind)) continue;
    // Redirects are followed (a submitted survey goes to its review) and the page counts as the
    // kind it landed on.
    const response = await context.request.get(url(target));
    fetched += 1;
    expect(response.status(), `HTTP status of ${target} for ${label}`).toBe(200);
    const landed = pageKind(new URL(response.url()).pathname);
    if (landed !== kind && seenKinds.has(landed)) continue;
    seenKinds.add(landed);
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    const html = await response.text();
    save(`${label}-${landed.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}`, new URL(response.url()).pathname, html);
    for (const match of html.matchAll(/<a\s[^>]*href="([^"#]+)/g)) {
      const href = (match[1] ?? '').replace(/&amp;/g, '&');
      const resolved = new URL(href, url(target));
      if (resolved.origin !== new URL(url('/')).origin || skip(resolved.pathname)) continue;
      const next = resolved.pathname + resolved.search;
      if (found.has(next)) continue;
      found.add(next);
      queue.push(next);
    }
  }
  return [...found];
}

interface VnuMessage {
  type: string;
  subType?: string;
  url?: string;
  lastLine?: number;
  firstColumn?: number;
  message: string;
  extract?: string;
}

async function runValidator(files: string[]): Promise<VnuMessage[]> {
  const jarPath = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');
  const java = process.env.JAVA_PATH ?? 'java';
  // --exit-zero-always: the errors come back as JSON on stderr either way; the test reads them.
  const { stderr } = await promisify(execFile)(java, ['-Xss1m', '-jar', jarPath, '--format', 'json', '--errors-only', '--exit-zero-always', ...files], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stderr) as { messages: VnuMessage[] }).messages;
}

describe('markup', { timeout: 240_000 }, () => {
  test('every kind of page, for every persona, has zero Nu validator errors', async () => {
    const seenKinds = new Set<string>();

    // Signed out: the public map pages, sign-in, a 404.
    const visitor = await open({ expectedErrorDocuments: ['/no-such-page'] });
    await crawl(visitor.context, 'public', ['/', '/maps', '/sign-in'], seenKinds, 12);
    const missing = await visitor.context.request.get(url('/no-such-page'));
    expect(missing.status()).toBe(404);
    save('not-found', '/no-such-page', await missing.text());

    // Signed in: each persona's own home (kinds seen by an earlier persona are not fetched again,
    // except home, which differs per persona).
    const personas: PersonaKey[] = ['network-admin', 'district-leader', 'school-leader', 'facilitator', 'team-member'];
    let facilitatorPaths: string[] = [];
    for (const key of personas) {
      const { context, page } = await open();
      await demo.signInAs(page, key);
      seenKinds.delete('/');
      const paths = await crawl(context, key, ['/', '/me/history', '/requests'], seenKinds);
      if (key === 'facilitator') facilitatorPaths = paths;
    }

    // The facilitator reveals their team's open consensus: the agreed-level forms and meeting mode.
    const { context, page } = await open({ expectedErrorDocuments: [] });
    await demo.signInAs(page, 'facilitator');
    let consensusPath: string | undefined;
    for (const candidate of facilitatorPaths.filter((p) => /^\/checks\/\d+\/groups\/\d+\/consensus$/.test(p))) {
      await visit(page, url(candidate));
      if ((await page.getByRole('button', { name: /^Reveal/ }).count()) > 0) {
        consensusPath = candidate;
        break;
      }
    }
    expect(consensusPath, `a consensus page the facilitator can reveal, among ${facilitatorPaths.join(', ')}`).toBeDefined();
    // With members missing, revealing asks to confirm.
    const confirm = page.getByLabel(/^Reveal with /);
    if ((await confirm.count()) > 0) await confirm.check();
    await page.getByRole('button', { name: /^Reveal/ }).first().click();
    await page.waitForLoadState('load');
    const revealed = await context.request.get(url(consensusPath ?? ''));
    const revealedHtml = await revealed.text();
    expect(revealedHtml).toContain('Agreed level for');
    save('consensus-revealed', consensusPath ?? '', revealedHtml);
    const meeting = await context.request.get(url(`${consensusPath ?? ''}/meeting`));
    expect(meeting.status()).toBe(200);
    save('consensus-meeting', `${consensusPath ?? ''}/meeting`, await meeting.text());

    // Saving an agreed level with none chosen re-renders the page with the error (422).
    const form = page.locator('form.consensus-form').first();
    const action = await form.getAttribute('action');
    // Everything the form would send (token, version, texts) except a level.
    const fields = await form.evaluate((element) =>
      Object.fromEntries(
        Array.from(element.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[type="hidden"], textarea')).map((field) => [field.name, field.value]),
      ),
    );
    const rejected = await context.request.post(url(action ?? ''), { form: fields, maxRedirects: 0 });
    expect(rejected.status()).toBe(422);
    save('consensus-422', `POST ${action ?? ''}`, await rejected.text());

    const files = [...saved.keys()];
    const kinds = [...seenKinds].sort();
    // Every page kind the brief names was reached: a crawl that silently lost one would pass.
    for (const expected of ['/maps', '/maps/:map/roles/:role', '/maps/:map/outcomes/:code', '/maps/:map/roles/:role/outcomes/:code',
      '/sign-in', '/checks/:n', '/checks/:n/groups/:n/self', '/checks/:n/groups/:n/consensus', '/checks/:n/groups/:n/report',
      '/reports/sites', '/reports/growth', '/people', '/people/:n', '/groups/:n', '/network', '/admin/import', '/admin/audit',
      '/groups/:n/plan', '/requests', '/requests/:n', '/me/history']) {
      expect(kinds, `page kinds reached:\n${kinds.join('\n')}`).toContain(expected);
    }

    expect(chartTabStops, 'chart marks that are tab stops').toEqual([]);

    const errors = await runValidator(files.map((file) => path.join(pagesDir, file)));
    const report = errors
      .map((error) => {
        const file = path.basename(error.url ?? '');
        return `  ${saved.get(file) ?? file}:${error.lastLine ?? '?'}:${error.firstColumn ?? '?'} ${error.message}${error.extract ? `\n      ${error.extract.replace(/\n/g, ' ')}` : ''}`;
      })
      .join('\n');
    expect(errors.length, `The Nu validator found ${errors.length} error(s) in ${files.length} pages:\n${report}\n`).toBe(0);
  });
});
