/**
 * The harness's verdict, read from the database after the last kill (opening a SQLite file replays
 * the WAL exactly as ICMap's next start would; PostgreSQL has recovered on its own): every
 * acknowledged submission present once with its acknowledged answers, nothing half-written, and,
 * on SQLite, the file sound.
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

/** Runs one query (written with ? placeholders) and returns its rows: over SQLite or PostgreSQL alike. */
export type Query = <T>(text: string, ...parameters: unknown[]) => Promise<T[]>;

/** The database's own soundness checks, where it has them (SQLite's integrity_check and foreign_key_check). */
export interface Soundness {
  integrity: string;
  foreignKeyViolations: number;
}

export async function verifyDatabase(file: string, checkId: number, tasks: readonly SurveyTask[], outcomesPerRole: ReadonlyMap<string, number>): Promise<DatabaseVerdict> {
  const sqlite = new SQLite(file, { fileMustExist: true });
  try {
    sqlite.pragma('foreign_keys = ON');
    const integrityLines = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    const integrity = integrityLines.length === 1 && integrityLines[0] === 'ok' ? 'ok' : integrityLines.slice(0, 3).join('; ');
    const foreignKeyViolations = (sqlite.pragma('foreign_key_check') as unknown[]).length;
    const query: Query = <T>(text: string, ...parameters: unknown[]) => Promise.resolve(sqlite.prepare(text).all(...parameters) as T[]);
    return await judge(query, { integrity, foreignKeyViolations }, checkId, tasks, outcomesPerRole);
  } finally {
    sqlite.close();
  }
}

/**
 * The verdict from any database: every acknowledged submission present once with its acknowledged
 * answers, nothing half-written, no orphans; `soundness` says what the database itself found.
 */
export async function judge(
  query: Query,
  soundness: Soundness,
  checkId: number,
  tasks: readonly SurveyTask[],
  outcomesPerRole: ReadonlyMap<string, number>,
): Promise<DatabaseVerdict> {
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < 20) problems.push(text);
  };
  const count = async (text: string): Promise<number> => Number((await query<{ n: number | string }>(text))[0]?.n ?? 0);
  const { integrity, foreignKeyViolations } = soundness;
  // "n/a …": a database without such a check (PostgreSQL), not a finding.
  if (integrity !== 'ok' && !integrity.startsWith('n/a')) problem(`integrity_check: ${integrity}`);
  if (foreignKeyViolations > 0) problem(`foreign_key_check: ${foreignKeyViolations} rows`);

  const duplicateAssessments = await count('select count(*) as n from (select 1 from self_assessments group by check_id, group_id, person_id having count(*) > 1) as d');
  const duplicatePlacements = await count('select count(*) as n from (select 1 from placements group by self_assessment_id, outcome_code having count(*) > 1) as d');
  const duplicates = duplicateAssessments + duplicatePlacements;
  if (duplicates > 0) problem(`duplicates: ${duplicateAssessments} self-assessments, ${duplicatePlacements} placements`);
  const orphans = await count('select count(*) as n from placements where self_assessment_id not in (select id from self_assessments)');
  if (orphans > 0) problem(`${orphans} placements without their self-assessment`);

  let partial = 0;
  const submitted = await query<{ id: number; role_key: string; placements: number | string }>(
    `select sa.id, g.role_key, count(p.outcome_code) as placements from self_assessments sa
     join groups g on g.id = sa.group_id left join placements p on p.self_assessment_id = sa.id
     where sa.submitted_at is not null group by sa.id, g.role_key`,
  );
  for (const row of submitted) {
    const expected = outcomesPerRole.get(row.role_key);
    if (expected === undefined || Number(row.placements) < expected) {
      partial += 1;
      problem(`self-assessment ${row.id} is submitted with ${row.placements} of ${expected ?? '?'} placements`);
    }
  }

  let lost = 0;
  let mismatched = 0;
  let submittedInDatabase = 0;
  for (const task of tasks) {
    const rows = await query<{ id: number; submitted_at: string | null }>('select id, submitted_at from self_assessments where check_id = ? and group_id = ? and person_id = ?', checkId, task.groupId, task.personId);
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
    const placements = await query<PlacementRow>('select outcome_code, level, not_sure, evidence from placements where self_assessment_id = ? order by outcome_code', row.id);
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
}
