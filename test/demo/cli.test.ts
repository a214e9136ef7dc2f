/** `npm run demo:seed`: bad options and refusals exit with code 2 and say what is wrong; a good run writes the file and reports progress. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempFolder } from './support.js';

const temp = tempFolder();
afterAll(() => {
  temp.remove();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function seedCli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/seed-cli.ts', ...args], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_PATH: '', NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe.concurrent('demo:seed', { timeout: 30_000 }, () => {
  it.each([
    [['--db', 'x.sqlite', '--sites', '0'], '--sites must be a whole number from 1 to 20000 (got "0")'],
    [['--db', 'x.sqlite', '--checks', 'two'], '--checks must be a whole number from 1 to 40 (got "two")'],
    [['--db', 'x.sqlite', '--today', '2026-02-30'], '--today must be a real date written YYYY-MM-DD (got "2026-02-30")'],
    [['--db', 'x.sqlite', '--colour', 'blue'], 'unknown option --colour'],
    [['--db', 'x.sqlite', 'extra'], 'unexpected argument extra'],
    [['--db'], '--db needs a value'],
    [['--db', 'x.sqlite', '--force=yes'], '--force takes no value'],
    [['--sites', '3'], '--db FILE is required'],
    [['--db', 'data/icmap.sqlite'], "is ICMap's own database"],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await seedCli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: npm run demo:seed');
    expect(run.stdout).toBe('');
  });

  it('writes a database, reports progress, and will not overwrite it without --force', async () => {
    const file = path.join(temp.folder, 'cli.sqlite');
    const first = await seedCli('--db', file, '--sites', '2', '--checks', '1', '--seed', '3', '--today', '2026-03-15');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/check 1\/1 "2025-26 End of year": self-assessments: \d+\/\d+ \(\d[\d,]*\/s\)/);
    expect(first.stdout).toContain('2 districts, 2 sites');
    expect(fs.statSync(file).size).toBeGreaterThan(0);

    const again = await seedCli('--db', file, '--sites', '2');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists and holds data');

    const forced = await seedCli('--db', file, '--sites', '1', '--checks', '1', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('1 district, 1 site,');
  });
});
