/**
 * The harness's verdict, read from the database file after the last kill (opening it replays the
 * WAL exactly as ICMap's next start would): every acknowledged submission present once with its
 * acknowledged answers, nothing half-written, and the file sound.
 */
import SQLite from 'better-sqlite3';
import type { SurveyTask } from './fault-traffic.js';

export interface DatabaseVerdict {
  /** PRAGMA integrity_check: "ok", or its first lines. */
  integrity: string;
  /** Rows of PRAGMA foreign_key_check (a placement without its self-assessment, …). */
  foreignKeyViolations: number;
  /** Acknowledged submissions missing from the database, or there but not submitted. */
  lost: number;
  /** Acknowledged submissions whose placements differ from the acknowledged answers. */
  mismatched: number;
  /** Self-assessments stored more than once for a person, group and check; placements stored twice for an outcome. */
  duplicates: number;
  /** Submitted self-assessments (any check) with fewer placements than their role has outcomes. */
  partial: number;
  /** Placements whose self-assessment does not exist. */
  orphans: number;
  /** Self-assessments submitted in the database for the tasks, whether or not acknowledged. */
  submittedInDatabase: number;
  /** The first problems found, for the report. */
  problems: string[];
}

interface PlacementRow {
  outcome_code: string;
  level: number | null;
  not_sure: number;
  evidence: string;
}

const count = (sqlite: SQLite.Database, query: string): number => (sqlite.prepare(query).get() as { n: number }).n;

export function verifyDatabase(file: string, checkId: number, tasks: readonly SurveyTask[], outcomesPerRole: ReadonlyMap<string, number>): DatabaseVerdict {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < 20) problems.push(text);
  };
  const sqlite = new SQLite(file, { fileMustExist: true });
  try {
    sqlite.pragma('foreign_keys = ON');
    const integrityLines = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    const integrity = integrityLines.length === 1 && integrityLines[0] === 'ok' ? 'ok' : integrityLines.slice(0, 3).join('; ');
    if (integrity !== 'ok') problem(`integrity_check: ${integrity}`);
    const foreignKeyViolations = (sqlite.pragma('foreign_key_check') as unknown[]).length;
    if (foreignKeyViolations > 0) problem(`foreign_key_check: ${foreignKeyViolations} rows`);

    const duplicateAssessments = count(sqlite, 'select count(*) as n from (select 1 from self_assessments group by check_id, group_id, person_id having count(*) > 1)');
    const duplicatePlacements = count(sqlite, 'select count(*) as n from (select 1 from placements group by self_assessment_id, outcome_code having count(*) > 1)');
    const duplicates = duplicateAssessments + duplicatePlacements;
    if (duplicates > 0) problem(`duplicates: ${duplicateAssessments} self-assessments, ${duplicatePlacements} placements`);
    const orphans = count(sqlite, 'select count(*) as n from placements where self_assessment_id not in (select id from self_assessments)');
    if (orphans > 0) problem(`${orphans} placements without their self-assessment`);

    let partial = 0;
    const submitted = sqlite
      .prepare(
        `select sa.id, g.role_key, count(p.outcome_code) as placements from self_assessments sa
         join groups g on g.id = sa.group_id left join placements p on p.self_assessment_id = sa.id
         where sa.submitted_at is not null group by sa.id`,
      )
      .all() as { id: number; role_key: string; placements: number }[];
    for (const row of submitted) {
      const expected = outcomesPerRole.get(row.role_key);
      if (expected === undefined || row.placements < expected) {
        partial += 1;
        problem(`self-assessment ${row.id} is submitted with ${row.placements} of ${expected ?? '?'} placements`);
      }
    }

    let lost = 0;
    let mismatched = 0;
    let submittedInDatabase = 0;
    const findAssessment = sqlite.prepare('select id, submitted_at from self_assessments where check_id = ? and group_id = ? and person_id = ?');
    const findPlacements = sqlite.prepare('select outcome_code, level, not_sure, evidence from placements where self_assessment_id = ? order by outcome_code');
    for (const task of tasks) {
      const rows = findAssessment.all(checkId, task.groupId, task.personId) as { id: number; submitted_at: string | null }[];
      const row = rows[0];
      if (row?.submitted_at != null) submittedInDatabase += 1;
      if (!task.submitted) continue;
      if (row === undefined) {
        lost += 1;
        problem(`LOST: ${task.email}'s acknowledged submission (group ${task.groupId}) is not in the database`);
        continue;
      }
      if (row.submitted_at === null) {
        lost += 1;
        problem(`LOST: ${task.email}'s acknowledged submission (group ${task.groupId}) is stored but not submitted`);
      }
      const placements = findPlacements.all(row.id) as PlacementRow[];
      const stored = new Map(placements.map((placement) => [placement.outcome_code, placement]));
      const differences: string[] = [];
      if (placements.length !== task.acknowledged.size) differences.push(`${placements.length} placements stored, ${task.acknowledged.size} acknowledged`);
      for (const [code, answer] of task.acknowledged) {
        const placement = stored.get(code);
        if (placement === undefined) differences.push(`${code} missing`);
        else if (placement.level !== answer.level || (placement.not_sure === 1) !== (answer.level === null) || placement.evidence !== answer.evidence.trim()) {
          differences.push(`${code}: stored ${placement.level ?? 'not sure'}, acknowledged ${answer.level ?? 'not sure'}`);
        }
      }
      if (differences.length > 0) {
        mismatched += 1;
        problem(`MISMATCH: ${task.email} (group ${task.groupId}): ${differences.slice(0, 4).join('; ')}`);
      }
    }
    return { integrity, foreignKeyViolations, lost, mismatched, duplicates, partial, orphans, submittedInDatabase, problems };
  } finally {
    sqlite.close();
  }
}
