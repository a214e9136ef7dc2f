import { describe, expect, it } from 'vitest';
import { growthChartSvg, type GrowthChartInput } from '../../server/charts/growth-chart.js';
import { levelColor, textWidth } from '../../server/charts/svg.js';
import { OUTCOMES, levelLabel } from './fixtures.js';
import { byClass, byName, expectAccessibleChart, num, parseXml, tooltip, visibleText, type XmlElement } from './xml.js';

const CHECKS = [
  { key: '4', label: 'Fall' },
  { key: '9', label: 'Winter' },
  { key: '2', label: 'Spring' },
];

/** 1.1 grows from mostly Level 4 to mostly Level 2; 1.2 has no data in the middle check; the rest are flat. */
const POINTS: GrowthChartInput['points'] = [
  { outcomeCode: '1.1', checkKey: '4', counts: [0, 1, 2, 4, 1], median: 4 },
  { outcomeCode: '1.1', checkKey: '9', counts: [0, 2, 3, 2, 1], median: 3 },
  { outcomeCode: '1.1', checkKey: '2', counts: [1, 6, 1, 0, 0], median: 2 },
  { outcomeCode: '1.2', checkKey: '4', counts: [0, 0, 4, 4, 0], median: 3.5 },
  { outcomeCode: '1.2', checkKey: '2', counts: [0, 4, 4, 0, 0], median: 2.5 },
  ...OUTCOMES.slice(2).flatMap((outcome) => CHECKS.map((check) => ({ outcomeCode: outcome.code, checkKey: check.key, counts: [1, 1, 1, 1, 1], median: 3 }))),
];

function makeInput(overrides: Partial<GrowthChartInput> = {}): GrowthChartInput {
  return {
    id: 'growth',
    title: 'Improvement team: agreed levels across progress checks',
    description: 'Dot size is the number of groups; the line is the median. Level 1 (Ideal) is at the top.',
    levelCount: 5,
    levelLabel,
    checks: CHECKS,
    outcomes: OUTCOMES,
    points: POINTS,
    ...overrides,
  };
}

function panel(root: XmlElement, code: string): XmlElement {
  const found = byClass(root, 'panel').find((element) => element.attrs['data-outcome'] === code);
  if (found === undefined) throw new Error(`no panel ${code}`);
  return found;
}

function levelY(panelElement: XmlElement, level: number): number {
  const label = byClass(panelElement, 'y-label').find((element) => element.attrs['data-level'] === String(level));
  if (label === undefined) throw new Error(`no y label ${level}`);
  return num(label, 'y');
}

/** The vertices of a d3 line path, one array per unbroken run ("M…L…L…M…"). */
function pathRuns(d: string): [number, number][][] {
  return d
    .split('M')
    .filter((run) => run !== '')
    .map((run) => run.split('L').map((pair) => pair.split(',').map(Number) as [number, number]));
}

describe('growthChartSvg', () => {
  it('is an accessible, CSP-safe image', () => {
    expectAccessibleChart(growthChartSvg(makeInput()), 'growth', 'growth');
  });

  it('draws one titled panel per outcome, five across and three down', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    const panels = byClass(root, 'panel');
    expect(panels.map((element) => element.attrs['data-outcome'])).toEqual(OUTCOMES.map((outcome) => outcome.code));
    const frames = panels.map((element) => byClass(element, 'panel__frame')[0]!);
    expect(new Set(frames.map((frame) => frame.attrs.x)).size).toBe(5);
    expect(new Set(frames.map((frame) => frame.attrs.y)).size).toBe(3);
    const title = byClass(panels[0]!, 'panel__title')[0]!;
    expect(tooltip(title)).toBe('1.1 Investigate and define problem');
    expect(visibleText(title).startsWith('1.1 ')).toBe(true);
  });

  it('puts Level 1 (Ideal) at the top of every panel and Level 5 at the bottom, labelled L1…L5', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    for (const element of byClass(root, 'panel')) {
      const labels = byClass(element, 'y-label');
      expect(labels.map((label) => visibleText(label))).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
      const ys = labels.map((label) => num(label, 'y'));
      for (let index = 1; index < ys.length; index++) expect(ys[index]).toBeGreaterThan(ys[index - 1]!);
      expect(tooltip(labels[0]!)).toBe('Level 1 (Ideal)');
    }
    const first = panel(root, '1.1');
    const dots = byClass(first, 'dot');
    const top = dots.find((dot) => dot.attrs['data-level'] === '1')!;
    const bottom = dots.find((dot) => dot.attrs['data-level'] === '5')!;
    expect(num(top, 'cy')).toBeLessThan(num(bottom, 'cy'));
  });

  it('orders the checks left to right as given', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    const labels = byClass(panel(root, '1.1'), 'x-label');
    expect(labels.map((label) => label.attrs['data-check'])).toEqual(['4', '9', '2']);
    expect(labels.map((label) => visibleText(label))).toEqual(['Fall', 'Winter', 'Spring']);
    const xs = labels.map((label) => num(label, 'x'));
    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
    // Dots for a check sit on that check's x.
    for (const dot of byClass(panel(root, '1.1'), 'dot')) {
      expect(num(dot, 'cx')).toBe(xs[['4', '9', '2'].indexOf(dot.attrs['data-check']!)]);
    }
  });

  it('sizes dots by count (area proportional), colours them by level and skips zero counts', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    const dots = byClass(panel(root, '1.1'), 'dot');
    const expectedDots = POINTS.filter((point) => point.outcomeCode === '1.1').flatMap((point) => point.counts.filter((count) => count > 0));
    expect(dots).toHaveLength(expectedDots.length);
    const byCount = new Map<number, number>();
    for (const dot of dots) {
      const count = Number(dot.attrs['data-count']);
      expect(count).toBeGreaterThan(0);
      expect(dot.attrs.fill).toBe(levelColor(Number(dot.attrs['data-level']), 5));
      // Out of the tab order (the table has the counts); the title still names the dot for a pointer.
      expect(dot.attrs.tabindex).toBeUndefined();
      expect(dot.children.some((child) => typeof child !== 'string' && child.name === 'title')).toBe(true);
      byCount.set(count, num(dot, 'r'));
    }
    const counts = [...byCount.keys()].sort((a, b) => a - b);
    for (let index = 1; index < counts.length; index++) {
      expect(byCount.get(counts[index]!)).toBeGreaterThan(byCount.get(counts[index - 1]!)!);
    }
    // Area ∝ count: r² / count is the same for every dot.
    const ratios = counts.map((count) => byCount.get(count)! ** 2 / count);
    for (const ratio of ratios) expect(ratio).toBeCloseTo(ratios[0]!, 0);
    const six = dots.find((dot) => dot.attrs['data-count'] === '6')!;
    expect(tooltip(six)).toBe('1.1 Investigate and define problem, Spring: 6 groups at Level 2');
  });

  it('joins the medians with a line whose points sit at each median level', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    const element = panel(root, '1.1');
    const xs = byClass(element, 'x-label').map((label) => num(label, 'x'));
    const y = (median: number): number => levelY(element, 1) + ((median - 1) * (levelY(element, 5) - levelY(element, 1))) / 4;
    const runs = pathRuns(byClass(element, 'median-line')[0]!.attrs.d!);
    expect(runs).toHaveLength(1);
    const [vertices] = runs;
    expect(vertices).toHaveLength(3);
    [4, 3, 2].forEach((median, index) => {
      expect(vertices![index]![0]).toBeCloseTo(xs[index]!, 1);
      expect(vertices![index]![1]).toBeCloseTo(y(median), 1);
    });
    // Growth points up: each later median is higher on the page.
    expect(vertices![1]![1]).toBeLessThan(vertices![0]![1]);
    expect(vertices![2]![1]).toBeLessThan(vertices![1]![1]);
    const markers = byClass(element, 'median-point');
    expect(markers.map((marker) => Number(marker.attrs['data-median']))).toEqual([4, 3, 2]);
    expect(markers.map((marker) => num(marker, 'cy'))).toEqual(vertices!.map((vertex) => vertex[1]));
  });

  it('handles fractional medians and leaves a gap where a check has no median', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    const element = panel(root, '1.2');
    const markers = byClass(element, 'median-point');
    expect(markers.map((marker) => marker.attrs['data-check'])).toEqual(['4', '2']);
    expect(tooltip(markers[0]!)).toBe('1.2 Access, analyze, and interpret data, Fall: median Level 3.5');
    const mid = (levelY(element, 3) + levelY(element, 4)) / 2;
    expect(num(markers[0]!, 'cy')).toBeCloseTo(mid, 1);
    // Two isolated points with a missing check between them: no segment is drawn across the gap.
    const runs = pathRuns(byClass(element, 'median-line')[0]!.attrs.d!);
    expect(runs.every((run) => run.length === 1)).toBe(true);
  });

  it('names every check on the axis: slanted under the bottom row of panels when the names do not fit across, escaped', () => {
    const checks = [
      { key: 'a', label: 'Fall 2024 progress check' },
      { key: 'b', label: 'Spring <2025> & "final"' },
    ];
    const svg = growthChartSvg(makeInput({ checks, points: [] }));
    expect(svg).not.toContain('<2025>');
    const root = expectAccessibleChart(svg, 'growth', 'growth');
    const last = OUTCOMES.at(-1)!.code;
    const labels = byClass(panel(root, last), 'x-label');
    expect(labels.map((label) => visibleText(label))).toEqual(['Fall 2024 progress check', 'Spring <2025> & "final"']);
    expect(labels[0]!.attrs.transform).toMatch(/^rotate\(-40 /);
    // The top rows keep their ticks but no labels; no numbered key to look things up in.
    expect(byClass(panel(root, '1.1'), 'x-label')).toHaveLength(0);
    expect(byClass(panel(root, '1.1'), 'x-tick')).toHaveLength(2);
    expect(byClass(root, 'check-key')).toHaveLength(0);
    expect(byClass(root, 'dot')).toHaveLength(0);
    expect(byClass(root, 'median-line')).toHaveLength(0);
  });

  it('keeps ten checks\' slanted names a line apart and inside the chart on the left', () => {
    const checks = Array.from({ length: 10 }, (_, index) => ({ key: String(index), label: `${2023 + Math.floor(index / 3)}-${24 + Math.floor(index / 3)} Middle of year ${index}` }));
    const svg = growthChartSvg(makeInput({ checks, points: [] }));
    const root = parseXml(svg);
    const labels = byClass(root, 'x-label');
    expect(labels.length).toBeGreaterThan(0);
    const angle = Number(/^rotate\(-(\d+) /.exec(labels[0]!.attrs.transform ?? '')?.[1]);
    // Neighbouring names are parallel lines; the gap between them across the lines is step × sin(angle).
    const first = byClass(panel(root, OUTCOMES.at(-1)!.code), 'x-label');
    const step = num(first[1]!, 'x') - num(first[0]!, 'x');
    expect(step * Math.sin((angle * Math.PI) / 180)).toBeGreaterThanOrEqual(12);
    // The longest name, slanted from the leftmost tick, starts at or right of the chart's left edge.
    const leftmost = Math.min(...labels.map((label) => num(label, 'x')));
    const longest = Math.max(...checks.map((check) => textWidth(check.label, 10)));
    expect(leftmost - longest * Math.cos((angle * Math.PI) / 180)).toBeGreaterThanOrEqual(0);
    const width = Number(/viewBox="0 0 (\d+(?:\.\d+)?) /.exec(svg)?.[1]);
    expect(Math.max(...labels.map((label) => num(label, 'x')))).toBeLessThanOrEqual(width);
  });

  it('draws a check still in progress apart: marked on the axis, hollow dots, a dashed median line, and a legend entry', () => {
    const checks = [...CHECKS.slice(0, 2), { key: '2', label: 'Spring', inProgress: true, progress: '3 of 8 groups agreed' }];
    const root = parseXml(growthChartSvg(makeInput({ checks })));
    const element = panel(root, '1.1');
    const spring = byClass(element, 'dot').filter((dot) => dot.attrs['data-check'] === '2');
    expect(spring.length).toBeGreaterThan(0);
    expect(spring.every((dot) => dot.attrs.fill === '#ffffff' && dot.attrs['stroke-dasharray'] !== undefined)).toBe(true);
    expect(tooltip(spring[0]!)).toContain('Spring (in progress)');
    expect(byClass(element, 'dot').filter((dot) => dot.attrs['data-check'] === '4').every((dot) => dot.attrs.fill !== '#ffffff')).toBe(true);
    expect(byClass(element, 'median-line--in-progress')).toHaveLength(1);
    expect(byClass(element, 'median-line--in-progress')[0]!.attrs['stroke-dasharray']).toBe('4 3');
    expect(visibleText(byClass(root, 'legend--in-progress')[0]!)).toContain('Spring: in progress (3 of 8 groups agreed), so partial.');
  });

  it('includes the level legend and the median and dot-size key', () => {
    const root = parseXml(growthChartSvg(makeInput()));
    expect(byClass(root, 'legend__item').map((item) => visibleText(item))).toEqual([
      '1Level 1 (Ideal)',
      '2Level 2',
      '3Level 3',
      '4Level 4',
      '5Level 5 (Entry)',
    ]);
    const key = byClass(root, 'legend--growth')[0]!;
    expect(visibleText(key)).toContain('median level');
    expect(byName(key, 'text').map((text) => visibleText(text))).toContain('6 groups');
  });
});
