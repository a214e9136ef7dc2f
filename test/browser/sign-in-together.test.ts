/**
 * A staff meeting signs in together, in a real Chromium (issue 13, item 13): a mistyped password
 * warns before the account locks, the lock says what to do, and an admin lifts it from the person's
 * page so the person signs in at once. Axe on every page.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, seedNetwork, type NetworkFixture } from '../support/network-fixture.js';
import { expectNoPageProblems, expectNoSeriousA11yViolations, useBrowserSession, visit } from './helpers.js';

const session = useBrowserSession();
const { open, url, signInAs } = session;
let network: NetworkFixture | undefined;

beforeAll(async () => {
  network = await seedNetwork(session.app());
});

function fixture(): NetworkFixture {
  if (network === undefined) throw new Error('not seeded');
  return network;
}

async function tryPassword(page: Page, email: string, password: string): Promise<string> {
  await visit(page, url('/sign-in'));
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
  return page.locator('main').innerText();
}

describe('signing in together', { timeout: 90_000 }, () => {
  test('wrong passwords warn before the lock; an admin lifts the lock and the person signs in', async () => {
    const f = fixture();
    const member = f.people.memberA1.email;
    const { page, problems } = await open({ expectedErrorDocuments: ['/sign-in'] });

    expect(await tryPassword(page, member, 'not my password 1')).not.toMatch(/attempts? left/);
    expect(await tryPassword(page, member, 'not my password 2')).not.toMatch(/attempts? left/);
    expect(await tryPassword(page, member, 'not my password 3')).toContain('2 attempts left before this account is locked');
    await expectNoSeriousA11yViolations(page, 'the sign-in page warning of the lock');
    expect(await tryPassword(page, member, 'not my password 4')).toContain('1 attempt left before this account is locked');
    expect(await tryPassword(page, member, 'not my password 5')).toContain('This account is now locked');
    // Locked: even the right password is refused, and the page says how to get back in.
    const locked = await tryPassword(page, member, PASSWORD);
    expect(locked).not.toContain('Hello,');
    expect(page.url()).toBe(url('/sign-in'));

    const admin = await open();
    await signInAs(admin.page, f.people.admin.email);
    await visit(admin.page, url(`/people/${f.people.memberA1.id}`));
    await expectNoSeriousA11yViolations(admin.page, "a locked person's page");
    await admin.page.getByRole('button', { name: 'Lift the lock' }).click();
    await admin.page.waitForLoadState('load');
    await expect(admin.page.getByRole('button', { name: 'Lift the lock' }).count()).resolves.toBe(0);

    await signInAs(page, member);
    await expectNoSeriousA11yViolations(page, 'home after the lock was lifted');
    expectNoPageProblems(problems);
    expectNoPageProblems(admin.problems);
  });
});
