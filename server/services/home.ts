/**
 * What a signed-in person's home page shows, fitted to who they are: an admin's open checks and what
 * needs doing; a leader's groups and their progress; a facilitator's group and its next step; a member's
 * time needed, then what happens next.
 */
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { Db } from '../db/types.js';
import { countPeopleWaitingToSignIn } from '../repositories/people.js';
import { checkGroupProgress, checkProgressTotals, listChecks, type CheckGroupProgress, type PersonCheckRow, type ProgressTotals } from '../repositories/progress-checks.js';
import { listLedSites } from '../repositories/organisation.js';
import { checkState, todayUtc } from './progress-checks.js';
import { checkGroupPath, checkPath, withQuery } from '../urls.js';

const OUTCOMES = 15;

export interface CheckSummary {
  id: number;
  name: string;
  closesOn: string;
  daysLeft: number;
  totals: ProgressTotals;
}

export interface TeamStep {
  checkId: number;
  checkName: string;
  closesOn: string;
  groupId: number;
  groupName: string;
  progress: CheckGroupProgress | undefined;
  /** For a facilitator: what to do now, in words, and where. */
  next: { text: string; href: string; label: string };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The facilitator's next step for their group: wait, reveal, record, or share the report. */
export function facilitatorStep(checkId: number, groupId: number, progress: CheckGroupProgress | undefined): TeamStep['next'] {
  const consensus = checkGroupPath(checkId, groupId, 'consensus');
  if (progress === undefined) return { text: 'Open the consensus page to see your team.', href: consensus, label: 'Run consensus' };
  const submitted = `${progress.submitted_count} of ${progress.member_count} submitted`;
  if (progress.revealed_at === null) {
    if (progress.submitted_count === 0) return { text: `Waiting for your team: ${submitted}. Remind them; reveal once most have submitted.`, href: consensus, label: 'See your team' };
    return {
      text: `${submitted}. Next: reveal the placements when your team meets${progress.submitted_count < progress.member_count ? ' (or wait for the others)' : ''}.`,
      href: consensus,
      label: 'Reveal and run consensus',
    };
  }
  if (progress.agreed_count < OUTCOMES) return { text: `Revealed. Next: record the agreed level for each outcome (${progress.agreed_count} of ${OUTCOMES} agreed).`, href: consensus, label: 'Record consensus' };
  return { text: `All ${OUTCOMES} outcomes agreed. Next: share the team's report, its bright spots and next steps.`, href: checkGroupPath(checkId, groupId, 'report'), label: 'Open the report' };
}

export interface HomeModel {
  adminChecks: CheckSummary[];
  todo: { text: string; href: string; label: string }[];
  ledSites: { id: number; name: string; checks: { id: number; name: string; closesOn: string; groups: CheckGroupProgress[] }[] }[];
  ledDistricts: { checkId: number; checkName: string; totals: ProgressTotals }[];
  teamSteps: TeamStep[];
  memberSteps: (TeamStep & { submitted: boolean })[];
}

export async function homeModel(db: Db, viewer: { id: number; isNetworkAdmin: boolean; scope: AccessScope }, rows: readonly PersonCheckRow[], today = todayUtc()): Promise<HomeModel> {
  const scope = viewer.scope;
  const model: HomeModel = { adminChecks: [], todo: [], ledSites: [], ledDistricts: [], teamSteps: [], memberSteps: [] };
  const leads = may(scope, 'view', { kind: 'network' });
  const openChecks = leads ? (await listChecks(db, scope)).filter((check) => checkState(check, today) === 'open') : [];

  if (viewer.isNetworkAdmin) {
    for (const check of openChecks) {
      const totals = await checkProgressTotals(db, check.id, scope, { outcomeCount: OUTCOMES });
      const summary = { id: check.id, name: check.name, closesOn: check.closes_on, daysLeft: daysBetween(today, check.closes_on), totals };
      model.adminChecks.push(summary);
      if (summary.daysLeft <= 7 && totals.groups_agreed < totals.groups) {
        model.todo.push({
          text: `“${check.name}” closes ${summary.daysLeft === 0 ? 'today' : `in ${summary.daysLeft} ${summary.daysLeft === 1 ? 'day' : 'days'}`} and ${totals.groups - totals.groups_agreed} of ${totals.groups} groups have not agreed every outcome.`,
          href: withQuery(checkPath(check.id), { status: 'agreeing' }),
          label: 'See who, or extend the deadline',
        });
      }
    }
    if (openChecks.length === 0) model.todo.push({ text: 'No progress check is open.', href: '/checks', label: 'Open a progress check' });
    const waiting = await countPeopleWaitingToSignIn(db);
    if (waiting > 0) {
      model.todo.push({ text: `${waiting} ${waiting === 1 ? 'person has' : 'people have'} not set a password yet.`, href: '/people?signin=no', label: 'Hand out invitations' });
    }
  }

  if (!viewer.isNetworkAdmin && scope.ledDistrictIds.length > 0) {
    for (const check of openChecks) {
      for (const districtId of scope.ledDistrictIds) {
        model.ledDistricts.push({ checkId: check.id, checkName: check.name, totals: await checkProgressTotals(db, check.id, scope, { outcomeCount: OUTCOMES, districtId }) });
      }
    }
  }

  if (scope.ledSiteIds.length > 0) {
    for (const site of await listLedSites(db, scope)) {
      const checks = [];
      for (const check of openChecks) {
        const groups = await checkGroupProgress(db, check.id, scope, { outcomeCount: OUTCOMES, siteId: site.id });
        if (groups.length > 0) checks.push({ id: check.id, name: check.name, closesOn: check.closes_on, groups });
      }
      model.ledSites.push({ id: site.id, name: site.name, checks });
    }
  }

  // The person's own open checks: a facilitator's next step, a member's time needed or what happens next.
  const own = rows.filter((row) => checkState(row, today) === 'open');
  for (const row of own) {
    const [progress] = await checkGroupProgress(db, row.check_id, scope, { outcomeCount: OUTCOMES, groupIds: [row.group_id] });
    const step = { checkId: row.check_id, checkName: row.check_name, closesOn: row.closes_on, groupId: row.group_id, groupName: row.group_name, progress };
    if (row.is_facilitator === 1) model.teamSteps.push({ ...step, next: facilitatorStep(row.check_id, row.group_id, progress) });
    else model.memberSteps.push({ ...step, submitted: row.submitted_at !== null, next: { text: '', href: checkGroupPath(row.check_id, row.group_id, 'self'), label: row.submitted_at === null ? 'Start' : 'Review your answers' } });
  }
  return model;
}
