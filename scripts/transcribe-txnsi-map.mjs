/** One-off developer tool that produced data/maps/txnsi.json from the TXNSI source document; the app never runs it (the JSON is the source of truth). */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const args = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const showSplits = process.argv.includes('--show-splits');
const sourcePath = args[0] ?? '../shared/seeds/003_fe1df6a9b2e460ff.txt';
const outputPath = args[1] ?? 'data/maps/txnsi.json';

const ROLES = [
  { heading: 'Improvement Team', key: 'improvement-team', name: 'Improvement team' },
  { heading: 'Improvement Facilitator', key: 'improvement-facilitator', name: 'Improvement facilitator' },
  { heading: 'School Leader', key: 'school-leader', name: 'School leader' },
  { heading: 'District Leader', key: 'district-leader', name: 'District leader' },
  { heading: 'Hub Team', key: 'hub-team', name: 'Hub team' },
];

const LEVELS = [
  { level: 1, label: 'Ideal' },
  { level: 2 },
  { level: 3 },
  { level: 4 },
  { level: 5, label: 'Entry' },
];

const LEVEL_HEADER = 'Level 1 (Ideal)\tLevel 2\tLevel 3\tLevel 4\tLevel 5 (Entry)';
const CELL_PREFIX = '<ul style="list-style-type: none">';
const BULLET = '\u2022';
// Periods that end an abbreviation, not a sentence; the only ones in the source's bulletless cells.
const ABBREVIATIONS = ['e.g.', 'i.e.'];

// Deliberate departures from the source, each explained in `notes`.
const TITLE_CORRECTIONS = { 'hub-team': { '3.3': 'Study and act on results' } };
const NOTES = [
  'Hub team 3.3 is headed "Conduct test and capture data" in the source, an evident slip for "Study and act on results" (its behaviours are about debriefs and results); the title is corrected here.',
  'The source gives no Level 5 description for Hub team 5.2.',
  'In cells where the source lost its bullet marks, the behaviours were split into sentences; the wording is unchanged.',
];

function fail(message) {
  throw new Error(message);
}

const normalise = (text) => text.replace(/\s+/g, ' ').trim();
const dropTrailingPeriod = (text) => text.replace(/\.$/, '');
const stripTags = (html) => html.replace(/<[^>]*>/g, '');

/** Splits a bulletless cell at sentence ends (". " before a capital), never after an abbreviation. */
function splitSentences(text) {
  const sentences = [];
  let start = 0;
  for (const match of text.matchAll(/\. (?=[A-Z])/g)) {
    const end = match.index + 1;
    const before = text.slice(start, end);
    if (ABBREVIATIONS.some((abbr) => before.endsWith(` ${abbr}`) || before.endsWith(`(${abbr}`))) continue;
    sentences.push(text.slice(start, end));
    start = end + 1;
  }
  sentences.push(text.slice(start));
  return sentences;
}

/** Turns one table cell into its list of behaviours and records how it was split. */
function parseCell(cell, where, splits) {
  const raw = cell.trim();
  if (raw === '') return { behaviors: [], plain: '' };
  if (!raw.startsWith(CELL_PREFIX)) fail(`${where}: cell does not start with the list wrapper`);
  const inner = raw.slice(CELL_PREFIX.length);
  // The only inline markup inside cells is one <u>...</u>; its words are kept.
  for (const tag of inner.match(/<[^>]*>/g) ?? []) {
    if (!/^<\/?u>$/.test(tag)) fail(`${where}: unexpected markup ${tag}`);
  }
  const text = normalise(stripTags(inner));
  const plain = normalise(stripTags(inner).split(BULLET).join(' '));
  let behaviors;
  if (text.includes(BULLET)) {
    const parts = text.split(BULLET).map(normalise);
    if (parts[0] !== '') fail(`${where}: text before the first bullet: ${parts[0]}`);
    behaviors = parts.slice(1);
  } else {
    behaviors = splitSentences(text).map(normalise);
    if (behaviors.length > 1) splits.push({ where, behaviors });
  }
  if (behaviors.some((b) => b === '')) fail(`${where}: empty behaviour`);
  return { behaviors, plain };
}

function transcribe(source) {
  const lines = source.split(/\r?\n/);
  const trimmedLines = lines.map((line) => line.trim());

  // Major principles: titles row followed by summaries row.
  const principlesAt = trimmedLines.indexOf('Major principles');
  if (principlesAt < 0) fail('no "Major principles" section');
  const titlesAt = lines.findIndex((line, i) => i > principlesAt && line.startsWith('1. '));
  const titleCells = lines[titlesAt].split('\t').map(normalise);
  const summaryCells = lines[titlesAt + 1].split('\t').map(normalise);
  if (titleCells.length !== 5 || summaryCells.length !== 5) fail('principles table is not five columns');
  const principles = titleCells.map((cell, i) => {
    const match = cell.match(/^(\d)\. (.+)$/) ?? fail(`principle title: ${cell}`);
    if (match[1] !== String(i + 1)) fail(`principle out of order: ${cell}`);
    return { code: match[1], title: dropTrailingPeriod(match[2]), summary: summaryCells[i] };
  });

  // Roles: the row of role names followed by the row of descriptions.
  const rolesAt = trimmedLines.indexOf('Roles', principlesAt);
  const namesAt = lines.findIndex((line, i) => i > rolesAt && line.includes('\t'));
  const names = lines[namesAt].split('\t').map(normalise);
  if (names.join('|') !== ROLES.map((r) => r.name).join('|')) fail(`roles header: ${names.join('|')}`);
  const descriptions = lines[namesAt + 1].split('\t').map((cell) => {
    const paragraphs = [...cell.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => normalise(stripTags(m[1])));
    if (paragraphs.length === 0) fail(`role description without paragraphs: ${cell}`);
    return paragraphs.join('\n\n');
  });
  if (descriptions.length !== 5) fail('roles table is not five columns');

  // Role sections.
  const roleStarts = ROLES.map((role) => {
    const at = trimmedLines.indexOf(role.heading, namesAt);
    if (at < 0) fail(`no section for ${role.heading}`);
    return at;
  });
  const splits = [];
  const roles = ROLES.map((role, r) => {
    const end = r + 1 < ROLES.length ? roleStarts[r + 1] : lines.length;
    const outcomes = new Map();
    let principle = null;
    for (let i = roleStarts[r] + 1; i < end; i++) {
      const line = trimmedLines[i];
      if (line === '' || line === LEVEL_HEADER) continue;
      const principleMatch = line.match(/^(\d)\. (.+)$/);
      if (principleMatch) {
        if (dropTrailingPeriod(principleMatch[2]) !== principles[Number(principleMatch[1]) - 1].title) {
          fail(`${role.name}: principle heading differs: ${line}`);
        }
        principle = principleMatch[1];
        continue;
      }
      const outcomeMatch = line.match(/^(\d)\.(\d) (.+?)( \(continued\))?\.$/);
      if (!outcomeMatch) fail(`${role.name}: unexpected line ${i + 1}: ${line.slice(0, 80)}`);
      const [, major, minor, title, continued] = outcomeMatch;
      const code = `${major}.${minor}`;
      if (major !== principle) fail(`${role.name} ${code}: under principle ${principle}`);
      let dataAt = i + 1;
      while (trimmedLines[dataAt] === '') dataAt++;
      const cells = lines[dataAt].split('\t');
      if (cells.length !== 5) fail(`${role.name} ${code}: ${cells.length} cells on line ${dataAt + 1}`);
      i = dataAt;

      let outcome = outcomes.get(code);
      if (continued) {
        if (!outcome) fail(`${role.name} ${code}: continuation without a first part`);
      } else {
        if (outcome) fail(`${role.name} ${code}: appears twice`);
        const correctedTitle = TITLE_CORRECTIONS[role.key]?.[code];
        outcome = {
          code,
          principle: major,
          title: correctedTitle ?? title,
          levels: LEVELS.map(({ level }) => ({ level, behaviors: [] })),
          plain: LEVELS.map(() => []),
        };
        outcomes.set(code, outcome);
      }
      cells.forEach((cell, c) => {
        const where = `${role.name} ${code}${continued ? ' (continued)' : ''} level ${c + 1}`;
        const { behaviors, plain } = parseCell(cell, where, splits);
        outcome.levels[c].behaviors.push(...behaviors);
        if (plain) outcome.plain[c].push(plain);
      });
    }

    const ordered = [...outcomes.values()].sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
    return {
      key: role.key,
      name: role.name,
      description: descriptions[r],
      outcomes: ordered,
    };
  });

  return { principles, roles, splits };
}

function check({ roles, splits }) {
  const empty = [];
  let outcomeCount = 0;
  let levelCount = 0;
  let behaviorCount = 0;
  for (const role of roles) {
    if (role.outcomes.length !== 15) fail(`${role.name}: ${role.outcomes.length} outcomes`);
    for (const outcome of role.outcomes) {
      outcomeCount++;
      if (outcome.principle !== outcome.code[0]) fail(`${role.name} ${outcome.code}: principle mismatch`);
      outcome.levels.forEach((entry, l) => {
        levelCount++;
        behaviorCount += entry.behaviors.length;
        if (entry.behaviors.length === 0) empty.push(`${role.name} ${outcome.code} level ${entry.level}`);
        // No word lost or added: behaviours rejoined equal the cell text without bullets and markup.
        const rejoined = entry.behaviors.join(' ');
        const expected = outcome.plain[l].join(' ');
        if (rejoined !== expected) fail(`${role.name} ${outcome.code} level ${entry.level}: text differs from source`);
        for (const b of entry.behaviors) {
          if (/[•<>]/.test(b) || b !== b.trim()) fail(`${role.name} ${outcome.code}: unclean behaviour: ${b}`);
        }
      });
    }
  }
  return { outcomeCount, levelCount, behaviorCount, empty, splitCells: splits.length };
}

const source = readFileSync(sourcePath, 'utf8');
const { principles, roles, splits } = transcribe(source);
const summary = check({ roles, splits });

const map = {
  id: 'txnsi',
  version: '1.0',
  title: 'Innovation Configuration Maps for Improvement Networks',
  publisher:
    'Texas Network for School Improvement (TXNSI); authors: Learning Forward; contributors: Charles A. Dana Center, Educate Texas',
  source: 'TXNSI, Innovation Configuration Maps for Improvement Networks',
  levels: LEVELS,
  principles,
  roles: roles.map((role) => ({
    ...role,
    outcomes: role.outcomes.map(({ code, principle, title, levels }) => ({ code, principle, title, levels })),
  })),
  notes: NOTES,
};

mkdirSync(dirname(outputPath), { recursive: true });
writeFileSync(outputPath, `${JSON.stringify(map, null, 2)}\n`);

console.log(
  `wrote ${outputPath}: ${roles.length} roles, ${summary.outcomeCount} outcomes, ${summary.levelCount} levels, ` +
    `${summary.behaviorCount} behaviours; ${summary.splitCells} bulletless cells split into sentences`,
);
console.log(`empty cells: ${summary.empty.length ? summary.empty.join('; ') : 'none'}`);
if (showSplits) {
  for (const { where, behaviors } of splits) {
    console.log(`\n${where}`);
    for (const b of behaviors) console.log(`  | ${b}`);
  }
}
