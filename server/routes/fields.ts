/** zod field schemas shared by the forms, each with a message a person can act on. */
import { z } from 'zod';
import { canonicalTimeZone } from '../services/network-time.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../services/passwords.js';

export const nameField = (what: string) =>
  z
    .string({ message: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(200, `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} must be 200 characters or fewer.`);

export const emailField = z
  .string({ message: 'Enter an email address.' })
  .trim()
  .min(1, 'Enter an email address.')
  .max(254, 'An email address is at most 254 characters.')
  .pipe(z.email({ message: 'Enter an email address like name@school.org.' }))
  .transform((email) => email.toLowerCase());

export const newPasswordFields = z
  .object({
    password: z
      .string({ message: 'Choose a password.' })
      .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters; a short sentence is easy to remember.`)
      .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`),
    password_confirmation: z.string({ message: 'Type the password again.' }),
  })
  .refine((fields) => fields.password === fields.password_confirmation, {
    message: 'The two passwords do not match.',
    path: ['password_confirmation'],
  });

/** An IANA time zone name that this server's Intl knows, stored in its canonical spelling. */
export const timeZoneField = z
  .string({ message: 'Choose a time zone.' })
  .max(100, 'Choose a time zone from the list.')
  .transform((name, context) => {
    const zone = canonicalTimeZone(name);
    if (zone === undefined) {
      context.addIssue({ code: 'custom', message: `"${name.slice(0, 100)}" is not a time zone ICMap knows. Choose one from the list, such as America/Chicago.` });
      return z.NEVER;
    }
    return zone;
  });

/** `?page=`: a whole number from 1 to `max`, 1 when left out; anything else is named in the answer. */
export function pageField(max: number) {
  const message = `page must be a whole number from 1 to ${max.toLocaleString('en-US')}.`;
  return z.coerce.number({ message }).int({ message }).min(1, { message }).max(max, { message });
}

/** A positive whole number from a URL segment or a form field. */
export const idField = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A checkbox: present ("on", "yes", "true", "1") or absent. */
export const checkboxField = z
  .literal(['on', 'yes', 'true', '1'], { message: 'A checkbox is either ticked or left out.' })
  .optional()
  .transform((value) => value !== undefined);
