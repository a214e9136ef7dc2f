/**
 * The reports in a real Chromium, on the demo network, each opened by the persona it is for: a team's
 * report by its facilitator, the site comparison and growth by the district leader and the network
 * admin. Every page is checked with axe; the site comparison is also printed to PDF.
 */
import { describe, expect, test } from 'vitest';
import { expectNoPageProblems, expectNoSeriousA11yViolations, inspectPdf, saveScreenshot, useBrowserSession, useDemoNetwork, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url } = session;
const demo = useDemoNetwork(session, { sites: 8, checks: 3 });


describe('reports in Chromium, on the demo network', { timeout: 60_000 }, () => {
  test('a facilitator reads their team\'s report: heatmap first, then bright spots, challenges, assistance and next steps', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'facilitator');
    // The newest check is still being agreed: read the report of the one before it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Progress checks' }).click();
    await page.getByRole('table').getByRole('link').nth(1).click();
    await page.getByRole('row').filter({ hasText: 'Your self-assessment' }).getByRole('link', { name: /^Consensus/ }).click();
    await page.getByRole('link', { name: 'Report: bright spots, challenges, next steps' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Report: /);
    await expect(page.locator('svg.chart').count()).resolves.toBe(1);
    for (const name of ['Bright spots', 'Areas of challenge', 'Needs for assistance', 'Next steps']) {
      await expect(page.getByRole('heading', { level: 3, name: new RegExp(`^${name}`) }).isVisible()).resolves.toBe(true);
    }
    await expectNoSeriousA11yViolations(page, 'a team report');
    await saveScreenshot(page, 'report-team');
    expectNoPageProblems(problems);
  });

  test('a district leader compares their district\'s sites and opens one site\'s report from the chart', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'district-leader');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Site comparison');
    // The newest check is still open; pick the one before it, which has consensus for every site.
    const checks = page.getByLabel('Progress check');
    const options = await checks.locator('option').allInnerTexts();
    await checks.selectOption({ label: options[1] ?? options[0] ?? '' });
    await page.getByRole('button', { name: 'Show' }).click();
    const text = await page.locator('main').innerText();
    // Every site taking part is listed, agreed or not (issue 15).
    expect(text, text).toContain('All 4 sites taking part in');
    await expect(page.locator('svg.chart').count()).resolves.toBe(1);
    await expectNoSeriousA11yViolations(page, 'the site comparison');
    await saveScreenshot(page, 'report-sites');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(inspectPdf(pdf).pageCount).toBeGreaterThanOrEqual(1);
    await page.locator('svg.chart a').first().click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Report: /);
    expectNoPageProblems(problems);
  });

  test('the network admin reads growth over time, with districts side by side', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'network-admin');
    await visit(page, url('/reports/growth'));
    await expect(page.locator('svg.chart').count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: 'Districts side by side' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'growth over time');
    await saveScreenshot(page, 'report-growth');
    const csv = await page.request.get(url('/reports/growth?format=csv'));
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\n')[0]).toContain('groups_at_level_1');
    expectNoPageProblems(problems);
  });

  test('on a 390px phone the districts side by side keep their column headings and scroll sideways, not the page', async () => {
    const { page, problems } = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
    await demo.signInAs(page, 'network-admin');
    await visit(page, url('/reports/growth'));
    const table = page.getByRole('table', { name: /^Median agreed level by district/ });
    // Each cell is a district's median: without its column heading a stacked cell would be a bare number.
    const heading = table.getByRole('columnheader').nth(1);
    await expect(heading.isVisible()).resolves.toBe(true);
    const headingBox = await heading.boundingBox();
    const cellBox = await table.getByRole('row').nth(1).getByRole('cell').first().boundingBox();
    expect(headingBox !== null && cellBox !== null && Math.abs(headingBox.x - cellBox.x) < 2, 'a cell sits under its district').toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'the page itself does not scroll sideways').toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'report-growth-phone');
    expectNoPageProblems(problems);
  });
});
