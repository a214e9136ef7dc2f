/** CSV downloads: every cell a spreadsheet would run as a formula comes back as text, and nothing else changes. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { safeCsv } from '../../server/services/csv.js';

/** What a spreadsheet reads back: the parsed cells of the one data row. */
function cellsOf(csv: string): string[] {
  const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
  return parsed.data[1] ?? [];
}

describe('safeCsv', () => {
  it.each([
    ['=HYPERLINK("http://evil.example")', `'=HYPERLINK("http://evil.example")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
  ])('prefixes %j with a quote so it stays text', (cell, expected) => {
    expect(cellsOf(safeCsv(['name'], [[cell]]))).toEqual([expected]);
  });

  it('leaves ordinary text, numbers (negative too), empty cells and formulas not at the start alone', () => {
    const csv = safeCsv(['a', 'b', 'c', 'd', 'e'], [['Ana López', -3, null, 'total = 4', 'semi;colon, "quoted"']]);
    expect(cellsOf(csv)).toEqual(['Ana López', '-3', '', 'total = 4', 'semi;colon, "quoted"']);
    expect(csv.split('\r\n')[0]).toBe('a,b,c,d,e');
  });
});
