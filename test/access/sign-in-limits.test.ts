/**
 * The sign-in limits as a school lives them: the account lock cannot be raced (each attempt is
 * reserved before the password is hashed), it warns before it locks, an admin can lift it; the
 * per-address limit counts failures only, so a staff meeting behind one address signs in together.
 * Time is passed in (`now`), never waited for.
 */
import type { FastifyInstance } from 'fastify';
import { describe, it } from 'vitest';
import { ACCOUNT_THROTTLE, signIn as signInService } from '../../server/services/sign-in.js';
import { createPerson } from '../../server/repositories/people.js';
import { auditEvents } from '../support/db-snapshot.js';
import { addressSequence, anonymous, signIn, type Agent, type Response } from '../support/http.js';
import { networkForTest, PASSWORD, sharedPasswordHash } from '../support/network-fixture.js';

const nextAddress = addressSequence(200);
const network = networkForTest;

/** Agents that already hold the sign-in form's token, so their POSTs can be sent at the same instant. */
async function readyToSignIn(app: FastifyInstance, count: number, address?: () => string): Promise<{ agent: Agent; token: string }[]> {
  const agents = Array.from({ length: count }, () => anonymous(app, { remoteAddress: (address ?? nextAddress)() }));
  return Promise.all(agents.map(async (agent) => ({ agent, token: await agent.csrfToken('/sign-in') })));
}

const errorOf = (response: Response): string | undefined => /<div class="error-summary" role="alert" tabindex="-1"><p>([^<]*)<\/p>/.exec(response.body)?.[1];

const ACCOUNT_LOCKED = 'Too many failed attempts for this account. Wait 15 minutes and try again, or ask for a password reset link.';
const ADDRESS_LIMITED = 'Too many failed sign-ins from your connection. Wait a minute and try again. Nothing was changed.';

describe.concurrent('the account lock cannot be raced', () => {
  it('10 wrong guesses sent at once: 5 are answered 401 and 5 are refused 429 without a check', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const ready = await readyToSignIn(fx.app, 10);
    const responses = await Promise.all(
      ready.map(({ agent, token }, index) => agent.post('/sign-in', { email: fx.people.memberA1.email, password: `wrong guess ${index}` }, { csrf: token })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const failures = await fx.app.db.selectFrom('sign_in_failures').select('email').where('email', '=', fx.people.memberA1.email).execute();
    expect(failures).toHaveLength(ACCOUNT_THROTTLE.maxFailures);
  });

  it('39 wrong guesses and the right password sent together: the right one is refused and nobody is signed in', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const ready = await readyToSignIn(fx.app, 40);
    const responses = await Promise.all(
      ready.map(({ agent, token }, index) =>
        agent.post('/sign-in', { email: fx.people.memberA1.email, password: index === 39 ? PASSWORD : `wrong guess ${index}` }, { csrf: token }),
      ),
    );
    expect(responses.filter((response) => response.statusCode === 303)).toHaveLength(0);
    expect(responses[39]!.statusCode).toBe(429);
    expect(errorOf(responses[39]!)).toBe(ACCOUNT_LOCKED);
    expect(responses.filter((response) => response.statusCode === 401)).toHaveLength(5);
    const sessions = await fx.app.db.selectFrom('sessions').select('person_id').where('person_id', 'is not', null).execute();
    expect(sessions).toEqual([]);
  });
});

describe.concurrent('the account lock warns, and an admin can lift it', () => {
  it('the 3rd and 4th failures say how many attempts are left; the 5th says the account is now locked', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const errors: (string | undefined)[] = [];
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const response = await anonymous(fx.app, { remoteAddress: nextAddress() }).post('/sign-in', { email: fx.people.memberA1.email, password: `wrong ${attempt}` }, { tokenFrom: '/sign-in' });
      errors.push(errorOf(response));
    }
    const mismatch = 'That email and password do not match an account. Check both and try again.';
    expect(errors).toEqual([
      mismatch,
      mismatch,
      `${mismatch} 2 attempts left before this account is locked for 15 minutes.`,
      `${mismatch} 1 attempt left before this account is locked for 15 minutes.`,
      `${mismatch} This account is now locked for 15 minutes: wait, or ask your network administrator to lift the lock.`,
      ACCOUNT_LOCKED,
    ]);
  });

  it('an unknown email gets the same warnings as a known one (the lock reveals no accounts)', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const errorsFor = async (email: string) => {
      const errors: (string | undefined)[] = [];
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        errors.push(errorOf(await anonymous(fx.app, { remoteAddress: nextAddress() }).post('/sign-in', { email, password: 'wrong' }, { tokenFrom: '/sign-in' })));
      }
      return errors;
    };
    expect(await errorsFor('nobody.here@alder.test')).toEqual(await errorsFor(fx.people.memberB1.email));
  });

  it('an admin sees the lock on the person page and lifts it (audited); the person signs in at once', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await anonymous(fx.app, { remoteAddress: nextAddress() }).post('/sign-in', { email: fx.people.memberA1.email, password: `wrong ${attempt}` }, { tokenFrom: '/sign-in' });
    }
    const admin = await signIn(fx.app, fx.people.admin.email, PASSWORD, { remoteAddress: nextAddress() });
    const page = await admin.get(`/people/${fx.people.memberA1.id}`);
    expect(page.body).toContain('Locked after 5 failed sign-ins');
    expect(page.body).toContain(`action="/people/${fx.people.memberA1.id}/unlock"`);
    // Not on the page of someone who is not locked.
    expect((await admin.get(`/people/${fx.people.memberB1.id}`)).body).not.toContain('/unlock"');

    const lifted = await admin.post(`/people/${fx.people.memberA1.id}/unlock`);
    expect(lifted.statusCode).toBe(303);
    expect(lifted.headers.location).toBe(`/people/${fx.people.memberA1.id}`);
    expect((await admin.get(`/people/${fx.people.memberA1.id}`)).body).not.toContain('Locked after');
    expect((await auditEvents(fx.app.db)).at(-1)).toMatchObject({ action: 'person.unlock', actor_id: fx.people.admin.id, subject: `person:${fx.people.memberA1.id}` });

    const back = await anonymous(fx.app, { remoteAddress: nextAddress() }).post('/sign-in', { email: fx.people.memberA1.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(back.statusCode).toBe(303);
  });
});

describe.concurrent('the per-address limit counts failures only', () => {
  it('a staff meeting of 30 behind one address signs in together', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const hash = await sharedPasswordHash();
    const staff = await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const email = `teacher${index}@alder.test`;
        await createPerson(fx.app.db, { name: `Teacher ${index}`, email, passwordHash: hash });
        return email;
      }),
    );
    const schoolAddress = '203.0.113.30';
    const ready = await readyToSignIn(fx.app, 30, () => schoolAddress);
    // Two of them mistype first: failures count, but stay far below the limit.
    await ready[0]!.agent.post('/sign-in', { email: staff[0]!, password: 'typo' }, { csrf: ready[0]!.token });
    await ready[1]!.agent.post('/sign-in', { email: staff[1]!, password: 'typo' }, { csrf: ready[1]!.token });
    const responses = await Promise.all(ready.map(({ agent, token }, index) => agent.post('/sign-in', { email: staff[index]!, password: PASSWORD }, { csrf: token })));
    expect(responses.map((response) => response.statusCode)).toEqual(Array.from({ length: 30 }, () => 303));
  });

  it('after 10 failures from one address within a minute, the next attempt is refused 429 (even a right one); successes in between do not count; another address is unaffected', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const address = nextAddress();
    const agent = anonymous(fx.app, { remoteAddress: address });
    const token = await agent.csrfToken('/sign-in');
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      // Different unknown addresses, so the per-account lock is not what answers.
      const response = await agent.post('/sign-in', { email: `nobody${attempt}@nowhere.test`, password: 'wrong password' }, { csrf: token });
      expect(response.statusCode, `attempt ${attempt}`).toBe(401);
      if (attempt === 5) {
        // A colleague at the same address signs in: not counted.
        const colleague = await signIn(fx.app, fx.people.memberB1.email, PASSWORD, { remoteAddress: address });
        expect((await colleague.get('/')).body).toContain('Hello,');
      }
    }
    const eleventh = await agent.post('/sign-in', { email: fx.people.admin.email, password: PASSWORD }, { csrf: token });
    expect(eleventh.statusCode).toBe(429);
    expect(errorOf(eleventh)).toBe(ADDRESS_LIMITED);
    expect((await agent.get('/network')).statusCode).toBe(303);

    const elsewhere = await anonymous(fx.app, { remoteAddress: nextAddress() }).post('/sign-in', { email: fx.people.admin.email, password: PASSWORD }, { tokenFrom: '/sign-in' });
    expect(elsewhere.statusCode).toBe(303);
  });
});

describe.concurrent('the per-address limit cannot be raced', () => {
  it('20 wrong guesses for 20 accounts sent at once from one address: 10 are checked, 10 refused', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const ready = await readyToSignIn(fx.app, 20, () => '198.51.100.99');
    const responses = await Promise.all(ready.map(({ agent, token }, index) => agent.post('/sign-in', { email: `sprayed${index}@alder.test`, password: 'Summer2026!' }, { csrf: token })));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });
});

describe.concurrent('the limits lapse with time (time passed in, not waited for)', () => {
  it('the address limit lapses after a minute, the account lock after 15 minutes', async ({ expect, onTestFinished }) => {
    const fx = await network(onTestFinished);
    const start = Date.parse('2026-03-02T08:00:00.000Z');
    const attempt = (email: string, password: string, address: string, atMs: number) =>
      signInService(fx.app.db, { email, password, address, addressLimit: 10 }, atMs);

    for (let index = 0; index < 10; index += 1) {
      expect((await attempt(`nobody${index}@nowhere.test`, 'wrong', '198.51.100.1', start)).ok).toBe(false);
    }
    expect(await attempt(fx.people.memberA1.email, PASSWORD, '198.51.100.1', start + 59_000)).toEqual({ ok: false, reason: 'address-limited' });
    expect((await attempt(fx.people.memberA1.email, PASSWORD, '198.51.100.1', start + 61_000)).ok).toBe(true);

    for (let index = 0; index < 5; index += 1) {
      await attempt(fx.people.memberB1.email, 'wrong', `198.51.100.${10 + index}`, start);
    }
    expect(await attempt(fx.people.memberB1.email, PASSWORD, '198.51.100.20', start + ACCOUNT_THROTTLE.windowMs - 1000)).toEqual({ ok: false, reason: 'throttled' });
    expect((await attempt(fx.people.memberB1.email, PASSWORD, '198.51.100.20', start + ACCOUNT_THROTTLE.windowMs + 1000)).ok).toBe(true);
  });
});
