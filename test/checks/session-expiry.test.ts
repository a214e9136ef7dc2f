/**
 * A session that ends mid-survey keeps the answers: the page sent after it ended is kept, the person
 * signs in again and lands back on that page with what they typed, marked not saved yet, and saving
 * it from there works. Only a form sent from ICMap's own pages is kept: another site cannot plant
 * answers for someone to find after signing in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSessionsOfPerson } from '../../server/repositories/sessions.js';
import { anonymous, signIn } from '../support/http.js';
import { fieldOf, filled, postFormIn } from '../support/html-forms.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';
import { assessmentOf, mainOf, openCheck, personas, selfUrl, textOf } from './helpers.js';

let f: NetworkFixture;

beforeAll(async () => {
  f = await buildNetworkFixture();
});

afterAll(async () => {
  await f.app.close();
});

const NOTE = 'We started "five whys" with students & families.';

describe('a session that ended mid-survey', () => {
  it('keeps the page sent after it ended: sign in again, land back on it with the answers, save', async () => {
    const checkId = await openCheck(f, await personas(f, 8)('admin'));
    const url = selfUrl(checkId, f.groups.teamA1.id);
    const member = await signIn(f.app, f.people.memberA1.email, PASSWORD, { remoteAddress: '10.8.1.1' });
    const form = postFormIn((await member.get(`${url}?page=2`)).body, url, url);

    // The session ends (12 hours idle, or signed out in another tab) while the page is open.
    await deleteSessionsOfPerson(f.app.db, f.people.memberA1.id);
    const typed = filled(form, { 'level_2.1': '2', 'level_2.2': 'not-sure', 'evidence_2.1': NOTE }, ['go', 'next']);
    const refused = await member.submit(url, typed, { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' });
    expect(refused.statusCode).toBe(303);
    const resume = `${url}?resume=1`;
    expect(refused.headers.location).toBe(`/sign-in?next=${encodeURIComponent(resume)}`);
    expect(await assessmentOf(f, checkId, f.groups.teamA1.id, f.people.memberA1.id)).toBeUndefined();

    const signInPage = await member.get(String(refused.headers.location));
    expect(textOf(mainOf(signInPage.body))).toContain('You were signed out before your answers were saved. They are kept');
    const signInForm = postFormIn(signInPage.body, '/sign-in', '/sign-in');
    expect(fieldOf(signInForm, 'next')).toBe(resume);
    const signedIn = await member.submit('/sign-in', filled(signInForm, { email: f.people.memberA1.email, password: PASSWORD }));
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe(resume);

    const back = await member.get(resume);
    expect(back.statusCode).toBe(200);
    expect(textOf(mainOf(back.body))).toContain('You were signed out before these answers were saved. They are back on this page but not saved yet');
    const backForm = postFormIn(back.body, url, url);
    expect(fieldOf(backForm, 'page')).toBe('2');
    expect(fieldOf(backForm, 'level_2.1')).toBe('2');
    expect(fieldOf(backForm, 'level_2.2')).toBe('not-sure');
    expect(fieldOf(backForm, 'evidence_2.1')).toBe(NOTE);
    // Handed back once: a reload shows the saved answers (none yet), not the kept ones again.
    expect(fieldOf(postFormIn((await member.get(resume)).body, url, url), 'level_2.1')).toBeUndefined();

    const saved = await member.submit(url, filled(backForm, {}, ['go', 'next']));
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?page=3`);
    const page2 = postFormIn((await member.get(`${url}?page=2`)).body, url, url);
    expect(fieldOf(page2, 'level_2.1')).toBe('2');
    expect(fieldOf(page2, 'evidence_2.1')).toBe(NOTE);
  });

  it('keeps nothing sent from another site, or by autosave: the expired-form page, and no answers after sign-in', async () => {
    const checkId = await openCheck(f, await personas(f, 9)('admin'));
    const url = selfUrl(checkId, f.groups.teamA1.id);
    const member = await signIn(f.app, f.people.memberA1.email, PASSWORD, { remoteAddress: '10.8.1.2' });
    const form = postFormIn((await member.get(`${url}?page=1`)).body, url, url);
    await deleteSessionsOfPerson(f.app.db, f.people.memberA1.id);

    const planted = filled(form, { 'level_1.1': '1', 'evidence_1.1': 'Planted by another site.' }, ['go', 'save']);
    const crossSite = await member.submit(url, planted, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.body).toContain('This form has expired');
    const autosave = await member.submit(url, planted, { 'sec-fetch-site': 'same-origin', accept: 'application/json' });
    expect(autosave.statusCode).toBe(403);

    // The same browser signs in again: nothing was kept for it.
    expect(textOf((await member.get('/sign-in')).body)).not.toContain('They are kept');
    expect((await member.post('/sign-in', { email: f.people.memberA1.email, password: PASSWORD }, { tokenFrom: '/sign-in' })).statusCode).toBe(303);
    const page = await member.get(`${url}?resume=1`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Planted by another site.');
    expect(page.body).not.toContain('not saved yet');
    expect((await anonymous(f.app).get(`${url}?resume=1`)).statusCode).toBe(303);
  });
});
