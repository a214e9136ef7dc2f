import { describe, expect, it } from 'vitest';
import { siteHeatmapSvg, type SiteHeatmapInput } from '../../server/charts/site-heatmap.js';
import { levelColor, levelTextColor } from '../../server/charts/svg.js';
import { OUTCOMES, PRINCIPLES, levelLabel } from './fixtures.js';
import { byClass, byName, expectAccessibleChart, hasClass, num, parseXml, tooltip, visibleText, type XmlElement } from './xml.js';

const ROWS: SiteHeatmapInput['rows'] = [
  { key: '12', label: 'Lincoln Elementary — Team A', href: '/checks/3/groups/12/report' },
  { key: '7', label: 'Adams Middle School' },
  { key: '31', label: 'Central High', href: '/checks/3/groups/31/report' },
];
const CHANGES = ['up', 'same', 'down', null] as const;

/** Every site has every outcome except Adams 2.2; change cycles up/same/down/none; dissent on every 4th outcome. */
function makeInput(overrides: Partial<SiteHeatmapInput> = {}): SiteHeatmapInput {
  const cells = ROWS.flatMap((row, rowIndex) =>
    OUTCOMES.flatMap((outcome, index) =>
      row.key === '7' && outcome.code === '2.2'
        ? []
        : [{ rowKey: row.key, outcomeCode: outcome.code, level: ((index + rowIndex) % 5) + 1, dissent: index % 4 === 1, change: CHANGES[(index + rowIndex) % 4] ?? null }],
    ),
  );
  return {
    id: 'site-heatmap',
    title: 'Improvement team consensus by site, Fall 2025',
    description: 'Rows are sites, columns the 15 outcomes.',
    levelCount: 5,
    levelLabel,
    principles: PRINCIPLES,
    rows: ROWS,
    cells,
    ...overrides,
  };
}

function cellAt(root: XmlElement, row: string, outcome: string): XmlElement {
  const found = byClass(root, 'cell').find((cell) => cell.attrs['data-row'] === row && cell.attrs['data-outcome'] === outcome);
  if (found === undefined) throw new Error(`no cell ${row}/${outcome}`);
  return found;
}

describe('siteHeatmapSvg', () => {
  it('is an accessible, CSP-safe group of links (an image may not hold links), or an image without them', () => {
    expectAccessibleChart(siteHeatmapSvg(makeInput()), 'site-heatmap', 'site-heatmap', 'group');
    const input = makeInput();
    expectAccessibleChart(siteHeatmapSvg({ ...input, rows: input.rows.map(({ key, label }) => ({ key, label })) }), 'site-heatmap', 'site-heatmap', 'img');
  });

  it('draws rows in the given order, top to bottom', () => {
    const root = parseXml(siteHeatmapSvg(makeInput()));
    const rows = byClass(root, 'row');
    expect(rows.map((row) => row.attrs['data-row'])).toEqual(['12', '7', '31']);
    const ys = rows.map((row) => num(byClass(row, 'row-label')[0]!, 'y'));
    expect(ys[0]).toBeLessThan(ys[1]!);
    expect(ys[1]).toBeLessThan(ys[2]!);
  });

  it('puts one column per outcome left to right, grouped under principle labels with a gap between groups', () => {
    const root = parseXml(siteHeatmapSvg(makeInput()));
    const columns = byClass(root, 'column-label');
    expect(columns.map((column) => visibleText(column))).toEqual(OUTCOMES.map((outcome) => outcome.code));
    expect(tooltip(columns[0]!)).toBe('1.1 Investigate and define problem');
    const xs = columns.map((column) => num(column, 'x'));
    const step = xs[1]! - xs[0]!;
    expect(xs[3]! - xs[2]!).toBeGreaterThan(step);
    expect(xs[2]! - xs[1]!).toBe(step);
    const principles = byClass(root, 'principle-label');
    expect(principles.map((label) => label.attrs['data-principle'])).toEqual(['1', '2', '3', '4', '5']);
    expect(tooltip(byName(principles[0]!, 'text')[0]!)).toBe('1. Analyze problem focus area');
    // Each principle label starts above its first outcome column.
    principles.forEach((label, index) => {
      const text = byName(label, 'text')[0]!;
      expect(num(text, 'x')).toBeLessThan(xs[index * 3]!);
      expect(num(text, 'x')).toBeGreaterThan(index === 0 ? 0 : xs[index * 3 - 1]!);
    });
  });

  it('colours and numbers each cell by its consensus level', () => {
    const input = makeInput();
    const root = parseXml(siteHeatmapSvg(input));
    for (const cell of input.cells) {
      const drawn = cellAt(root, cell.rowKey, cell.outcomeCode);
      expect(byName(drawn, 'rect')[0]?.attrs.fill).toBe(levelColor(cell.level, 5));
      const number = byName(drawn, 'text')[0]!;
      expect(visibleText(number)).toBe(String(cell.level));
      expect(number.attrs.fill).toBe(levelTextColor(cell.level, 5));
      expect(drawn.attrs['data-level']).toBe(String(cell.level));
      expect(tooltip(drawn)).toContain(levelLabel(cell.level));
    }
  });

  it('maps change to arrows: up (improved, level number down) ↑, same →, down (slipped) ↓, none without a glyph', () => {
    const input = makeInput();
    const root = parseXml(siteHeatmapSvg(input));
    const expected = { up: '↑', same: '→', down: '↓' };
    for (const cell of input.cells) {
      const drawn = cellAt(root, cell.rowKey, cell.outcomeCode);
      const arrows = byClass(drawn, 'change');
      if (cell.change === null) {
        expect(arrows).toHaveLength(0);
        expect(drawn.attrs['data-change']).toBeUndefined();
        expect(visibleText(drawn)).toBe(String(cell.level));
      } else {
        expect(arrows).toHaveLength(1);
        expect(visibleText(arrows[0]!)).toBe(expected[cell.change]);
        expect(hasClass(arrows[0]!, `change--${cell.change}`)).toBe(true);
        expect(arrows[0]!.attrs.fill).toBe(levelTextColor(cell.level, 5));
        expect(drawn.attrs['data-change']).toBe(cell.change);
      }
    }
    expect(tooltip(cellAt(root, '12', '1.1'))).toContain('improved since the previous check');
    expect(tooltip(cellAt(root, '12', '1.3'))).toContain('slipped since the previous check');
  });

  it('marks dissent exactly where it is recorded', () => {
    const input = makeInput();
    const root = parseXml(siteHeatmapSvg(input));
    const marked = byClass(root, 'dissent')
      .filter((marker) => marker.parent !== null && hasClass(marker.parent, 'cell'))
      .map((marker) => `${marker.parent?.attrs['data-row']}/${marker.parent?.attrs['data-outcome']}`);
    const expected = input.cells.filter((cell) => cell.dissent).map((cell) => `${cell.rowKey}/${cell.outcomeCode}`);
    expect(marked.sort()).toEqual(expected.sort());
    for (const marker of byClass(root, 'dissent')) expect(tooltip(marker)).toBe('dissent recorded');
  });

  it('hatches an outcome a site has no consensus for', () => {
    const root = parseXml(siteHeatmapSvg(makeInput()));
    const cell = cellAt(root, '7', '2.2');
    expect(hasClass(cell, 'cell--empty')).toBe(true);
    expect(visibleText(cell)).toBe('');
    expect(byName(cell, 'rect')[0]?.attrs.fill).toBe('url(#site-heatmap-no-consensus)');
  });

  it("links a row's label and cells to its href; unlinked rows have focusable cells instead", () => {
    const root = parseXml(siteHeatmapSvg(makeInput()));
    const [linked, plain] = byClass(root, 'row');
    const linkedCells = byClass(linked!, 'cell');
    expect(linkedCells).toHaveLength(15);
    for (const cell of linkedCells) {
      expect(cell.name).toBe('a');
      expect(cell.attrs.href).toBe('/checks/3/groups/12/report');
    }
    const label = byClass(linked!, 'row-label')[0]!;
    expect(label.parent?.name).toBe('a');
    expect(label.parent?.attrs.href).toBe('/checks/3/groups/12/report');

    expect(byName(plain!, 'a')).toHaveLength(0);
    for (const cell of byClass(plain!, 'cell').filter((cell) => !hasClass(cell, 'cell--empty'))) {
      expect(cell.name).toBe('g');
      // Not a tab stop (only linked cells are): the table under the chart has the same levels.
      expect(cell.attrs.tabindex).toBeUndefined();
    }
  });

  it('escapes labels and hrefs', () => {
    const href = '/report?a=1&b="2"><script>alert(1)</script>';
    const label = 'Evil "High" <script>alert(1)</script> & Co';
    const svg = siteHeatmapSvg(
      makeInput({
        rows: [{ key: 'r"1', label, href }],
        cells: [{ rowKey: 'r"1', outcomeCode: '1.1', level: 2, dissent: true, change: 'up' }],
      }),
    );
    expect(svg).not.toContain('<script');
    expect(svg).toContain('href="/report?a=1&amp;b=&quot;2&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const root = parseXml(svg);
    const cell = cellAt(root, 'r"1', '1.1');
    expect(cell.attrs.href).toBe(href);
    expect(tooltip(byClass(root, 'row-label')[0]!)).toBe(label);
    expect(tooltip(cell)?.startsWith(label)).toBe(true);
  });

  it('explains the arrows and the dissent marker under the level legend', () => {
    const root = parseXml(siteHeatmapSvg(makeInput()));
    expect(byClass(root, 'legend__item')).toHaveLength(5);
    const key = visibleText(byClass(root, 'legend--change')[0]!);
    expect(key).toContain('↑improved (level number went down)');
    expect(key).toContain('↓slipped');
    expect(key).toContain('dissent recorded');
  });
});
