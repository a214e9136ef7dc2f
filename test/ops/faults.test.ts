/**
 * `npm run test:faults -- --quick`: the real server SIGKILLed 5 times during self-assessment traffic
 * loses no acknowledged submission and duplicates none. Runs the harness as a child process, as CI
 * would; about 10–20 s.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function faults(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/ops/faults.ts', ...args], {
      cwd: root,
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

describe('crash safety (test:faults --quick)', () => {
  it('loses and duplicates no acknowledged submission across 5 SIGKILLs', { timeout: 75_000 }, async () => {
    const run = await faults('--quick');
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    const figures = JSON.parse(last) as { acknowledgedSubmissions: number; selfAssessmentsSubmitted: number; networkErrors: number };
    expect(figures).toMatchObject({ ok: true, kills: 5, restarts: 5, lost: 0, mismatched: 0, duplicates: 0, partial: 0, orphans: 0, foreignKeyViolations: 0, integrity: 'ok' });
    expect(figures.acknowledgedSubmissions).toBeGreaterThanOrEqual(figures.selfAssessmentsSubmitted);
    expect(figures.selfAssessmentsSubmitted).toBeGreaterThan(0);
    expect(figures.networkErrors).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/SIGKILLs during traffic +5/);
  });

  it('exits 2 on a bad option', { timeout: 30_000 }, async () => {
    const run = await faults('--kills', 'many');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--kills must be a whole number from 1 to 1000 (got "many")');
    expect(run.stderr).toContain('Usage: npm run test:faults');
  });
});
