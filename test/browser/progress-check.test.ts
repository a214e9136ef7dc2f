/**
 * A progress check in a real Chromium: an admin opens it; a teacher completes their self-assessment
 * over two visits on a phone; with three teammates submitted, the facilitator reveals the placements,
 * walks the outcomes in meeting mode and records consensus, and a co-facilitator's concurrent edit is
 * refused with the conflict message. Every page is checked with axe.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { addMembership, addPerson } from '../../server/services/organisation.js';
import { setPasswordHash } from '../../server/repositories/people.js';
import { ensureSelfAssessment } from '../../server/repositories/self-assessments.js';
import { saveAnswers, submitAnswers } from '../../server/services/self-assessment.js';
import { checkGroupFor } from '../../server/services/check-access.js';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson } from '../../server/repositories/people.js';
import { seedNetwork, sharedPasswordHash, type NetworkFixture } from '../support/network-fixture.js';
import {
  expectNoPageProblems,
  expectNoSeriousA11yViolations,
  saveScreenshot,
  useBrowserSession,
  visit,
} from './helpers.js';

const session = useBrowserSession();
const { open, signInAs } = session;
let network: NetworkFixture | undefined;
let coFacilitatorEmail = '';
let thirdMemberId = 0;

beforeAll(async () => {
  const app = session.app();
  network = await seedNetwork(app);
  const admin = network.people.admin.id;
  const hash = await sharedPasswordHash();
  // A third teammate and a co-facilitator, both able to sign in.
  thirdMemberId = await addPerson(app.db, admin, { name: 'Tia Tran', email: 'tia.tran@alder.test' });
  const coId = await addPerson(app.db, admin, { name: 'Cole Cruz', email: 'cole.cruz@alder.test' });
  coFacilitatorEmail = 'cole.cruz@alder.test';
  for (const id of [thirdMemberId, coId]) await setPasswordHash(app.db, id, hash);
  await addMembership(app.db, admin, network.groups.teamA1.id, thirdMemberId, false);
  await addMembership(app.db, admin, network.groups.teamA1.id, coId, true);
});

/** Answers every outcome on the current survey page with the given level. */
async function answerPage(page: Page, level: string): Promise<void> {
  const legends = await page.locator('fieldset.outcome legend').allInnerTexts();
  for (const legend of legends) {
    const code = legend.trim().split(/\s+/)[0] ?? '';
    await page.locator(`label[for="level-${code}-${level}"]`).click();
  }
}

/** Seeds a submitted self-assessment for a member: level per outcome from `pick`. */
async function submitFor(personId: number, checkId: number, pick: (index: number) => number | null): Promise<void> {
  if (network === undefined) throw new Error('not seeded');
  const app = session.app();
  const db = app.db;
  const person = await findPerson(db, personId);
  if (person === undefined) throw new Error('no such person');
  const scope = await loadAccessScope(db, person);
  const context = await checkGroupFor(db, app.maps, scope, checkId, network.groups.teamA1.id);
  const assessment = await ensureSelfAssessment(db, checkId, network.groups.teamA1.id, personId);
  const placements = context.role.outcomes.map((outcome, index) => ({ outcomeCode: outcome.code, level: pick(index), evidence: '' }));
  const saved = await saveAnswers(db, assessment, assessment.version, placements);
  if (!saved.ok) throw new Error('seeding a self-assessment hit a conflict');
  const submitted = await submitAnswers(db, { ...assessment, version: saved.version }, saved.version, context.role);
  if (!submitted.ok) throw new Error('seeding a submission failed');
}

describe('a progress check in Chromium', { timeout: 90_000 }, () => {
  let checkPath = '';

  test('an admin opens a progress check for the network', async () => {
    if (network === undefined) throw new Error('not seeded');
    const { page, problems } = await open();
    await signInAs(page, network.people.admin.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Progress checks' }).click();
    await expectNoSeriousA11yViolations(page, 'the progress checks page');
    await page.getByLabel('Name', { exact: true }).fill('2026-27 Beginning of year');
    const today = new Date().toISOString().slice(0, 10);
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Opens on').fill(today);
    await page.getByLabel('Closes on (inclusive)').fill(inTwoWeeks);
    await page.getByRole('button', { name: 'Open the check' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('2026-27 Beginning of year');
    await expect(page.getByRole('table').innerText()).resolves.toContain('Alder Elementary improvement team');
    await expectNoSeriousA11yViolations(page, 'a progress check');
    await saveScreenshot(page, 'check');
    checkPath = new URL(page.url()).pathname;
    expectNoPageProblems(problems);
  });

  test('a teacher completes their self-assessment over two visits on a phone', async () => {
    if (network === undefined) throw new Error('not seeded');
    const phone = { viewport: { width: 390, height: 844 }, isMobile: true };

    // First visit: the first two principles, then away.
    const first = await open(phone);
    await signInAs(first.page, network.people.memberA1.email);
    const checks = first.page.getByRole('region', { name: 'Your progress checks' });
    await expect(checks.innerText()).resolves.toContain('Not started');
    await checks.getByRole('link', { name: /^Start/ }).click();
    await expect(first.page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('1. Analyze problem focus area');
    await expectNoSeriousA11yViolations(first.page, 'the first survey page');
    await saveScreenshot(first.page, 'survey-phone');
    await answerPage(first.page, '3');
    await first.page.getByLabel('Evidence for 1.1 (optional)').fill('We mapped our problem with students.');
    await first.page.getByRole('button', { name: 'Save and continue →' }).click();
    await expect(first.page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('2. Establish theory of improvement');
    await answerPage(first.page, '4');
    await first.page.getByRole('button', { name: 'Save draft' }).click();
    await expect(first.page.getByRole('status').first().innerText()).resolves.toContain('Draft saved');
    await expect(first.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).resolves.toBe(true);
    expectNoPageProblems(first.problems);
    await first.context.close();

    // Second visit: resume exactly where they stopped, finish, review and submit.
    const second = await open(phone);
    await signInAs(second.page, network.people.memberA1.email);
    const again = second.page.getByRole('region', { name: 'Your progress checks' });
    await expect(again.innerText()).resolves.toContain('Draft');
    await again.getByRole('link', { name: /^Continue/ }).click();
    await expect(second.page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('3. Plan and test changes');
    await expect(second.page.getByText('6 of 15 outcomes answered').isVisible()).resolves.toBe(true);
    for (const level of ['3', '2']) {
      await answerPage(second.page, level);
      await second.page.getByRole('button', { name: 'Save and continue →' }).click();
    }
    await answerPage(second.page, 'unsure');
    await second.page.getByRole('button', { name: 'Save and review →' }).click();
    await expect(second.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Review and submit');
    await expect(second.page.getByRole('table').innerText()).resolves.toContain('We mapped our problem with students.');
    await expectNoSeriousA11yViolations(second.page, 'the review page');
    await second.page.getByRole('button', { name: 'Submit my self-assessment' }).click();
    await expect(second.page.getByRole('status').first().innerText()).resolves.toContain('Submitted.');
    await saveScreenshot(second.page, 'review-submitted-phone');
    expectNoPageProblems(second.problems);
  });

  test('the facilitator reveals, walks the outcomes in meeting mode and records consensus; a concurrent edit is refused', async () => {
    if (network === undefined) throw new Error('not seeded');
    const checkId = Number(checkPath.split('/').pop());
    // Two more teammates have submitted: three in all, spread over levels 1 to 4 on some outcomes.
    await submitFor(network.people.facilitatorA1.id, checkId, (index) => (index % 4) + 1);
    await submitFor(thirdMemberId, checkId, (index) => (index % 2 === 0 ? 2 : null));

    const { page, problems } = await open();
    await signInAs(page, network.people.facilitatorA1.email);
    await page.getByRole('region', { name: 'Your progress checks' }).getByRole('link', { name: /^Run consensus/ }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('3 of 5');
    await expect(page.locator('main').innerText()).resolves.toContain('has not revealed the placements yet');
    await expect(page.locator('svg.strip, .strip svg').count()).resolves.toBe(0);
    await expectNoSeriousA11yViolations(page, 'consensus before reveal');
    // Two of five have not submitted: revealing asks to confirm first.
    await expect(page.locator('main').innerText()).resolves.toContain('2 of 5 members have not submitted yet.');
    await page.getByLabel('Reveal with 3 of 5 submitted').check();
    await page.getByRole('button', { name: 'Reveal the placements to the group' }).click();
    // The click returns before the redirect's page has loaded: wait for the strips rather than count once.
    await expect.poll(() => page.locator('.strip svg').count()).toBe(15);
    await expect(page.getByRole('region', { name: 'Discuss these first' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'consensus after reveal');
    await saveScreenshot(page, 'consensus');

    await page.getByRole('link', { name: 'Start meeting mode' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('1.1');
    await expectNoSeriousA11yViolations(page, 'meeting mode');
    await saveScreenshot(page, 'meeting');
    await page.locator('label[for="agreed-1.1-3"]').click();
    await page.getByLabel('Rationale').fill('Most of us work with colleagues on the problem, not yet with students and parents.');
    await expect(page.getByLabel('Next step').inputValue()).resolves.toMatch(/^To reach Level 2: /);
    await page.getByRole('button', { name: 'Save consensus for 1.1' }).click();
    // Saving moves on to the next outcome.
    await page.waitForURL(/outcome=1\.2$/);
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Consensus for 1.1 saved. Now 1.2.');
    // Keyboard: the left arrow goes back, where the agreed level is shown.
    await page.locator('body').press('ArrowLeft');
    await page.waitForURL(/outcome=1\.1$/);
    await expect(page.locator('.agreed').innerText()).resolves.toContain('Level 3');
    await page.locator('body').press('ArrowRight');
    await page.waitForURL(/outcome=1\.2$/);

    // The co-facilitator has 1.2 open too; the facilitator saves first.
    const co = await open();
    await signInAs(co.page, coFacilitatorEmail);
    await visit(co.page, page.url());
    await page.locator('label[for="agreed-1.2-2"]').click();
    await page.getByRole('button', { name: 'Save consensus for 1.2' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Consensus for 1.2 saved.');
    const saved12 = page.url().replace(/outcome=1\.3$/, 'outcome=1.2');

    await co.page.locator('label[for="agreed-1.2-4"]').click();
    await co.page.getByLabel('Rationale').fill('I think we are further away.');
    await co.page.getByRole('button', { name: 'Save consensus for 1.2' }).click();
    const alert = co.page.getByRole('alert');
    await expect(alert.innerText()).resolves.toContain('Someone else saved this outcome first');
    await expect(alert.innerText()).resolves.toContain('Fay Fisher saved Level 2');
    await expectNoSeriousA11yViolations(co.page, 'the consensus conflict');
    await saveScreenshot(co.page, 'consensus-conflict');
    // The other's value was not overwritten.
    await visit(page, saved12);
    await expect(page.locator('.agreed').innerText()).resolves.toContain('Level 2');

    expectNoPageProblems(problems);
    expectNoPageProblems(co.problems.filter((problem) => !/^HTTP 409 for POST .*\/consensus\/1\.2 /.test(problem)));
  });
});
