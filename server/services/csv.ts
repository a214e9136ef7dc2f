/** CSV downloads (papaparse): cells a spreadsheet would run as a formula are escaped with a leading quote. */
import Papa from 'papaparse';

/** Every CSV file ICMap writes starts with a UTF-8 byte order mark, so Excel reads "López" as López. */
export const UTF8_BOM = '\uFEFF';

/**
 * A CSV whose text cells cannot run as spreadsheet formulas: papaparse's `escapeFormulae` prefixes a
 * cell starting with =, +, -, @, a tab or a carriage return with ' (and quotes it). Numbers are
 * written as they are, so a negative number stays a number.
 */
export function safeCsv(fields: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return Papa.unparse({ fields: [...fields], data: rows.map((row) => [...row]) }, { escapeFormulae: true });
}
