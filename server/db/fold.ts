/**
 * Text folded for searching: lower case, accents removed ("Ángela" → "angela"). SQLite has no such
 * function, so it is registered on each connection as icmap_fold(text); on PostgreSQL the first
 * migration creates an SQL function of that name doing the same (migrations/dialect.ts).
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export const FOLD_FUNCTION = 'icmap_fold';
