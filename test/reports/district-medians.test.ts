/** The growth page's districts side by side: each district's median per check and outcome, from level counts. */
import { describe, expect, it } from 'vitest';
import { districtMedians, pageWindow } from '../../server/services/reports.js';

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

describe('pageWindow', () => {
  it('says which items a page shows, counting from 1', () => {
    expect(pageWindow(834, 1, 10)).toEqual({ page: 1, pages: 84, total: 834, first: 1, last: 10, offset: 0 });
    expect(pageWindow(834, 84, 10)).toEqual({ page: 84, pages: 84, total: 834, first: 831, last: 834, offset: 830 });
    expect(pageWindow(2, 1, 10)).toEqual({ page: 1, pages: 1, total: 2, first: 1, last: 2, offset: 0 });
  });

  it('shows the last page for a page past the end, and one empty page for nothing', () => {
    expect(pageWindow(25, 9, 10)).toEqual({ page: 3, pages: 3, total: 25, first: 21, last: 25, offset: 20 });
    expect(pageWindow(0, 2, 10)).toEqual({ page: 1, pages: 1, total: 0, first: 0, last: 0, offset: 0 });
  });
});
