import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MapCatalog,
  compareVersions,
  findOutcome,
  findRole,
  levelName,
  outcomeAcrossRoles,
  outcomesByPrinciple,
} from '../../server/maps/catalog.js';
import { parseMapFile } from '../../server/maps/loader.js';

const text = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/maps/mini.json'), 'utf8');
const mini = parseMapFile('mini.json', text);
const miniV10 = { ...mini, version: '10', title: 'Version ten' };

describe('MapCatalog', () => {
  it('lists the newest version of each map and still finds older versions by number', () => {
    const catalog = new MapCatalog([miniV10, mini]);
    expect(catalog.list().map((map) => map.title)).toEqual(['Version ten']);
    expect(catalog.find('mini')?.version).toBe('10');
    expect(catalog.find('mini', '2')?.title).toBe('A small test map');
    expect(catalog.find('mini', '3')).toBeUndefined();
    expect(catalog.find('other')).toBeUndefined();
  });

  it('names the current version of the first map loaded as the primary map, whose roles name groups', () => {
    const other = { ...mini, id: 'other', title: 'Another map' };
    const catalog = new MapCatalog([mini, other, miniV10]);
    expect(catalog.primary().title).toBe('Version ten');
    expect(catalog.roleName('leader')).toBe('Leader');
    expect(catalog.roleName('no-such-role')).toBe('no-such-role');
  });

  it('refuses to be built without a map', () => {
    expect(() => new MapCatalog([])).toThrow('a map catalog needs at least one IC map');
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
    expect(compareVersions('2', '10')).toBeLessThan(0);
  });
});

describe('map lookups', () => {
  it('find roles and outcomes by key and code', () => {
    const leader = findRole(mini, 'leader');
    expect(leader?.name).toBe('Leader');
    expect(findOutcome(leader!, '2.1')?.title).toBe('Establish aim');
    expect(findRole(mini, 'nobody')).toBeUndefined();
    expect(findOutcome(leader!, '9.9')).toBeUndefined();
  });

  it('group a role\'s outcomes by principle', () => {
    const grouped = outcomesByPrinciple(mini, findRole(mini, 'team')!);
    expect(grouped.map(({ principle, outcomes }) => [principle.code, outcomes.map((o) => o.code)])).toEqual([
      ['1', ['1.1']],
      ['2', ['2.1']],
    ]);
  });

  it('show one outcome as each role words it', () => {
    expect(outcomeAcrossRoles(mini, '1.1').map(({ role, outcome }) => `${role.key}: ${outcome.title}`)).toEqual([
      'team: Define problem',
      'leader: Define the problem',
    ]);
    expect(outcomeAcrossRoles(mini, '4.4')).toEqual([]);
  });

  it('name levels as the source heads its columns', () => {
    expect([1, 2, 5].map((level) => levelName(mini, level))).toEqual(['Level 1 (Ideal)', 'Level 2', 'Level 5 (Entry)']);
  });
});
