import { describe, expect, it } from 'vitest';
import { consensusHeatmapSvg, type ConsensusHeatmapInput } from '../../server/charts/consensus-heatmap.js';
import { MUTED, levelColor, levelTextColor } from '../../server/charts/svg.js';
import { OUTCOMES, PRINCIPLES, levelLabel } from './fixtures.js';
import { byClass, byName, descendants, expectAccessibleChart, hasClass, num, parseXml, tooltip, visibleText, type XmlElement } from './xml.js';

const COLUMNS: ConsensusHeatmapInput['columns'] = [
  { key: 'a', label: 'A', kind: 'member' },
  { key: 'b', label: 'B', kind: 'member' },
  { key: 'c', label: 'Christine', kind: 'member' },
  { key: 'consensus', label: 'Consensus', kind: 'consensus' },
];

/** Level from a simple rule; 2.2 for member B is missing, 3.1 for A is "not sure yet", dissent on 1.1 and 4.2. */
function makeInput(overrides: Partial<ConsensusHeatmapInput> = {}): ConsensusHeatmapInput {
  const cells: ConsensusHeatmapInput['cells'] = [];
  OUTCOMES.forEach((outcome, index) => {
    for (const column of COLUMNS) {
      if (outcome.code === '2.2' && column.key === 'b') continue;
      const level = outcome.code === '3.1' && column.key === 'a' ? null : ((index + column.key.length) % 5) + 1;
      const dissent = column.kind === 'consensus' && (outcome.code === '1.1' || outcome.code === '4.2');
      cells.push({ outcomeCode: outcome.code, columnKey: column.key, level, ...(dissent ? { dissent } : {}) });
    }
  });
  return {
    id: 'team-heatmap',
    title: 'Lincoln ES team: placements and consensus, Fall 2025',
    description: 'Rows are outcomes grouped by principle; columns are members and the consensus.',
    levelCount: 5,
    levelLabel,
    principles: PRINCIPLES,
    columns: COLUMNS,
    cells,
    ...overrides,
  };
}

function cellsOf(root: XmlElement): XmlElement[] {
  return byClass(root, 'cell');
}

function cellAt(root: XmlElement, outcome: string, column: string): XmlElement {
  const found = cellsOf(root).find((cell) => cell.attrs['data-outcome'] === outcome && cell.attrs['data-column'] === column);
  if (found === undefined) throw new Error(`no cell ${outcome}/${column}`);
  return found;
}

describe('consensusHeatmapSvg', () => {
  it('is an accessible, CSP-safe image with its title and description', () => {
    const input = makeInput();
    const root = expectAccessibleChart(consensusHeatmapSvg(input), 'team-heatmap', 'consensus-heatmap');
    expect(visibleText(byName(root, 'title')[0]!)).toBe(input.title);
    expect(visibleText(byName(root, 'desc')[0]!)).toBe(input.description);
  });

  it('keeps ids unique when two charts share a page', () => {
    const page = parseXml(`<div>${consensusHeatmapSvg(makeInput({ id: 'one' }))}${consensusHeatmapSvg(makeInput({ id: 'two' }))}</div>`);
    const ids = descendants(page).flatMap((element) => (element.attrs.id === undefined ? [] : [element.attrs.id]));
    expect(ids.length).toBeGreaterThan(4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists outcome rows in the given order, each under its own principle', () => {
    const root = parseXml(consensusHeatmapSvg(makeInput()));
    const groups = byClass(root, 'principle');
    expect(groups.map((group) => group.attrs['data-principle'])).toEqual(['1', '2', '3', '4', '5']);
    groups.forEach((group, index) => {
      const principle = PRINCIPLES[index]!;
      expect(tooltip(byClass(group, 'principle-label')[0]!)).toBe(`${principle.code}. ${principle.title}`);
      expect(byClass(group, 'row').map((row) => row.attrs['data-outcome'])).toEqual(principle.outcomes.map((outcome) => outcome.code));
    });
    // And top to bottom on the page, principle headings before their rows.
    const ys = byClass(root, 'row-label').map((label) => num(label, 'y'));
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    const heading2 = num(byClass(groups[1]!, 'principle-label')[0]!, 'y');
    expect(heading2).toBeGreaterThan(ys[2]!);
    expect(heading2).toBeLessThan(ys[3]!);
  });

  it('labels rows "code title" in full, never cut off: the label column widens for a long title', () => {
    const root = parseXml(consensusHeatmapSvg(makeInput()));
    const labels = byClass(root, 'row-label');
    expect(visibleText(labels[0]!)).toBe('1.1 Investigate and define problem');
    expect(tooltip(labels[0]!)).toBe('1.1 Investigate and define problem');
    const long = consensusHeatmapSvg(
      makeInput({ principles: [{ code: '9', title: 'Long', outcomes: [{ code: '9.1', title: 'A very long outcome title '.repeat(4).trim() }] }] }),
    );
    const longRoot = parseXml(long);
    const label = byClass(longRoot, 'row-label')[0]!;
    expect(visibleText(label)).toBe(`9.1 ${'A very long outcome title '.repeat(4).trim()}`);
    expect(tooltip(label)).toBe(`9.1 ${'A very long outcome title '.repeat(4).trim()}`);
    // The first cell starts to the right of the whole label (12px text at about 0.6em a character).
    const firstCell = byClass(longRoot, 'cell')[0]!;
    const rect = firstCell.children.find((child) => typeof child !== 'string' && child.name === 'rect');
    const labelEnd = num(label, 'x') + visibleText(label).length * 12 * 0.6;
    expect(rect === undefined || typeof rect === 'string' ? 0 : Number(rect.attrs.x)).toBeGreaterThan(labelEnd);
  });

  it('puts members first in the given order and the consensus column last, set apart by a gap and an outline', () => {
    const shuffled = [COLUMNS[3]!, COLUMNS[1]!, COLUMNS[0]!, COLUMNS[2]!];
    const root = parseXml(consensusHeatmapSvg(makeInput({ columns: shuffled })));
    const labels = byClass(root, 'column-label');
    expect(labels.map((label) => visibleText(label))).toEqual(['B', 'A', 'Christine', 'Consensus']);
    const xs = labels.map((label) => num(label, 'x'));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    const memberStep = xs[1]! - xs[0]!;
    expect(xs[3]! - xs[2]!).toBeGreaterThan(memberStep);
    const outline = byClass(root, 'consensus-outline')[0]!;
    expect(Number(outline.attrs['stroke-width'])).toBeGreaterThanOrEqual(2);
    expect(num(outline, 'x')).toBeGreaterThan(xs[2]!);
    // In every row the consensus cell comes last.
    for (const row of byClass(root, 'row')) {
      const columns = byClass(row, 'cell').map((cell) => cell.attrs['data-column']);
      expect(columns).toEqual(['b', 'a', 'c', 'consensus']);
    }
  });

  it('colours each cell by level, shows the number in a readable colour, and carries a tooltip and data attributes', () => {
    const input = makeInput();
    const root = parseXml(consensusHeatmapSvg(input));
    for (const cell of input.cells) {
      if (cell.level === null) continue;
      const drawn = cellAt(root, cell.outcomeCode, cell.columnKey);
      // Not a tab stop: the table under the chart has the same answers.
      expect(drawn.attrs.tabindex).toBeUndefined();
      expect(drawn.attrs['data-level']).toBe(String(cell.level));
      expect(hasClass(drawn, `level-${cell.level}`)).toBe(true);
      expect(byName(drawn, 'rect')[0]?.attrs.fill).toBe(levelColor(cell.level, 5));
      const text = byName(drawn, 'text')[0]!;
      expect(visibleText(text)).toBe(String(cell.level));
      expect(text.attrs.fill).toBe(levelTextColor(cell.level, 5));
      expect(tooltip(drawn)).toContain(levelLabel(cell.level));
    }
    expect(tooltip(cellAt(root, '1.2', 'c'))).toBe(`1.2 Access, analyze, and interpret data, Christine: ${levelLabel(((1 + 1) % 5) + 1)}`);
  });

  it('draws a dissent marker exactly where dissent is recorded', () => {
    const input = makeInput();
    const root = parseXml(consensusHeatmapSvg(input));
    const marked = byClass(root, 'dissent').map((marker) => {
      let cell = marker.parent;
      while (cell !== null && !hasClass(cell, 'cell')) cell = cell.parent;
      expect(tooltip(marker)).toBe('dissent recorded');
      return `${cell?.attrs['data-outcome']}/${cell?.attrs['data-column']}`;
    });
    expect(marked.sort()).toEqual(['1.1/consensus', '4.2/consensus']);
    expect(tooltip(cellAt(root, '1.1', 'consensus'))).toMatch(/dissent recorded$/);
    expect(cellAt(root, '1.1', 'consensus').attrs['data-dissent']).toBe('true');
    expect(cellAt(root, '1.2', 'consensus').attrs['data-dissent']).toBeUndefined();
  });

  it('shows "not sure yet" as a white cell with a grey outline and a "?"', () => {
    const root = parseXml(consensusHeatmapSvg(makeInput()));
    const cell = cellAt(root, '3.1', 'a');
    const rect = byName(cell, 'rect')[0]!;
    expect(rect.attrs.fill).toBe('#ffffff');
    expect(rect.attrs.stroke).toBe(MUTED);
    expect(visibleText(cell)).toBe('?');
    expect(cell.attrs['data-level']).toBe('not-sure');
    expect(hasClass(cell, 'level-unsure')).toBe(true);
    expect(tooltip(cell)).toContain('not sure yet');
  });

  it('hatches a missing answer and writes no level in it', () => {
    const root = parseXml(consensusHeatmapSvg(makeInput()));
    const cell = cellAt(root, '2.2', 'b');
    expect(hasClass(cell, 'cell--empty')).toBe(true);
    expect(cell.attrs.tabindex).toBeUndefined();
    expect(visibleText(cell)).toBe('');
    expect(byName(cell, 'rect')[0]?.attrs.fill).toBe('url(#team-heatmap-no-answer)');
    expect(byName(root, 'pattern')[0]?.attrs.id).toBe('team-heatmap-no-answer');
  });

  it('includes the level legend with a "Not sure yet" key', () => {
    const root = parseXml(consensusHeatmapSvg(makeInput()));
    const items = byClass(root, 'legend__item').map((item) => visibleText(item));
    expect(items).toEqual(['1Level 1 (Ideal)', '2Level 2', '3Level 3', '4Level 4', '5Level 5 (Entry)', '?Not sure yet']);
  });

  it('escapes every label', () => {
    const svg = consensusHeatmapSvg(
      makeInput({
        id: 'x"y',
        title: '<script>alert(1)</script>',
        columns: [
          { key: 'k"<', label: 'Ann <script>"', kind: 'member' },
          { key: 'consensus', label: 'Consensus', kind: 'consensus' },
        ],
        principles: [{ code: '1', title: 'A & B', outcomes: [{ code: '1.1', title: 'Tom & "Jerry" <i>' }] }],
        cells: [{ outcomeCode: '1.1', columnKey: 'k"<', level: 2 }],
      }),
    );
    expect(svg).not.toMatch(/<script|<i>|<\/i>/);
    const root = parseXml(svg);
    expect(root.attrs['aria-labelledby']).toBe('x"y-title x"y-desc');
    expect(tooltip(byClass(root, 'column-label')[0]!)).toBe('Ann <script>"');
    expect(tooltip(byClass(root, 'row-label')[0]!)).toBe('1.1 Tom & "Jerry" <i>');
    expect(byClass(root, 'cell')[0]?.attrs['data-column']).toBe('k"<');
  });
});

describe('the legend', () => {
  it('fits inside the chart with the long level labels, "Not sure yet" included', () => {
    // A narrow chart: one member and the consensus, so the legend must wrap onto several rows.
    const svg = consensusHeatmapSvg(makeInput({ columns: COLUMNS.filter((column) => column.kind === 'consensus' || column.key === 'a'), cells: [] }));
    const root = parseXml(svg);
    const height = Number(root.attrs.height);
    const texts = descendants(root).filter((element) => element.name === 'text' && visibleText(element).includes('Not sure yet'));
    expect(texts).toHaveLength(1);
    // The label is centred on its 18-unit swatch: the whole swatch must be inside the chart.
    expect(num(texts[0]!, 'y') + 9).toBeLessThanOrEqual(height);
  });
});
