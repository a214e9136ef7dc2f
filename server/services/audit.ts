/** Subjects for the audit log, spelled the same way everywhere, and each entry told as a sentence. */
import type { AuditEventWithActor } from '../repositories/audit.js';
import { auditSubjectNames } from '../repositories/audit.js';
import type { Db } from '../db/types.js';
import { checkPath, districtPath, groupPath, personPath, rosterImportPath, sitePath } from '../urls.js';

export const auditSubject = {
  network: () => 'network',
  district: (id: number) => `district:${id}`,
  site: (id: number) => `site:${id}`,
  group: (id: number) => `group:${id}`,
  person: (id: number) => `person:${id}`,
  rosterImport: (id: number) => `roster-import:${id}`,
};

/** The kinds a reader filters the log by, each the action prefixes it covers. */
export const AUDIT_KINDS = {
  checks: { label: 'Progress checks', prefixes: ['check.'] },
  consensus: { label: 'Consensus and named view', prefixes: ['consensus.', 'group.named-view'] },
  groups: { label: 'Groups and members', prefixes: ['group.'] },
  people: { label: 'People', prefixes: ['person.'] },
  links: { label: 'Invitations and password resets', prefixes: ['invitation.', 'reset.'] },
  places: { label: 'Network, districts and sites', prefixes: ['network.', 'district.', 'site.'] },
  imports: { label: 'Roster imports', prefixes: ['roster.'] },
} as const;
export type AuditKind = keyof typeof AUDIT_KINDS;

/** A piece of a sentence: plain words, or the name of a thing, linked when it has a page. */
export type SentencePart = string | { text: string; href?: string };

export interface AuditLine {
  id: number;
  at: string;
  actor: { name: string; href?: string };
  sentence: SentencePart[];
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function parseSubject(subject: string): { kind: string; id: number | undefined } {
  const [kind = subject, id] = subject.split(':');
  return { kind, id: id === undefined ? undefined : Number(id) };
}

function parseDetail(detail: string | null): Record<string, unknown> {
  if (detail === null) return {};
  try {
    const parsed: unknown = JSON.parse(detail);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Turns audit entries into sentences, "Ada Admin closed the progress check “2026-27 Beginning of year”". */
export async function describeAuditEvents(db: Db, events: readonly AuditEventWithActor[]): Promise<AuditLine[]> {
  const parsed = events.map((event) => ({ event, subject: parseSubject(event.subject), detail: parseDetail(event.detail) }));
  const ids = { people: [] as number[], groups: [] as number[], checks: [] as number[], districts: [] as number[], sites: [] as number[], imports: [] as number[] };
  for (const { subject, detail } of parsed) {
    if (subject.id !== undefined) {
      const list = { person: ids.people, group: ids.groups, check: ids.checks, district: ids.districts, site: ids.sites, 'roster-import': ids.imports }[subject.kind];
      list?.push(subject.id);
    }
    const personId = num(detail.personId);
    if (personId !== undefined) ids.people.push(personId);
    const checkId = num(detail.checkId);
    if (checkId !== undefined) ids.checks.push(checkId);
  }
  const names = await auditSubjectNames(db, ids);
  const person = (id: number | undefined): SentencePart =>
    id === undefined ? 'someone' : { text: names.people.get(id) ?? `person no. ${id} (since removed)`, href: names.people.has(id) ? personPath(id) : undefined };
  const group = (id: number | undefined): SentencePart =>
    id === undefined ? 'a group' : { text: names.groups.get(id) ?? `group no. ${id}`, href: names.groups.has(id) ? groupPath(id) : undefined };
  const check = (id: number | undefined): SentencePart =>
    id === undefined ? 'a progress check' : { text: `“${names.checks.get(id) ?? `no. ${id}`}”`, href: names.checks.has(id) ? checkPath(id) : undefined };
  const district = (id: number | undefined): SentencePart =>
    id === undefined ? 'a district' : { text: names.districts.get(id) ?? `district no. ${id}`, href: names.districts.has(id) ? districtPath(id) : undefined };
  const site = (id: number | undefined): SentencePart => (id === undefined ? 'a site' : { text: names.sites.get(id) ?? `site no. ${id}`, href: names.sites.has(id) ? sitePath(id) : undefined });

  return parsed.map(({ event, subject, detail }) => {
    const id = subject.id;
    const newName = str(detail.name);
    const thing = (kind: string): SentencePart => (kind === 'district' ? district(id) : kind === 'site' ? site(id) : kind === 'group' ? group(id) : person(id));
    const kindWord = subject.kind === 'person' ? '' : `the ${subject.kind} `;
    let sentence: SentencePart[];
    switch (event.action) {
      case 'network.setup':
        sentence = [`set up the network “${str(detail.networkName) ?? ''}”`];
        break;
      case 'network.rename':
        sentence = [`renamed the network “${newName ?? ''}”`];
        break;
      case 'district.create':
      case 'site.create':
      case 'group.create':
        sentence = [`added the ${subject.kind} `, thing(subject.kind)];
        break;
      case 'district.rename':
      case 'site.rename':
      case 'group.rename':
        sentence = [`renamed ${kindWord}`, thing(subject.kind), ` to “${newName ?? ''}”`];
        break;
      case 'district.archive':
      case 'site.archive':
      case 'group.archive':
      case 'person.archive':
        sentence = [`archived ${kindWord}`, thing(subject.kind)];
        break;
      case 'district.restore':
      case 'site.restore':
      case 'group.restore':
      case 'person.restore':
        sentence = [`restored ${kindWord}`, thing(subject.kind)];
        break;
      case 'group.add-member':
        sentence = [detail.isFacilitator === true ? 'made ' : 'added ', person(num(detail.personId)), detail.isFacilitator === true ? ' a facilitator of ' : ' to ', group(id)];
        break;
      case 'group.remove-member':
        sentence = ['removed ', person(num(detail.personId)), ' from ', group(id)];
        break;
      case 'group.named-view-on':
        sentence = ['chose named view (placements shown with names) for ', group(id)];
        break;
      case 'group.named-view-off':
        sentence = ['went back to anonymous view for ', group(id)];
        break;
      case 'consensus.reveal':
        sentence = ['revealed the placements of ', group(id), ' in ', check(num(detail.checkId))];
        break;
      case 'check.open':
        sentence = ['opened the progress check ', check(id), ...(num(detail.groups) === undefined ? [] : [` for ${plural(num(detail.groups) ?? 0, 'group', 'groups')}`])];
        break;
      case 'check.close':
        sentence = ['closed the progress check ', check(id)];
        break;
      case 'check.reopen':
        sentence = ['reopened the progress check ', check(id), ` until ${str(detail.closesOn) ?? '?'}`];
        break;
      case 'check.dates':
        sentence = [
          'changed the dates of ',
          check(id),
          ` to ${str(detail.opensOn) ?? '?'} – ${str(detail.closesOn) ?? '?'} (was ${str(detail.previousOpensOn) ?? '?'} – ${str(detail.previousClosesOn) ?? '?'})`,
        ];
        break;
      case 'person.create':
        sentence = ['added ', person(id)];
        break;
      case 'person.update':
        sentence = ['changed the name or email of ', person(id)];
        break;
      case 'person.grant-admin':
        sentence = ['made ', person(id), ' a network administrator'];
        break;
      case 'person.revoke-admin':
        sentence = ['took network administrator rights from ', person(id)];
        break;
      case 'invitation.create':
        sentence = ['created an invitation link for ', person(id)];
        break;
      case 'reset.create':
        sentence = ['created a password reset link for ', person(id)];
        break;
      case 'invitation.accept':
        sentence = ['accepted their invitation and set a password'];
        break;
      case 'reset.accept':
        sentence = ['set a new password with a reset link'];
        break;
      case 'setup.accept':
        sentence = ['finished setting up ICMap'];
        break;
      case 'roster.import': {
        const file = id === undefined ? undefined : names.imports.get(id);
        sentence = [
          'imported a roster',
          ...(file === undefined || id === undefined ? [] : [' (', { text: file, href: rosterImportPath(id) }, ')']),
          `: ${plural(num(detail.create) ?? 0, 'new person', 'new people')}, ${plural(num(detail.update) ?? 0, 'update', 'updates')}`,
        ];
        break;
      }
      default:
        sentence = [`did “${event.action}” to ${event.subject}`];
    }
    const actor =
      event.actor_id === null ? { name: 'ICMap' } : { name: event.actor_name ?? `person no. ${event.actor_id}`, href: event.actor_name === null ? undefined : personPath(event.actor_id) };
    return { id: event.id, at: event.at, actor, sentence };
  });
}
