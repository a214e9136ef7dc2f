/**
 * A large bench network in minutes: copies of a generated one (people, groups, placements, consensus and
 * revisions with their ids moved past the original's), then the report summaries filled by migration
 * 0011's own fill. Used by `npm run bench -- --sites N --replicate` where generating would take hours.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { fillReportSummaries } from '../../migrations/0011_report_summaries.js';

/** Each table copied, with the expression of every column: `:c` is the copy's number, `:p`/`:g`/`:d`/`:s`/`:a`/`:r` the id offsets. */
const COPIES: Record<string, Record<string, string>> = {
  districts: { id: 'id + :d', name: "name || ' (' || (:c + 1) || ')'", created_at: 'created_at', archived_at: 'archived_at' },
  sites: { id: 'id + :s', district_id: 'district_id + :d', name: 'name', created_at: 'created_at', archived_at: 'archived_at' },
  people: {
    id: 'id + :p',
    email: "replace(email, '@', '.copy' || :c || '@')",
    name: 'name',
    is_network_admin: '0',
    password_hash: 'password_hash',
    created_at: 'created_at',
    archived_at: 'archived_at',
  },
  groups: { id: 'id + :g', name: 'name', role_key: 'role_key', district_id: 'district_id + :d', site_id: 'site_id + :s', created_at: 'created_at', archived_at: 'archived_at' },
  group_members: { group_id: 'group_id + :g', person_id: 'person_id + :p', is_facilitator: 'is_facilitator', created_at: 'created_at' },
  check_groups: {
    check_id: 'check_id',
    group_id: 'group_id + :g',
    revealed_at: 'revealed_at',
    revealed_by: 'revealed_by + :p',
    shows_names: 'shows_names',
    names_set_by: 'names_set_by + :p',
    names_set_at: 'names_set_at',
  },
  self_assessments: {
    id: 'id + :a',
    check_id: 'check_id',
    group_id: 'group_id + :g',
    person_id: 'person_id + :p',
    version: 'version',
    submitted_at: 'submitted_at',
    created_at: 'created_at',
    updated_at: 'updated_at',
  },
  placements: { self_assessment_id: 'self_assessment_id + :a', outcome_code: 'outcome_code', level: 'level', not_sure: 'not_sure', evidence: 'evidence' },
  consensus_records: {
    check_id: 'check_id',
    group_id: 'group_id + :g',
    outcome_code: 'outcome_code',
    level: 'level',
    rationale: 'rationale',
    dissent: 'dissent',
    next_step: 'next_step',
    version: 'version',
    updated_by: 'updated_by + :p',
    updated_at: 'updated_at',
  },
  consensus_revisions: {
    id: 'id + :r',
    check_id: 'check_id',
    group_id: 'group_id + :g',
    outcome_code: 'outcome_code',
    version: 'version',
    level: 'level',
    rationale: 'rationale',
    dissent: 'dissent',
    next_step: 'next_step',
    recorded_by: 'recorded_by + :p',
    recorded_at: 'recorded_at',
  },
};

const OFFSETS = { d: 'districts', s: 'sites', p: 'people', g: 'groups', a: 'self_assessments', r: 'consensus_revisions' } as const;
type Offsets = Record<keyof typeof OFFSETS, number>;

/** The original's rows of each table (copy 0), by their ids or the ids they refer to. */
const ORIGINAL: Record<string, (o: Offsets) => string> = {
  districts: (o) => `id <= ${o.d}`,
  sites: (o) => `id <= ${o.s}`,
  people: (o) => `id <= ${o.p}`,
  groups: (o) => `id <= ${o.g}`,
  group_members: (o) => `group_id <= ${o.g}`,
  check_groups: (o) => `group_id <= ${o.g}`,
  self_assessments: (o) => `id <= ${o.a}`,
  placements: (o) => `self_assessment_id <= ${o.a}`,
  consensus_records: (o) => `group_id <= ${o.g}`,
  consensus_revisions: (o) => `id <= ${o.r}`,
};

/** Writes `copies` copies of the network in `source` (the original is copy 0) to `target`, then fills the report summaries. */
export async function replicateNetwork(source: string, target: string, copies: number, log: (message: string) => void): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
  const original = new Database(source, { readonly: true });
  await original.backup(target);
  original.close();
  const sqlite = new Database(target);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('cache_size = -262144');
  const offsets = Object.fromEntries(
    Object.entries(OFFSETS).map(([key, table]) => [key, (sqlite.prepare(`select coalesce(max(id), 0) as n from ${table}`).get() as { n: number }).n]),
  ) as Offsets;
  for (let copy = 1; copy < copies; copy += 1) {
    const parameters = { c: copy, ...Object.fromEntries(Object.entries(offsets).map(([key, max]) => [key, max * copy])) };
    sqlite.transaction(() => {
      for (const [table, columns] of Object.entries(COPIES)) {
        sqlite
          .prepare(`insert into ${table} (${Object.keys(columns).join(', ')}) select ${Object.values(columns).join(', ')} from ${table} where ${ORIGINAL[table]?.(offsets) ?? '0'}`)
          .run(parameters);
      }
    })();
    if ((copy + 1) % Math.max(1, Math.round(copies / 10)) === 0 || copy + 1 === copies) log(`copy ${copy + 1} of ${copies} written`);
  }
  sqlite.close();
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(target) }) });
  try {
    for (const table of ['report_check_groups', 'report_principle_levels', 'report_role_levels', 'report_district_levels']) {
      await db.deleteFrom(table as never).execute();
    }
    await fillReportSummaries(db, (done, total) => {
      log(`report summaries: check ${done} of ${total}`);
    });
  } finally {
    await db.destroy();
  }
}
