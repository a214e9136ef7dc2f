/**
 * Running a check across a network, in a real Chromium on the demo network: the check's progress page
 * with its filters, changing its dates, closing it after the confirmation page; the school leader's and
 * the facilitator's home pages; growth with and without the open check; the site comparison's "not yet
 * agreed" cells; accent-blind people search; invitation slips and their Copy link button; the audit log
 * and its filters. axe on every page; the check page and the slips on desktop and a 390px phone.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { addMembership, addPerson } from '../../server/services/organisation.js';
import { expectNoPageProblems, expectNoSeriousA11yViolations, saveScreenshot, useBrowserSession, useDemoNetwork, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url } = session;
const demo = useDemoNetwork(session, { sites: 8, checks: 3 });
const { persona } = demo;
let openCheckId = 0;
let teamId = 0;

beforeAll(async () => {
  const db = session.app().db;
  const newest = await db.selectFrom('progress_checks').select('id').orderBy('opens_on', 'desc').executeTakeFirstOrThrow();
  openCheckId = newest.id;
  const team = await db.selectFrom('groups').select('id').where('role_key', '=', 'improvement-team').orderBy('id').executeTakeFirstOrThrow();
  teamId = team.id;
  const admin = await db.selectFrom('people').select('id').where('email', '=', persona('network-admin')).executeTakeFirstOrThrow();
  // A newcomer who cannot sign in yet: she gets an invitation slip.
  const angela = await addPerson(db, admin.id, { name: 'Ángela Núñez-Peña', email: 'angela.nunez@demo.test' });
  await addMembership(db, admin.id, teamId, angela, false);
}, 120_000);

const mainText = (page: Page): Promise<string> => page.locator('main').innerText();

describe('running a check across a network, in Chromium', { timeout: 90_000 }, () => {
  test('the network admin follows the open check: totals, filters by role and status, on desktop and a phone', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'network-admin');
    await visit(page, url(`/checks/${openCheckId}`));
    await expect(page.getByRole('heading', { name: /^Who has done what/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('list', { name: 'Totals' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'the check page');
    await saveScreenshot(page, 'check-progress-desktop');
    await page.getByLabel('Role').selectOption('improvement-team');
    await page.getByLabel('Status').selectOption('waiting');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/status=waiting/);
    await expect(page.getByLabel('Status').inputValue()).resolves.toBe('waiting');
    await expect(page.getByRole('list', { name: 'Totals for the groups shown' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'the check page, filtered');
    expectNoPageProblems(problems);

    const phone = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
    await demo.signInAs(phone.page, 'network-admin');
    await visit(phone.page, url(`/checks/${openCheckId}`));
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'the check page scrolls sideways on a phone').toBeLessThanOrEqual(0);
    await saveScreenshot(phone.page, 'check-progress-phone');
    expectNoPageProblems(phone.problems);
  });

  test('a school leader and a facilitator each see a home page that fits them', async () => {
    for (const key of ['school-leader', 'facilitator'] as const) {
      const { page, problems } = await open();
      await demo.signInAs(page, key);
      const text = await mainText(page);
      expect(text.length, text).toBeGreaterThan(100);
      await expectNoSeriousA11yViolations(page, `the ${key}'s home page`);
      await saveScreenshot(page, `home-${key}`);
      expectNoPageProblems(problems);
    }
  });

  test('growth leaves the open check out until asked; the site comparison marks cells not yet agreed', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'network-admin');
    await visit(page, url('/reports/growth'));
    const growth = await mainText(page);
    expect(growth, growth).toMatch(/is in progress: \d+ of \d+ groups? agreed/);
    await expectNoSeriousA11yViolations(page, 'growth, closed checks');
    await visit(page, url('/reports/growth?open=1'));
    await expect(mainText(page)).resolves.toContain('(in progress)');
    await expectNoSeriousA11yViolations(page, 'growth with the open check');
    await visit(page, url(`/reports/sites?check=${openCheckId}&role=improvement-team`));
    await expect(mainText(page)).resolves.toContain('not yet agreed');
    await expectNoSeriousA11yViolations(page, 'the site comparison of the open check');
    await saveScreenshot(page, 'sites-open-check');
    expectNoPageProblems(problems);
  });

  test('people search ignores accents and case', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'network-admin');
    await visit(page, url('/people'));
    await page.getByLabel('Search by name or email').fill('angela nunez');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=angela/);
    await expect(page.getByRole('link', { name: 'Ángela Núñez-Peña' }).first().isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'people search');
    expectNoPageProblems(problems);
  });

  test('invitation slips: one per member who cannot sign in, and Copy link puts the link on the clipboard', async () => {
    const { page, context, problems } = await open();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url('/')).origin });
    await demo.signInAs(page, 'network-admin');
    await visit(page, url(`/groups/${teamId}`));
    await page.getByRole('button', { name: 'Make invitation slips' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Invitation slips/);
    await expectNoSeriousA11yViolations(page, 'invitation slips');
    await saveScreenshot(page, 'slips-desktop');
    const first = page.locator('input[data-copy]').first();
    const link = await first.inputValue();
    expect(link).toMatch(/\/access\//);
    await page.getByRole('button', { name: /^Copy link/ }).first().click();
    await expect(page.getByRole('status').filter({ hasText: 'Copied.' }).first().isVisible()).resolves.toBe(true);
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(link);
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, 'slips-phone');
    expectNoPageProblems(problems);
  });

  test('changing the dates sticks; closing asks first; the audit log says so and filters', async () => {
    const { page, problems } = await open();
    await demo.signInAs(page, 'network-admin');
    await visit(page, url(`/checks/${openCheckId}`));
    const later = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Closes on (inclusive)').fill(later);
    await page.getByRole('button', { name: 'Save the dates' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toContain(`to ${later}`);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain(`to ${later}`);
    await page.getByRole('link', { name: 'Close the check now…' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^Close “.+” now\?$/);
    await expectNoSeriousA11yViolations(page, 'the close confirmation');
    await page.getByRole('checkbox').check();
    await page.locator('main form button[type=submit]').click();
    await page.waitForURL(url(`/checks/${openCheckId}`));
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('Closed');

    await visit(page, url('/admin/audit'));
    await expectNoSeriousA11yViolations(page, 'the audit log');
    const kinds = await page.getByLabel('Kind').locator('option').allInnerTexts();
    const checkKind = kinds.find((label) => /check/i.test(label));
    expect(checkKind, kinds.join(' | ')).toBeDefined();
    await page.getByLabel('Kind').selectOption({ label: checkKind ?? '' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/kind=/);
    const text = await mainText(page);
    expect(text, text).toMatch(/closed/i);
    await expect(page.getByRole('link', { name: 'Show everything' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'the audit log, filtered');
    expectNoPageProblems(problems);
  });
});
