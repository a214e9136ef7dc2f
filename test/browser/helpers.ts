/**
 * Shared pieces of the real-browser tests: start ICMap on a free port, launch the system Chromium,
 * open pages that record every console error, uncaught exception, CSP violation and failed request,
 * run axe-core against a page, and save screenshots for humans to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImpactValue, Result, RunOptions } from 'axe-core';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { todayUtc } from '../../server/services/progress-checks.js';
import { DEMO_PASSWORD, generateNetwork, type GenerateResult, type PersonaKey } from '../../tools/demo/generate.js';
import { PASSWORD } from '../support/network-fixture.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Git-ignored: PDFs and screenshots a human can open after a run. */
export const resultsDir = path.join(repoRoot, 'test-results');
export const screenshotsDir = path.join(resultsDir, 'screenshots');

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One headless Chromium; a test file launches it once and closes it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface RunningApp {
  app: FastifyInstance;
  /** e.g. "http://127.0.0.1:43125", no trailing slash. */
  baseUrl: string;
}

/** The real app, with the real maps and a throw-away in-memory database, listening on a free port. */
export async function startApp(): Promise<RunningApp> {
  const app = await buildApp({
    // Load shedding off: a busy test machine must not turn a page into a 503.
    ...loadConfig({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0' }, { isTerminal: false }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error(`Expected a TCP address, got ${String(address)}`);
  }
  return { app, baseUrl: `http://127.0.0.1:${address.port}` };
}

export interface OpenPageOptions {
  viewport?: { width: number; height: number };
  /** Emulate a phone: the meta viewport is honoured and touch events exist. */
  isMobile?: boolean;
  /**
   * Page paths (e.g. "/maps/txnsi/roles/nobody") whose document is expected to come back with an
   * error status: a test that visits a 404 page on purpose asserts the status itself.
   */
  expectedErrorDocuments?: string[];
  /** false: a browser with JavaScript off, to prove a page works without it. */
  javaScriptEnabled?: boolean;
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Everything that went wrong in the browser so far, one readable line each. */
  problems: string[];
}

const cspReporterBinding = '__icmapReportCspViolation';

/**
 * A fresh browser context (no cookies or cache shared with other tests) and one page in it, watched
 * for problems. Close `context` when done.
 */
export async function openPage(browser: Browser, options: OpenPageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    isMobile: options.isMobile ?? false,
    hasTouch: options.isMobile ?? false,
    locale: 'en-GB',
    reducedMotion: 'reduce',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  // Fail fast inside a test rather than at the test's own timeout.
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const problems: string[] = [];

  // Chromium also logs CSP violations to the console, but the DOM event says precisely what was
  // blocked. Init scripts and bindings run outside the page's CSP, so they add no violation of their own.
  await context.exposeBinding(cspReporterBinding, (_source, report: unknown) => {
    problems.push(`CSP violation: ${String(report)}`);
  });
  await context.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      window.${cspReporterBinding}(
        event.effectiveDirective + ' blocked ' + (event.blockedURI || '(inline)') +
        ' in ' + event.documentURI + (event.lineNumber ? ':' + event.lineNumber : '') +
        (event.sample ? ' (' + event.sample + ')' : ''),
      );
    });
  `);

  const page = await context.newPage();
  const expectedErrorDocuments = new Set(options.expectedErrorDocuments ?? []);

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium's "Failed to load resource" line duplicates the response check below, which knows
    // which request it was and whether the error was expected.
    if (message.text().startsWith('Failed to load resource:')) return;
    const { url, lineNumber } = message.location();
    problems.push(`console error: ${message.text()}${url ? ` (at ${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => {
    problems.push(`uncaught exception: ${error.name}: ${error.message}`);
  });
  page.on('requestfailed', (request) => {
    // A subresource still loading when the page navigates away (the favicon, say) is aborted: not a fault.
    if (request.failure()?.errorText === 'net::ERR_ABORTED' && request.resourceType() !== 'document') return;
    problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown error'})`);
  });
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const request = response.request();
    const isExpected =
      request.isNavigationRequest() && expectedErrorDocuments.has(new URL(response.url()).pathname);
    if (!isExpected) {
      problems.push(`HTTP ${response.status()} for ${request.method()} ${response.url()} (${request.resourceType()})`);
    }
  });

  return { context, page, problems };
}

/** Fails with every recorded problem listed, one a line. */
export function expectNoPageProblems(problems: readonly string[]): void {
  expect(
    problems.length,
    `The browser reported problems:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
  ).toBe(0);
}

/** Navigates and fails unless the document comes back with `status` (200 by default). */
export async function visit(page: Page, url: string, status = 200): Promise<void> {
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status(), `HTTP status of ${url}`).toBe(status);
}

let axeSource: string | undefined;
function readAxeSource(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const failingImpacts: readonly ImpactValue[] = ['serious', 'critical'];

/** What comes back from the page: only the plain data a failure message needs. */
interface Violation {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; summary: string }[];
}

function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .map((node) => `      ${node.target}\n        ${node.html}\n        ${node.summary.replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${violation.impact ?? 'unknown'}] ${violation.id}: ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) on the page as it is now and fails on any
 * serious or critical violation, naming the rule, its help text and the offending elements.
 * Moderate and minor findings are printed as warnings.
 *
 * axe is injected with `page.evaluate`, which the page's CSP does not govern, so the page keeps
 * its strict CSP for the whole journey.
 */
export async function expectNoSeriousA11yViolations(page: Page, label = page.url()): Promise<void> {
  const hasAxe = await page.evaluate('typeof window.axe === "object"');
  if (hasAxe !== true) await page.evaluate(readAxeSource());
  const runOptions: RunOptions = { runOnly: { type: 'tag', values: axeTags }, resultTypes: ['violations'] };
  const violations = await page.evaluate(async (options): Promise<Violation[]> => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: RunOptions) => Promise<{ violations: Result[] }> } }).axe;
    const results = await axe.run(document, options);
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({
        // A selector per frame; a selector inside a shadow root is a list of its hosts' selectors.
        target: node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : part)).join(' | '),
        html: node.html,
        summary: node.failureSummary ?? '',
      })),
    }));
  }, runOptions);

  const failing = violations.filter((violation) => failingImpacts.includes(violation.impact ?? null));
  const others = violations.filter((violation) => !failingImpacts.includes(violation.impact ?? null));
  if (others.length > 0) {
    console.warn(`axe: moderate or minor findings on ${label}:\n${formatViolations(others)}`);
  }
  expect(
    failing.length,
    `axe found ${failing.length} serious or critical accessibility violation(s) on ${label}:\n${formatViolations(failing)}\n`,
  ).toBe(0);
}

/** A full-page PNG in test-results/screenshots/<name>.png, for a human to look at; never asserted. */
export async function saveScreenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage });
}

/** Number of pages and each page's MediaBox, read from the PDF's (uncompressed) object dictionaries. */
export function inspectPdf(bytes: Buffer): { header: string; pageCount: number; mediaBoxes: number[][] } {
  const text = bytes.toString('latin1');
  const pageCount = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  const mediaBoxes = [...text.matchAll(/\/MediaBox\s*\[([^\]]*)\]/g)].map((match) =>
    (match[1] ?? '').trim().split(/\s+/).map(Number),
  );
  return { header: text.slice(0, 5), pageCount, mediaBoxes };
}

export interface BrowserSession {
  /** A fresh, watched page in its own context (closed after the test). */
  open: (options?: OpenPageOptions) => Promise<WatchedPage>;
  /** An absolute URL on the running app. */
  url: (pathname: string) => string;
  /** The running app, for seeding data through its services. */
  app: () => FastifyInstance;
  /**
   * Signs in through the sign-in page as a person would, and waits for the home page. The password is
   * the test network's (test/support/network-fixture.ts) unless given, e.g. DEMO_PASSWORD.
   */
  signInAs: (page: Page, email: string, password?: string) => Promise<void>;
}

/**
 * One Chromium and one app (in-memory database) for a test file: started before its tests, closed
 * after them; each test's pages are closed when it ends.
 */
export function useBrowserSession(): BrowserSession {
  let browser: Browser | undefined;
  let running: RunningApp | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [browser, running] = await Promise.all([launchBrowser(), startApp()]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    // Either may be missing when beforeAll failed half-way.
    await Promise.all([browser?.close(), running?.app.close()]);
  });
  return {
    open: async (options = {}) => {
      if (browser === undefined) throw new Error('The browser did not start');
      const watched = await openPage(browser, options);
      contexts.push(watched.context);
      return watched;
    },
    url: (pathname) => {
      if (running === undefined) throw new Error('The app did not start');
      return `${running.baseUrl}${pathname}`;
    },
    app: () => {
      if (running === undefined) throw new Error('The app did not start');
      return running.app;
    },
    signInAs: async (page, email, password = PASSWORD) => {
      if (running === undefined) throw new Error('The app did not start');
      await visit(page, `${running.baseUrl}/sign-in`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${running.baseUrl}/`);
    },
  };
}

export interface DemoNetwork {
  /** What the generator made (counts and personas). */
  result: () => GenerateResult;
  /** The email of a demo persona. */
  persona: (key: PersonaKey) => string;
  /** Signs in as a demo persona (DEMO_PASSWORD). */
  signInAs: (page: Page, key: PersonaKey) => Promise<void>;
}

/**
 * The demo network (tools/demo/generate.ts, seed 1, its newest check open today) generated into the
 * session's app before the file's tests; a later beforeAll of the file sees it.
 */
export function useDemoNetwork(session: BrowserSession, size: { sites: number; checks: number }): DemoNetwork {
  let demo: GenerateResult | undefined;
  beforeAll(async () => {
    demo = await generateNetwork(session.app().db, { ...size, seed: 1, today: todayUtc(), catalog: session.app().maps });
  }, 120_000);
  const result = (): GenerateResult => {
    if (demo === undefined) throw new Error('The demo network was not generated');
    return demo;
  };
  const persona = (key: PersonaKey): string => {
    const found = result().personas.find((candidate) => candidate.key === key);
    if (found === undefined) throw new Error(`the demo has no ${key}`);
    return found.email;
  };
  return { result, persona, signInAs: (page, key) => session.signInAs(page, persona(key), DEMO_PASSWORD) };
}
