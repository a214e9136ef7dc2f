/** CSV downloads: every file ICMap writes starts with a UTF-8 byte order mark, so Excel reads "López" as López. */
import type { FastifyReply } from 'fastify';
import { UTF8_BOM } from '../services/csv.js';

export function sendCsv(reply: FastifyReply, name: string, csv: string): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(UTF8_BOM + csv);
}
