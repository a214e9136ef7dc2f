/** Form handling for server-rendered pages: zod parses the body; errors go back to the form, by field. */
import type { z } from 'zod';

export type FormErrors = Record<string, string>;

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FormErrors; values: Record<string, string> };

/** The text a person typed, to put back into the form next to the error messages. */
function submittedValues(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).flatMap(([key, value]) =>
      typeof value === 'string' && key !== '_csrf' && !key.toLowerCase().includes('password') ? [[key, value]] : [],
    ),
  );
}

export function parseForm<Schema extends z.ZodType>(schema: Schema, body: unknown): FormResult<z.output<Schema>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values: submittedValues(body) };
}
