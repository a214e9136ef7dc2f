import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MapLoadError, loadMapsFromDirectory, parseMapFile } from '../../server/maps/loader.js';
import { projectRoot } from '../../server/paths.js';

const fixture = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/maps/mini.json'), 'utf8');

/** A deep copy of the valid mini map, changed by `mutate`, as JSON text. */
function brokenMap(mutate: (map: Record<string, any>) => void): string {
  const map = JSON.parse(fixture) as Record<string, any>;
  mutate(map);
  return JSON.stringify(map);
}

function loadError(contents: string): string {
  try {
    parseMapFile('data/maps/broken.json', contents);
  } catch (error) {
    expect(error).toBeInstanceOf(MapLoadError);
    return (error as Error).message;
  }
  throw new Error('expected the map to be rejected');
}

describe('the TXNSI map file', () => {
  const maps = loadMapsFromDirectory(path.join(projectRoot, 'data/maps'));
  const txnsi = maps.find((map) => map.id === 'txnsi');

  it('holds five roles, 75 outcomes and 375 levels', () => {
    expect(txnsi).toBeDefined();
    const outcomes = txnsi!.roles.flatMap((role) => role.outcomes);
    expect(txnsi!.roles.map((role) => role.key)).toEqual([
      'improvement-team',
      'improvement-facilitator',
      'school-leader',
      'district-leader',
      'hub-team',
    ]);
    expect(outcomes).toHaveLength(75);
    expect(outcomes.flatMap((outcome) => outcome.levels)).toHaveLength(375);
    expect(txnsi!.principles.map((principle) => principle.title)).toEqual([
      'Analyze problem focus area',
      'Establish theory of improvement',
      'Plan and test changes',
      'Learn to inform actions',
      'Measure progress and scale',
    ]);
  });

  it('gives every level behaviours, except hub team 5.2 level 5 which the source leaves blank', () => {
    const empty = txnsi!.roles.flatMap((role) =>
      role.outcomes.flatMap((outcome) =>
        outcome.levels.filter((level) => level.behaviors.length === 0).map((level) => `${role.key} ${outcome.code} L${level.level}`),
      ),
    );
    expect(empty).toEqual(['hub-team 5.2 L5']);
  });

  it('keeps the source text verbatim, split into behaviours but never at "e.g."', () => {
    const team = txnsi!.roles[0]!;
    const firstLevel = team.outcomes[0]!.levels[0]!.behaviors;
    expect(firstLevel[2]).toBe(
      'Engages in conversations with key stakeholders (e.g. students, parents, staff) from diverse backgrounds, roles, and experiences to ensure a broad and diverse understanding of equity and access problems.',
    );
    const behaviors = txnsi!.roles.flatMap((role) => role.outcomes.flatMap((o) => o.levels.flatMap((l) => l.behaviors)));
    expect(behaviors.filter((behavior) => /(^|\s)(e\.g|i\.e)\.$/.test(behavior))).toEqual([]);
    expect(behaviors.filter((behavior) => /[•<>]/.test(behavior))).toEqual([]);
  });

  it('joins an outcome the source continues over two pages', () => {
    const rootCause = txnsi!.roles[0]!.outcomes.find((outcome) => outcome.code === '1.3')!;
    expect(rootCause.levels[0]!.behaviors[0]).toMatch(/^Contributes, with colleagues and improvement facilitators/);
    expect(rootCause.levels[0]!.behaviors.at(-1)).toMatch(/^Develops shared understanding of the problem/);
  });

  it('uses the corrected title for hub team 3.3 and says so in the notes', () => {
    const hub = txnsi!.roles.find((role) => role.key === 'hub-team')!;
    expect(hub.outcomes.find((outcome) => outcome.code === '3.3')!.title).toBe('Study and act on results');
    expect(txnsi!.notes.some((note) => note.includes('3.3'))).toBe(true);
  });
});

describe('parseMapFile', () => {
  it('accepts the valid fixture', () => {
    const map = parseMapFile('mini.json', fixture);
    expect(map.id).toBe('mini');
    expect(map.notes).toEqual([]);
  });

  it.each<[string, (map: Record<string, any>) => void, string]>([
    ['an outcome with four levels', (m) => m.roles[0].outcomes[1].levels.pop(), '$.roles[0].outcomes[1].levels: must describe levels 1, 2, 3, 4, 5 in that order; found 1, 2, 3, 4'],
    ['levels out of order', (m) => m.roles[1].outcomes[0].levels.reverse(), '$.roles[1].outcomes[0].levels: must describe levels 1, 2, 3, 4, 5 in that order; found 5, 4, 3, 2, 1'],
    ['a missing principle', (m) => (m.roles[0].outcomes[1].principle = '7'), '$.roles[0].outcomes[1].principle: principle "7" does not exist in "principles"'],
    ['an outcome code outside its principle', (m) => (m.roles[0].outcomes[1].code = '1.9'), '$.roles[0].outcomes[1].code: outcome "1.9" must start with its principle\'s code "2."'],
    ['a duplicated outcome code', (m) => (m.roles[0].outcomes[1] = { ...m.roles[0].outcomes[0] }), '$.roles[0].outcomes: outcome code "1.1" is used twice'],
    ['a duplicated role key', (m) => (m.roles[1].key = 'team'), '$.roles: role key "team" is used twice'],
    ['a duplicated principle code', (m) => (m.principles[1].code = '1'), '$.principles: principle code "1" is used twice'],
    ['roles with different outcomes', (m) => m.roles[1].outcomes.pop(), '$.roles[1].outcomes: must list the same outcome codes in the same order as the first role (1.1, 2.1); found 1.1'],
    ['an empty behaviour', (m) => (m.roles[0].outcomes[0].levels[2].behaviors[0] = '  '), '$.roles[0].outcomes[0].levels[2].behaviors[0]: must not be empty'],
    ['a missing title', (m) => delete m.roles[0].outcomes[0].title, '$.roles[0].outcomes[0].title:'],
    ['an unknown key', (m) => (m.roles[0].colour = 'blue'), '$.roles[0]: Unrecognized key: "colour"'],
    ['a badly formed role key', (m) => (m.roles[0].key = 'Team Members'), '$.roles[0].key: must be lower-case words joined by hyphens'],
    ['a map with four levels', (m) => m.levels.pop(), "$.levels: must define exactly 5 levels, 1 (ideal) to 5: ICMap's database, pages and charts are built for five"],
    ['a map with six levels', (m) => m.levels.push({ level: 6 }), "$.levels: must define exactly 5 levels"],
    ['a map-level numbering gap', (m) => (m.levels[2].level = 4), '$.levels[2].level: must be 3'],
  ])('rejects %s, naming the file and JSON path', (_name, mutate, expected) => {
    const message = loadError(brokenMap(mutate));
    expect(message).toContain(`data/maps/broken.json: ${expected}`);
  });

  it('rejects text that is not JSON', () => {
    expect(loadError('{ "id": "mini", ')).toMatch(/^data\/maps\/broken\.json: not valid JSON: /);
  });
});

describe('loadMapsFromDirectory', () => {
  function folderWith(files: Record<string, string>): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'icmap-maps-'));
    for (const [name, contents] of Object.entries(files)) fs.writeFileSync(path.join(directory, name), contents);
    return directory;
  }

  it('loads every JSON file and ignores other files', () => {
    const second = brokenMap((m) => (m.id = 'other'));
    const maps = loadMapsFromDirectory(folderWith({ 'a.json': fixture, 'b.json': second, 'README.md': '# notes' }));
    expect(maps.map((map) => map.id)).toEqual(['mini', 'other']);
  });

  it('stops at the first broken file, naming it', () => {
    const directory = folderWith({ 'a.json': fixture, 'b.json': brokenMap((m) => m.roles.pop() && m.roles.pop()) });
    expect(() => loadMapsFromDirectory(directory)).toThrow(/b\.json: \$\.roles: must list at least one role/);
  });

  it('refuses two files with the same map id and version', () => {
    const directory = folderWith({ 'a.json': fixture, 'b.json': fixture });
    expect(() => loadMapsFromDirectory(directory)).toThrow('b.json: map "mini" version "2" is also defined in a.json');
  });

  it('refuses an empty or missing folder', () => {
    expect(() => loadMapsFromDirectory(folderWith({}))).toThrow(/no IC map files/);
    expect(() => loadMapsFromDirectory('/nonexistent/maps')).toThrow(/cannot read the maps folder/);
  });
});
