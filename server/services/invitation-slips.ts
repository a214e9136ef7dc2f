/**
 * Invitations without mail: one printable slip per person (name, link, QR code) for handing out in a
 * meeting. Making slips issues fresh invitation links (the earlier unused ones stop working), so it is a
 * POST, audited per person, and the links exist only on the page it answers.
 */
import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import { may } from '../access/policy.js';
import type { AccessScope } from '../access/scope.js';
import type { Database, Person } from '../db/schema.js';
import { groupsOfPerson, listMembers } from '../repositories/organisation.js';
import { findPerson } from '../repositories/people.js';
import { issueAccessLink } from './access-links.js';
import { personSubject } from './organisation-access.js';
import type { InvitationRow } from './roster-import.js';
import { accessLinkPath } from '../urls.js';

export interface InvitationSlip extends InvitationRow {
  /** The link as a QR code: an <svg> with presentation attributes only (no inline style, so CSP-safe). */
  qrSvg: string;
}

/** The link as an accessible SVG QR code. */
export async function qrCodeSvg(link: string, label: string): Promise<string> {
  const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const escaped = label.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char);
  return svg.replace('<svg ', `<svg role="img" aria-label="${escaped}" `);
}

export async function withQrCodes(rows: readonly InvitationRow[]): Promise<InvitationSlip[]> {
  return Promise.all(rows.map(async (row) => ({ ...row, qrSvg: await qrCodeSvg(row.link, `QR code of ${row.name}'s invitation link`) })));
}

/**
 * Invitation links for the members of a group who cannot sign in yet and whom the viewer may invite
 * (admins: anyone; leaders: people wholly inside their place). Others are left out, never refused loudly.
 */
export async function invitationsForGroup(
  db: Kysely<Database>,
  actor: { id: number; scope: AccessScope },
  groupId: number,
  linkBase: string,
): Promise<InvitationRow[]> {
  return db.transaction().execute(async (trx) => {
    const members = await listMembers(trx, groupId);
    const rows: InvitationRow[] = [];
    for (const member of members) {
      if (member.archived_at !== null) continue;
      const person: Person | undefined = await findPerson(trx, member.person_id);
      if (person?.password_hash !== null) continue;
      if (!may(actor.scope, 'invite', personSubject(person, await groupsOfPerson(trx, person.id)))) continue;
      const link = await issueAccessLink(trx, person, actor.id);
      rows.push({ email: person.email, name: person.name, link: `${linkBase}${accessLinkPath(link.token)}`, expiresAt: link.expiresAt });
    }
    return rows;
  });
}
