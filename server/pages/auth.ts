/** Page models for signing in, first-run setup and one-time access links. */
import type { AccessLinkPurpose } from '../db/schema.js';
import type { PageFrame } from './render.js';

export interface SignInPage extends PageFrame {
  csrfToken: string;
  /** Why the last attempt was refused. */
  error?: string;
  /** The address typed last time, put back. */
  email?: string;
  /** Where to go once signed in: a path of this site. */
  next: string;
  /** A form sent after the session ended is waiting for the person to sign in again. */
  keptForm: boolean;
}

export interface SetupPage extends PageFrame {
  csrfToken: string;
  timeZones: string[];
  values: Record<string, string>;
  errors: Record<string, string>;
}

/** Setup was done already: the link has nothing left to do. */
export type SetupDonePage = PageFrame;

/** A link that is used, expired, withdrawn or unknown. */
export interface LinkProblemPage extends PageFrame {
  message: string;
}

/** Choosing a password from an invitation or reset link. */
export interface AccessPage extends PageFrame {
  csrfToken: string;
  purpose: AccessLinkPurpose;
  person: { name: string; email: string };
  errors: Record<string, string>;
}

export function accessPage(purpose: AccessLinkPurpose, person: { name: string; email: string }, csrfToken: string, errors: Record<string, string> = {}): AccessPage {
  return {
    title: purpose === 'reset' ? 'Choose a new password' : 'Welcome to ICMap',
    purpose,
    person: { name: person.name, email: person.email },
    csrfToken,
    errors,
  };
}
