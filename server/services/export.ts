/** The full export: every check's placements (numbered, never named, only where privacy allows) and consensus, as a CSV stream. */
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { openLongReader, type DatabaseSettings } from '../db/connection.js';
import type { Db } from '../db/types.js';
import { streamExportRows, type ExportRow } from '../repositories/export.js';
import { safeCsv, UTF8_BOM } from './csv.js';

const EXPORT_FIELDS = ['check', 'check_opens_on', 'district', 'site', 'group', 'role', 'member', 'outcome', 'placement', 'consensus_level', 'rationale', 'dissent', 'next_step'];

/** CSV text of the full export, a thousand rows at a time, so a network-sized export never sits in memory. */
async function* exportCsv(rows: AsyncGenerator<ExportRow[]>): AsyncGenerator<string> {
  yield `${UTF8_BOM}${EXPORT_FIELDS.join(',')}\r\n`;
  let batch: (string | number | null)[][] = [];
  const flush = (): string => {
    const text = `${safeCsv(EXPORT_FIELDS, batch).split('\r\n').slice(1).join('\r\n')}\r\n`;
    batch = [];
    return text;
  };
  for await (const chunk of rows) {
    for (const row of chunk) {
      batch.push([
        row.check_name,
        row.opens_on,
        row.district_name,
        row.site_name,
        row.group_name,
        row.role_key,
        row.member_number === null ? null : `member ${row.member_number}`,
        row.outcome_code,
        row.member_number === null ? null : row.not_sure === 1 ? 'not sure' : row.placement,
        row.consensus_level,
        row.rationale,
        row.dissent,
        row.next_step,
      ]);
      if (batch.length >= 1000) {
        yield flush();
        // better-sqlite3 reads synchronously: give other requests a turn between batches.
        await setImmediate();
      }
    }
  }
  if (batch.length > 0) yield flush();
}

/**
 * The export as a stream of CSV text. Where it helps, a connection of its own, closed when the stream
 * ends, so a long export never holds up other requests (an SQLite file: WAL lets it read alongside).
 */
export function fullExport(db: Db, options: DatabaseSettings & { minGroupSize: number }): Readable {
  const own = openLongReader(options);
  const stream = Readable.from(exportCsv(streamExportRows(own?.db ?? db, options.minGroupSize)));
  stream.on('close', () => void own?.close());
  return stream;
}
