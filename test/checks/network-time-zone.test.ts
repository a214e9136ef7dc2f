/**
 * The network's time zone: an IANA name checked with Intl, chosen at setup and changed by admins;
 * installs from before it existed get UTC and their admins are told; a check closes at the end of its
 * closing day in that zone (America/Chicago around the daylight-saving changes); times show in it.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { migrateToLatest, migratorFor } from '../../server/db/migrator.js';
import { findNetwork, saveNetworkTimeZone } from '../../server/repositories/network.js';
import { canonicalTimeZone, dateTimeIn, dayIn } from '../../server/services/network-time.js';
import { checkState } from '../../server/services/progress-checks.js';
import type { Agent } from '../support/http.js';
import { buildNetworkFixture, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import { openTestDatabase } from '../helpers.js';
import { mainOf, openCheck, personas, savePage, selfUrl, textOf } from './helpers.js';

describe('days and times in a time zone', () => {
  const open = { opens_on: '2026-03-01', closes_on: '2026-03-07', closed_at: null };

  it('a check closing on 7 March is still open at 05:30 UTC on the 8th in Chicago (23:30 CST), and closed in UTC', () => {
    const at = new Date('2026-03-08T05:30:00Z');
    expect(dayIn('UTC', at)).toBe('2026-03-08');
    expect(dayIn('America/Chicago', at)).toBe('2026-03-07');
    expect(checkState(open, dayIn('America/Chicago', at))).toBe('open');
    expect(checkState(open, dayIn('UTC', at))).toBe('closed');
  });

  it('closes at midnight Chicago time: 06:00 UTC in winter (CST), 05:00 UTC in summer (CDT)', () => {
    expect(checkState(open, dayIn('America/Chicago', new Date('2026-03-08T05:59:59Z')))).toBe('open');
    expect(checkState(open, dayIn('America/Chicago', new Date('2026-03-08T06:00:00Z')))).toBe('closed');
    const summer = { opens_on: '2026-06-01', closes_on: '2026-06-30', closed_at: null };
    expect(checkState(summer, dayIn('America/Chicago', new Date('2026-07-01T04:59:59Z')))).toBe('open');
    expect(checkState(summer, dayIn('America/Chicago', new Date('2026-07-01T05:00:00Z')))).toBe('closed');
  });

  it('the daylight-saving days themselves: the day of the change has 23 or 25 hours and still ends at local midnight', () => {
    // 8 March 2026 springs forward at 2:00 CST; 1 November 2026 falls back at 2:00 CDT.
    const springDay = { opens_on: '2026-03-01', closes_on: '2026-03-08', closed_at: null };
    expect(checkState(springDay, dayIn('America/Chicago', new Date('2026-03-09T04:59:59Z')))).toBe('open');
    expect(checkState(springDay, dayIn('America/Chicago', new Date('2026-03-09T05:00:00Z')))).toBe('closed');
    const fallDay = { opens_on: '2026-10-01', closes_on: '2026-11-01', closed_at: null };
    expect(checkState(fallDay, dayIn('America/Chicago', new Date('2026-11-02T05:59:59Z')))).toBe('open');
    expect(checkState(fallDay, dayIn('America/Chicago', new Date('2026-11-02T06:00:00Z')))).toBe('closed');
    // A check opens at the start of its first day there too.
    const upcoming = { opens_on: '2026-03-08', closes_on: '2026-03-20', closed_at: null };
    expect(checkState(upcoming, dayIn('America/Chicago', new Date('2026-03-08T05:59:00Z')))).toBe('upcoming');
  });

  it('names are checked with Intl and stored in their canonical spelling', () => {
    expect(canonicalTimeZone('america/chicago')).toBe('America/Chicago');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
  });

  it('times read as the network reads them, with the zone named', () => {
    expect(dateTimeIn('2026-12-02T16:42:00.000Z', 'America/Chicago')).toBe('2026-12-02 10:42 CST');
    expect(dateTimeIn('2026-07-02T16:42:00.000Z', 'America/Chicago')).toBe('2026-07-02 11:42 CDT');
    expect(dateTimeIn('2026-12-02T16:42:00.000Z', 'UTC')).toBe('2026-12-02 16:42 UTC');
  });
});

describe('an install from before the time zone', () => {
  it('upgrades to UTC, marked as not chosen', async () => {
    const handle = await openTestDatabase();
    const db = handle.db;
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0005'));
      const { error } = await (await migratorFor(db, before)).migrateToLatest();
      expect(error).toBeUndefined();
      await sql`insert into network (id, name) values (1, 'Old network')`.execute(db);
      expect(await migrateToLatest(db)).toContain('0005_network_time_zone');
      const network = await findNetwork(db);
      expect(network).toMatchObject({ name: 'Old network', time_zone: 'UTC', time_zone_chosen_at: null });
    } finally {
      await handle.close();
    }
  });
});

describe('the time zone over HTTP', () => {
  let f: NetworkFixture;
  let as: (name: PersonaName) => Promise<Agent>;
  const NOTICE = 'ICMap shows dates and times in UTC';

  beforeAll(async () => {
    f = await buildNetworkFixture();
    as = personas(f, 11);
  });
  afterAll(async () => {
    await f.app.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admins are told while it is the UTC an upgrade set; others are not', async () => {
    expect(textOf(mainOf((await (await as('admin')).get('/')).body))).toContain(NOTICE);
    expect(textOf(mainOf((await (await as('hubMember')).get('/')).body))).not.toContain(NOTICE);
  });

  it('an unknown name is refused with a message and changes nothing; a known one is stored canonically and the notice goes', async () => {
    const admin = await as('admin');
    const refused = await admin.post('/network/time-zone', { time_zone: 'Mars/Olympus_Mons' });
    expect(refused.statusCode).toBe(422);
    expect(textOf(refused.body)).toContain('"Mars/Olympus_Mons" is not a time zone ICMap knows.');
    expect(await findNetwork(f.app.db)).toMatchObject({ time_zone: 'UTC', time_zone_chosen_at: null });

    expect((await admin.post('/network/time-zone', { time_zone: 'america/chicago' })).statusCode).toBe(303);
    expect(await findNetwork(f.app.db)).toMatchObject({ time_zone: 'America/Chicago' });
    expect((await findNetwork(f.app.db))?.time_zone_chosen_at).not.toBeNull();
    const page = await admin.get('/network');
    expect(textOf(mainOf(page.body))).not.toContain(NOTICE);
    expect(page.body).toContain('<option selected>America/Chicago</option>');
    const audit = await admin.get('/admin/audit');
    expect(audit.body).toContain('network.time-zone');
    expect(textOf(audit.body)).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d C[SD]T/);
  });

  it('a check whose closing day has ended in UTC but not in Chicago still takes answers; at midnight in Chicago it closes', async () => {
    await saveNetworkTimeZone(f.app.db, 'America/Chicago', new Date().toISOString());
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-08T05:30:00Z'));
    // It is still 7 March in Chicago: a check closing today may be opened.
    const checkId = await openCheck(f, await as('admin'), { opens_on: '2026-03-01', closes_on: '2026-03-07' });
    const member = await as('memberA1');
    const url = selfUrl(checkId, f.groups.teamA1.id);
    expect((await savePage(member, url, 1, 1, { '1.1': 2 })).statusCode).toBe(303);
    const checks = await member.get('/');
    expect(textOf(mainOf(checks.body))).toMatch(/Draft/);

    vi.setSystemTime(new Date('2026-03-08T06:00:00Z'));
    const late = await savePage(member, url, 1, 2, { '1.1': 3 });
    expect(late.statusCode).toBe(409);
    expect((await member.get(`${url}?page=1`)).body).toContain('your answers are shown read-only');

    // The same moment in a UTC network: closed since midnight UTC.
    await saveNetworkTimeZone(f.app.db, 'UTC', new Date().toISOString());
    vi.setSystemTime(new Date('2026-03-08T05:30:00Z'));
    expect((await savePage(member, url, 1, 2, { '1.1': 3 })).statusCode).toBe(409);
  });
});
