/**
 * Reading a roster CSV (papaparse): one row per person per group, with columns
 * email, name, district, site, role, facilitator. Every problem is reported with its line,
 * column and reason; a file with any problem is never applied.
 */
import Papa from 'papaparse';
import { z } from 'zod';
import { placeKindOfRole } from '../access/group-roles.js';
import type { Role } from '../maps/schema.js';

export const ROSTER_COLUMNS = ['email', 'name', 'district', 'site', 'role', 'facilitator'] as const;
export const ROSTER_MAX_BYTES = 5 * 1024 * 1024;
/**
 * People rows in one file. A district's roster (about 100 people in the demo's shape, a few hundred
 * in a big district) fits many times over; a whole network of a thousand schools (about 9,000 rows)
 * is imported in parts, by district, which the import allows (re-importing changes nothing). The
 * preview lists every row: 5,000 is about a 2 MB page, and the check takes a second or two.
 */
export const ROSTER_MAX_ROWS = 5000;
/** Rows checked between two yields to the event loop, so other requests are answered meanwhile. */
export const ROWS_PER_TURN = 200;

/** Lets the event loop answer other requests (a big roster is checked in turns). */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** How many people rows the file has, reading no further than one past the cap (empty lines ignored). */
export function countRosterRows(text: string): number {
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: 'greedy', preview: ROSTER_MAX_ROWS + 2, delimitersToGuess: [',', ';', '\t'] });
  return Math.max(0, result.data.length - 1);
}

export interface RosterRow {
  line: number;
  email: string;
  name: string;
  district: string | null;
  site: string | null;
  roleKey: string;
  facilitator: boolean;
}

export interface RosterProblem {
  /** 1-based line of the file; 0 for a problem with the file as a whole. */
  line: number;
  column: string | null;
  reason: string;
}

export interface ParsedRoster {
  rows: RosterRow[];
  problems: RosterProblem[];
}

const emailSchema = z.email();
const TRUE_VALUES = new Set(['yes', 'y', 'true', '1', 'x']);
const FALSE_VALUES = new Set(['', 'no', 'n', 'false', '0']);
const MAX_TEXT = 200;

/** Decodes an uploaded file as UTF-8, refusing anything that is not (a spreadsheet saved in another encoding). */
export function decodeRoster(bytes: Uint8Array): string | RosterProblem {
  if (bytes.byteLength === 0) return { line: 0, column: null, reason: 'The file is empty.' };
  if (bytes.byteLength > ROSTER_MAX_BYTES) return { line: 0, column: null, reason: 'The file is larger than 5 MB.' };
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { line: 0, column: null, reason: 'The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8".' };
  }
}

/** Finds a role by key ("improvement-team") or name ("Improvement team"), ignoring case. */
function roleLookup(roles: readonly Role[]): (value: string) => string | undefined {
  const byLabel = new Map<string, string>();
  for (const role of roles) {
    if (placeKindOfRole(role.key) === undefined) continue;
    byLabel.set(role.key.toLowerCase(), role.key);
    byLabel.set(role.name.toLowerCase(), role.key);
  }
  return (value) => byLabel.get(value.trim().toLowerCase());
}

/**
 * Other names people give the columns, compared after folding case, spaces, "-" and "_":
 * "School" for site, "E-mail" for email, and so on.
 */
const HEADER_ALIASES: Record<string, (typeof ROSTER_COLUMNS)[number]> = {
  email: 'email',
  'e mail': 'email',
  'email address': 'email',
  mail: 'email',
  name: 'name',
  'full name': 'name',
  person: 'name',
  district: 'district',
  'district name': 'district',
  site: 'site',
  'site name': 'site',
  school: 'site',
  'school name': 'site',
  campus: 'site',
  role: 'role',
  'group role': 'role',
  'map role': 'role',
  facilitator: 'facilitator',
  facilitates: 'facilitator',
  'is facilitator': 'facilitator',
};

export function rosterColumnOf(header: string): (typeof ROSTER_COLUMNS)[number] | undefined {
  return HEADER_ALIASES[header.trim().toLowerCase().replace(/[\s_-]+/g, ' ')];
}

export async function parseRoster(input: string, roles: readonly Role[]): Promise<ParsedRoster> {
  // One kind of line ending, so line numbers count the same in CRLF (Windows) and LF files.
  const text = input.replace(/\r\n?/g, '\n');
  const problems: RosterProblem[] = [];
  const records: { line: number; cells: string[] }[] = [];
  let lineOfNextRow = 1;
  let consumed = 0;
  Papa.parse<string[]>(text, {
    header: false,
    skipEmptyLines: false,
    delimitersToGuess: [',', ';', '\t'],
    step: (result) => {
      const end = result.meta.cursor;
      records.push({ line: lineOfNextRow, cells: result.data });
      const chunk = text.slice(consumed, end + 1);
      lineOfNextRow += (chunk.match(/\r\n|\n|\r/g) ?? []).length;
      consumed = end + 1;
      for (const error of result.errors) {
        if (error.code === 'UndetectableDelimiter') continue;
        problems.push({ line: records[records.length - 1]?.line ?? 0, column: null, reason: `The CSV is malformed here: ${error.message}.` });
      }
    },
  });

  const nonEmpty = records.filter((record) => record.cells.some((cell) => cell.trim() !== ''));
  const header = nonEmpty.shift();
  if (header === undefined) return { rows: [], problems: [{ line: 0, column: null, reason: 'The file is empty.' }] };

  const columnIndex = new Map<string, number>();
  for (const [index, cell] of header.cells.entries()) {
    const column = rosterColumnOf(cell);
    if (column !== undefined && !columnIndex.has(column)) columnIndex.set(column, index);
  }
  const missing = ROSTER_COLUMNS.filter((column) => !columnIndex.has(column));
  if (missing.length > 0) {
    return {
      rows: [],
      problems: [
        {
          line: header.line,
          column: missing.join(', '),
          reason: `The first line must name the columns ${ROSTER_COLUMNS.join(', ')} ("school" for site is fine); ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
        },
      ],
    };
  }
  if (nonEmpty.length === 0) {
    return { rows: [], problems: [{ line: 0, column: null, reason: 'The file has column names but no people.' }] };
  }

  const findRole = roleLookup(roles);
  const roleList = roles.filter((role) => placeKindOfRole(role.key) !== undefined).map((role) => role.key).join(', ');
  const rows: RosterRow[] = [];
  const nameByEmail = new Map<string, { name: string; line: number }>();

  for (const [index, record] of nonEmpty.entries()) {
    if (index > 0 && index % ROWS_PER_TURN === 0) await nextTurn();
    const cell = (column: (typeof ROSTER_COLUMNS)[number]): string => (record.cells[columnIndex.get(column) ?? -1] ?? '').trim();
    const problem = (column: string | null, reason: string): void => {
      problems.push({ line: record.line, column, reason });
    };
    const before = problems.length;

    const email = cell('email').toLowerCase();
    if (email === '') problem('email', 'The email address is missing.');
    else if (!emailSchema.safeParse(email).success) problem('email', `"${cell('email')}" is not an email address.`);

    const name = cell('name').replace(/\s+/g, ' ');
    if (name === '') problem('name', 'The name is missing.');
    for (const column of ['name', 'district', 'site'] as const) {
      if (cell(column).length > MAX_TEXT) problem(column, `Longer than ${MAX_TEXT} characters.`);
    }

    const roleKey = findRole(cell('role'));
    const district = cell('district');
    const site = cell('site');
    if (cell('role') === '') problem('role', `The role is missing. Use one of: ${roleList}.`);
    else if (roleKey === undefined) problem('role', `"${cell('role')}" is not a role. Use one of: ${roleList}.`);
    else {
      const kind = placeKindOfRole(roleKey);
      if (kind === 'site' && (district === '' || site === '')) problem(district === '' ? 'district' : 'site', `A ${roleKey} row needs both a district and a site.`);
      if (kind === 'district' && district === '') problem('district', 'A district-leader row needs a district.');
      if (kind === 'district' && site !== '') problem('site', 'Leave the site empty for a district leader.');
      if (kind === 'network' && (district !== '' || site !== '')) problem(district !== '' ? 'district' : 'site', 'Leave district and site empty for the hub team.');
    }

    const facilitatorText = cell('facilitator').toLowerCase();
    const facilitator = TRUE_VALUES.has(facilitatorText);
    if (!facilitator && !FALSE_VALUES.has(facilitatorText)) problem('facilitator', `"${cell('facilitator')}" is not yes or no.`);

    if (email !== '' && name !== '') {
      const earlier = nameByEmail.get(email);
      if (earlier === undefined) nameByEmail.set(email, { name, line: record.line });
      else if (earlier.name !== name) {
        problem('name', `${email} is called "${earlier.name}" on line ${earlier.line}: one person, one name.`);
      }
    }

    if (problems.length === before && roleKey !== undefined) {
      rows.push({ line: record.line, email, name, district: district === '' ? null : district, site: site === '' ? null : site, roleKey, facilitator });
    }
  }
  return { rows, problems };
}

/** The downloadable template: the columns and one example row for each kind of place. */
export function rosterTemplate(): string {
  return Papa.unparse({
    fields: [...ROSTER_COLUMNS],
    data: [
      ['ana.lopez@elm.example.org', 'Ana López', 'Cedar ISD', 'Elm Middle School', 'improvement-team', 'yes'],
      ['ben.okafor@elm.example.org', 'Ben Okafor', 'Cedar ISD', 'Elm Middle School', 'improvement-team', 'no'],
      ['carla.diaz@elm.example.org', 'Carla Díaz', 'Cedar ISD', 'Elm Middle School', 'school-leader', 'no'],
      ['dev.patel@cedar.example.org', 'Dev Patel', 'Cedar ISD', '', 'district-leader', 'no'],
      ['hana.kim@hub.example.org', 'Hana Kim', '', '', 'hub-team', 'yes'],
    ],
  });
}
