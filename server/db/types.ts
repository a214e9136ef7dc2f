/** The handle repositories take first: the database itself or a transaction on it. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** Now as an ISO-8601 UTC string, the format every timestamp column uses. */
export function isoNow(): string {
  return new Date().toISOString();
}
