/**
 * The consensus meeting over HTTP: named view as a choice per check (never retroactive), revealing
 * with members missing, "discuss first" as a triage that meeting mode can follow, the spread's caption
 * and the viewer's own dot, team-report columns that carry no identity and reach leaders only once a
 * check has closed, and one-person groups, whose record is an individual self-assessment.
 */
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsensus } from '../../server/services/consensus.js';
import type { Agent } from '../support/http.js';
import { buildNetworkFixture, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import { consensusUrl, everything, mainOf, openCheck, personas, seedSubmitted, selfUrl, textOf } from './helpers.js';

const NAMES = { fay: 'Fay Fisher', milo: 'Milo Moss', nell: 'Nell North' } as const;

/**
 * Levels chosen so the outcomes are apart by different amounts: 1.3 (1, 1, 5: range 4, the widest
 * spread), 2.2 (1, 3, 5: range 4), 3.3 (1, 4, 4: range 3), 4.1 (2, 3, 4: range 2); everything else 3.
 * On 5.1 two placed Level 2 and Nell is not sure.
 */
const LEVELS: Record<'fay' | 'milo' | 'nell', Record<string, number | null>> = {
  fay: { '1.3': 1, '2.2': 1, '3.3': 1, '4.1': 2, '5.1': 2 },
  milo: { '1.3': 1, '2.2': 3, '3.3': 4, '4.1': 3, '5.1': 2 },
  nell: { '1.3': 5, '2.2': 5, '3.3': 4, '4.1': 4, '5.1': null },
};
const levelOf = (who: keyof typeof LEVELS) => (code: string) => (code in LEVELS[who] ? (LEVELS[who][code] ?? null) : 3);

/** A team report's CSV as objects (titles hold commas, so it is parsed, not split). */
const csvRows = (csv: string) => Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;

const leaders = ['schoolLeaderA1', 'districtLeaderA', 'hubMember', 'admin'] as const;

describe('the consensus meeting', () => {
  let f: NetworkFixture;
  let as: (name: PersonaName) => Promise<Agent>;

  beforeAll(async () => {
    f = await buildNetworkFixture();
    as = personas(f, 7);
  });
  afterAll(async () => {
    await f.app.close();
  });

  const team = () => f.groups.teamA1.id;
  /** Submits in the order Nell, Milo, Fay: the reverse of the order of their columns by placements. */
  async function submitAll(checkId: number, who: readonly ('fay' | 'milo' | 'nell')[] = ['nell', 'milo', 'fay']): Promise<void> {
    const ids = { fay: f.people.facilitatorA1.id, milo: f.people.memberA1.id, nell: f.newcomerA1.id };
    for (const person of who) await seedSubmitted(f, checkId, team(), ids[person], levelOf(person));
  }
  async function reveal(checkId: number): Promise<void> {
    expect((await (await as('facilitatorA1')).post(`${consensusUrl(checkId, team())}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
  }
  async function close(checkId: number): Promise<void> {
    expect((await (await as('admin')).post(`/checks/${checkId}/close`, { confirm: 'yes' })).statusCode).toBe(303);
  }
  async function namesOn(checkId: number) {
    return (await as('facilitatorA1')).post(`${consensusUrl(checkId, team())}/named-view`, { shows_names: 'on', confirm: 'on' });
  }
  const reportCsv = async (persona: PersonaName, checkId: number) => (await (await as(persona)).get(`/checks/${checkId}/groups/${team()}/report?format=csv`)).body;
  /** The distinct member columns of a team report's CSV. */
  const csvColumns = (csv: string) => [...new Set(csvRows(csv).map((row) => row.column).filter((column) => column !== undefined && column !== 'Consensus'))];

  describe('named view is chosen per check, knowingly, and never reaches answers given anonymously', () => {
    let first: number;
    let second: number;
    beforeAll(async () => {
      // Check 1: anonymous, answered, agreed and closed.
      first = await openCheck(f, await as('admin'));
      await submitAll(first);
      await reveal(first);
      await close(first);
      // Check 2: the group chooses names before anyone answers.
      second = await openCheck(f, await as('admin'));
    });

    it('switching names on needs the confirmation box: without it 422, the page says why, nothing written', async () => {
      const fay = await as('facilitatorA1');
      const page = await fay.get(`${consensusUrl(second, team())}/named-view`);
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain('in this check only');
      const before = await everything(f);
      const refused = await fay.post(`${consensusUrl(second, team())}/named-view`, { shows_names: 'on' });
      expect(refused.statusCode).toBe(422);
      expect(textOf(refused.body)).toContain('Tick the box to confirm that the group agreed to show names in this check.');
      expect(await everything(f)).toEqual(before);
    });

    it('names switched on in check 2 leave check 1 (closed) lettered, on its pages and in its CSV', async () => {
      const on = await namesOn(second);
      expect(on.statusCode).toBe(303);
      const row = await f.app.db.selectFrom('check_groups').selectAll().where('group_id', '=', team()).orderBy('check_id').execute();
      expect(row.map((part) => [part.check_id, part.shows_names])).toEqual(expect.arrayContaining([[first, 0], [second, 1]]));
      const audit = await f.app.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ action: 'consensus.named-view-on', actor_id: f.people.facilitatorA1.id, subject: `group:${team()}` });

      await submitAll(second);
      await reveal(second);
      for (const persona of ['facilitatorA1', 'memberA1'] as const) {
        const agent = await as(persona);
        // Check 1: letters only.
        const old = textOf(mainOf((await agent.get(consensusUrl(first, team()))).body));
        for (const name of Object.values(NAMES)) expect(old).not.toContain(name);
        expect(old.toLowerCase()).not.toContain('names are visible');
        const oldReport = await agent.get(`/checks/${first}/groups/${team()}/report`);
        for (const name of Object.values(NAMES)) expect(mainOf(oldReport.body)).not.toContain(name);
        expect(csvColumns(await reportCsv(persona, first))).toEqual(['A', 'B', 'C']);
        // Check 2: names, and the notice.
        const named = textOf(mainOf((await agent.get(consensusUrl(second, team()))).body));
        expect(named).toContain(`L1: ${NAMES.fay}`);
        expect(named).toContain('Names are visible to your group in this check.');
        expect(csvColumns(await reportCsv(persona, second)).sort()).toEqual([NAMES.fay, NAMES.milo, NAMES.nell].sort());
      }
      // Members are told on their survey, in check 2 only.
      const milo = await as('memberA1');
      expect(textOf((await milo.get(`${selfUrl(second, team())}/review`)).body)).toContain('Names are visible to your group in this check.');
      expect(textOf((await milo.get(`${selfUrl(first, team())}/review`)).body)).not.toContain('Names are visible');
      // Leaders outside the group: letters, once check 2 has closed too.
      await close(second);
      for (const persona of leaders) {
        const csv = await reportCsv(persona, second);
        expect(csvColumns(csv), persona).toEqual(['A', 'B', 'C']);
        for (const name of Object.values(NAMES)) expect(csv).not.toContain(name);
      }
    });

    it('names cannot be switched on once someone has submitted (their answer was given anonymously), nor in a closed check: 409, nothing written', async () => {
      const third = await openCheck(f, await as('admin'));
      await submitAll(third, ['milo']);
      const fay = await as('facilitatorA1');
      const before = await everything(f);
      const refused = await namesOn(third);
      expect(refused.statusCode).toBe(409);
      expect(textOf(refused.body)).toContain('1 member has already submitted without names showing');
      expect(textOf((await fay.get(`${consensusUrl(third, team())}/named-view`)).body)).toContain('answers given anonymously stay anonymous');
      expect((await namesOn(first)).statusCode).toBe(409);
      expect(await everything(f)).toEqual(before);
      // Switching names off is always possible.
      expect((await fay.post(`${consensusUrl(second, team())}/named-view`, {})).statusCode).toBe(303);
      const part = await f.app.db.selectFrom('check_groups').select('shows_names').where('check_id', '=', second).where('group_id', '=', team()).executeTakeFirstOrThrow();
      expect(part.shows_names).toBe(0);
    });

    it.each(['memberA1', ...leaders] as const)('%s may not switch names on: 403, nothing written', async (persona) => {
      const fresh = await openCheck(f, await as('admin'));
      const before = await everything(f);
      const agent = await as(persona);
      expect((await agent.get(`${consensusUrl(fresh, team())}/named-view`)).statusCode).toBe(403);
      expect((await agent.post(`${consensusUrl(fresh, team())}/named-view`, { shows_names: 'on', confirm: 'on' })).statusCode).toBe(403);
      expect(await everything(f)).toEqual(before);
    });
  });

  describe('revealing with members missing', () => {
    it('with 2 of 3 submitted, the page asks to confirm and says 1 has not submitted; without the box 422 and nothing is revealed', async () => {
      const id = await openCheck(f, await as('admin'));
      await submitAll(id, ['nell', 'milo']);
      const fay = await as('facilitatorA1');
      const base = consensusUrl(id, team());
      const page = textOf((await fay.get(base)).body);
      expect(page).toContain('1 of 3 members has not submitted yet.');
      expect(page).toContain('Reveal with 2 of 3 submitted');
      const before = await everything(f);
      const refused = await fay.post(`${base}/reveal`);
      expect(refused.statusCode).toBe(422);
      expect(textOf(refused.body)).toContain('1 of 3 members has not submitted yet. Tick the box to reveal anyway, or wait for them.');
      expect(await everything(f)).toEqual(before);
      const revealed = await fay.post(`${base}/reveal`, { confirm: 'on' });
      expect(revealed.statusCode).toBe(303);
      const part = await f.app.db.selectFrom('check_groups').select('revealed_at').where('check_id', '=', id).where('group_id', '=', team()).executeTakeFirstOrThrow();
      expect(part.revealed_at).not.toBeNull();
    });

    it('with everyone submitted there is nothing to confirm', async () => {
      const id = await openCheck(f, await as('admin'));
      await submitAll(id);
      const fay = await as('facilitatorA1');
      expect(textOf((await fay.get(consensusUrl(id, team()))).body)).not.toContain('has not submitted');
      expect((await fay.post(`${consensusUrl(id, team())}/reveal`)).statusCode).toBe(303);
    });
  });

  describe('a revealed, open check with 3 of 3 submitted', () => {
    let id: number;
    let base: string;
    beforeAll(async () => {
      id = await openCheck(f, await as('admin'));
      await submitAll(id);
      await reveal(id);
      base = consensusUrl(id, team());
    });

    it('"Discuss these first" lists the outcomes furthest apart first (range, then spread), with the count', async () => {
      const text = textOf((await (await as('memberA1')).get(base)).body);
      expect(text).toContain('Discuss these first (4)');
      const order = ['1.3', '2.2', '3.3', '4.1'].map((code) => text.indexOf(`(Levels`, text.indexOf(`${code} `, text.indexOf('Discuss these first'))));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(text).toMatch(/1\.3 [^(]+\(Levels 1–5, range 4, spread ±1\.9\)/);
      expect(text).toMatch(/2\.2 [^(]+\(Levels 1–5, range 4, spread ±1\.6\)/);
    });

    it('meeting mode can follow that order: first 1.3, next 2.2, and saving 2.2 moves on to 3.3', async () => {
      const fay = await as('facilitatorA1');
      const first = await fay.get(`${base}/meeting?order=triage`);
      expect(first.statusCode).toBe(200);
      expect(textOf(first.body)).toContain('Outcome 1 of 15, furthest apart first');
      expect(first.body).toMatch(/<h1>1\.3 /);
      expect(first.body).toContain(`href="${base}/meeting?outcome=2.2&amp;order=triage"`);
      const second = await fay.get(`${base}/meeting?outcome=2.2&order=triage`);
      expect(second.body).toContain(`href="${base}/meeting?outcome=1.3&amp;order=triage"`);
      expect(second.body).toContain('name="order" value="triage"');
      const saved = await fay.post(`${base}/2.2`, { level: '3', version: '0', meeting: '1', order: 'triage' });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe(`${base}/meeting?outcome=3.3&order=triage`);
      expect(textOf((await fay.get(String(saved.headers.location))).body)).toContain('Consensus for 2.2 saved. Now 3.3.');
      // In map order, saving 2.2 moves to 2.3.
      const inMapOrder = await fay.post(`${base}/2.2`, { level: '3', version: '1', meeting: '1' });
      expect(inMapOrder.headers.location).toBe(`${base}/meeting?outcome=2.3`);
      expect((await fay.get(`${base}/meeting?order=sideways`)).statusCode).toBe(400);
    });

    it('the caption counts placed and not sure apart: "2 placed · 1 not sure yet" on 5.1', async () => {
      const page = await (await as('memberA1')).get(`${base}/meeting?outcome=5.1`);
      expect(textOf(page.body)).toContain('2 placed · 1 not sure yet · median Level 2 · range 2–2');
    });

    it('each member sees their own dot marked "you", and only their own; no one else is marked', async () => {
      const milo = (await (await as('memberA1')).get(base)).body;
      expect(milo.match(/strip__dot--you/g)).toHaveLength(15);
      expect(textOf(milo)).toContain('you: Level 3');
      const fay = await (await as('facilitatorA1')).get(`${base}/meeting?outcome=1.3`);
      expect(textOf(fay.body)).toContain('you: Level 1 (Ideal)');
      expect(fay.body.match(/strip__dot--you/g)).toHaveLength(1);
      // Leaders (once allowed to see the spread) are not in it: nothing is marked for them.
      const leader = (await (await as('districtLeaderA')).get(base)).body;
      expect(leader).not.toContain('strip__dot--you');
      expect(textOf(leader)).not.toContain('you:');
    });

    it('team report: member columns are ordered by placements, not by who submitted when, and carry no person id', async () => {
      const report = await (await as('memberA1')).get(`/checks/${id}/groups/${team()}/report`);
      expect(report.body).not.toMatch(/data-column="p\d/);
      expect(report.body).toContain('data-column="m1"');
      const csv = await reportCsv('memberA1', id);
      // Fay (1.3 and 2.2 at Level 1) is A although she submitted last; Nell (Level 5) is C although first.
      expect(csv).toContain('2.2,');
      const cell = (outcome: string, column: string) => csvRows(csv).find((row) => row.outcome === outcome && row.column === column)?.level;
      expect([cell('2.2', 'A'), cell('2.2', 'B'), cell('2.2', 'C')]).toEqual(['1', '3', '5']);
    });

    it.each(leaders)('%s sees no member columns while the check is open, even with 3 of 3 submitted', async (persona) => {
      const report = await (await as(persona)).get(`/checks/${id}/groups/${team()}/report`);
      expect(report.statusCode).toBe(200);
      expect(report.body).not.toContain('column-label--member');
      expect(textOf(report.body)).toContain('once the check has closed');
      expect(csvColumns(await reportCsv(persona, id))).toEqual([]);
    });

    it('the team report shows rationale, dissent and next step per outcome, and says the check is partial while open', async () => {
      const fay = await as('facilitatorA1');
      expect((await fay.post(`${base}/1.3`, { level: '2', rationale: 'RATIONALE-13', dissent: 'DISSENT-13', next_step: 'NEXT-13', version: '0' })).statusCode).toBe(303);
      const text = textOf((await fay.get(`/checks/${id}/groups/${team()}/report`)).body);
      expect(text).toContain('The conversation, outcome by outcome');
      expect(text).toMatch(/1\.3 [^|]*Level 2 RATIONALE-13 DISSENT-13 NEXT-13/);
      expect(text).toContain('This check is still open: the record below is partial');
    });

    it('once the check has closed, leaders see the same lettered columns', async () => {
      await close(id);
      for (const persona of leaders) expect(csvColumns(await reportCsv(persona, id)), persona).toEqual(['A', 'B', 'C']);
    });
  });

  describe('one-person groups: the record is an individual self-assessment', () => {
    let id: number;
    beforeAll(async () => {
      // Team B1 has one member, Bea; she submits and records her "consensus"; the check closes.
      id = await openCheck(f, await as('admin'));
      await seedSubmitted(f, id, f.groups.teamB1.id, f.people.memberB1.id, () => 2);
      const saved = await recordConsensus(
        f.app.db,
        { checkId: id, groupId: f.groups.teamB1.id, outcomeCode: '1.1', level: 2, rationale: 'BEA-RATIONALE', dissent: '', nextStep: '', recordedBy: f.people.memberB1.id },
        0,
      );
      expect(saved.ok).toBe(true);
      await close(id);
    });

    it('Bea sees her record marked as an individual self-assessment', async () => {
      const page = textOf((await (await as('memberB1')).get(consensusUrl(id, f.groups.teamB1.id))).body);
      expect(page).toContain('This group has one member: its record is an individual self-assessment');
      expect(page).toContain('BEA-RATIONALE');
    });

    it.each(['hubMember', 'admin'] as const)('%s does not see it: not on the consensus page, the report, its CSV nor the site comparison', async (persona) => {
      const agent = await as(persona);
      const page = await agent.get(consensusUrl(id, f.groups.teamB1.id));
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain("its record is one person's self-assessment, which is shown outside the group only where individual answers may be");
      expect(page.body).not.toContain('BEA-RATIONALE');
      expect(page.body).not.toContain('Agreed:');
      const report = await agent.get(`/checks/${id}/groups/${f.groups.teamB1.id}/report`);
      expect(report.body).not.toContain('BEA-RATIONALE');
      expect(report.body).not.toContain('cell--consensus');
      const csv = (await agent.get(`/checks/${id}/groups/${f.groups.teamB1.id}/report?format=csv`)).body;
      expect(csv.trim().split('\n')).toHaveLength(1);
      const sites = await agent.get(`/reports/sites?check=${id}&role=improvement-team`);
      expect(sites.body).not.toContain('Birch High');
      expect(textOf(sites.body)).toContain('1 one-person group is not shown');
    });
  });
});

describe('one-person groups with MIN_GROUP_SIZE=1', () => {
  it('leaders see the record, marked as an individual self-assessment', async () => {
    const f = await buildNetworkFixture({ minGroupSize: 1 });
    try {
      const as = personas(f, 8);
      const id = await openCheck(f, await as('admin'));
      await seedSubmitted(f, id, f.groups.teamB1.id, f.people.memberB1.id, () => 2);
      await recordConsensus(f.app.db, { checkId: id, groupId: f.groups.teamB1.id, outcomeCode: '1.1', level: 2, rationale: 'BEA', dissent: '', nextStep: '', recordedBy: f.people.memberB1.id }, 0);
      const report = textOf((await (await as('admin')).get(`/checks/${id}/groups/${f.groups.teamB1.id}/report`)).body);
      expect(report).toContain('its record is an individual self-assessment');
      expect(report).toContain('BEA');
      const sites = await (await as('admin')).get(`/reports/sites?check=${id}&role=improvement-team`);
      expect(sites.body).toContain('Birch High');
    } finally {
      await f.app.close();
    }
  });
});
