/** The demo network generator: districts, sites, groups, people and progress checks with placements and consensus, written through ICMap's own services and deterministic for a seed. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type RawBuilder } from 'kysely';
import { groupRoleKeys } from '../../server/access/group-roles.js';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { ActionStatus, Database } from '../../server/db/schema.js';
import { findRole, levelName, type MapCatalog } from '../../server/maps/catalog.js';
import type { IcMap, Role } from '../../server/maps/schema.js';
import { insertAction, saveActionVersion } from '../../server/repositories/action-plans.js';
import { insertRequest, saveRequestVersion } from '../../server/repositories/assistance-requests.js';
import { recordAudit } from '../../server/repositories/audit.js';
import { saveNetworkName } from '../../server/repositories/network.js';
import { createPerson, setPasswordHash } from '../../server/repositories/people.js';
import { revealCheckGroup, setCheckGroupShowsNames } from '../../server/repositories/progress-checks.js';
import { ensureSelfAssessment, type PlacementInput } from '../../server/repositories/self-assessments.js';
import { auditSubject } from '../../server/services/audit.js';
import { recordConsensus, suggestNextStep } from '../../server/services/consensus.js';
import { addDistrict, addGroup, addMembership, addPerson, addSite } from '../../server/services/organisation.js';
import { hashPassword } from '../../server/services/passwords.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { saveAnswers, submitAnswers } from '../../server/services/self-assessment.js';
import {
  ARTIFACTS,
  DISSENT_REASONS,
  DISTRICT_PLACES,
  DISTRICT_SECOND_WORDS,
  EVIDENCE,
  NAME_GROUPS,
  NAME_MIX,
  NETWORK_DOMAIN,
  NETWORK_NAME,
  SCHOOL_KINDS,
  SCHOOL_NAMES,
} from './names.js';

/** The one password of every demo account. Published on purpose: never use a demo database for real data. */
export const DEMO_PASSWORD = 'icmap-demo-password';

// ---- the shape of the network (documented in README "Demo") ----

export const SITES_PER_DISTRICT = 12;

/** One district per 12 sites (rounded up), and at least two once there are two sites. */
export function districtCountFor(sites: number): number {
  return Math.max(Math.min(2, sites), Math.ceil(sites / SITES_PER_DISTRICT));
}

/**
 * Site number `index` (0-based, across the network): an improvement team of 5–7 staff, the first one
 * or two of them facilitating; one improvement facilitator in a group of their own; a principal and,
 * at every other site, an assistant principal as the school leaders. At every third site the
 * principal also sits on the improvement team; every fourth team (from the second) shows names in
 * its spread.
 */
export function siteShape(index: number): { teamStaff: number; teamFacilitators: number; principalOnTeam: boolean; assistantPrincipal: boolean; showsNames: boolean } {
  return {
    teamStaff: 5 + (index % 3),
    teamFacilitators: 1 + (index % 2),
    principalOnTeam: index % 3 === 0,
    assistantPrincipal: index % 2 === 0,
    showsNames: index % 4 === 1,
  };
}

/** District leaders: two, and three in every other district. */
export function districtLeaderCount(districtIndex: number): number {
  return 2 + (districtIndex % 2);
}

/** The hub team grows with the network: 4 + districts, from 5 to 8 people. */
export function hubTeamSize(districts: number): number {
  return Math.min(8, Math.max(5, 4 + districts));
}

// ---- options, progress and results ----

export interface GenerateOptions {
  sites: number;
  checks: number;
  seed: number;
  /** YYYY-MM-DD: the day the newest check is open on; every check's dates are computed from it. */
  today: string;
  catalog: MapCatalog;
  /** The scrypt hash of DEMO_PASSWORD to give everyone; hashed once here when absent. */
  passwordHash?: string;
}

export interface ProgressReport {
  phase: string;
  done: number;
  total: number;
}

export type OnProgress = (report: ProgressReport) => void;

export type PersonaKey = 'network-admin' | 'district-leader' | 'school-leader' | 'facilitator' | 'team-member';

export interface Persona {
  key: PersonaKey;
  label: string;
  name: string;
  email: string;
  /** What this person sees after signing in, in a few words. */
  sees: string;
}

export interface GenerateCounts {
  districts: number;
  sites: number;
  groups: number;
  people: number;
  memberships: number;
  checks: number;
  checkGroups: number;
  selfAssessments: number;
  submitted: number;
  placements: number;
  consensusRecords: number;
  consensusRevisions: number;
  actions: number;
  actionNotes: number;
  requests: number;
}

export interface GenerateResult {
  networkName: string;
  counts: GenerateCounts;
  personas: Persona[];
  checks: { id: number; name: string; opensOn: string; closesOn: string }[];
}

// ---- a small seeded PRNG ----

/** mulberry32: 32 bits of state, fast, and the same sequence for the same seed on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  next(): number {
    return this.#next();
  }
  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }
  chance(probability: number): boolean {
    return this.#next() < probability;
  }
  pick<T>(list: readonly T[]): T {
    return item(list, Math.floor(this.#next() * list.length));
  }
  /** A standard normal deviate (Box–Muller). */
  normal(): number {
    const u = 1 - this.#next();
    const v = this.#next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  shuffled<T>(list: readonly T[]): T[] {
    const copy = [...list];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.#next() * (index + 1));
      [copy[index], copy[other]] = [item(copy, other), item(copy, index)];
    }
    return copy;
  }
}

function item<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`no item ${index} in a list of ${list.length}`);
  return value;
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

// ---- the plan: everything decided in memory before anything is written ----

type Action = 'submit' | 'draft' | 'none';

interface PlannedPerson {
  id: number;
  name: string;
  email: string;
  /** Never submits (may leave a draft). */
  neverSubmits: boolean;
  /** How likely they submit in a closed check. */
  diligence: number;
  /** Optimists place themselves lower (better) than their team's level, pessimists higher. */
  bias: number;
  /** Fixed behaviour for the personas and their team, so the demo always shows the same story. */
  fixed?: { closed: Action; open: Action };
}

interface PlannedMember {
  person: PlannedPerson;
  facilitator: boolean;
}

interface PlannedGroup {
  id: number;
  name: string;
  roleKey: string;
  districtIndex: number | null;
  siteIndex: number | null;
  members: PlannedMember[];
  showsNames: boolean;
  /** The group's level per outcome at the first check, and how far it moves by the last (negative: growth). */
  start: number[];
  change: number[];
  /** Always revealed with full consensus in closed checks; in the open check, left unrevealed for the demo. */
  featured: boolean;
}

interface PlannedDistrict {
  id: number;
  name: string;
  domain: string;
  siteIndexes: number[];
}

interface PlannedSite {
  id: number;
  name: string;
  districtIndex: number;
}

interface Plan {
  admin: PlannedPerson;
  districts: PlannedDistrict[];
  sites: PlannedSite[];
  /** In creation order: the hub team, then per district its district leaders and its sites' groups. */
  groups: PlannedGroup[];
  /** In creation order, the admin excluded. */
  people: PlannedPerson[];
  personas: { key: PersonaKey; person: PlannedPerson }[];
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function emailPart(text: string): string {
  return slug(text).replace(/-/g, '');
}

function districtNames(random: Random, count: number): string[] {
  const singles = random.shuffled(DISTRICT_PLACES);
  const doubles = random.shuffled(
    DISTRICT_PLACES.flatMap((place) => DISTRICT_SECOND_WORDS.filter((word) => !place.endsWith(word)).map((word) => `${place} ${word}`)),
  );
  const places = [...singles, ...doubles];
  return Array.from({ length: count }, (_, index) => {
    const place = item(places, index % places.length);
    const round = Math.floor(index / places.length);
    return `${place}${round === 0 ? '' : ` ${round + 1}`} ISD`;
  });
}

function weighted<T extends { weight: number }>(random: Random, list: readonly T[]): T {
  const total = list.reduce((sum, entry) => sum + entry.weight, 0);
  let roll = random.next() * total;
  for (const entry of list) {
    roll -= entry.weight;
    if (roll < 0) return entry;
  }
  return item(list, 0);
}

function personName(random: Random): { given: string; family: string } {
  const group = weighted(random, NAME_GROUPS);
  const family = random.chance(NAME_MIX) ? weighted(random, NAME_GROUPS).family : group.family;
  return { given: random.pick(group.given), family: random.pick(family) };
}

function planNetwork(random: Random, map: IcMap, siteCount: number): Plan {
  const usedEmails = new Set<string>();
  const people: PlannedPerson[] = [];
  const newPerson = (domain: string, record = true): PlannedPerson => {
    const { given, family } = personName(random);
    const local = `${emailPart(given)}.${emailPart(family)}`;
    let email = `${local}@${domain}`;
    for (let n = 2; usedEmails.has(email); n += 1) email = `${local}${n}@${domain}`;
    usedEmails.add(email);
    const person: PlannedPerson = {
      id: 0,
      name: `${given} ${family}`,
      email,
      neverSubmits: random.chance(0.07),
      diligence: 0.8 + random.next() * 0.18,
      bias: random.normal() * 0.35,
    };
    if (record) people.push(person);
    return person;
  };
  const outcomeCount = (roleKey: string): number => findRole(map, roleKey)?.outcomes.length ?? 0;
  const newGroup = (name: string, roleKey: string, districtIndex: number | null, siteIndex: number | null, members: PlannedMember[], showsNames = false): PlannedGroup => {
    // Leaders start a little further along than site teams; most outcomes grow, some stall, a few slip.
    const leaders = roleKey === 'district-leader' || roleKey === 'hub-team';
    const start: number[] = [];
    const change: number[] = [];
    for (let index = 0; index < outcomeCount(roleKey); index += 1) {
      start.push(leaders ? 2.8 + random.next() * 1.8 : 3.4 + random.next() * 1.6);
      const trend = random.next();
      change.push(trend < 0.55 ? -(1.2 + random.next() * 1.4) : trend < 0.85 ? random.next() * 0.6 - 0.3 : 0.5 + random.next() * 0.7);
    }
    return { id: 0, name, roleKey, districtIndex, siteIndex, members, showsNames, start, change, featured: false };
  };
  const facilitating = (list: PlannedPerson[], facilitators: number): PlannedMember[] =>
    list.map((person, index) => ({ person, facilitator: index < facilitators }));

  const admin = newPerson(NETWORK_DOMAIN, false);
  const districtCount = districtCountFor(siteCount);
  const names = districtNames(random, districtCount);
  const districts: PlannedDistrict[] = names.map((name) => ({ id: 0, name, domain: `${slug(name)}.example.org`, siteIndexes: [] }));
  // Sites in contiguous blocks: the first (sites mod districts) districts get one more.
  const base = Math.floor(siteCount / districtCount);
  const extra = siteCount % districtCount;
  const sites: PlannedSite[] = [];
  districts.forEach((district, districtIndex) => {
    const used = new Set<string>();
    const size = base + (districtIndex < extra ? 1 : 0);
    for (let n = 0; n < size; n += 1) {
      let name = '';
      for (let attempt = 0; name === '' || used.has(name); attempt += 1) {
        name = `${random.pick(SCHOOL_NAMES)} ${weighted(random, SCHOOL_KINDS).name}`;
        if (attempt > 50) name = `${name} ${attempt}`;
      }
      used.add(name);
      district.siteIndexes.push(sites.length);
      sites.push({ id: 0, name, districtIndex });
    }
  });

  const groups: PlannedGroup[] = [];
  const hubPeople = Array.from({ length: hubTeamSize(districtCount) }, () => newPerson(NETWORK_DOMAIN));
  groups.push(newGroup(`${NETWORK_NAME.split(' ')[0] ?? 'Network'} hub team`, 'hub-team', null, null, facilitating(hubPeople, 1)));

  const personas: Plan['personas'] = [{ key: 'network-admin', person: admin }];
  districts.forEach((district, districtIndex) => {
    const leaders = Array.from({ length: districtLeaderCount(districtIndex) }, () => newPerson(district.domain));
    const leaderGroup = newGroup(`${district.name} district leaders`, 'district-leader', districtIndex, null, facilitating(leaders, 1));
    groups.push(leaderGroup);
    if (districtIndex === 0) {
      const leader = item(leaders, 0);
      leader.neverSubmits = false;
      leader.fixed = { closed: 'submit', open: 'submit' };
      leaderGroup.featured = true;
      personas.push({ key: 'district-leader', person: leader });
    }
    for (const siteIndex of district.siteIndexes) {
      const site = item(sites, siteIndex);
      const shape = siteShape(siteIndex);
      const improvementFacilitator = newPerson(district.domain);
      const staff = Array.from({ length: shape.teamStaff }, () => newPerson(district.domain));
      const principal = newPerson(district.domain);
      const leadership = shape.assistantPrincipal ? [principal, newPerson(district.domain)] : [principal];
      const team = facilitating(staff, shape.teamFacilitators);
      if (shape.principalOnTeam) team.push({ person: principal, facilitator: false });
      const siteGroups = [
        newGroup(`${site.name} improvement team`, 'improvement-team', districtIndex, siteIndex, team, shape.showsNames),
        newGroup(`${site.name} improvement facilitator`, 'improvement-facilitator', districtIndex, siteIndex, facilitating([improvementFacilitator], 1)),
        newGroup(`${site.name} school leaders`, 'school-leader', districtIndex, siteIndex, facilitating(leadership, 1)),
      ];
      groups.push(...siteGroups);
      if (siteIndex === 0) {
        // The demo's story at the first site: everyone submits in every check except one teammate who
        // never does, and the team-member persona, who has a draft in the open check. Nobody has
        // revealed the open check there yet, so the facilitator persona can.
        const [lead, member, ...others] = staff;
        if (lead === undefined || member === undefined) throw new Error('the first site has too small a team');
        for (const person of [lead, principal, improvementFacilitator, ...others]) {
          person.neverSubmits = false;
          person.fixed = { closed: 'submit', open: 'submit' };
        }
        member.neverSubmits = false;
        member.fixed = { closed: 'submit', open: 'draft' };
        const last = others[others.length - 1];
        if (last !== undefined) {
          last.neverSubmits = true;
          last.fixed = { closed: 'none', open: 'none' };
        }
        for (const group of siteGroups) group.featured = true;
        personas.push({ key: 'school-leader', person: principal }, { key: 'facilitator', person: lead }, { key: 'team-member', person: member });
      }
    }
  });
  return { admin, districts, sites, groups, people, personas };
}

// ---- progress checks: dates and names ----

const DAY_MS = 86_400_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parseDay(day: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

const formatDay = (date: Date): string => date.toISOString().slice(0, 10);
const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY_MS);

function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)));
}

export interface PlannedCheck {
  name: string;
  opensOn: string;
  closesOn: string;
}

/**
 * `count` checks four months apart: the newest opened a week before `today` and closes two weeks
 * after it; each earlier one ran for four weeks and is long closed.
 */
export function planChecks(today: string, count: number): PlannedCheck[] {
  const anchor = parseDay(today);
  const used = new Set<string>();
  return Array.from({ length: count }, (_, index) => {
    const newest = index === count - 1;
    const opens = addDays(addMonths(anchor, -4 * (count - 1 - index)), -7);
    const closes = newest ? addDays(anchor, 14) : addDays(opens, 27);
    const month = opens.getUTCMonth();
    const year = opens.getUTCFullYear();
    const startYear = month >= 7 ? year : year - 1;
    const season = month >= 7 && month <= 9 ? 'Beginning of year' : month >= 2 && month <= 4 ? 'End of year' : month >= 5 && month <= 6 ? 'Summer' : 'Middle of year';
    let name = `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')} ${season}`;
    if (used.has(name)) name = `${name} (${item(MONTHS, month)})`;
    used.add(name);
    return { name, opensOn: formatDay(opens), closesOn: formatDay(closes) };
  });
}

// ---- writing ----

/**
 * Opens a database file for the bulk load. It is a fresh file nobody else uses yet: if the machine
 * crashes mid-load the run is simply repeated, so commits skip the fsync (synchronous = OFF) that the
 * app itself insists on. The app reopens the file later with its own pragmas (synchronous = FULL).
 */
export function openBulkDatabase(file: string): { db: Kysely<Database>; close: () => Promise<void> } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, close: () => db.destroy() };
}

/** Deletes a database file and its WAL companions, if present. */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
}

interface GroupTally {
  submitted: number;
  /** Submitted levels per outcome index (null: not sure yet). */
  levels: (number | null)[][];
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? item(sorted, Math.floor(middle)) : (item(sorted, middle - 1) + item(sorted, middle)) / 2;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Builds the network described in README "Demo" into `db` (a fresh database: migrated here) through
 * ICMap's services: the same checks, versions and audit entries as people clicking through the app.
 */
export async function generateNetwork(db: Kysely<Database>, options: GenerateOptions, onProgress: OnProgress = () => undefined): Promise<GenerateResult> {
  if (!Number.isInteger(options.sites) || options.sites < 1) throw new RangeError('sites must be a whole number of at least 1');
  if (!Number.isInteger(options.checks) || options.checks < 1) throw new RangeError('checks must be a whole number of at least 1');
  const map = options.catalog.list()[0];
  if (map === undefined) throw new Error('no IC map is loaded');
  const roles = new Map<string, Role>();
  for (const key of groupRoleKeys) {
    const role = findRole(map, key);
    if (role === undefined) throw new Error(`the ${map.id} map has no ${key} role`);
    roles.set(key, role);
  }
  const roleOf = (group: PlannedGroup): Role => {
    const role = roles.get(group.roleKey);
    if (role === undefined) throw new Error(`no role ${group.roleKey}`);
    return role;
  };
  const principleIndex = new Map(map.principles.map((principle, index) => [principle.code, index]));

  await migrateToLatest(db);
  const random = new Random(options.seed);
  const plan = planNetwork(random, map, options.sites);
  const checks = planChecks(options.today, options.checks);
  const passwordHash = options.passwordHash ?? (await hashPassword(DEMO_PASSWORD));

  // ---- the network: the admin first (as first-run setup does), then everything through the admin's services ----
  const memberships = plan.groups.reduce((sum, group) => sum + group.members.length, 0);
  const structureTotal = plan.districts.length + plan.sites.length + plan.groups.length + plan.people.length + memberships;
  let done = 0;
  const step = (phase: string, total: number): void => {
    done += 1;
    onProgress({ phase, done, total });
  };
  const structure = 'network: districts, sites, groups, people';
  onProgress({ phase: structure, done: 0, total: structureTotal });
  plan.admin.id = await db.transaction().execute(async (trx) => {
    await saveNetworkName(trx, NETWORK_NAME);
    const id = await createPerson(trx, { email: plan.admin.email, name: plan.admin.name, isNetworkAdmin: true });
    await setPasswordHash(trx, id, passwordHash);
    await recordAudit(trx, { actorId: id, action: 'network.setup', subject: auditSubject.network(), detail: { networkName: NETWORK_NAME } });
    return id;
  });
  const actor = plan.admin.id;
  for (const district of plan.districts) {
    district.id = await addDistrict(db, actor, district.name);
    step(structure, structureTotal);
  }
  for (const site of plan.sites) {
    site.id = await addSite(db, actor, item(plan.districts, site.districtIndex).id, site.name);
    step(structure, structureTotal);
  }
  for (const group of plan.groups) {
    const districtId = group.districtIndex === null ? null : item(plan.districts, group.districtIndex).id;
    const siteId = group.siteIndex === null ? null : item(plan.sites, group.siteIndex).id;
    group.id = await addGroup(db, actor, { name: group.name, roleKey: group.roleKey, districtId, siteId });
    step(structure, structureTotal);
  }
  for (const person of plan.people) {
    person.id = await addPerson(db, actor, { name: person.name, email: person.email });
    await setPasswordHash(db, person.id, passwordHash);
    step(structure, structureTotal);
  }
  for (const group of plan.groups) {
    for (const member of group.members) {
      await addMembership(db, actor, group.id, member.person.id, member.facilitator);
      step(structure, structureTotal);
    }
  }

  // ---- the progress checks, oldest first ----
  const adminScope = await loadAccessScope(db, { id: actor, is_network_admin: 1 });
  const createdChecks: GenerateResult['checks'] = [];
  for (const [checkIndex, planned] of checks.entries()) {
    const open = checkIndex === checks.length - 1;
    const progress = checks.length > 1 ? checkIndex / (checks.length - 1) : 0;
    const label = `check ${checkIndex + 1}/${checks.length} "${planned.name}"`;
    const checkId = await openCheck(db, options.catalog, { id: actor, scope: adminScope }, {
      name: planned.name,
      mapId: map.id,
      opensOn: planned.opensOn,
      closesOn: planned.closesOn,
      districtId: null,
      roleKeys: groupRoleKeys,
    });
    createdChecks.push({ id: checkId, ...planned });
    // Groups that show names chose so for each check, before anyone answered it.
    for (const group of plan.groups) {
      if (!group.showsNames) continue;
      const facilitator = group.members.find((member) => member.facilitator)?.person.id ?? actor;
      await db.transaction().execute(async (trx) => {
        await setCheckGroupShowsNames(trx, checkId, group.id, true, facilitator);
        await recordAudit(trx, { actorId: facilitator, action: 'consensus.named-view-on', subject: auditSubject.group(group.id), detail: { checkId } });
      });
    }

    // Self-assessments: submitted, drafts left half-way, or nothing at all.
    const assessmentsPhase = `${label}: self-assessments`;
    done = 0;
    onProgress({ phase: assessmentsPhase, done: 0, total: memberships });
    const tallies = new Map<PlannedGroup, GroupTally>();
    const latent = (group: PlannedGroup, index: number): number => clamp(item(group.start, index) + item(group.change, index) * progress, 1, 5);
    for (const group of plan.groups) {
      const role = roleOf(group);
      const tally: GroupTally = { submitted: 0, levels: role.outcomes.map(() => []) };
      tallies.set(group, tally);
      // On a few outcomes one member sees things very differently: placements two or more levels apart.
      const contested = new Map<number, { member: number; direction: number }>();
      if (group.members.length >= 3 && random.chance(0.6)) {
        const outcomes = random.int(1, 2);
        for (let n = 0; n < outcomes; n += 1) {
          const index = random.int(0, role.outcomes.length - 1);
          contested.set(index, { member: random.int(0, group.members.length - 1), direction: latent(group, index) > 3 ? -1 : 1 });
        }
      }
      // How far the group has got in the open check.
      const openPace = random.pick([0.15, 0.5, 0.5, 0.85, 1]);
      for (const [memberIndex, { person }] of group.members.entries()) {
        let action: Action;
        if (person.fixed !== undefined) action = open ? person.fixed.open : person.fixed.closed;
        else if (person.neverSubmits) action = random.chance(open ? 0.3 : 0.2) ? 'draft' : 'none';
        else if (random.chance(open ? openPace * person.diligence : person.diligence)) action = 'submit';
        else action = random.chance(0.4) ? 'draft' : 'none';
        if (action !== 'none') {
          // A draft stops after one to four of the five pages (one principle per page).
          const pages = action === 'submit' ? map.principles.length : random.int(1, map.principles.length - 1);
          const placements: PlacementInput[] = [];
          for (const [index, outcome] of role.outcomes.entries()) {
            if ((principleIndex.get(outcome.principle) ?? 0) >= pages) continue;
            const centre = latent(group, index);
            const dispute = contested.get(index);
            let level: number | null;
            if (dispute?.member === memberIndex) level = clamp(Math.round(centre + 2.2 * dispute.direction), 1, 5);
            else if (random.chance(0.04)) level = null;
            else level = clamp(Math.round(centre + person.bias + random.normal() * 0.5), 1, 5);
            const evidence = random.chance(0.25) ? random.pick(EVIDENCE[outcome.principle] ?? ['']) : '';
            placements.push({ outcomeCode: outcome.code, level, evidence });
          }
          const assessment = await ensureSelfAssessment(db, checkId, group.id, person.id);
          const saved = await saveAnswers(db, assessment, assessment.version, placements);
          if (!saved.ok) throw new Error(`saving a self-assessment of ${person.email} hit a version conflict`);
          if (action === 'submit') {
            const submitted = await submitAnswers(db, { ...assessment, version: saved.version }, saved.version, role);
            if (!submitted.ok) throw new Error(`submitting the self-assessment of ${person.email} failed`);
            tally.submitted += 1;
            placements.forEach((placement, index) => item(tally.levels, index).push(placement.level));
          }
        }
        step(assessmentsPhase, memberships);
      }
    }

    // Consensus: most groups of a closed check met, revealed and agreed every outcome; in the open
    // check a few groups are mid-meeting and the rest have not revealed yet.
    const consensusPhase = `${label}: consensus`;
    done = 0;
    onProgress({ phase: consensusPhase, done: 0, total: plan.groups.length });
    for (const group of plan.groups) {
      const tally = tallies.get(group);
      const role = roleOf(group);
      let outcomes = 0;
      if (tally !== undefined && tally.submitted > 0) {
        if (!open && (group.featured || random.chance(0.88))) outcomes = role.outcomes.length;
        else if (open && !group.featured && tally.submitted >= 3 && random.chance(0.3)) outcomes = random.int(2, 9);
      }
      if (tally !== undefined && outcomes > 0) {
        const facilitator = (group.members.find((member) => member.facilitator) ?? item(group.members, 0)).person.id;
        await db.transaction().execute(async (trx) => {
          await revealCheckGroup(trx, checkId, group.id, facilitator);
          await recordAudit(trx, { actorId: facilitator, action: 'consensus.reveal', subject: auditSubject.group(group.id), detail: { checkId } });
        });
        for (const [index, outcome] of role.outcomes.slice(0, outcomes).entries()) {
          if (!open && !group.featured && random.chance(0.04)) continue;
          const placed = item(tally.levels, index)
            .filter((level): level is number => level !== null)
            .sort((a, b) => a - b);
          const low = placed[0];
          const high = placed[placed.length - 1];
          const artifact = random.pick(ARTIFACTS);
          let level: number;
          let rationale: string;
          if (low === undefined || high === undefined) {
            level = Math.round(latent(group, index));
            rationale = `Nobody was sure yet; after looking at ${artifact} we agreed on ${levelName(map, level)}.`;
          } else {
            level = Math.round(median(placed));
            if (high - low >= 2 && random.chance(0.2)) level = Math.min(5, level + 1);
            if (placed.length === 1) rationale = `Placed at Level ${level} after reviewing ${artifact}.`;
            else if (low === high) rationale = `All ${placed.length} placements were Level ${level}; ${artifact} backs that up.`;
            else if (high - low === 1) rationale = `Placements ranged from Level ${low} to Level ${high}; after looking at ${artifact} we agreed on Level ${level}.`;
            else rationale = `We were split (Levels ${low}–${high}). ${capitalised(artifact)} showed the practice is not yet consistent, so we settled on Level ${level}.`;
          }
          let dissent = '';
          if (low !== undefined && high !== undefined && high > low && random.chance(high - low >= 2 ? 0.65 : 0.05)) {
            const far = level - low >= high - level ? low : high;
            const count = placed.filter((value) => value === far).length;
            dissent = `${count === 1 ? 'One member' : `${count} members`} placed us at Level ${far}: ${random.pick(DISSENT_REASONS)}.`;
          }
          const input = { checkId, groupId: group.id, outcomeCode: outcome.code, level, rationale, dissent, nextStep: suggestNextStep(map, outcome, level), recordedBy: facilitator };
          const first = await recordConsensus(db, input, 0);
          if (!first.ok) throw new Error(`consensus for ${outcome.code} of group ${group.id} already existed`);
          if (!open && random.chance(0.05)) {
            // Now and then a team revisits an agreement a week later; the first version stays in the history.
            const revised = clamp(level + (random.chance(0.5) ? -1 : 1), 1, 5);
            const second = await recordConsensus(
              db,
              { ...input, level: revised, rationale: `${rationale} Revisited a week later after looking at ${random.pick(ARTIFACTS)}.`, nextStep: suggestNextStep(map, outcome, revised) },
              first.version,
            );
            if (!second.ok) throw new Error(`revising consensus for ${outcome.code} of group ${group.id} hit a conflict`);
          }
        }
      }
      step(consensusPhase, plan.groups.length);
    }
    await backdate(db, checkId, planned, open, options.today);
  }

  await generateFollowThrough(db, plan, createdChecks, random, options.today, map);

  return {
    networkName: NETWORK_NAME,
    counts: await countRows(db),
    personas: plan.personas.map(({ key, person }) => ({ key, ...personaText[key], name: person.name, email: person.email })),
    checks: createdChecks,
  };
}

const personaText: Record<PersonaKey, { label: string; sees: string }> = {
  'network-admin': { label: 'Network admin', sees: 'the whole network: districts, sites, people, every progress check and the audit log' },
  'district-leader': { label: 'District leader', sees: 'their district’s schools and groups, consensus records, and anonymous spreads of groups with enough submissions' },
  'school-leader': { label: 'School leader', sees: 'their school’s groups and consensus, and their own School leader self-assessment' },
  facilitator: { label: 'Facilitator', sees: 'their team’s consensus: reveal the open check’s placements, read the spread, record the agreed levels' },
  'team-member': { label: 'Team member', sees: 'their own self-assessment (a draft in the open check) and their team’s consensus' },
};

/**
 * The repositories stamp every row with the time of writing; this moves a check's activity into its
 * own window (submissions during the check, the consensus meeting near its end), deterministically,
 * so that an eight-month-old check does not look as if it was filled in today.
 */
async function backdate(db: Kysely<Database>, checkId: number, check: PlannedCheck, open: boolean, today: string): Promise<void> {
  const opens = parseDay(check.opensOn);
  const end = open ? parseDay(today) : parseDay(check.closesOn);
  const activityDays = Math.max(1, Math.round((end.getTime() - opens.getTime()) / DAY_MS) - 3);
  const meeting = formatDay(addDays(end, open ? -1 : -2));
  const stamp = (from: string, days: RawBuilder<unknown>, minutes: RawBuilder<unknown>): RawBuilder<string> =>
    sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${from}, '+' || (${days}) || ' days', '+' || (${minutes}) || ' minutes')`;
  const startedDay = sql`(id * 31) % ${activityDays}`;
  const startedMinute = sql`420 + (id * 7) % 660`;
  const finishedDay = sql`(id * 31) % ${activityDays} + id % 2`;
  const finishedMinute = sql`460 + (id * 7) % 660`;
  await db
    .updateTable('self_assessments')
    .set({
      created_at: stamp(check.opensOn, startedDay, startedMinute),
      updated_at: stamp(check.opensOn, finishedDay, finishedMinute),
      submitted_at: sql<string | null>`case when submitted_at is null then null else ${stamp(check.opensOn, finishedDay, finishedMinute)} end`,
    })
    .where('check_id', '=', checkId)
    .execute();
  await db
    .updateTable('check_groups')
    .set({ revealed_at: stamp(meeting, sql`0`, sql`900`) })
    .where('check_id', '=', checkId)
    .where('revealed_at', 'is not', null)
    .execute();
  await db
    .updateTable('consensus_revisions')
    .set({ recorded_at: stamp(meeting, sql`version - 1`, sql`910 + id % 90`) })
    .where('check_id', '=', checkId)
    .execute();
  await db
    .updateTable('consensus_records')
    .set({
      updated_at: sql<string>`(select r.recorded_at from consensus_revisions r where r.check_id = consensus_records.check_id and r.group_id = consensus_records.group_id and r.outcome_code = consensus_records.outcome_code and r.version = consensus_records.version)`,
    })
    .where('check_id', '=', checkId)
    .execute();
}

async function countRows(db: Kysely<Database>): Promise<GenerateCounts> {
  const count = async (table: keyof Database, where = sql`1 = 1`): Promise<number> => {
    const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(db);
    return result.rows[0]?.n ?? 0;
  };
  return {
    districts: await count('districts'),
    sites: await count('sites'),
    groups: await count('groups'),
    people: await count('people'),
    memberships: await count('group_members'),
    checks: await count('progress_checks'),
    checkGroups: await count('check_groups'),
    selfAssessments: await count('self_assessments'),
    submitted: await count('self_assessments', sql`submitted_at is not null`),
    placements: await count('placements'),
    consensusRecords: await count('consensus_records'),
    consensusRevisions: await count('consensus_revisions'),
    actions: await count('actions'),
    actionNotes: await count('action_notes'),
    requests: await count('assistance_requests'),
  };
}

// ---- follow-through: action plans and requests for help ----

const NOTES_DONE = ['Ran two cycles; the exit-ticket data moved the right way.', 'Finished: shared the results at the staff meeting.', 'Done. The team agreed to keep the routine.'];
const NOTES_PROGRESS = ['First cycle under way with two classes.', 'Met with the coach; data collection starts next week.', 'Halfway: one grade level has tried it.'];
const NOTES_DROPPED = ['Dropped: the schedule change made this impossible this term.', 'Dropped in favour of the district’s new routine.'];
const HELP = [
  'Someone to show us how to read run charts with the team.',
  'A facilitator for a root-cause session with our whole staff.',
  'Examples of driver diagrams from another campus.',
  'Help choosing measures for our first PDSA cycle.',
];
const ANSWERS = ['We will send a hub coach for your next team meeting.', 'Shared two examples from Bluebonnet campuses; a coach will follow up.'];

/**
 * Turns next steps of the closed checks into actions (every state, some overdue on `today`, with signed
 * notes), and sends a few requests for help to the hub (open, answered, closed). The first site's team
 * always gets one action of each state, so every new page has something to show.
 */
async function generateFollowThrough(db: Kysely<Database>, plan: Plan, checks: GenerateResult['checks'], random: Random, today: string, map: IcMap): Promise<void> {
  const closed = checks.slice(0, -1);
  const latestClosed = closed.at(-1);
  if (latestClosed === undefined) return;
  const hub = plan.groups.find((group) => group.roleKey === 'hub-team');
  const teams = plan.groups.filter((group) => group.roleKey === 'improvement-team');
  const day = (base: string, days: number): string => formatDay(addDays(parseDay(base), days));
  const stamp = (date: string, minutes: number): string => `${date}T${String(7 + Math.floor(minutes / 60) % 10).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00.000Z`;
  for (const check of closed) {
    const latest = check === latestClosed;
    const meeting = day(check.closesOn, -2);
    for (const group of teams) {
      if (!group.featured && !random.chance(0.7)) continue;
      const records = await db
        .selectFrom('consensus_records')
        .select(['outcome_code', 'level', 'next_step'])
        .where('check_id', '=', check.id)
        .where('group_id', '=', group.id)
        .orderBy('level', 'desc')
        .orderBy('outcome_code')
        .execute();
      const chosen = records.slice(0, group.featured && latest ? 5 : random.int(1, 3));
      for (const [index, record] of chosen.entries()) {
        let status: ActionStatus;
        let due: string;
        if (group.featured && latest) {
          // One of each state, and one overdue: planned, in progress, done, dropped, planned but late.
          status = (['planned', 'in-progress', 'done', 'dropped', 'planned'] as const)[index] ?? 'planned';
          due = index === 4 ? day(today, -9) : index < 2 ? day(today, 5 + index * 4) : day(meeting, 40);
        } else if (latest) {
          status = weighted(random, [{ key: 'planned', weight: 3 }, { key: 'in-progress', weight: 3 }, { key: 'done', weight: 3 }, { key: 'dropped', weight: 1 }] as const).key;
          due = day(today, random.int(-20, 40));
        } else {
          status = weighted(random, [{ key: 'done', weight: 7 }, { key: 'dropped', weight: 2 }, { key: 'in-progress', weight: 1 }] as const).key;
          due = day(meeting, random.int(21, 70));
        }
        const members = group.members.map((member) => member.person);
        const owners = random.shuffled(members).slice(0, random.int(1, Math.min(2, members.length)));
        const facilitator = (group.members.find((member) => member.facilitator) ?? item(group.members, 0)).person;
        // The team-member persona of the featured team owns the actions due soon.
        const persona = plan.personas.find((entry) => entry.key === 'team-member')?.person;
        if (group.featured && latest && persona !== undefined && index < 2) owners.splice(0, owners.length, persona);
        const what = record.next_step.length > 0 ? record.next_step.slice(0, 300) : `Work on ${record.outcome_code} next term.`;
        const kind = random.pick(['learn', 'pdsa', 'adapt'] as const);
        const actionId = await insertAction(db, { groupId: group.id, checkId: check.id, outcomeCode: record.outcome_code, what, kind, dueOn: due, status: 'planned', ownerIds: owners.map((owner) => owner.id), createdBy: facilitator.id });
        const created = stamp(meeting, 600 + index);
        let version = 1;
        const notes = status === 'done' ? [NOTES_PROGRESS, NOTES_DONE] : status === 'in-progress' ? [NOTES_PROGRESS] : status === 'dropped' ? [NOTES_DROPPED] : [];
        for (const [noteIndex, texts] of notes.entries()) {
          const noteStatus: ActionStatus = noteIndex === notes.length - 1 ? status : 'in-progress';
          const author = item(owners, noteIndex % owners.length);
          const change = { what, kind, dueOn: due, status: noteStatus, ownerIds: owners.map((owner) => owner.id), note: random.pick(texts), by: author.id };
          if (!(await saveActionVersion(db, actionId, change, version))) throw new Error(`demo action ${actionId} hit a version conflict`);
          version += 1;
        }
        // Notes dated between the meeting and today (or the due date), in order.
        const span = Math.max(2, Math.round((Math.min(parseDay(today).getTime(), parseDay(due).getTime() + 5 * DAY_MS) - parseDay(meeting).getTime()) / DAY_MS));
        const noteRows = await db.selectFrom('action_notes').select('id').where('action_id', '=', actionId).orderBy('id').execute();
        for (const [noteIndex, note] of noteRows.entries()) {
          await db.updateTable('action_notes').set({ created_at: stamp(day(meeting, Math.max(1, Math.round(((noteIndex + 1) * span) / (noteRows.length + 1)))), 30 + noteIndex) }).where('id', '=', note.id).execute();
        }
        const last = noteRows.length === 0 ? created : stamp(day(meeting, Math.max(1, Math.round((noteRows.length * span) / (noteRows.length + 1)))), 30 + noteRows.length - 1);
        await db.updateTable('actions').set({ created_at: created, updated_at: last }).where('id', '=', actionId).execute();
      }
    }
  }

  // A few requests for help: the featured team's was answered; others wait, one is closed.
  if (hub === undefined) return;
  const hubPeople = hub.members.map((member) => member.person);
  const askers = [...teams.filter((group) => group.featured), ...random.shuffled(teams.filter((group) => !group.featured)).slice(0, 3)];
  const role = findRole(map, 'improvement-team');
  for (const [index, group] of askers.entries()) {
    const facilitator = (group.members.find((member) => member.facilitator) ?? item(group.members, 0)).person;
    const outcome = random.pick(role?.outcomes ?? []);
    const requestId = await insertRequest(db, { groupId: group.id, checkId: latestClosed.id, outcomeCode: outcome.code, help: random.pick(HELP), neededBy: day(today, random.int(5, 30)), createdBy: facilitator.id });
    const state = index === 0 ? 'answered' : index === askers.length - 1 && askers.length > 2 ? 'closed' : 'open';
    const asked = stamp(day(today, -random.int(3, 20)), 90 + index);
    await db.updateTable('assistance_requests').set({ created_at: asked, updated_at: asked }).where('id', '=', requestId).execute();
    if (state !== 'open') {
      const answerer = item(hubPeople, index % hubPeople.length);
      const saved = await saveRequestVersion(db, requestId, { answer: random.pick(ANSWERS), assigneeId: answerer.id, status: state, by: answerer.id, answered: true }, 1);
      if (!saved) throw new Error(`demo request ${requestId} hit a version conflict`);
      const answered = stamp(day(today, -1), 120 + index);
      await db.updateTable('assistance_requests').set({ answered_at: answered, updated_at: answered }).where('id', '=', requestId).execute();
    }
  }
}
