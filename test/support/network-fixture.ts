/**
 * A small network for access-control tests, built through the repositories and services (no raw SQL):
 *
 *   network "Riverside Improvement Network"
 *   ├─ district A "Alder District"   ── group "Alder district leaders" (district-leader): districtLeaderA
 *   │   └─ site A1 "Alder Elementary" ── "Alder Elementary school leaders" (school-leader): schoolLeaderA1
 *   │                                 └─ "Alder Elementary improvement team": facilitatorA1 (facilitator), memberA1,
 *   │                                    and newcomerA1 (no password yet: someone to invite)
 *   ├─ district B "Birch District"
 *   │   └─ site B1 "Birch High"       ── "Birch High improvement team": memberB1
 *   └─ hub group "Riverside hub team" (hub-team): hubMember
 *   admin: network admin, in no group.
 *
 * Every persona has the same password; it is hashed once per test worker (scrypt is slow on purpose).
 *
 * On SQLite the network is seeded once per test worker (and day) into a database image, and every
 * fixture's app opens a copy of it: the same rows with the same ids. On PostgreSQL, and on a database
 * file, each fixture is seeded as it is built.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../server/config.js';
import { openConfiguredDatabase } from '../../server/db/connection.js';
import type { Database } from '../../server/db/schema.js';
import { insertAction } from '../../server/repositories/action-plans.js';
import { insertRequest } from '../../server/repositories/assistance-requests.js';
import { createPerson } from '../../server/repositories/people.js';
import { addDistrict, addGroup, addMembership, addSite, renameNetwork } from '../../server/services/organisation.js';
import { hashPassword } from '../../server/services/passwords.js';
import { buildApp } from '../../server/app.js';
import { inMemorySqlite, testConfig } from '../helpers.js';

export const PASSWORD = 'correct horse battery staple';

let passwordHash: Promise<string> | undefined;
/** The one hash of PASSWORD shared by every persona of every fixture in this process. */
export function sharedPasswordHash(): Promise<string> {
  passwordHash ??= hashPassword(PASSWORD);
  return passwordHash;
}

export const personaNames = ['admin', 'hubMember', 'districtLeaderA', 'schoolLeaderA1', 'facilitatorA1', 'memberA1', 'memberB1'] as const;
export type PersonaName = (typeof personaNames)[number];

export interface FixturePerson {
  id: number;
  name: string;
  email: string;
}

const personaDetails: Record<PersonaName, { name: string; email: string }> = {
  admin: { name: 'Ada Admin', email: 'ada.admin@riverside.test' },
  hubMember: { name: 'Hugo Hart', email: 'hugo.hart@riverside.test' },
  districtLeaderA: { name: 'Dora Dale', email: 'dora.dale@alder.test' },
  schoolLeaderA1: { name: 'Sam Sutton', email: 'sam.sutton@alder.test' },
  facilitatorA1: { name: 'Fay Fisher', email: 'fay.fisher@alder.test' },
  memberA1: { name: 'Milo Moss', email: 'milo.moss@alder.test' },
  memberB1: { name: 'Bea Brook', email: 'bea.brook@birch.test' },
};

export interface NetworkFixture {
  app: FastifyInstance;
  networkName: string;
  districts: { A: FixtureThing; B: FixtureThing };
  sites: { A1: FixtureThing; B1: FixtureThing };
  groups: {
    districtLeadersA: FixtureThing;
    schoolLeadersA1: FixtureThing;
    teamA1: FixtureThing;
    teamB1: FixtureThing;
    hub: FixtureThing;
  };
  people: Record<PersonaName, FixturePerson>;
  /** In team A1 but has never set a password: cannot sign in, can be invited. */
  newcomerA1: FixturePerson;
  /** One action per team, owned by its plain member (memberA1, memberB1), due in ten days. */
  actions: { A1: number; B1: number };
  /** One open request for the hub's help per team. */
  requests: { A1: number; B1: number };
}

export interface FixtureThing {
  id: number;
  name: string;
}

/** What a fixture holds besides its app: the names and ids of what was seeded. */
export type NetworkData = Omit<NetworkFixture, 'app'>;

/** Seeds the network into an app whose database is empty. */
export async function seedNetwork(app: FastifyInstance): Promise<NetworkFixture> {
  return { app, ...(await seedNetworkInto(app.db)) };
}

/** Seeds the network into an empty (migrated) database. */
async function seedNetworkInto(db: Kysely<Database>): Promise<NetworkData> {
  const hash = await sharedPasswordHash();
  const people = {} as Record<PersonaName, FixturePerson>;
  for (const persona of personaNames) {
    const details = personaDetails[persona];
    const id = await createPerson(db, { ...details, isNetworkAdmin: persona === 'admin', passwordHash: hash });
    people[persona] = { id, ...details };
  }
  const actor = people.admin.id;
  const newcomerDetails = { name: 'Nell North', email: 'nell.north@alder.test' };
  const newcomerA1 = { id: await createPerson(db, newcomerDetails), ...newcomerDetails };

  const networkName = 'Riverside Improvement Network';
  await renameNetwork(db, actor, networkName);

  const thing = async (name: string, create: (name: string) => Promise<number>): Promise<FixtureThing> => ({ id: await create(name), name });
  const A = await thing('Alder District', (name) => addDistrict(db, actor, name));
  const B = await thing('Birch District', (name) => addDistrict(db, actor, name));
  const A1 = await thing('Alder Elementary', (name) => addSite(db, actor, A.id, name));
  const B1 = await thing('Birch High', (name) => addSite(db, actor, B.id, name));

  const group = (name: string, roleKey: string, districtId: number | null, siteId: number | null) =>
    thing(name, (n) => addGroup(db, actor, { name: n, roleKey, districtId, siteId }));
  const groups = {
    districtLeadersA: await group('Alder district leaders', 'district-leader', A.id, null),
    schoolLeadersA1: await group('Alder Elementary school leaders', 'school-leader', A.id, A1.id),
    teamA1: await group('Alder Elementary improvement team', 'improvement-team', A.id, A1.id),
    teamB1: await group('Birch High improvement team', 'improvement-team', B.id, B1.id),
    hub: await group('Riverside hub team', 'hub-team', null, null),
  };

  const join = (groupId: number, persona: PersonaName, facilitator = false) => addMembership(db, actor, groupId, people[persona].id, facilitator);
  await join(groups.districtLeadersA.id, 'districtLeaderA');
  await join(groups.schoolLeadersA1.id, 'schoolLeaderA1');
  await join(groups.teamA1.id, 'facilitatorA1', true);
  await join(groups.teamA1.id, 'memberA1');
  await addMembership(db, actor, groups.teamA1.id, newcomerA1.id, false);
  await join(groups.teamB1.id, 'memberB1');
  await join(groups.hub.id, 'hubMember');

  const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  const action = (groupId: number, owner: PersonaName, createdBy: number) =>
    insertAction(db, { groupId, checkId: null, outcomeCode: '1.1', what: 'Try a data wall for one PDSA cycle', kind: 'pdsa', dueOn: due, status: 'planned', ownerIds: [people[owner].id], createdBy });
  const actions = { A1: await action(groups.teamA1.id, 'memberA1', people.facilitatorA1.id), B1: await action(groups.teamB1.id, 'memberB1', people.memberB1.id) };
  const request = (groupId: number, createdBy: number) => insertRequest(db, { groupId, checkId: null, outcomeCode: '2.1', help: 'A coach for our first PDSA cycle', neededBy: due, createdBy });
  const requests = { A1: await request(groups.teamA1.id, people.facilitatorA1.id), B1: await request(groups.teamB1.id, people.memberB1.id) };

  return { networkName, districts: { A, B }, sites: { A1, B1 }, groups, people, newcomerA1, actions, requests };
}

interface SeededImage {
  /** The UTC day it was seeded on: the actions and requests are due ten days from then. */
  day: string;
  image: Buffer;
  data: NetworkData;
}

let seeded: Promise<SeededImage> | undefined;

/** SQLite: the network seeded into a migrated in-memory database, as the bytes of a database file; built once per worker and day. */
async function seededImage(): Promise<SeededImage> {
  const day = new Date().toISOString().slice(0, 10);
  const current = seeded === undefined ? undefined : await seeded;
  if (current?.day === day) return current;
  const building = (async (): Promise<SeededImage> => {
    const handle = await openConfiguredDatabase(testConfig());
    try {
      const data = await seedNetworkInto(handle.db);
      return { day, image: handle.serialize!(), data };
    } finally {
      await handle.close();
    }
  })();
  seeded = building;
  return building;
}

/** A fresh app with the network seeded: on in-memory SQLite, a copy of the worker's seeded image; otherwise seeded now. */
export async function buildNetworkFixture(overrides: Partial<Config> = {}): Promise<NetworkFixture> {
  const config = testConfig(overrides);
  const clone = inMemorySqlite(config) && overrides.databaseImage === undefined ? await seededImage() : undefined;
  const app = await buildApp(clone === undefined ? config : { ...config, databaseImage: clone.image });
  await app.ready();
  if (clone === undefined) return seedNetwork(app);
  // A copy each, so a test that changes its fixture's objects changes no other test's.
  return { app, ...structuredClone(clone.data) };
}

/** A test's `onTestFinished`: what to run once that test is over. */
export type OnTestFinished = (fn: () => Promise<void>) => void;

/** A fresh app with the network seeded, closed when the test finishes: for concurrent tests, each on an app of its own. */
export async function networkForTest(onTestFinished: OnTestFinished, overrides: Partial<Config> = {}): Promise<NetworkFixture> {
  const fixture = await buildNetworkFixture(overrides);
  onTestFinished(() => fixture.app.close());
  return fixture;
}
