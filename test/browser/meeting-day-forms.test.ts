/**
 * Meeting day in a real Chromium, the paths people take when things go wrong: a form shown again after
 * an error submits (and Sign out on it works); autosave saves, step links save first, leaving unsaved
 * asks, and the sticky bar always shows the save state; a session that ends mid-survey gives the
 * answers back after signing in; long texts show a live count and are refused, not cut. Axe on every page.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { deleteSessionsOfPerson } from '../../server/repositories/sessions.js';
import { signIn } from '../support/http.js';
import { PASSWORD, seedNetwork, type NetworkFixture } from '../support/network-fixture.js';
import { checkIdFrom, checkFields, selfUrl, consensusUrl } from '../checks/helpers.js';
import { expectNoPageProblems, expectNoSeriousA11yViolations, saveScreenshot, useBrowserSession, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url, signInAs } = session;
let network: NetworkFixture | undefined;
let checkId = 0;
const phone = { viewport: { width: 390, height: 844 }, isMobile: true };

beforeAll(async () => {
  const app = session.app();
  network = await seedNetwork(app);
  const admin = await signIn(app, network.people.admin.email, PASSWORD, { remoteAddress: '10.20.0.1' });
  const token = await admin.csrfToken('/');
  checkId = checkIdFrom(await admin.submit('/checks', [...checkFields(), ['_csrf', token]]));
});

function fixture(): NetworkFixture {
  if (network === undefined) throw new Error('not seeded');
  return network;
}

/** The sticky bar's save state: its text, and whether it is on screen and not covered by anything. */
async function saveState(page: Page): Promise<{ text: string; onScreen: boolean }> {
  return page.evaluate(() => {
    const status = document.querySelector('[data-autosave-status]');
    if (!(status instanceof HTMLElement)) return { text: '', onScreen: false };
    const box = status.getBoundingClientRect();
    const x = box.left + Math.min(box.width / 2, 20);
    const y = box.top + box.height / 2;
    const top = document.elementFromPoint(x, y);
    const onScreen = box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight && top !== null && status.closest('.save-state')?.contains(top) === true;
    return { text: status.textContent, onScreen };
  });
}

async function waitForSaved(page: Page): Promise<void> {
  await page.waitForFunction(() => /^Saved \d/.test(document.querySelector('[data-autosave-status]')?.textContent ?? ''));
}

describe('meeting day forms in Chromium', { timeout: 90_000 }, () => {
  test('item 1: a form shown again after an error keeps the text and submits; Sign out on it works', async () => {
    const f = fixture();
    const { page, problems } = await open({ expectedErrorDocuments: ['/checks', `/groups/${f.groups.teamA1.id}/members`] });
    await signInAs(page, f.people.admin.email);
    await visit(page, url('/checks'));
    await page.getByLabel('Name', { exact: true }).fill('Spring check');
    await page.getByLabel('Opens on').fill('2026-05-10');
    await page.getByLabel('Closes on (inclusive)').fill('2026-05-01');
    await page.getByRole('button', { name: 'Open the check' }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('The closing date must not be before the opening date.');
    await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Spring check');
    await expectNoSeriousA11yViolations(page, 'the checks page after an error');
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Opens on').fill(new Date().toISOString().slice(0, 10));
    await page.getByLabel('Closes on (inclusive)').fill(inAMonth);
    await page.getByRole('button', { name: 'Open the check' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('Spring check');

    await visit(page, url(`/groups/${f.groups.teamA1.id}`));
    await page.getByLabel('Email address of the person').fill('nobody@alder.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('No one has the email address nobody@alder.test');
    await expect(page.getByLabel('Email address of the person').inputValue()).resolves.toBe('nobody@alder.test');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(url('/'));
    await expect(page.locator('.account').innerText()).resolves.toContain('Sign in');
    expectNoPageProblems(problems);
  });

  test('item 2: autosave saves, step links save first, leaving unsaved asks, and the save state is in the sticky bar on a phone', async () => {
    const f = fixture();
    const survey = selfUrl(checkId, f.groups.teamA1.id);
    const { page, problems } = await open(phone);
    await signInAs(page, f.people.memberA1.email);
    await visit(page, url(`${survey}?page=1`));
    await expect(saveState(page)).resolves.toEqual({ text: 'Changes save automatically.', onScreen: true });

    // Change an answer: it saves itself; a reload shows it kept.
    await page.locator('label[for="level-1.1-3"]').click();
    await waitForSaved(page);
    const saved = await saveState(page);
    expect(saved.onScreen).toBe(true);
    await page.locator('#field-evidence_1\\.2').scrollIntoViewIfNeeded();
    await expect(saveState(page)).resolves.toMatchObject({ onScreen: true });
    await saveScreenshot(page, 'survey-phone-save-state', false);
    await expectNoSeriousA11yViolations(page, 'the survey with its save state');
    await page.reload();
    await expect(page.locator('#level-1\\.1-3').isChecked()).resolves.toBe(true);

    // Change an answer and tap a step number at once: it is saved before the page leaves.
    await page.locator('label[for="level-1.2-2"]').click();
    await page.getByRole('navigation', { name: 'Self-assessment steps' }).getByRole('link', { name: /^2\b/ }).click();
    await page.waitForURL(/page=2$/);
    await visit(page, url(`${survey}?page=1`));
    await expect(page.locator('#level-1\\.2-2').isChecked()).resolves.toBe(true);

    // When saving fails, the bar says so with Retry, and leaving asks first.
    await page.route(url(survey), (route) => (route.request().method() === 'POST' ? route.abort() : route.continue()));
    await page.locator('label[for="level-1.3-4"]').click();
    await page.waitForFunction(() => document.querySelector('[data-save-state]')?.getAttribute('data-save-state') === 'failed');
    await expect(saveState(page)).resolves.toMatchObject({ text: 'Not saved (offline?) —' });
    await expect(page.getByRole('button', { name: 'Retry' }).isVisible()).resolves.toBe(true);
    await expect(saveState(page)).resolves.toMatchObject({ onScreen: true });
    const asked = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      });
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IC maps' }).click({ noWaitAfter: true });
    await expect(asked).resolves.toBe('beforeunload');
    expect(new URL(page.url()).pathname).toBe(survey);
    await page.unroute(url(survey));
    await page.getByRole('button', { name: 'Retry' }).click();
    await waitForSaved(page);
    await page.reload();
    await expect(page.locator('#level-1\\.3-4').isChecked()).resolves.toBe(true);
    expectNoPageProblems(problems.filter((problem) => !/^request failed: POST .*\/self \(net::ERR_FAILED\)$/.test(problem)));
  });

  test('item 3: a session that ends mid-survey gives the answers back after signing in again', async () => {
    const f = fixture();
    const survey = selfUrl(checkId, f.groups.teamA1.id);
    const { page, context, problems } = await open(phone);
    await signInAs(page, f.people.memberA1.email);
    await visit(page, url(`${survey}?page=3`));
    // Twelve idle hours later the session and its cookie are gone; the page is still open.
    await deleteSessionsOfPerson(session.app().db, f.people.memberA1.id);
    await context.clearCookies();
    await page.locator('label[for="level-3.1-2"]').click();
    await page.getByLabel('Evidence for 3.1 (optional)').fill('Our PDSA log, week 4.');
    await page.waitForFunction(() => (document.querySelector('[data-autosave-status]')?.textContent ?? '').includes('signed out'));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/sign-in\?next=/);
    await expect(page.locator('main').innerText()).resolves.toContain('They are kept');
    await expectNoSeriousA11yViolations(page, 'sign-in with kept answers');
    await page.getByLabel('Email address').fill(f.people.memberA1.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/resume=1$/);
    await expect(page.locator('main').innerText()).resolves.toContain('not saved yet');
    await expect(page.locator('#level-3\\.1-2').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Evidence for 3.1 (optional)').inputValue()).resolves.toBe('Our PDSA log, week 4.');
    await expectNoSeriousA11yViolations(page, 'the survey page given back');
    await waitForSaved(page);
    await visit(page, url(`${survey}?page=3`));
    await expect(page.locator('#level-3\\.1-2').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Evidence for 3.1 (optional)').inputValue()).resolves.toBe('Our PDSA log, week 4.');
    expectNoPageProblems(problems.filter((problem) => !/^HTTP 403 for POST .*\/self \(fetch\)$/.test(problem)));
  });

  test('item 4: evidence and consensus texts count as you type; too long is refused with the text kept', async () => {
    const f = fixture();
    const { page, problems } = await open({ expectedErrorDocuments: [`${consensusUrl(checkId, f.groups.teamA1.id)}/1.1`] });
    await signInAs(page, f.people.facilitatorA1.email);
    await visit(page, url(`${selfUrl(checkId, f.groups.teamA1.id)}?page=1`));
    const evidence = page.getByLabel('Evidence for 1.1 (optional)');
    await evidence.fill('Weekly data talks.');
    await expect(page.locator('#field-evidence_1\\.1-count').innerText()).resolves.toBe('18 of 1,000 characters');

    await visit(page, url(consensusUrl(checkId, f.groups.teamA1.id)));
    const rationale = page.locator('#rationale-1\\.1');
    const long = 'We agree. '.repeat(200) + 'Extra';
    await rationale.fill(long);
    await expect(page.locator('#rationale-1\\.1-count').innerText()).resolves.toBe('5 characters too many: 2,005 of 2,000');
    await expect(rationale.getAttribute('maxlength')).resolves.toBeNull();
    await expectNoSeriousA11yViolations(page, 'a consensus text over the limit');
    await page.locator('label[for="agreed-1.1-3"]').click();
    await page.getByRole('button', { name: 'Save consensus for 1.1' }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('The rationale is 2,005 characters; keep it to 2,000.');
    await expect(page.locator('#rationale-1\\.1').inputValue()).resolves.toBe(long);
    await saveScreenshot(page, 'consensus-text-too-long', false);
    await page.locator('#rationale-1\\.1').fill('We agree.');
    await page.getByRole('button', { name: 'Save consensus for 1.1' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Consensus for 1.1 saved.');
    expectNoPageProblems(problems);
  });

  test('item 12: an admin is told the time zone is UTC, chooses America/Chicago on the Network page, and times show in it', async () => {
    const f = fixture();
    const { page, problems } = await open({ expectedErrorDocuments: ['/network/time-zone'] });
    await signInAs(page, f.people.admin.email);
    const notice = page.getByRole('note');
    await expect(notice.innerText()).resolves.toContain('ICMap shows dates and times in UTC');
    await notice.getByRole('link', { name: 'Choose your network’s time zone' }).click();
    await page.waitForURL(/\/network#time-zone$/);
    await expectNoSeriousA11yViolations(page, 'the network page with the time zone');
    await page.getByLabel('Time zone').selectOption('America/Chicago');
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Dates and times now show in America/Chicago');
    await expect(page.getByRole('note').count()).resolves.toBe(0);
    await page.reload();
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('America/Chicago');
    await visit(page, url('/admin/audit'));
    await expect(page.locator('main').innerText()).resolves.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T/);
    expectNoPageProblems(problems);
  });
});
