/** Helpers for the demo tests: generate a small network into a temporary file, and read its tables back. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../../server/config.js';
import { generateNetwork, openBulkDatabase, type GenerateOptions, type GenerateResult } from '../../tools/demo/generate.js';
import { MapCatalog } from '../../server/maps/catalog.js';
import { loadMapsFromDirectory } from '../../server/maps/loader.js';

export const catalog = new MapCatalog(loadMapsFromDirectory(loadConfig({}, { isTerminal: false }).mapsDir));

/** A fresh folder under the system's temp folder; removed by the returned function. */
export function tempFolder(): { folder: string; remove: () => void } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-demo-test-'));
  return {
    folder,
    remove: () => {
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

export async function generateInto(file: string, options: Omit<GenerateOptions, 'catalog'>): Promise<GenerateResult> {
  const { db, close } = openBulkDatabase(file);
  try {
    return await generateNetwork(db, { ...options, catalog });
  } finally {
    await close();
  }
}

/**
 * The generated content of a database, table by table, sorted by key: everything but the times of
 * writing (created_at, updated_at, audit times) and the salted password hash.
 */
export const CONTENT_QUERIES: Record<string, string> = {
  network: 'select id, name from network',
  districts: 'select id, name, archived_at from districts order by id',
  sites: 'select id, district_id, name, archived_at from sites order by id',
  people: 'select id, email, name, is_network_admin, password_hash is not null as can_sign_in, archived_at from people order by id',
  groups: 'select id, name, role_key, district_id, site_id, archived_at from groups order by id',
  group_members: 'select group_id, person_id, is_facilitator from group_members order by group_id, person_id',
  progress_checks: 'select id, name, map_id, map_version, opens_on, closes_on, district_id, closed_at, created_by from progress_checks order by id',
  check_groups: 'select check_id, group_id, revealed_at, revealed_by, shows_names from check_groups order by check_id, group_id',
  self_assessments: 'select id, check_id, group_id, person_id, version, submitted_at from self_assessments order by id',
  placements: 'select self_assessment_id, outcome_code, level, not_sure, evidence from placements order by self_assessment_id, outcome_code',
  consensus_records:
    'select check_id, group_id, outcome_code, level, rationale, dissent, next_step, version, updated_by from consensus_records order by check_id, group_id, outcome_code',
  consensus_revisions:
    'select check_id, group_id, outcome_code, version, level, rationale, dissent, next_step, recorded_by, recorded_at from consensus_revisions order by check_id, group_id, outcome_code, version',
  actions: 'select id, group_id, check_id, outcome_code, what, kind, due_on, status, version, created_by, created_at, updated_by, updated_at from actions order by id',
  action_owners: 'select action_id, person_id from action_owners order by action_id, person_id',
  action_notes: 'select id, action_id, author_id, body, status, created_at from action_notes order by id',
  assistance_requests: 'select id, group_id, check_id, outcome_code, help, needed_by, status, answer, assignee_id, answered_by, answered_at, version, created_by, created_at from assistance_requests order by id',
};

export function readContent(file: string): Record<string, unknown[]> {
  const sqlite = new SQLite(file, { readonly: true });
  try {
    return Object.fromEntries(Object.entries(CONTENT_QUERIES).map(([table, query]) => [table, sqlite.prepare(query).all()]));
  } finally {
    sqlite.close();
  }
}

/** Runs one query against a database file and returns its rows. */
export function query<T>(file: string, text: string, ...parameters: unknown[]): T[] {
  const sqlite = new SQLite(file, { readonly: true });
  try {
    return sqlite.prepare(text).all(...parameters) as T[];
  } finally {
    sqlite.close();
  }
}
