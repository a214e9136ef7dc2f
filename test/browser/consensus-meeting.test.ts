/**
 * A consensus meeting in Chromium, item by item of the "meeting day" issue: named view chosen for one
 * check and shown to members; revealing with someone missing asks first; "discuss first" as a triage
 * that meeting mode follows; meeting mode whole on a 1280x720 projector and moving on after Save; the
 * spread's caption and the viewer's own dot; the next step drafted from the chosen level with and
 * without JavaScript; the team report with the whole conversation, printed. Every page is checked with axe.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson, setPasswordHash } from '../../server/repositories/people.js';
import { revealCheckGroup } from '../../server/repositories/progress-checks.js';
import { ensureSelfAssessment } from '../../server/repositories/self-assessments.js';
import { checkGroupFor } from '../../server/services/check-access.js';
import { addMembership, addPerson } from '../../server/services/organisation.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { saveAnswers, submitAnswers } from '../../server/services/self-assessment.js';
import { seedNetwork, sharedPasswordHash, type NetworkFixture } from '../support/network-fixture.js';
import { expectNoPageProblems, expectNoSeriousA11yViolations, inspectPdf, resultsDir, saveScreenshot, useBrowserSession, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url, signInAs } = session;
let network: NetworkFixture | undefined;
let earlier = 0;
let spring = 0;
const extra = { tia: 0, uma: 0 };

const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const fx = (): NetworkFixture => {
  if (network === undefined) throw new Error('not seeded');
  return network;
};
const consensusPath = (checkId: number): string => `/checks/${checkId}/groups/${fx().groups.teamA1.id}/consensus`;

/**
 * Placements: 1.3 is furthest apart (1, 1, 5, 5: range 4, spread 2), then 2.2 (1, 3, 3, 5: range 4,
 * spread 1.4), then 3.3 (2, 2, 4, 5: range 3); the rest at 3, where Tia is not sure on 5.1.
 */
const LEVELS: Record<'fay' | 'milo' | 'tia' | 'uma', Record<string, number | null>> = {
  fay: { '1.3': 1, '2.2': 1, '3.3': 2 },
  milo: { '1.3': 1, '2.2': 3, '3.3': 2 },
  tia: { '1.3': 5, '2.2': 3, '3.3': 4, '5.1': null },
  uma: { '1.3': 5, '2.2': 5, '3.3': 5 },
};

beforeAll(async () => {
  const app = session.app();
  network = await seedNetwork(app);
  const admin = network.people.admin.id;
  const hash = await sharedPasswordHash();
  extra.tia = await addPerson(app.db, admin, { name: 'Tia Tran', email: 'tia.tran@alder.test' });
  extra.uma = await addPerson(app.db, admin, { name: 'Uma Umber', email: 'uma.umber@alder.test' });
  for (const id of Object.values(extra)) {
    await setPasswordHash(app.db, id, hash);
    await addMembership(app.db, admin, network.groups.teamA1.id, id, false);
  }
  const person = await findPerson(app.db, admin);
  const actor = { id: admin, scope: await loadAccessScope(app.db, person!) };
  const teams = ['improvement-team'];
  earlier = await openCheck(app.db, app.maps, actor, { name: 'Autumn', mapId: 'txnsi', opensOn: day(-120), closesOn: day(-100), districtId: null, roleKeys: teams });
  spring = await openCheck(app.db, app.maps, actor, { name: 'Spring', mapId: 'txnsi', opensOn: day(-3), closesOn: day(10), districtId: null, roleKeys: teams });
});

/** A submitted self-assessment, through the services (the survey itself has its own browser test). */
async function submitFor(personId: number, checkId: number, levels: Record<string, number | null>, fallback = 3): Promise<void> {
  const app = session.app();
  const person = await findPerson(app.db, personId);
  const context = await checkGroupFor(app.db, app.maps, await loadAccessScope(app.db, person!), checkId, fx().groups.teamA1.id);
  const assessment = await ensureSelfAssessment(app.db, checkId, fx().groups.teamA1.id, personId);
  const placements = context.role.outcomes.map((outcome) => ({ outcomeCode: outcome.code, level: outcome.code in levels ? (levels[outcome.code] ?? null) : fallback, evidence: '' }));
  const saved = await saveAnswers(app.db, assessment, assessment.version, placements);
  if (!saved.ok) throw new Error('seeding hit a conflict');
  const submitted = await submitAnswers(app.db, { ...assessment, version: saved.version }, saved.version, context.role);
  if (!submitted.ok) throw new Error('seeding a submission failed');
}

/** Fails unless the element is wholly inside the 1280x720 viewport (no scrolling needed to see it). */
async function expectInViewport(locator: Locator, what: string): Promise<void> {
  await expect(locator.isVisible(), `${what} is visible`).resolves.toBe(true);
  const box = await locator.boundingBox();
  expect(box, what).not.toBeNull();
  const { x, y, width, height } = box!;
  expect(x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
  expect(x + width, `${what}: right edge within 1280`).toBeLessThanOrEqual(1280);
  expect(y + height, `${what}: bottom edge within 720`).toBeLessThanOrEqual(720);
}

describe('a consensus meeting in Chromium', { timeout: 90_000 }, () => {
  test('13.5 the facilitator switches names on for this check only, after confirming; members are told on their survey; the earlier check stays anonymous', async () => {
    // The earlier check: everyone answered anonymously, revealed, closed.
    for (const [id, who] of [[fx().people.facilitatorA1.id, 'fay'], [fx().people.memberA1.id, 'milo'], [extra.tia, 'tia']] as const) await submitFor(id, earlier, LEVELS[who]);
    await revealCheckGroup(session.app().db, earlier, fx().groups.teamA1.id, fx().people.facilitatorA1.id);
    const { page, problems } = await open();
    await signInAs(page, fx().people.facilitatorA1.email);
    await visit(page, url(consensusPath(spring)));
    await page.getByRole('link', { name: 'Show names in this check…' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('Show names in this check?');
    await expectNoSeriousA11yViolations(page, 'the named view confirmation');
    // Without the box ticked the browser does not send the form.
    await page.getByRole('button', { name: 'Show names in this check' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('Show names in this check?');
    await page.getByLabel('Our group agreed to show names in Spring').check();
    await page.getByRole('button', { name: 'Show names in this check' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Names are now visible to the group in this check only.');
    await page.reload();
    await expect(page.getByRole('button', { name: 'Make the spread anonymous in this check' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'consensus with names on');
    expectNoPageProblems(problems);

    const member = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signInAs(member.page, fx().people.memberA1.email);
    await visit(member.page, url(`/checks/${spring}/groups/${fx().groups.teamA1.id}/self?page=1`));
    await expect(member.page.locator('.named-notice').innerText()).resolves.toContain('Names are visible to your group in this check.');
    await expectNoSeriousA11yViolations(member.page, 'the survey in a named check');
    await saveScreenshot(member.page, 'meeting-named-survey-phone', false);
    await visit(member.page, url(`/checks/${earlier}/groups/${fx().groups.teamA1.id}/self/review`));
    await expect(member.page.locator('.named-notice').count()).resolves.toBe(0);
    expectNoPageProblems(member.problems);

    // Everyone but Nell (who cannot sign in) answers the named check.
    await submitFor(fx().people.facilitatorA1.id, spring, LEVELS.fay);
    await submitFor(fx().people.memberA1.id, spring, LEVELS.milo);
    await submitFor(extra.tia, spring, LEVELS.tia);
    await submitFor(extra.uma, spring, LEVELS.uma);
  });

  test('13.6 revealing with 4 of 5 submitted asks to confirm and says 1 has not submitted', async () => {
    const { page, problems } = await open();
    await signInAs(page, fx().people.facilitatorA1.email);
    await visit(page, url(consensusPath(spring)));
    await expect(page.locator('main').innerText()).resolves.toContain('1 of 5 members has not submitted yet.');
    await expectNoSeriousA11yViolations(page, 'consensus before reveal, one missing');
    await page.getByRole('button', { name: 'Reveal the placements to the group' }).click();
    // Not sent: the box was not ticked.
    await expect(page.locator('.strip svg').count()).resolves.toBe(0);
    await page.getByLabel('Reveal with 4 of 5 submitted').check();
    await page.getByRole('button', { name: 'Reveal the placements to the group' }).click();
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Placements revealed to the group.');
    await page.reload();
    await expect(page.locator('.strip svg').count()).resolves.toBe(15);
    expectNoPageProblems(problems);
  });

  test('13.7 and 13.9 a member sees what to discuss first, furthest apart first, the caption counts, names (this check) and their own dot marked "you"', async () => {
    const { page, problems } = await open();
    await signInAs(page, fx().people.memberA1.email);
    await visit(page, url(consensusPath(spring)));
    const discuss = page.getByRole('region', { name: /Discuss these first/ });
    await expect(discuss.getByRole('heading').innerText()).resolves.toBe('Discuss these first (3)');
    const items = await discuss.getByRole('listitem').allInnerTexts();
    expect(items.map((item) => item.split(' ')[0])).toEqual(['1.3', '2.2', '3.3']);
    const strip51 = page.locator('#outcome-5\\.1 figure.strip');
    await expect(strip51.locator('figcaption').innerText()).resolves.toContain('3 placed · 1 not sure yet');
    await expect(strip51.locator('figcaption').innerText()).resolves.toContain('you: Level 3');
    await expect(page.locator('#outcome-1\\.3 .strip__you').textContent()).resolves.toBe('you');
    await expect(page.locator('.strip__dot--you').count()).resolves.toBe(15);
    await expect(page.locator('#outcome-1\\.3 figcaption').innerText()).resolves.toContain('L1: Milo Moss, Fay Fisher');
    await expectNoSeriousA11yViolations(page, 'consensus as a member, named check');
    await saveScreenshot(page, 'meeting-member-consensus');
    // The earlier, anonymous check names nobody, though its spread is shown.
    await visit(page, url(consensusPath(earlier)));
    await expect(page.locator('.strip svg').count()).resolves.toBe(15);
    await expect(page.locator('main').innerText()).resolves.not.toContain('Fay Fisher');
    await expect(page.locator('.strip__names').count()).resolves.toBe(0);
    expectNoPageProblems(problems);
  });

  test('13.8 meeting mode at 1280x720: placements, disputed levels, form, Save and previous/next in view; Save moves to the next outcome in triage order', async () => {
    const { page, problems } = await open({ viewport: { width: 1280, height: 720 } });
    await signInAs(page, fx().people.facilitatorA1.email);
    await visit(page, url(consensusPath(spring)));
    await page.getByRole('link', { name: 'Meeting mode, furthest apart first' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^1\.3 /);
    await page.getByRole('link', { name: '2.2 →' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/^2\.2 /);
    await saveScreenshot(page, 'meeting-1280x720', false);
    await expectInViewport(page.locator('.meeting__stats'), 'median and range');
    await expectInViewport(page.locator('.meeting .strip svg'), 'the placements');
    await expectInViewport(page.locator('.meeting__levels'), 'the levels in dispute');
    await expectInViewport(page.locator('.meeting__levels h2'), 'the heading of the levels in dispute');
    await expectInViewport(page.locator('.level-pills'), 'the agreed-level choice');
    await expectInViewport(page.getByLabel('Next step'), 'the next step');
    await expectInViewport(page.getByRole('button', { name: /^Save consensus for 2\.2/ }), 'Save');
    await expectInViewport(page.locator('a[rel="prev"]'), 'previous');
    await expectInViewport(page.locator('a[rel="next"]'), 'next');
    const statSize = await page.locator('.meeting__stat-value').first().evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(statSize).toBeGreaterThanOrEqual(40);
    // The page itself does not scroll.
    const scrolled = await page.evaluate(() => {
      window.scrollTo(0, 10_000);
      const y = window.scrollY;
      window.scrollTo(0, 0);
      return { y, height: document.documentElement.scrollHeight, body: document.body.scrollHeight };
    });
    expect(scrolled.y, JSON.stringify(scrolled)).toBe(0);
    await expectNoSeriousA11yViolations(page, 'meeting mode at 1280x720');

    await page.locator('label[for="agreed-2.2-3"]').click();
    await page.getByLabel('Rationale').fill('Most of us draw drivers; not yet with students.');
    await page.getByRole('button', { name: /^Save consensus for 2\.2/ }).click();
    await page.waitForURL(/outcome=3\.3&order=triage$/);
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Consensus for 2.2 saved. Now 3.3.');
    await page.getByRole('link', { name: '← 2.2' }).click();
    await expect(page.locator('.agreed').innerText()).resolves.toContain('Level 3');
    expectNoPageProblems(problems);
  });

  test('13.10 with JavaScript the next step is drafted only once a level is picked and follows it', async () => {
    const { page, problems } = await open({ viewport: { width: 1280, height: 720 } });
    await signInAs(page, fx().people.facilitatorA1.email);
    await visit(page, url(`${consensusPath(spring)}/meeting?outcome=4.2`));
    const nextStep = page.getByLabel('Next step');
    await expect(nextStep.inputValue()).resolves.toBe('');
    await page.locator('label[for="agreed-4.2-1"]').click();
    await expect(nextStep.inputValue()).resolves.toMatch(/^To sustain Level 1 \(Ideal\): /);
    await page.locator('label[for="agreed-4.2-3"]').click();
    await expect(nextStep.inputValue()).resolves.toMatch(/^To reach Level 2: /);
    await page.getByRole('button', { name: /^Save consensus for 4\.2/ }).click();
    await page.waitForURL(/outcome=4\.3$/);
    await visit(page, url(`${consensusPath(spring)}/meeting?outcome=4.2`));
    await expect(page.getByLabel('Next step').inputValue()).resolves.toMatch(/^To reach Level 2: /);
    await expectNoSeriousA11yViolations(page, 'meeting mode after a save');
    expectNoPageProblems(problems);
  });

  test('13.10 without JavaScript an agreed Level 1 is saved with the Level 1 draft, and a changed level gets its own draft', async () => {
    const { page, problems } = await open({ viewport: { width: 1280, height: 720 }, javaScriptEnabled: false });
    await signInAs(page, fx().people.facilitatorA1.email);
    await visit(page, url(`${consensusPath(spring)}/meeting?outcome=4.3`));
    await expect(page.getByLabel('Next step').inputValue()).resolves.toBe('');
    await page.locator('label[for="agreed-4.3-1"]').click();
    await page.getByRole('button', { name: /^Save consensus for 4\.3/ }).click();
    await page.waitForURL(/outcome=5\.1$/);
    await visit(page, url(`${consensusPath(spring)}/meeting?outcome=4.3`));
    await expect(page.getByLabel('Next step').inputValue()).resolves.toMatch(/^To sustain Level 1 \(Ideal\): /);
    // Level 4 instead, the Level 1 draft left as it was: the saved draft follows Level 4.
    await page.locator('label[for="agreed-4.3-4"]').click();
    await page.getByRole('button', { name: /^Save consensus for 4\.3/ }).click();
    await page.waitForURL(/outcome=5\.1$/);
    await visit(page, url(`${consensusPath(spring)}/meeting?outcome=4.3`));
    await expect(page.getByLabel('Next step').inputValue()).resolves.toMatch(/^To reach Level 3: /);
    expectNoPageProblems(problems);
  });

  test('13.11 the team report shows the whole conversation, full outcome titles, and prints without the CSV link, in few pages', async () => {
    const { page, problems } = await open();
    await signInAs(page, fx().people.facilitatorA1.email);
    await visit(page, url(`/checks/${spring}/groups/${fx().groups.teamA1.id}/report`));
    const conversation = page.getByRole('region', { name: 'The conversation, outcome by outcome' });
    await expect(conversation.innerText()).resolves.toContain('Most of us draw drivers; not yet with students.');
    await expect(conversation.getByRole('row', { name: /^2\.2 / }).innerText()).resolves.toContain('Level 3');
    const labels = await page.locator('svg .row-label').allTextContents();
    expect(labels.length).toBe(15);
    for (const label of labels) expect(label.endsWith('…'), label).toBe(false);
    await expectNoSeriousA11yViolations(page, 'the team report');
    await saveScreenshot(page, 'meeting-report');

    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('link', { name: /Download the chart's data/ }).isVisible()).resolves.toBe(false);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'team-report.pdf'), pdf);
    const { header, pageCount } = inspectPdf(pdf);
    expect(header).toBe('%PDF-');
    expect(pageCount).toBeGreaterThan(0);
    expect(pageCount).toBeLessThanOrEqual(5);
    expectNoPageProblems(problems);
  });
});
