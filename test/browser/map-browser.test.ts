/**
 * The map browser in a real Chromium, as a person uses it: from the home page to a role's map, an
 * outcome, what changes between levels, an outcome across roles, a 404, the keyboard, a phone and
 * print. Every page is checked with axe and for console errors, CSP violations and failed requests.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import {
  expectNoPageProblems,
  expectNoSeriousA11yViolations,
  inspectPdf,
  resultsDir,
  saveScreenshot,
  useBrowserSession,
  visit,
} from './helpers.js';

const MAP_TITLE = 'Innovation Configuration Maps for Improvement Networks';
const ROLES = [
  { key: 'improvement-team', name: 'Improvement team' },
  { key: 'improvement-facilitator', name: 'Improvement facilitator' },
  { key: 'school-leader', name: 'School leader' },
  { key: 'district-leader', name: 'District leader' },
  { key: 'hub-team', name: 'Hub team' },
];
const PRINCIPLES = [
  '1. Analyze problem focus area',
  '2. Establish theory of improvement',
  '3. Plan and test changes',
  '4. Learn to inform actions',
  '5. Measure progress and scale',
];
const OUTCOMES = [
  '1.1 Investigate and define problem',
  '1.2 Access, analyze, and interpret data',
  '1.3 Conduct root cause analysis',
  '2.1 Establish an aim statement',
  '2.2 Identify drivers',
  '2.3 Generate and prioritize change ideas',
  '3.1 Develop an action plan',
  '3.2 Conduct tests and capture data',
  '3.3 Study and act on results',
  '4.1 Design learning agenda',
  '4.2 Engage in professional learning',
  '4.3 Integrate new learning into change ideas',
  '5.1 Measure change of drivers',
  '5.2 Assess confidence in change to make decisions',
  '5.3 Ensure continuous cycle of improvement',
];
const LEVELS = ['Level 1 (Ideal)', 'Level 2', 'Level 3', 'Level 4', 'Level 5 (Entry)'];
const NO_DESCRIPTION = 'The source gives no description for this level.';

const PHONE = { width: 390, height: 844 };
const MAP_PATH = '/maps/txnsi';
const IMPROVEMENT_TEAM_PATH = `${MAP_PATH}/roles/improvement-team`;

const { open, url } = useBrowserSession();

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** The visible texts of the links in `scope`, in document order. */
async function linkTexts(scope: Locator): Promise<string[]> {
  return (await scope.getByRole('link').allInnerTexts()).map((text) => text.trim());
}

function rubricRowGroups(page: Page): Locator {
  return page.getByRole('table').locator('tbody');
}

describe('map browser in Chromium', { timeout: 30_000 }, () => {
  test('home page: the heading, the map card and a link to each role', async () => {
    const { page, problems } = await open();
    await visit(page, url('/'));

    await expect(page.title()).resolves.toBe('ICMap');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      'Where is your practice today, and what would the next level look like?',
    );
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).getAttribute('aria-current'))
      .resolves.toBe('page');

    const maps = page.getByRole('region', { name: 'IC maps' });
    const card = maps.getByRole('article');
    await expect(card.count()).resolves.toBe(1);
    await expect(card.getByRole('heading', { level: 3 }).innerText()).resolves.toBe(MAP_TITLE);
    await expect(card.getByRole('link', { name: MAP_TITLE }).getAttribute('href')).resolves.toBe(MAP_PATH);
    await expect(card.innerText()).resolves.toContain('5 roles × 15 desired outcomes × 5 levels.');

    const roleList = card.getByRole('list');
    await expect(linkTexts(roleList)).resolves.toEqual(ROLES.map((role) => role.name));
    for (const role of ROLES) {
      await expect(roleList.getByRole('link', { name: role.name, exact: true }).getAttribute('href'))
        .resolves.toBe(`${MAP_PATH}/roles/${role.key}`);
    }

    await expectNoSeriousA11yViolations(page, 'the home page');
    await saveScreenshot(page, 'home');
    expectNoPageProblems(problems);
  });

  test('map page, reached from the home page: the five roles and the fifteen outcomes', async () => {
    const { page, problems } = await open();
    await visit(page, url('/'));
    await page.getByRole('region', { name: 'IC maps' }).getByRole('link', { name: MAP_TITLE }).click();
    await page.waitForURL(url(MAP_PATH));

    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(MAP_TITLE);
    await expect(page.title()).resolves.toBe(`${MAP_TITLE} · ICMap`);

    const roles = page.getByRole('region', { name: 'Roles' });
    await expect(roles.getByRole('heading', { level: 3 }).allInnerTexts()).resolves.toEqual(ROLES.map((role) => role.name));

    const outcomes = page.getByRole('region', { name: 'Major principles and desired outcomes' });
    await expect(outcomes.getByRole('heading', { level: 3 }).allInnerTexts()).resolves.toEqual(PRINCIPLES);
    await expect(linkTexts(outcomes)).resolves.toEqual(OUTCOMES);
    await expect(outcomes.getByRole('link', { name: '2.1 Establish an aim statement' }).getAttribute('href'))
      .resolves.toBe(`${MAP_PATH}/outcomes/2.1`);

    await expectNoSeriousA11yViolations(page, 'the map page');
    await saveScreenshot(page, 'map');
    expectNoPageProblems(problems);
  });

  test('Improvement team map: five principles, fifteen outcome rubrics, five level columns, a print button', async () => {
    const { page, problems } = await open();
    await visit(page, url(MAP_PATH));
    await page.getByRole('region', { name: 'Roles' }).getByRole('link', { name: 'Improvement team' }).click();
    await page.waitForURL(url(IMPROVEMENT_TEAM_PATH));

    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Improvement team\s+IC map$/);

    for (const principle of PRINCIPLES) {
      const section = page.getByRole('region', { name: principle, exact: true });
      await expect(section.isVisible(), `section "${principle}" is shown`).resolves.toBe(true);
      await expect(section.getByRole('table').count(), `one rubric in "${principle}"`).resolves.toBe(1);
    }

    const rowGroups = rubricRowGroups(page);
    await expect(rowGroups.count()).resolves.toBe(15);
    await expect(linkTexts(rowGroups)).resolves.toEqual(OUTCOMES);

    const tables = page.getByRole('table');
    await expect(tables.count()).resolves.toBe(5);
    for (const table of await tables.all()) {
      const headers = table.locator('thead').getByRole('columnheader');
      await expect(headers.allInnerTexts()).resolves.toEqual(LEVELS);
      for (const header of await headers.all()) {
        await expect(header.isVisible()).resolves.toBe(true);
      }
    }

    // A JavaScript enhancement: hidden in the HTML, shown once app.js has run.
    await expect(page.getByRole('button', { name: 'Print this map' }).isVisible()).resolves.toBe(true);

    await expectNoSeriousA11yViolations(page, 'the Improvement team map');
    await saveScreenshot(page, 'improvement-team-map');
    expectNoPageProblems(problems);
  });

  test('Improvement team map on a 390×844 phone: no sideways scrolling, every cell names its level', async () => {
    const { page, problems } = await open({ viewport: PHONE, isMobile: true });
    await visit(page, url(IMPROVEMENT_TEAM_PATH));

    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px viewport`).toBeLessThanOrEqual(clientWidth);

    const firstOutcome = rubricRowGroups(page).first();
    await expect(firstOutcome.getByRole('link').innerText()).resolves.toBe(OUTCOMES[0]);
    const cells = firstOutcome.getByRole('cell');
    await expect(cells.count()).resolves.toBe(LEVELS.length);
    for (const [index, level] of LEVELS.entries()) {
      const label = cells.nth(index).getByText(level, { exact: true });
      await expect(label.isVisible(), `"${level}" is shown in cell ${index + 1} of ${OUTCOMES[0]}`).resolves.toBe(true);
    }
    await expect(page.getByRole('button', { name: 'Print this map' }).isVisible()).resolves.toBe(true);

    await expectNoSeriousA11yViolations(page, 'the Improvement team map on a phone');
    await saveScreenshot(page, 'improvement-team-map-phone');
    expectNoPageProblems(problems);
  });

  test('keyboard: the first Tab shows "Skip to content", and Enter moves focus to the main content', async () => {
    const { page, problems } = await open();
    await visit(page, url(IMPROVEMENT_TEAM_PATH));
    const skipLink = page.getByRole('link', { name: 'Skip to content' });
    const viewport = page.viewportSize() ?? { width: 1280, height: 900 };

    const onScreen = async (): Promise<boolean> => {
      const box = await skipLink.boundingBox();
      return box !== null && box.width > 0 && box.x >= 0 && box.y >= 0 &&
        box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
    };
    await expect(onScreen(), 'the skip link is off-screen until focused').resolves.toBe(false);

    await page.keyboard.press('Tab');
    await expect(isFocused(skipLink), 'the first Tab focuses "Skip to content"').resolves.toBe(true);
    await expect(onScreen(), 'the focused skip link is on screen').resolves.toBe(true);
    const outline = await skipLink.evaluate((element) => getComputedStyle(element).outlineStyle);
    expect(outline, 'the focused skip link has a focus outline').not.toBe('none');
    await saveScreenshot(page, 'skip-link-focused', false);

    await page.keyboard.press('Enter');
    await page.waitForURL(url(`${IMPROVEMENT_TEAM_PATH}#main`));
    await expect(isFocused(page.getByRole('main')), 'Enter on the skip link focuses <main>').resolves.toBe(true);

    // The next Tab continues from the main content, not from the site header.
    await page.keyboard.press('Tab');
    const breadcrumbStart = page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'IC maps' });
    await expect(isFocused(breadcrumbStart), 'the Tab after the skip focuses the first link in main').resolves.toBe(true);
    expectNoPageProblems(problems);
  });

  test('role outcome 1.2: what changes between levels, with added and dropped words marked', async () => {
    const { page, problems } = await open();
    await visit(page, url(IMPROVEMENT_TEAM_PATH));
    // The rubric's row heading, not the table of contents entry that jumps within the page.
    await page.getByRole('table').getByRole('link', { name: '1.2 Access, analyze, and interpret data' }).click();
    await page.waitForURL(url(`${IMPROVEMENT_TEAM_PATH}/outcomes/1.2`));

    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(
      /^1\.2 Access, analyze, and interpret data\s+Improvement team$/,
    );
    const rubricHeaders = page.getByRole('table').locator('thead').getByRole('columnheader');
    await expect(rubricHeaders.allInnerTexts()).resolves.toEqual(LEVELS);

    const changes = page.getByRole('region', { name: 'What changes between levels' });
    await expect(changes.isVisible()).resolves.toBe(true);
    const comparisons = changes.getByRole('region');
    await expect(comparisons.count()).resolves.toBe(4);
    await expect(comparisons.getByRole('heading', { level: 3 }).allInnerTexts()).resolves.toEqual([
      'From Level 2 to Level 1 (Ideal)',
      'From Level 3 to Level 2',
      'From Level 4 to Level 3',
      'From Level 5 (Entry) to Level 4',
    ]);

    // Level 3 reads "data from two sources", Level 2 "data from three sources".
    const threeToTwo = changes.getByRole('region', { name: 'From Level 3 to Level 2', exact: true });
    const side = (level: string): Locator =>
      threeToTwo.getByRole('heading', { level: 4, name: level, exact: true }).locator('xpath=..');
    const level2Added = await side('Level 2').locator('ins').allInnerTexts();
    const level3Dropped = await side('Level 3').locator('del').allInnerTexts();
    expect(level2Added.some((text) => text.includes('three')), `Level 2 <ins>: ${JSON.stringify(level2Added)}`).toBe(true);
    expect(level3Dropped.some((text) => text.includes('two')), `Level 3 <del>: ${JSON.stringify(level3Dropped)}`).toBe(true);
    // Each side marks only its own kind of change.
    await expect(side('Level 2').locator('del').count()).resolves.toBe(0);
    await expect(side('Level 3').locator('ins').count()).resolves.toBe(0);

    await expectNoSeriousA11yViolations(page, 'the Improvement team 1.2 page');
    await saveScreenshot(page, 'improvement-team-1.2');
    expectNoPageProblems(problems);
  });

  test('outcome 2.1 across roles: one rubric row group per role', async () => {
    const { page, problems } = await open();
    await visit(page, url(`${MAP_PATH}/outcomes/2.1`));

    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Outcome 2.1 across roles');
    const rowGroups = rubricRowGroups(page);
    await expect(rowGroups.count()).resolves.toBe(5);
    const headings = await linkTexts(rowGroups);
    expect(headings.map((heading) => heading.split(':')[0])).toEqual(ROLES.map((role) => role.name));
    for (const heading of headings) expect(heading).toMatch(/: 2\.1 Establish (an )?aim statement$/);
    for (const role of ROLES) {
      await expect(rowGroups.getByRole('link', { name: new RegExp(`^${role.name}:`) }).getAttribute('href'))
        .resolves.toBe(`${MAP_PATH}/roles/${role.key}/outcomes/2.1`);
    }
    await expect(page.getByRole('table').locator('thead').getByRole('columnheader').allInnerTexts()).resolves.toEqual(LEVELS);

    await expectNoSeriousA11yViolations(page, 'outcome 2.1 across roles');
    await saveScreenshot(page, 'outcome-2.1');
    expectNoPageProblems(problems);
  });

  test('Hub team 5.2: Level 5 says the source gives no description', async () => {
    const { page, problems } = await open();
    await visit(page, url(`${MAP_PATH}/roles/hub-team/outcomes/5.2`));

    const table = page.getByRole('table');
    await expect(table.locator('thead').getByRole('columnheader').allInnerTexts()).resolves.toEqual(LEVELS);
    const cells = table.locator('tbody').getByRole('cell');
    await expect(cells.count()).resolves.toBe(5);
    const level5Cell = cells.nth(LEVELS.indexOf('Level 5 (Entry)'));
    await expect(level5Cell.getByText(NO_DESCRIPTION).isVisible()).resolves.toBe(true);
    await expect(table.getByText(NO_DESCRIPTION).count(), 'only Level 5 lacks a description').resolves.toBe(1);

    const fiveToFour = page.getByRole('region', { name: 'From Level 5 (Entry) to Level 4', exact: true });
    await expect(fiveToFour.getByText(NO_DESCRIPTION).isVisible()).resolves.toBe(true);

    await expectNoSeriousA11yViolations(page, 'the Hub team 5.2 page');
    await saveScreenshot(page, 'hub-team-5.2');
    expectNoPageProblems(problems);
  });

  test('an unknown role: "Not found", naming it, with a way back to the map', async () => {
    const missing = `${MAP_PATH}/roles/nobody`;
    const { page, problems } = await open({ expectedErrorDocuments: [missing] });
    await visit(page, url(missing), 404);

    await expect(page.title()).resolves.toBe('Not found · ICMap');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Not found');
    await expect(page.getByRole('main').innerText()).resolves.toContain('"nobody"');
    const back = page.getByRole('main').getByRole('link', { name: `See the roles of ${MAP_TITLE}` });
    await expect(back.getAttribute('href')).resolves.toBe(MAP_PATH);

    await expectNoSeriousA11yViolations(page, 'the 404 page');
    await saveScreenshot(page, 'not-found');

    await back.click();
    await page.waitForURL(url(MAP_PATH));
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(MAP_TITLE);
    expectNoPageProblems(problems);
  });

  test('printing the Improvement team map: no site chrome, landscape pages, a page per principle', async () => {
    const { page, problems } = await open();
    await visit(page, url(IMPROVEMENT_TEAM_PATH));
    await page.emulateMedia({ media: 'print' });

    await expect(page.getByRole('banner').isHidden(), 'the site header is not printed').resolves.toBe(true);
    await expect(page.getByRole('navigation', { name: 'Main' }).isHidden()).resolves.toBe(true);
    await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).isHidden()).resolves.toBe(true);
    await expect(page.getByRole('contentinfo').isHidden(), 'the site footer is not printed').resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Print this map' }).isHidden()).resolves.toBe(true);
    await expect(page.getByText(`${MAP_TITLE} · `).isVisible(), 'the map edition is printed').resolves.toBe(true);
    for (const header of await page.getByRole('table').first().locator('thead').getByRole('columnheader').all()) {
      await expect(header.isVisible(), 'level column headers are printed').resolves.toBe(true);
    }

    const scratch = mkdtempSync(path.join(tmpdir(), 'icmap-print-'));
    try {
      const pdfPath = path.join(scratch, 'improvement-team-map.pdf');
      const pdf = await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true });
      const onDisk = readFileSync(pdfPath);
      expect(onDisk.equals(pdf), 'the PDF on disk is the one Chromium returned').toBe(true);
      mkdirSync(resultsDir, { recursive: true });
      copyFileSync(pdfPath, path.join(resultsDir, 'improvement-team-map.pdf'));

      const { header, pageCount, mediaBoxes } = inspectPdf(onDisk);
      expect(header).toBe('%PDF-');
      expect(pageCount, 'at least one page per principle, and more').toBeGreaterThan(5);
      expect(mediaBoxes.length).toBe(pageCount);
      for (const box of mediaBoxes) {
        const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = box;
        expect(x1 - x0, `page ${JSON.stringify(box)} is landscape`).toBeGreaterThan(y1 - y0);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    expectNoPageProblems(problems);
  });

  test('the problem watcher itself: an inline script under the app\'s CSP is reported', async () => {
    // Guards the guard: "no CSP violations" above means something only if a violation is caught.
    const { page, problems } = await open();
    const realResponse = await fetch(url('/'));
    const csp = realResponse.headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    await page.route(url('/csp-canary'), (route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp ?? '' },
        body: '<!doctype html><html lang="en"><title>canary</title><script>document.title = "ran";</script><p>canary</p></html>',
      }),
    );
    await visit(page, url('/csp-canary'));
    await expect(page.title(), 'the inline script was blocked').resolves.toBe('canary');
    await expect.poll(() => problems.filter((problem) => problem.startsWith('CSP violation: script-src'))).toHaveLength(1);
  });
});
