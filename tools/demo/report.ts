/** Plain-text summaries of a generated demo network for the terminal: its row counts and each persona's sign-in. */
import { DEMO_PASSWORD, type GenerateCounts, type Persona } from './generate.js';

export const formatNumber = (value: number): string => value.toLocaleString('en-US');

/** "1 site", "1,000 sites". */
const count = (value: number, singular: string, plural = `${singular}s`): string => `${formatNumber(value)} ${value === 1 ? singular : plural}`;

export function describeCounts(counts: GenerateCounts): string[] {
  return [
    `${count(counts.districts, 'district')}, ${count(counts.sites, 'site')}, ${count(counts.groups, 'group')}, ${count(counts.people, 'person', 'people')} (${count(counts.memberships, 'group membership')})`,
    `${count(counts.checks, 'progress check')} with ${count(counts.checkGroups, 'group')} taking part`,
    `${count(counts.selfAssessments, 'self-assessment')} (${formatNumber(counts.submitted)} submitted, the rest drafts), ${count(counts.placements, 'placement')}`,
    `${count(counts.consensusRecords, 'consensus record')} (${count(counts.consensusRevisions, 'revision')} kept)`,
    `${count(counts.actions, 'action')} in the groups' plans (${count(counts.actionNotes, 'progress note')}), ${count(counts.requests, 'request')} for the hub's help`,
  ];
}

/** One block per persona: who they are, how to sign in, and what they will see. */
export function describePersonas(personas: readonly Persona[], signInUrl?: string): string[] {
  const width = Math.max(...personas.map((persona) => persona.label.length));
  return [
    `Sign in${signInUrl === undefined ? '' : ` at ${signInUrl}`} as any of these. Every demo account has the same`,
    `password: ${DEMO_PASSWORD}  (a demo password for every demo account; never use the demo database for real data)`,
    '',
    ...personas.flatMap((persona) => [
      `  ${persona.label.padEnd(width)}  ${persona.email}  (${persona.name})`,
      `  ${' '.repeat(width)}  sees ${persona.sees}`,
    ]),
  ];
}
