/**
 * Team consensus over HTTP: who sees the spread of placements, when and with which names (asserted on
 * the HTML of the consensus page and of meeting mode), who may reveal, and recording the agreed level
 * without ever overwriting a colleague's save.
 *
 * The privacy rules under test (README, "Progress checks and consensus", Privacy; server/services/consensus.ts `consensusAccess`):
 * - before the facilitator reveals, nobody sees placements, not even the facilitator;
 * - after the reveal, members see the spread, anonymous unless the group chose named view for this
 *   check (only before anyone submitted);
 * - leaders of the group's place (school, district, hub, admins) see it only once the check has
 *   closed, only from minGroupSize submissions, and never with names;
 * - people outside the group's place get 404; evidence notes never leave their author's own pages.
 */
import type { Agent } from '../support/http.js';
import { signIn } from '../support/http.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson } from '../../server/repositories/people.js';
import { addMembership } from '../../server/services/organisation.js';
import { buildNetworkFixture, PASSWORD, sharedPasswordHash, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import {
  ALL_CODES,
  answerAll,
  answerAndSubmit,
  checkTables,
  consensusUrl,
  consensusVersionIn,
  escapeHtml,
  everything,
  mainOf,
  openCheck,
  personas,
  seedSubmitted,
  selfUrl,
  textOf,
  type Level,
  type Response,
} from './helpers.js';

const NAMES = { facilitatorA1: 'Fay Fisher', memberA1: 'Milo Moss', newcomerA1: 'Nell North' } as const;
const EVIDENCE = { facilitatorA1: 'FAY-EVIDENCE-SECRET', memberA1: 'MILO-EVIDENCE-SECRET', newcomerA1: 'NELL-EVIDENCE-SECRET' } as const;
/** Placements far apart, so a leaked spread would show: Fay at Level 1, Milo at 3, Nell at 5 (median 3). */
const LEVEL = { facilitatorA1: 1, memberA1: 3, newcomerA1: 5 } as const;

const leaders = ['schoolLeaderA1', 'districtLeaderA', 'hubMember', 'admin'] as const;
const members = ['facilitatorA1', 'memberA1'] as const;
type Submitter = keyof typeof NAMES;

const hasSpread = (html: string): boolean => html.includes('<svg') || html.includes('strip__dot');
const NOT_REVEALED = 'The facilitator has not revealed the placements yet';

/** The next-step draft the form offers for a level: "To reach Level N:" and the behaviours of Level N. */
function behavioursOf(f: NetworkFixture, code: string, level: number): string {
  const outcome = f.app.maps.find('txnsi')?.roles.find((role) => role.key === 'improvement-team')?.outcomes.find((candidate) => candidate.code === code);
  const behaviours = outcome?.levels.find((candidate) => candidate.level === level)?.behaviors ?? [];
  expect(behaviours.length).toBeGreaterThan(0);
  return behaviours.join(' ');
}

/** The text of the next-step textarea of one outcome's consensus form. */
function nextStepIn(html: string, code: string): string | undefined {
  const match = new RegExp(`<textarea id="next-${code.replace('.', '\\.')}"[^>]*>([^<]*)</textarea>`).exec(html);
  return match?.[1];
}

/** A world of one fixture: personas, and a check prepared to a given state. */
function world(f: () => NetworkFixture, as: () => (name: PersonaName) => Promise<Agent>) {
  async function submit(checkId: number, who: Submitter): Promise<void> {
    const fx = f();
    if (who === 'newcomerA1') {
      await seedSubmitted(fx, checkId, fx.groups.teamA1.id, fx.newcomerA1.id, () => LEVEL.newcomerA1, EVIDENCE.newcomerA1);
      return;
    }
    await answerAndSubmit(await as()(who), selfUrl(checkId, fx.groups.teamA1.id), () => LEVEL[who], () => EVIDENCE[who]);
  }

  /**
   * A fresh network check for the improvement teams with these submissions, revealed or not; named view
   * is chosen before anyone submits, and the check closed at the end when asked.
   */
  async function prepare(submitters: readonly Submitter[], options: { reveal: boolean; named?: boolean; close?: boolean }): Promise<number> {
    const fx = f();
    const id = await openCheck(fx, await as()('admin'));
    if (options.named === true) await setNamed(id, true);
    for (const who of submitters) await submit(id, who);
    if (options.reveal) {
      const reveal = await (await as()('facilitatorA1')).post(`${consensusUrl(id, fx.groups.teamA1.id)}/reveal`, { confirm: 'on' });
      expect(reveal.statusCode).toBe(303);
    }
    if (options.close === true) expect((await (await as()('admin')).post(`/checks/${id}/close`, { confirm: 'yes' })).statusCode).toBe(303);
    return id;
  }

  async function setNamed(checkId: number, on: boolean): Promise<void> {
    const response = await (await as()('facilitatorA1')).post(`${consensusUrl(checkId, f().groups.teamA1.id)}/named-view`, on ? { shows_names: 'on', confirm: 'on' } : {});
    expect(response.statusCode).toBe(303);
  }

  /** The consensus page and meeting mode (first outcome and 3.2) as a persona sees them. */
  async function pages(checkId: number, persona: PersonaName): Promise<Response[]> {
    const agent = await as()(persona);
    const base = consensusUrl(checkId, f().groups.teamA1.id);
    return Promise.all([agent.get(base), agent.get(`${base}/meeting`), agent.get(`${base}/meeting?outcome=3.2`)]);
  }

  return { prepare, setNamed, pages, submit };
}

function expectNoEvidence(html: string): void {
  for (const note of Object.values(EVIDENCE)) expect(html).not.toContain(note);
}

function expectNoNames(html: string): void {
  const main = mainOf(html);
  for (const name of Object.values(NAMES)) expect(main).not.toContain(name);
  expect(main).not.toContain('strip__names');
}

describe('privacy of placements (minGroupSize 3, the default)', () => {
  let f: NetworkFixture;
  let as: (name: PersonaName) => Promise<Agent>;
  const w = world(
    () => f,
    () => as,
  );

  beforeAll(async () => {
    f = await buildNetworkFixture();
    expect(f.app.config.minGroupSize).toBe(3);
    as = personas(f, 3);
  });

  afterAll(async () => {
    await f.app.close();
  });

  it.each([...members, ...leaders])('before the reveal, %s sees no placements (no strip, the "has not revealed" notice), even with 3 submitted', async (persona) => {
    const id = await w.prepare(['facilitatorA1', 'memberA1', 'newcomerA1'], { reveal: false });
    for (const page of await w.pages(id, persona)) {
      expect(page.statusCode).toBe(200);
      expect(hasSpread(page.body)).toBe(false);
      expect(page.body).not.toContain('median Level');
      expect(page.body).not.toContain('Discuss these first');
      expect(page.body).toContain(NOT_REVEALED);
      expectNoEvidence(page.body);
      expectNoNames(page.body);
    }
  });

  it("before the reveal, no route shows a member's placements to a teammate", async () => {
    const id = await w.prepare(['facilitatorA1', 'newcomerA1'], { reveal: false });
    const member = await as('memberA1');
    const group = f.groups.teamA1.id;
    const routes = [
      '/',
      '/checks',
      `/checks/${id}`,
      `/groups/${group}`,
      `/people/${f.people.facilitatorA1.id}`,
      `/people/${f.people.memberA1.id}`,
      selfUrl(id, group),
      `${selfUrl(id, group)}?page=1`,
      `${selfUrl(id, group)}/review`,
      consensusUrl(id, group),
      ...ALL_CODES.map((code) => `${consensusUrl(id, group)}/meeting?outcome=${code}`),
    ];
    for (const route of routes) {
      const response = await member.get(route);
      expect([200, 404], route).toContain(response.statusCode);
      expectNoEvidence(response.body);
      expect(hasSpread(response.body), route).toBe(false);
      expect(response.body, route).not.toContain('median Level');
    }
    // The survey of the team is the member's own: nothing of Fay's answers is checked there.
    expect((await member.get(`${selfUrl(id, group)}?page=1`)).body).not.toMatch(/name="level_1\.1" value="\d" checked/);
    // No next step is drafted before a level is agreed: nothing hints at the hidden median.
    const facilitatorPage = await (await as('facilitatorA1')).get(consensusUrl(id, group));
    expect(nextStepIn(facilitatorPage.body, '1.1')).toBe('');
  });

  it('memberB1 (another district) gets 404 on every consensus page and action', async () => {
    const id = await w.prepare(['facilitatorA1', 'memberA1', 'newcomerA1'], { reveal: true });
    const outsider = await as('memberB1');
    for (const page of await w.pages(id, 'memberB1')) {
      expect(page.statusCode).toBe(404);
      expectNoEvidence(page.body);
      expectNoNames(page.body);
    }
    const base = consensusUrl(id, f.groups.teamA1.id);
    const before = await everything(f);
    expect((await outsider.post(`${base}/reveal`)).statusCode).toBe(404);
    expect((await outsider.post(`${base}/named-view`, { shows_names: 'on' })).statusCode).toBe(404);
    expect((await outsider.post(`${base}/1.1`, { level: '2', version: '0' })).statusCode).toBe(404);
    expect(await everything(f)).toEqual(before);
  });

  it('only a facilitator reveals: members and leaders → 403, nothing written; the facilitator → 303, once', async () => {
    const id = await w.prepare(['facilitatorA1', 'memberA1'], { reveal: false });
    const base = consensusUrl(id, f.groups.teamA1.id);
    const before = await everything(f);
    for (const persona of ['memberA1', ...leaders] as const) {
      const agent = await as(persona);
      expect((await agent.get(base)).body, persona).not.toContain(`action="${base}/reveal"`);
      const response = await agent.post(`${base}/reveal`, { confirm: 'on' });
      expect(response.statusCode, persona).toBe(403);
      expect(textOf(response.body)).toContain("Only the group's facilitators can do this.");
    }
    expect(await everything(f)).toEqual(before);

    const facilitator = await as('facilitatorA1');
    expect((await facilitator.get(base)).body).toContain(`action="${base}/reveal"`);
    const reveal = await facilitator.post(`${base}/reveal`, { confirm: 'on' });
    expect(reveal.statusCode).toBe(303);
    expect(reveal.headers.location).toBe(base);
    const row = await f.app.db.selectFrom('check_groups').selectAll().where('check_id', '=', id).where('group_id', '=', f.groups.teamA1.id).executeTakeFirstOrThrow();
    expect(row.revealed_at).toEqual(expect.any(String));
    expect(row.revealed_by).toBe(f.people.facilitatorA1.id);
    // Revealing a second time changes nothing; the button is gone.
    expect((await facilitator.post(`${base}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
    const again = await f.app.db.selectFrom('check_groups').selectAll().where('check_id', '=', id).where('group_id', '=', f.groups.teamA1.id).executeTakeFirstOrThrow();
    expect(again.revealed_at).toBe(row.revealed_at);
    expect((await facilitator.get(base)).body).not.toContain(`action="${base}/reveal"`);
    // Only this group of this check is revealed.
    const others = await f.app.db.selectFrom('check_groups').select('group_id').where('revealed_at', 'is not', null).where('check_id', '=', id).execute();
    expect(others).toEqual([{ group_id: f.groups.teamA1.id }]);
    // A reveal is for one check: the same team in another check stays hidden.
    const next = await w.prepare(['facilitatorA1', 'memberA1', 'newcomerA1'], { reveal: false });
    const hidden = await facilitator.get(consensusUrl(next, f.groups.teamA1.id));
    expect(hasSpread(hidden.body)).toBe(false);
    expect(hidden.body).toContain(NOT_REVEALED);
  });

  it('only a facilitator switches named view: members and leaders → 403, nothing written', async () => {
    const id = await w.prepare([], { reveal: false });
    const base = consensusUrl(id, f.groups.teamA1.id);
    const before = await everything(f);
    for (const persona of ['memberA1', ...leaders] as const) {
      expect((await (await as(persona)).post(`${base}/named-view`, { shows_names: 'on', confirm: 'on' })).statusCode, persona).toBe(403);
      expect((await (await as(persona)).get(`${base}/named-view`)).statusCode, persona).toBe(403);
    }
    expect(await everything(f)).toEqual(before);
  });

  describe('after the reveal, below the threshold (2 of 3 submitted)', () => {
    let id: number;
    beforeAll(async () => {
      id = await w.prepare(['facilitatorA1', 'memberA1'], { reveal: true });
    });

    it.each(members)('%s sees the anonymous spread of the 2 submissions', async (persona) => {
      await w.setNamed(id, false);
      for (const page of await w.pages(id, persona)) {
        expect(page.statusCode).toBe(200);
        expect(hasSpread(page.body)).toBe(true);
        expect(textOf(page.body)).toContain('2 placed · median Level 2 · range 1–3');
        expect(page.body).not.toContain(NOT_REVEALED);
        expect(page.body).not.toContain('only from 3 submissions');
        expectNoNames(page.body);
        expectNoEvidence(page.body);
      }
    });

    it.each(leaders)('%s sees no spread: "once the check has closed, and only from 3 submissions; this group has 2"', async (persona) => {
      await w.setNamed(id, false);
      for (const page of await w.pages(id, persona)) {
        expect(page.statusCode).toBe(200);
        expect(hasSpread(page.body)).toBe(false);
        expect(page.body).not.toContain('median Level');
        expect(page.body).toContain('Placements of individuals are shown outside the group once the check has closed, and only from 3 submissions; this group has 2 and the check is still open.');
        expectNoNames(page.body);
        expectNoEvidence(page.body);
      }
    });

    it('with named view chosen for the check, members see the names; leaders still see nothing, even once closed', async () => {
      const named = await w.prepare(['facilitatorA1', 'memberA1'], { reveal: true, named: true });
      for (const persona of members) {
        for (const page of await w.pages(named, persona)) {
          const text = textOf(mainOf(page.body));
          expect(text).toContain(`L1: ${NAMES.facilitatorA1}`);
          expect(text).toContain(`L3: ${NAMES.memberA1}`);
          expect(text).not.toContain(NAMES.newcomerA1);
          expect(text.toLowerCase()).toContain('names are visible to your group in this check');
          expectNoEvidence(page.body);
        }
      }
      expect((await (await as('admin')).post(`/checks/${named}/close`, { confirm: 'yes' })).statusCode).toBe(303);
      for (const persona of leaders) {
        for (const page of await w.pages(named, persona)) {
          expect(hasSpread(page.body)).toBe(false);
          expectNoNames(page.body);
          expect(textOf(page.body).toLowerCase()).not.toContain('names are visible');
        }
      }
    });
  });

  describe('after the reveal, at the threshold (3 of 3 submitted)', () => {
    let id: number;
    /** The same submissions in a check that chose named view and has closed. */
    let closedNamed: number;
    beforeAll(async () => {
      id = await w.prepare(['facilitatorA1', 'memberA1', 'newcomerA1'], { reveal: true });
      closedNamed = await w.prepare(['facilitatorA1', 'memberA1', 'newcomerA1'], { reveal: true, named: true, close: true });
    });

    it.each(members)('%s sees the anonymous spread of the 3 submissions', async (persona) => {
      for (const page of await w.pages(id, persona)) {
        expect(page.statusCode).toBe(200);
        expect(hasSpread(page.body)).toBe(true);
        expect(textOf(page.body)).toContain('3 placed · median Level 3 · range 1–5');
        expect(page.body).not.toContain('only from 3 submissions');
        expectNoNames(page.body);
        expectNoEvidence(page.body);
      }
    });

    it.each(leaders)('%s sees no spread while the check is open, even with 3 submitted', async (persona) => {
      for (const page of await w.pages(id, persona)) {
        expect(page.statusCode).toBe(200);
        expect(hasSpread(page.body)).toBe(false);
        expect(textOf(page.body)).toContain('once the check has closed, and only from 3 submissions; this group has 3 and the check is still open.');
        expectNoNames(page.body);
      }
    });

    it.each(leaders)('%s sees the anonymous spread once the check has closed, never names, even in named view', async (persona) => {
      for (const page of await w.pages(closedNamed, persona)) {
        expect(hasSpread(page.body)).toBe(true);
        expect(textOf(page.body)).toContain('3 placed · median Level 3 · range 1–5');
        expectNoNames(page.body);
        expectNoEvidence(page.body);
      }
    });

    it.each(members)('%s sees every name in the named check and none in the anonymous one', async (persona) => {
      for (const page of await w.pages(closedNamed, persona)) {
        const text = textOf(mainOf(page.body));
        expect(text).toContain(`L1: ${NAMES.facilitatorA1}`);
        expect(text).toContain(`L3: ${NAMES.memberA1}`);
        expect(text).toContain(`L5: ${NAMES.newcomerA1}`);
        expectNoEvidence(page.body);
      }
      for (const page of await w.pages(id, persona)) expectNoNames(page.body);
    });

    it('the spread shows where the team disagrees; no next step is drafted before a level is agreed', async () => {
      const page = await (await as('facilitatorA1')).get(consensusUrl(id, f.groups.teamA1.id));
      expect(textOf(page.body)).toContain('Discuss these first (15)');
      expect(textOf(page.body)).toContain('What separates Level 1 (Ideal) from Level 5 (Entry)');
      expect(nextStepIn(page.body, '1.1')).toBe('');
    });

    it('a draft that was never submitted is not in the spread', async () => {
      const draftId = await w.prepare(['facilitatorA1', 'newcomerA1'], { reveal: true });
      // Milo saves a draft at Level 4 everywhere but does not submit.
      await answerAll(await as('memberA1'), selfUrl(draftId, f.groups.teamA1.id), (): Level => 4);
      const page = await (await as('facilitatorA1')).get(consensusUrl(draftId, f.groups.teamA1.id));
      expect(textOf(page.body)).toContain('2 placed · median Level 3 · range 1–5');
      expect(page.body).toContain('Placements for 1.1: Level 1 (Ideal): 1, Level 2: 0, Level 3: 0, Level 4: 0, Level 5 (Entry): 1');
      // Leaders: 2 submitted, below the threshold, even once closed.
      expect((await (await as('admin')).post(`/checks/${draftId}/close`, { confirm: 'yes' })).statusCode).toBe(303);
      expect(hasSpread((await (await as('districtLeaderA')).get(consensusUrl(draftId, f.groups.teamA1.id))).body)).toBe(false);
    });
  });
});

describe('privacy with MIN_GROUP_SIZE=2', () => {
  let f: NetworkFixture;
  let as: (name: PersonaName) => Promise<Agent>;
  const w = world(
    () => f,
    () => as,
  );

  beforeAll(async () => {
    f = await buildNetworkFixture({ minGroupSize: 2 });
    as = personas(f, 4);
  });

  afterAll(async () => {
    await f.app.close();
  });

  it('leaders see the anonymous spread of a closed check from 2 submissions, not from 1', async () => {
    const one = await w.prepare(['facilitatorA1'], { reveal: true, close: true });
    const leader = await as('districtLeaderA');
    const hidden = await leader.get(consensusUrl(one, f.groups.teamA1.id));
    expect(hasSpread(hidden.body)).toBe(false);
    expect(hidden.body).toContain('only from 2 submissions; this group has 1.');

    const two = await w.prepare(['facilitatorA1', 'memberA1'], { reveal: true, named: true, close: true });
    for (const persona of ['districtLeaderA', 'admin'] as const) {
      for (const page of await w.pages(two, persona)) {
        expect(hasSpread(page.body)).toBe(true);
        expect(textOf(page.body)).toContain('2 placed');
        expectNoNames(page.body);
        expectNoEvidence(page.body);
      }
    }
  });
});

describe('recording the consensus', () => {
  let f: NetworkFixture;
  let as: (name: PersonaName) => Promise<Agent>;
  /** A second facilitator of team A1, to edit at the same time as Fay. */
  let cleo: Agent;
  const cleoName = 'Cleo Cole';

  beforeAll(async () => {
    f = await buildNetworkFixture();
    as = personas(f, 5);
    const id = await createPerson(f.app.db, { name: cleoName, email: 'cleo.cole@alder.test', passwordHash: await sharedPasswordHash() });
    await addMembership(f.app.db, f.people.admin.id, f.groups.teamA1.id, id, true);
    cleo = await signIn(f.app, 'cleo.cole@alder.test', PASSWORD, { remoteAddress: '10.5.1.1' });
  });

  afterAll(async () => {
    await f.app.close();
  });

  const records = (checkId: number) => f.app.db.selectFrom('consensus_records').selectAll().where('check_id', '=', checkId).execute();
  const revisions = (checkId: number) => f.app.db.selectFrom('consensus_revisions').selectAll().where('check_id', '=', checkId).orderBy('id').execute();

  it('a facilitator records an agreed level: 303, one record (version 1) and one revision', async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const facilitator = await as('facilitatorA1');
    const page = await facilitator.get(base);
    expect(consensusVersionIn(page.body, '1.1')).toBe(0);

    const response = await facilitator.post(`${base}/1.1`, { level: '3', rationale: 'We agree on 3.', dissent: 'Milo saw 2.', next_step: 'Try weekly huddles.', version: '0' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${base}#outcome-1.1`);
    expect(await records(id)).toEqual([
      expect.objectContaining({ group_id: f.groups.teamA1.id, outcome_code: '1.1', level: 3, rationale: 'We agree on 3.', dissent: 'Milo saw 2.', next_step: 'Try weekly huddles.', version: 1, updated_by: f.people.facilitatorA1.id }),
    ]);
    expect(await revisions(id)).toEqual([expect.objectContaining({ outcome_code: '1.1', version: 1, level: 3, recorded_by: f.people.facilitatorA1.id })]);

    // Members and leaders see the agreed level (not placements).
    const seen = await (await as('memberA1')).get(base);
    expect(textOf(seen.body)).toContain('Agreed: Level 3');
    expect(textOf(seen.body)).toContain('We agree on 3.');
    expect(seen.body).not.toContain(`action="${base}/1.1"`);

    // In meeting mode, saving moves on to the next outcome.
    const meeting = await facilitator.post(`${base}/1.2`, { level: '2', version: '0', meeting: '1' });
    expect(meeting.statusCode).toBe(303);
    expect(meeting.headers.location).toBe(`${base}/meeting?outcome=1.3`);
    // The last outcome stays where it is.
    const last = await facilitator.post(`${base}/5.3`, { level: '2', version: '0', meeting: '1' });
    expect(last.headers.location).toBe(`${base}/meeting?outcome=5.3`);
  });

  it.each(['memberA1', ...leaders] as const)('%s (not a facilitator) → 403, nothing written', async (persona) => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const agent = await as(persona);
    const before = await everything(f);
    const response = await agent.post(`${base}/1.1`, { level: '2', version: '0' });
    expect(response.statusCode).toBe(403);
    expect(await everything(f)).toEqual(before);
  });

  it("a save with a stale version → 409 showing the other's level and name; nothing overwritten; saving again with the fresh version succeeds", async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    // Both open the page at version 0.
    expect(consensusVersionIn((await fay.get(base)).body, '2.1')).toBe(0);
    expect(consensusVersionIn((await cleo.get(base)).body, '2.1')).toBe(0);

    expect((await fay.post(`${base}/2.1`, { level: '2', rationale: 'Fay: solid evidence.', version: '0' })).statusCode).toBe(303);
    const before = await checkTables(f);
    const conflict = await cleo.post(`${base}/2.1`, { level: '4', rationale: 'Cleo: not yet.', version: '0' });
    expect(conflict.statusCode).toBe(409);
    const text = textOf(conflict.body);
    expect(text).toContain('Someone else saved this outcome first');
    expect(text).toContain(`${NAMES.facilitatorA1} saved Level 2`);
    expect(text).toContain('Nothing was overwritten.');
    expect(text).toContain('Fay: solid evidence.');
    // Cleo's own text is kept in the form, with the version to save over Fay's on purpose.
    expect(conflict.body).toContain('Cleo: not yet.');
    expect(consensusVersionIn(conflict.body, '2.1')).toBe(1);
    expect(await checkTables(f)).toEqual(before);
    expect(await records(id)).toEqual([expect.objectContaining({ outcome_code: '2.1', level: 2, version: 1, updated_by: f.people.facilitatorA1.id })]);
    expect(await revisions(id)).toHaveLength(1);

    // A stale version that is not 0 is a conflict too.
    expect((await cleo.post(`${base}/2.1`, { level: '4', version: '7' })).statusCode).toBe(409);
    expect(await checkTables(f)).toEqual(before);

    const retry = await cleo.post(`${base}/2.1`, { level: '4', rationale: 'Cleo: not yet.', version: '1' });
    expect(retry.statusCode).toBe(303);
    expect(await records(id)).toEqual([expect.objectContaining({ outcome_code: '2.1', level: 4, version: 2, rationale: 'Cleo: not yet.' })]);
    const kept = await revisions(id);
    expect(kept.map((revision) => [revision.version, revision.level, revision.rationale])).toEqual([
      [1, 2, 'Fay: solid evidence.'],
      [2, 4, 'Cleo: not yet.'],
    ]);
    const page = await fay.get(base);
    expect(textOf(page.body)).toContain('2 revisions');
    expect(consensusVersionIn(page.body, '2.1')).toBe(2);
  });

  it('in meeting mode, a stale save answers 409 with the meeting page and the other facilitator\'s level', async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    expect((await cleo.post(`${base}/4.2`, { level: '5', version: '0', meeting: '1' })).statusCode).toBe(303);
    const before = await checkTables(f);
    const conflict = await fay.post(`${base}/4.2`, { level: '1', version: '0', meeting: '1' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain('class="meeting"');
    expect(textOf(conflict.body)).toContain(`${cleoName} saved Level 5 (Entry)`);
    expect(consensusVersionIn(conflict.body, '4.2')).toBe(1);
    expect(await checkTables(f)).toEqual(before);
  });

  it('two facilitators saving the first record at the same moment: one wins, the other gets 409', async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    const [fayToken, cleoToken] = [await fay.csrfToken(), await cleo.csrfToken()];
    const responses = await Promise.all([
      fay.post(`${base}/3.1`, { level: '2', version: '0' }, { csrf: fayToken }),
      cleo.post(`${base}/3.1`, { level: '5', version: '0' }, { csrf: cleoToken }),
    ]);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([303, 409]);
    expect(await records(id)).toHaveLength(1);
    expect(await revisions(id)).toHaveLength(1);
  });

  it('ten saves of one outcome at the same moment (tabs, people): exactly one wins, nine get 409, one revision more', async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    const token = await fay.csrfToken();
    expect((await fay.post(`${base}/2.3`, { level: '4', version: '0' }, { csrf: token })).statusCode).toBe(303);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) => fay.post(`${base}/2.3`, { level: String((index % 5) + 1), version: '1' }, { csrf: token })),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 303)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
    expect(await records(id)).toHaveLength(1);
    expect(await revisions(id)).toHaveLength(2);
  });

  describe('bad input → nothing written', () => {
    let base: string;
    beforeAll(async () => {
      const id = await openCheck(f, await as('admin'));
      base = consensusUrl(id, f.groups.teamA1.id);
    });

    const cases: { label: string; form: Record<string, string>; status: number; message: string }[] = [
      { label: 'level 0', form: { level: '0', version: '0' }, status: 422, message: 'Choose the agreed level.' },
      { label: 'level 6', form: { level: '6', version: '0' }, status: 422, message: 'Choose the agreed level.' },
      { label: 'level missing', form: { version: '0' }, status: 422, message: 'Choose the agreed level.' },
      { label: 'level empty', form: { level: '', version: '0' }, status: 422, message: 'Choose the agreed level.' },
      { label: 'level "abc"', form: { level: 'abc', version: '0' }, status: 422, message: 'Choose the agreed level.' },
      { label: 'level 2.5', form: { level: '2.5', version: '0' }, status: 422, message: 'Choose the agreed level.' },
      { label: 'rationale over 2000 characters', form: { level: '2', rationale: 'r'.repeat(2001), version: '0' }, status: 422, message: 'The rationale is 2,001 characters; keep it to 2,000.' },
      { label: 'dissent over 2000 characters', form: { level: '2', dissent: 'd'.repeat(2001), version: '0' }, status: 422, message: 'The dissent is 2,001 characters; keep it to 2,000.' },
      { label: 'next step over 2000 characters', form: { level: '2', next_step: 'n'.repeat(2001), version: '0' }, status: 422, message: 'The next step is 2,001 characters; keep it to 2,000.' },
      { label: 'version missing', form: { level: '2' }, status: 422, message: 'The form is missing its version; reload the page.' },
      { label: 'version negative', form: { level: '2', version: '-1' }, status: 422, message: '' },
    ];

    it.each(cases)('$label → $status, nothing written', async ({ form, status }) => {
      const fay = await as('facilitatorA1');
      const before = await everything(f);
      const response = await fay.post(`${base}/1.3`, form);
      expect(response.statusCode).toBe(status);
      expect(await everything(f)).toEqual(before);
    });

    it.each(cases)('$label: the 422 page says what is wrong', async ({ form, message }) => {
      const response = await (await as('facilitatorA1')).post(`${base}/1.3`, form);
      expect(response.statusCode).toBe(422);
      // The message, shown as an error: by the field or in a summary at the top.
      expect(response.body).toMatch(/class="field__error"|class="error-summary"/);
      expect(textOf(response.body)).toContain(message);
    });

    it('an outcome code not in the map → 404', async () => {
      const fay = await as('facilitatorA1');
      const before = await everything(f);
      for (const code of ['9.9', '1.4', 'abc']) {
        expect((await fay.post(`${base}/${code}`, { level: '2', version: '0' })).statusCode, code).toBe(404);
      }
      expect(await everything(f)).toEqual(before);
    });
  });

  it('a closed check: consensus POSTs are refused (409, like the survey) and nothing is written; the page has no form', async () => {
    const admin = await as('admin');
    const id = await openCheck(f, admin);
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    expect((await fay.post(`${base}/1.1`, { level: '2', version: '0' })).statusCode).toBe(303);
    expect((await admin.post(`/checks/${id}/close`, { confirm: 'yes' })).statusCode).toBe(303);

    const before = await everything(f);
    const update = await fay.post(`${base}/1.1`, { level: '3', version: '1' });
    expect(update.statusCode).toBe(409);
    expect(textOf(update.body)).toContain('This progress check is not open');
    expect((await fay.post(`${base}/1.2`, { level: '3', version: '0' })).statusCode).toBe(409);
    expect(await everything(f)).toEqual(before);
    const page = await fay.get(base);
    expect(page.body).toContain('the check is not open: read-only');
    expect(page.body).not.toContain('class="form consensus-form"');
  });

  it('next-step drafts: none before a level; one per level for the page to put in; "To reach Level N:" and the behaviours of Level N', async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    const page = await fay.get(base);
    expect(nextStepIn(page.body, '2.2')).toBe('');
    const form = page.body.slice(page.body.indexOf(`<textarea id="next-2.2"`));
    for (const level of [2, 3, 4, 5]) {
      expect(form).toContain(`data-suggestion-${level}="${escapeHtml(`To reach Level ${level - 1}${level - 1 === 1 ? ' (Ideal)' : ''}: ${behavioursOf(f, '2.2', level - 1)}`)}"`);
    }
    expect(form).toContain(`data-suggestion-1="${escapeHtml(`To sustain Level 1 (Ideal): ${behavioursOf(f, '2.2', 1)}`)}"`);
  });

  it('without JavaScript, the saved next step follows the level saved: empty or an untouched draft of another level is drafted afresh; typed text is kept', async () => {
    const id = await openCheck(f, await as('admin'));
    const base = consensusUrl(id, f.groups.teamA1.id);
    const fay = await as('facilitatorA1');
    const nextStepOf = async (code: string) =>
      (await f.app.db.selectFrom('consensus_records').select('next_step').where('check_id', '=', id).where('outcome_code', '=', code).executeTakeFirstOrThrow()).next_step;
    const draft = (level: number) => (level === 1 ? `To sustain Level 1 (Ideal): ${behavioursOf(f, '3.1', 1)}` : `To reach Level ${level - 1}${level === 2 ? ' (Ideal)' : ''}: ${behavioursOf(f, '3.1', level - 1)}`);

    // An agreed Level 1 with the Level 3 draft still in the box (the old bug) saves the Level 1 draft.
    expect((await fay.post(`${base}/3.1`, { level: '1', next_step: draft(3), version: '0' })).statusCode).toBe(303);
    expect(await nextStepOf('3.1')).toBe(draft(1));
    // Empty: drafted from the level saved.
    expect((await fay.post(`${base}/3.1`, { level: '4', next_step: '', version: '1' })).statusCode).toBe(303);
    expect(await nextStepOf('3.1')).toBe(draft(4));
    // Typed text is the team's own and stays.
    expect((await fay.post(`${base}/3.1`, { level: '2', next_step: 'Ask two families to join our next huddle.', version: '2' })).statusCode).toBe(303);
    expect(await nextStepOf('3.1')).toBe('Ask two families to join our next huddle.');
    // The page shows what was saved in the box.
    expect(nextStepIn((await fay.get(base)).body, '3.1')).toBe('Ask two families to join our next huddle.');
  });
});
