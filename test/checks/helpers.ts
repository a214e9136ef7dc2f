/**
 * Shared helpers for the progress-check tests: signed-in personas (one sign-in each per fixture, since
 * scrypt is slow on purpose), opening checks over HTTP, filling in the survey, a snapshot of the
 * progress-check tables, and small HTML readers.
 */
import type { LightMyRequestResponse } from 'fastify';
import { snapshot } from '../support/db-snapshot.js';
import { signIn, type Agent } from '../support/http.js';
import { PASSWORD, personaNames, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import { ensureSelfAssessment, markSubmitted, upsertPlacements } from '../../server/repositories/self-assessments.js';

export type Response = LightMyRequestResponse;

export const MAP_ID = 'txnsi';
/** The 15 outcome codes of every role, page by page (one principle per page). */
export const PAGES: readonly (readonly string[])[] = [
  ['1.1', '1.2', '1.3'],
  ['2.1', '2.2', '2.3'],
  ['3.1', '3.2', '3.3'],
  ['4.1', '4.2', '4.3'],
  ['5.1', '5.2', '5.3'],
];
export const ALL_CODES: readonly string[] = PAGES.flat();

/** YYYY-MM-DD in UTC, `days` from today. */
export function utcDay(days = 0): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Text as Eta's autoEscape writes it into a page. */
export function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

/** Every persona signed in once, lazily, each from its own address (the sign-in limit is per address). */
export function personas(f: NetworkFixture, subnet = 1): (name: PersonaName) => Promise<Agent> {
  const agents = new Map<PersonaName, Promise<Agent>>();
  return (name) => {
    let agent = agents.get(name);
    if (agent === undefined) {
      agent = signIn(f.app, f.people[name].email, PASSWORD, { remoteAddress: `10.${subnet}.0.${personaNames.indexOf(name) + 1}` });
      agents.set(name, agent);
    }
    return agent;
  };
}

/** The rows of the progress-check tables, in a stable order. */
export async function checkTables(f: NetworkFixture) {
  const db = f.app.db;
  const [checks, checkGroups, selfAssessments, placements, consensusRecords, consensusRevisions] = await Promise.all([
    db.selectFrom('progress_checks').selectAll().orderBy('id').execute(),
    db.selectFrom('check_groups').selectAll().orderBy('check_id').orderBy('group_id').execute(),
    db.selectFrom('self_assessments').selectAll().orderBy('id').execute(),
    db.selectFrom('placements').selectAll().orderBy('self_assessment_id').orderBy('outcome_code').execute(),
    db.selectFrom('consensus_records').selectAll().orderBy('check_id').orderBy('group_id').orderBy('outcome_code').execute(),
    db.selectFrom('consensus_revisions').selectAll().orderBy('id').execute(),
  ]);
  return { checks, checkGroups, selfAssessments, placements, consensusRecords, consensusRevisions };
}

/** Everything: the organisation, people and audit log, and the progress-check tables. */
export async function everything(f: NetworkFixture) {
  return { ...(await snapshot(f.app.db)), ...(await checkTables(f)) };
}

/**
 * A form POST with repeated fields (role_keys) or extra headers, through app.inject with the agent's
 * cookies and a fresh `_csrf` read from `tokenFrom`.
 */
export async function postRaw(
  f: NetworkFixture,
  agent: Agent,
  url: string,
  fields: [string, string][],
  options: { headers?: Record<string, string>; tokenFrom?: string } = {},
): Promise<Response> {
  const token = await agent.csrfToken(options.tokenFrom ?? '/');
  const body = new URLSearchParams([...fields, ['_csrf', token]]);
  return f.app.inject({
    method: 'POST',
    url,
    headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    payload: body.toString(),
  });
}

export interface CheckForm {
  name?: string;
  map_id?: string;
  opens_on?: string;
  closes_on?: string;
  place?: string;
  role_keys?: readonly string[];
}

let checkCounter = 0;

/** The fields of a valid "open a check" form, with `overrides` (undefined leaves a field out). */
export function checkFields(overrides: CheckForm = {}): [string, string][] {
  checkCounter += 1;
  const form: CheckForm = {
    name: `Check ${checkCounter}`,
    map_id: MAP_ID,
    opens_on: utcDay(0),
    closes_on: utcDay(14),
    place: 'network',
    role_keys: ['improvement-team'],
    ...overrides,
  };
  const fields: [string, string][] = [];
  for (const key of ['name', 'map_id', 'opens_on', 'closes_on', 'place'] as const) {
    const value = form[key];
    if (value !== undefined) fields.push([key, value]);
  }
  for (const role of form.role_keys ?? []) fields.push(['role_keys', role]);
  return fields;
}

/** The check id a successful POST /checks redirected to. */
export function checkIdFrom(response: Response): number {
  const match = /^\/checks\/(\d+)$/.exec(String(response.headers.location));
  if (response.statusCode !== 303 || match?.[1] === undefined) throw new Error(`opening a check answered ${response.statusCode} ${response.body.slice(0, 300)}`);
  return Number(match[1]);
}

/** Opens a check over HTTP as `agent` (an admin, by default for the network) and returns its id. */
export async function openCheck(f: NetworkFixture, agent: Agent, overrides: CheckForm = {}): Promise<number> {
  return checkIdFrom(await postRaw(f, agent, '/checks', checkFields(overrides)));
}

export const selfUrl = (checkId: number, groupId: number): string => `/checks/${checkId}/groups/${groupId}/self`;
export const consensusUrl = (checkId: number, groupId: number): string => `/checks/${checkId}/groups/${groupId}/consensus`;

/** The value of the first hidden `version` field of a page. */
export function versionIn(html: string): number {
  const match = /name="version" value="(\d+)"/.exec(html);
  if (match?.[1] === undefined) throw new Error('the page has no version field');
  return Number(match[1]);
}

/** The `version` of the consensus form of one outcome. */
export function consensusVersionIn(html: string, code: string): number {
  const start = html.indexOf(`/consensus/${code}"`);
  if (start < 0) throw new Error(`the page has no consensus form for ${code}`);
  const match = /name="version" value="(\d+)"/.exec(html.slice(start));
  if (match?.[1] === undefined) throw new Error(`the consensus form for ${code} has no version`);
  return Number(match[1]);
}

export type Level = number | 'not-sure';

/** Saves one survey page as `agent`: `answers` maps outcome codes to levels, `evidence` to notes. */
export function savePage(
  agent: Agent,
  url: string,
  page: number,
  version: number,
  answers: Record<string, Level>,
  options: { evidence?: Record<string, string>; action?: string } = {},
): Promise<Response> {
  const form: Record<string, string> = { version: String(version), page: String(page), go: options.action ?? 'save' };
  for (const [code, level] of Object.entries(answers)) form[`level_${code}`] = String(level);
  for (const [code, note] of Object.entries(options.evidence ?? {})) form[`evidence_${code}`] = note;
  return agent.post(url, form);
}

/** Answers every page (same level everywhere unless `levelOf` says otherwise) and returns the last version. */
export async function answerAll(agent: Agent, url: string, levelOf: (code: string) => Level, evidence: (code: string) => string = () => ''): Promise<number> {
  let version = versionIn((await agent.get(`${url}?page=1`)).body);
  for (const [index, codes] of PAGES.entries()) {
    const answers = Object.fromEntries(codes.map((code) => [code, levelOf(code)]));
    const notes = Object.fromEntries(codes.map((code) => [code, evidence(code)]));
    const response = await savePage(agent, url, index + 1, version, answers, { evidence: notes });
    if (response.statusCode !== 303) throw new Error(`saving page ${index + 1} answered ${response.statusCode}`);
    version += 1;
  }
  return version;
}

/** Answers every outcome and submits, over HTTP. */
export async function answerAndSubmit(agent: Agent, url: string, levelOf: (code: string) => Level, evidence?: (code: string) => string): Promise<void> {
  const version = await answerAll(agent, url, levelOf, evidence);
  const response = await agent.post(`${url}/submit`, { version: String(version) });
  if (response.statusCode !== 303) throw new Error(`submitting answered ${response.statusCode}`);
}

/** A submitted self-assessment for someone who cannot sign in (newcomerA1), through the repositories. */
export async function seedSubmitted(f: NetworkFixture, checkId: number, groupId: number, personId: number, levelOf: (code: string) => number | null, evidence = ''): Promise<void> {
  const assessment = await ensureSelfAssessment(f.app.db, checkId, groupId, personId);
  await upsertPlacements(
    f.app.db,
    assessment.id,
    ALL_CODES.map((code) => ({ outcomeCode: code, level: levelOf(code), evidence })),
  );
  await markSubmitted(f.app.db, assessment.id);
}

/** The self-assessment row of a person, if any. */
export function assessmentOf(f: NetworkFixture, checkId: number, groupId: number, personId: number) {
  return f.app.db
    .selectFrom('self_assessments')
    .selectAll()
    .where('check_id', '=', checkId)
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

/** The text of an HTML fragment, tags removed and whitespace collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The <main> of a page, without the layout (which names the signed-in person). */
export function mainOf(html: string): string {
  const start = html.indexOf('<main');
  const end = html.lastIndexOf('</main>');
  return start >= 0 && end > start ? html.slice(start, end) : html;
}
