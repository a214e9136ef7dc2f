/** The growth page's districts side by side: each district's median per check and outcome, from level counts. */
import { describe, expect, it } from 'vitest';
import { districtMedians } from '../../server/services/reports.js';

const row = (district_id: number | null, check_id: number, outcome_code: string, level: number, groups: number) => ({ district_id, check_id, outcome_code, level, groups });

describe('districtMedians', () => {
  it('gives each district its own median per check and outcome, and null where it agreed nothing', () => {
    const median = districtMedians(
      [row(1, 10, '1.1', 2, 3), row(1, 10, '1.1', 4, 1), row(2, 10, '1.1', 5, 2), row(1, 11, '1.1', 1, 1), row(1, 10, '1.2', 3, 1)],
      5,
    );
    expect(median(1, 10, '1.1')).toBe(2);
    expect(median(2, 10, '1.1')).toBe(5);
    expect(median(1, 11, '1.1')).toBe(1);
    expect(median(1, 10, '1.2')).toBe(3);
    expect(median(2, 11, '1.1')).toBeNull();
    expect(median(1, undefined, '1.1')).toBeNull();
  });

  it('adds up rows that repeat a district, check, outcome and level', () => {
    const median = districtMedians([row(1, 10, '1.1', 1, 1), row(1, 10, '1.1', 3, 1), row(1, 10, '1.1', 3, 1)], 5);
    expect(median(1, 10, '1.1')).toBe(3);
  });
});
