/**
 * `npm run demo:seed`: bad options and refusals are UsageErrors (exit code 2, with the usage) that say
 * what is wrong; a good run writes the file and reports progress. The command runs in-process; one real
 * process start proves the command line, the output and the exit code reach the shell.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../server/config.js';
import { parseSeedOptions, seedCommand, seedFailure, USAGE, UsageError } from '../../tools/demo/seed-command.js';
import { runNode } from '../support/run-node.js';
import { tempFolder } from './support.js';

const temp = tempFolder();
afterAll(() => {
  temp.remove();
});

describe('demo:seed options', () => {
  it.each([
    [['--db', 'x.sqlite', '--sites', '0'], '--sites must be a whole number from 1 to 20000 (got "0")'],
    [['--db', 'x.sqlite', '--checks', 'two'], '--checks must be a whole number from 1 to 40 (got "two")'],
    [['--db', 'x.sqlite', '--today', '2026-02-30'], '--today must be a real date written YYYY-MM-DD (got "2026-02-30")'],
    [['--db', 'x.sqlite', '--colour', 'blue'], 'unknown option --colour'],
    [['--db', 'x.sqlite', 'extra'], 'unexpected argument extra'],
    [['--db'], '--db needs a value'],
    [['--db', 'x.sqlite', '--force=yes'], '--force takes no value'],
    [['--sites', '3'], '--db FILE is required'],
  ])('refuses %j', (args, message) => {
    expect(() => parseSeedOptions(args)).toThrow(UsageError);
    expect(() => parseSeedOptions(args)).toThrow(message);
  });

  it('reads good options, with defaults for what is left out', () => {
    expect(parseSeedOptions(['--db', 'x.sqlite'])).toEqual({ db: 'x.sqlite', sites: 8, checks: 3, seed: 1, force: false });
    expect(parseSeedOptions(['--db', 'x.sqlite', '--sites', '2', '--checks', '1', '--seed', '3', '--today', '2026-03-15', '--force'])).toEqual({
      db: 'x.sqlite',
      sites: 2,
      checks: 1,
      seed: 3,
      today: '2026-03-15',
      force: true,
    });
    expect(parseSeedOptions(['--help'])).toBe('help');
  });
});

describe('demo:seed failures', () => {
  it('a bad command line or a refusal exits 2 with the usage; bad settings exit 2; anything else exits 1', () => {
    expect(seedFailure(new UsageError('unknown option --colour'))).toEqual({ exitCode: 2, message: `demo:seed: unknown option --colour\n\n${USAGE}` });
    expect(USAGE).toContain('Usage: npm run demo:seed');
    expect(seedFailure(new ConfigError('MAPS_DIR is not a folder'))).toEqual({ exitCode: 2, message: 'MAPS_DIR is not a folder' });
    const crash = new Error('disk full');
    expect(seedFailure(crash)).toEqual({ exitCode: 1, message: crash });
  });
});

describe('demo:seed', { timeout: 60_000 }, () => {
  const seed = async (args: string[], env: { DATABASE_PATH?: string } = {}): Promise<string> => {
    const lines: string[] = [];
    await seedCommand(args, env, (line) => lines.push(line));
    return lines.join('\n');
  };

  it("refuses ICMap's own database and a folder", async () => {
    const own = path.join(temp.folder, 'icmap.sqlite');
    await expect(seed(['--db', own], { DATABASE_PATH: own })).rejects.toThrow(UsageError);
    await expect(seed(['--db', own], { DATABASE_PATH: own })).rejects.toThrow("is ICMap's own database");
    await expect(seed(['--db', temp.folder])).rejects.toThrow('is a folder');
    expect(fs.existsSync(own)).toBe(false);
  });

  it('will not overwrite a database without --force, and replaces it with --force', async () => {
    const file = path.join(temp.folder, 'twice.sqlite');
    expect(await seed(['--db', file, '--sites', '2', '--checks', '1', '--seed', '3', '--today', '2026-03-15'])).toContain('2 districts, 2 sites');
    const size = fs.statSync(file).size;
    await expect(seed(['--db', file, '--sites', '2'])).rejects.toThrow('already exists and holds data');
    expect(fs.statSync(file).size).toBe(size);
    expect(await seed(['--db', file, '--sites', '1', '--checks', '1', '--force'])).toContain('1 district, 1 site,');
  });

  it('as a process: writes a database and reports progress (exit 0)', async () => {
    const file = path.join(temp.folder, 'cli.sqlite');
    const run = await runNode('tools/demo/seed-cli.ts', ['--db', file, '--sites', '2', '--checks', '1', '--seed', '3', '--today', '2026-03-15'], { env: { DATABASE_PATH: '' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/check 1\/1 "2025-26 End of year": self-assessments: \d+\/\d+ \(\d[\d,]*\/s\)/);
    expect(run.stdout).toContain('2 districts, 2 sites');
    expect(fs.statSync(file).size).toBeGreaterThan(0);
  });
});
