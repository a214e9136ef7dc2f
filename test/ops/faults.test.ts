/**
 * `npm run test:faults -- --quick`: the real server SIGKILLed 5 times during self-assessment traffic
 * loses no acknowledged submission and duplicates none. Runs the harness as a child process, as CI
 * would; about 10–20 s.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseFaultsOptions } from '../../tools/ops/faults-options.js';
import { UsageError } from '../../tools/ops/sqlite-files.js';
import { runNode } from '../support/run-node.js';

describe('crash safety (test:faults --quick)', () => {
  it('loses and duplicates no acknowledged submission across 5 SIGKILLs', async () => {
    // A busy machine makes the run slower, not wrong: give it time (the test's own timeout is the slow project's).
    const run = await runNode('tools/ops/faults.ts', ['--quick', '--time-limit', '300'], { env: { DATABASE_PATH: '' }, timeoutMs: 360_000 });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    const figures = JSON.parse(last) as { acknowledgedSubmissions: number; selfAssessmentsSubmitted: number; networkErrors: number };
    expect(figures).toMatchObject({ ok: true, kills: 5, restarts: 5, lost: 0, mismatched: 0, duplicates: 0, partial: 0, orphans: 0, foreignKeyViolations: 0, integrity: 'ok' });
    expect(figures.acknowledgedSubmissions).toBeGreaterThanOrEqual(figures.selfAssessmentsSubmitted);
    expect(figures.selfAssessmentsSubmitted).toBeGreaterThan(0);
    expect(figures.networkErrors).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/SIGKILLs during traffic +5/);
  });

  it('reads its options, and refuses a bad one with a UsageError (exit 2, with the usage)', () => {
    expect(parseFaultsOptions(['--quick'])).toEqual({ postgres: false, kills: 5, seed: 1, quick: true, timeLimitMs: 55_000, keep: false });
    expect(parseFaultsOptions(['--kills', '7', '--seed', '3', '--keep'])).toEqual({ postgres: false, kills: 7, seed: 3, quick: false, timeLimitMs: 225_000, keep: true });
    expect(parseFaultsOptions(['--quick', '--time-limit', '200'])).toMatchObject({ kills: 5, timeLimitMs: 200_000 });
    expect(() => parseFaultsOptions(['--kills', 'many'])).toThrow(UsageError);
    expect(() => parseFaultsOptions(['--kills', 'many'])).toThrow('--kills must be a whole number from 1 to 1000 (got "many")');
    expect(() => parseFaultsOptions(['--kills', '0'])).toThrow('--kills must be a whole number from 1 to 1000 (got "0")');
    expect(() => parseFaultsOptions(['--colour'])).toThrow('unknown option --colour');
    expect(() => parseFaultsOptions(['--time-limit', '5'])).toThrow('--time-limit must be a whole number from 10 to 3600 (got "5")');
  });

  it('--database postgres needs TEST_DATABASE_URL, triples the default time limit, and an unknown database is refused', () => {
    vi.stubEnv('TEST_DATABASE_URL', '');
    try {
      expect(() => parseFaultsOptions(['--database', 'postgres'])).toThrow('--database postgres needs TEST_DATABASE_URL');
      vi.stubEnv('TEST_DATABASE_URL', 'postgres://icmap@127.0.0.1:5432/icmap_test');
      expect(parseFaultsOptions(['--database', 'postgres', '--quick'])).toMatchObject({ postgres: true, timeLimitMs: 165_000 });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(() => parseFaultsOptions(['--database', 'oracle'])).toThrow('--database must be sqlite or postgres (got "oracle")');
  });
});
