import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(async () => {
  await app.close();
});

const countOf = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;

describe('home page', () => {
  it('says what ICMap is and links to every role of the map', async () => {
    const response = await app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('Innovation Configuration (IC) maps');
    expect(response.body).toContain('5 roles × 15 desired outcomes × 5 levels');
    for (const role of ['improvement-team', 'improvement-facilitator', 'school-leader', 'district-leader', 'hub-team']) {
      expect(response.body).toContain(`href="/maps/txnsi/roles/${role}"`);
    }
  });
});

describe('map pages', () => {
  it('lists the maps', async () => {
    const response = await app.inject('/maps');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('href="/maps/txnsi"');
  });

  it('shows a map with its roles, principles and 15 outcomes', async () => {
    const response = await app.inject('/maps/txnsi');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Four to seven individuals closest to the improvement work.');
    expect(response.body).toContain('5. Measure progress and scale');
    expect(countOf(response.body, /href="\/maps\/txnsi\/outcomes\/\d\.\d"/g)).toBe(15);
  });

  it('shows a role\'s map as a rubric: 5 principles, 15 outcomes, 5 levels each', async () => {
    const response = await app.inject('/maps/txnsi/roles/school-leader');
    expect(response.statusCode).toBe(200);
    expect(countOf(response.body, /class="principle-section"/g)).toBe(5);
    expect(countOf(response.body, /<tbody class="rubric__item"/g)).toBe(15);
    expect(countOf(response.body, /<th scope="col"[^>]*>Level 1 \(Ideal\)<\/th>/g)).toBe(5);
    expect(countOf(response.body, /<td headers=/g)).toBe(75);
    expect(response.body).toContain('School-level leader responsible for supporting and engaging in the project');
  });

  it('escapes map text rather than trusting it as HTML', async () => {
    const response = await app.inject('/maps/txnsi/roles/school-leader');
    expect(response.body).not.toMatch(/<(script|u|i)>/);
  });

  it('shows one outcome across all five roles, each with its own title', async () => {
    const response = await app.inject('/maps/txnsi/outcomes/2.1');
    expect(response.statusCode).toBe(200);
    expect(countOf(response.body, /<tbody class="rubric__item"/g)).toBe(5);
    expect(response.body).toContain('Improvement team: 2.1 Establish an aim statement');
    expect(response.body).toContain('Hub team: 2.1 Establish aim statement');
  });

  it('shows what changes between adjacent levels, with changed words marked', async () => {
    const response = await app.inject('/maps/txnsi/roles/improvement-team/outcomes/1.2');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('From Level 3 to Level 2');
    expect(countOf(response.body, /<section class="change"/g)).toBe(4);
    expect(response.body).toContain('<del>two</del>');
    expect(response.body).toContain('<ins>three</ins>');
    expect(response.body).toContain('<ins>four or more</ins>');
    expect(response.body).toContain('rel="next" href="/maps/txnsi/roles/improvement-team/outcomes/1.3"');
  });

  it('says plainly where the source gives no description (hub team 5.2, level 5)', async () => {
    const response = await app.inject('/maps/txnsi/roles/hub-team/outcomes/5.2');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('The source gives no description for this level.');
  });
});

describe('not found', () => {
  it.each([
    ['/maps/nothing', 'There is no IC map called &quot;nothing&quot;.', 'href="/"'],
    ['/maps/txnsi/roles/nobody', 'has no role called &quot;nobody&quot;', 'href="/maps/txnsi"'],
    ['/maps/txnsi/roles/hub-team/outcomes/9.9', 'The Hub team map has no outcome &quot;9.9&quot;.', 'href="/maps/txnsi/roles/hub-team"'],
    ['/maps/txnsi/outcomes/1.9', 'has no outcome &quot;1.9&quot;', 'href="/maps/txnsi"'],
    ['/no/such/page', 'There is no page at /no/such/page.', 'href="/"'],
  ])('%s answers 404, says what was not found and links back', async (url, message, backLink) => {
    const response = await app.inject(url);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain(message);
    expect(response.body).toContain(backLink);
  });

  it('answers JSON under /api', async () => {
    const response = await app.inject('/api/nothing');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'Not Found', message: 'There is no page at /api/nothing.' });
  });
});
