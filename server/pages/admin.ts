/** Page models for network administration: the audit log, roster import and invitation slips. */
import type { Person, RosterImport } from '../db/schema.js';
import type { AuditLine } from '../services/audit.js';
import type { InvitationSlip } from '../services/invitation-slips.js';
import type { RosterPlan } from '../services/roster-import.js';
import type { PageFrame } from './render.js';

export interface AuditPage extends PageFrame {
  lines: AuditLine[];
  /** The filter as asked, to put back into its form. */
  query: { who: string; kind?: string; from?: string; to?: string };
  kinds: { value: string; label: string }[];
  filtered: boolean;
  newestHref: string | undefined;
  olderHref: string | undefined;
}

export interface RosterUploadPage extends PageFrame {
  columns: readonly string[];
  error: string | undefined;
}

/** One uploaded roster, as its pages show it. */
export interface ShownUpload {
  id: number;
  fileName: string;
  uploadedAt: string;
}

export interface ImportPreviewPage extends PageFrame {
  upload: ShownUpload;
  plan: RosterPlan;
}

export interface ImportDonePage extends PageFrame {
  upload: ShownUpload & { appliedAt: string };
  /** People the import added. */
  createdCount: number;
  /** Of them, those who cannot sign in yet (no password, not archived). */
  waiting: number;
}

export interface InvitationSlipsPage extends PageFrame {
  /** e.g. "Elm Middle: members who cannot sign in yet". */
  forWhat: string;
  backHref: string;
  backLabel: string;
  networkName: string;
  slips: InvitationSlip[];
}

const shownUpload = (upload: RosterImport): ShownUpload => ({ id: upload.id, fileName: upload.file_name, uploadedAt: upload.created_at });

export function importPreviewPage(upload: RosterImport, plan: RosterPlan): ImportPreviewPage {
  return { title: 'Check the roster before importing', nav: 'import', upload: shownUpload(upload), plan };
}

export function importDonePage(upload: RosterImport, appliedAt: string, created: readonly Person[]): ImportDonePage {
  return {
    title: 'Roster imported',
    nav: 'import',
    upload: { ...shownUpload(upload), appliedAt },
    createdCount: created.length,
    waiting: created.filter((person) => person.password_hash === null && person.archived_at === null).length,
  };
}
