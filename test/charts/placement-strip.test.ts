/** The placement strip: a dot per person above their level, the viewer's own dot marked, names only in named view. */
import { describe, expect, it } from 'vitest';
import { placementStrip, type PlacementStripInput } from '../../server/charts/placement-strip.js';
import { levelLabel } from './fixtures.js';
import { byClass, byName, hasClass, num, parseXml, tooltip, visibleText, type XmlElement } from './xml.js';

/** Two at Level 3 (the viewer one of them), one at Level 1, one not sure yet. */
function makeInput(overrides: Partial<PlacementStripInput> = {}): PlacementStripInput {
  return {
    outcomeCode: '1.2',
    counts: [1, 0, 2, 0, 0],
    names: [['Cy'], [], ['Ann <Lee>', 'Bo'], [], []],
    placed: 3,
    notSure: 1,
    median: 3,
    min: 1,
    max: 3,
    mine: 3,
    showNames: false,
    large: false,
    levelLabel,
    ...overrides,
  };
}

const dotsAbove = (root: XmlElement, label: string): XmlElement[] => {
  const x = byClass(root, 'strip__label').find((text) => visibleText(text) === label)?.attrs.x;
  return byClass(root, 'strip__dot').filter((dot) => dot.attrs.cx === x);
};

describe('placementStrip', () => {
  it('draws one dot per placed person above their level, Level 1 on the left', () => {
    const root = parseXml(placementStrip(makeInput()).svg);
    expect(byClass(root, 'strip__label').map(visibleText)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
    expect(byClass(root, 'strip__dot')).toHaveLength(3);
    expect(dotsAbove(root, 'L1')).toHaveLength(1);
    expect(dotsAbove(root, 'L3')).toHaveLength(2);
    const xs = byClass(root, 'strip__label').map((text) => num(text, 'x'));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('keeps every dot above the axis and inside the picture, stacked upwards', () => {
    const root = parseXml(placementStrip(makeInput({ counts: [0, 0, 7, 0, 0], names: [[], [], Array(7).fill(''), [], []], placed: 7, mine: undefined })).svg);
    const axisY = num(byClass(root, 'strip__axis')[0]!, 'y1');
    const ys = byClass(root, 'strip__dot').map((dot) => num(dot, 'cy') - num(dot, 'r'));
    expect(Math.min(...ys)).toBeGreaterThan(0);
    for (const dot of byClass(root, 'strip__dot')) expect(num(dot, 'cy') + num(dot, 'r')).toBeLessThan(axisY);
    expect(ys).toEqual([...ys].sort((a, b) => b - a));
  });

  it('rings the viewer\'s own dot, the lowest in its column, and labels it "you" above the column', () => {
    const root = parseXml(placementStrip(makeInput()).svg);
    const mine = byClass(root, 'strip__dot--you');
    expect(mine).toHaveLength(1);
    const column = dotsAbove(root, 'L3');
    expect(mine[0]).toBe(column.reduce((low, dot) => (num(dot, 'cy') > num(low, 'cy') ? dot : low)));
    const you = byClass(root, 'strip__you');
    expect(you.map(visibleText)).toEqual(['you']);
    expect(num(you[0]!, 'y')).toBeLessThan(Math.min(...column.map((dot) => num(dot, 'cy') - num(dot, 'r'))));
  });

  it('marks no dot when the viewer is not sure yet or has no answer', () => {
    for (const mine of [null, undefined]) {
      const root = parseXml(placementStrip(makeInput({ mine })).svg);
      expect(byClass(root, 'strip__dot').filter((dot) => hasClass(dot, 'strip__dot--you'))).toHaveLength(0);
      expect(byClass(root, 'strip__you')).toHaveLength(0);
    }
  });

  it('names every count in its accessible title, with the viewer\'s own answer', () => {
    const root = parseXml(placementStrip(makeInput()).svg);
    expect(root.attrs.role).toBe('img');
    expect(root.attrs['aria-labelledby']).toBe('strip-1.2-title');
    const title = byName(root, 'title')[0]!;
    expect(title.attrs.id).toBe('strip-1.2-title');
    expect(visibleText(title)).toBe('Placements for 1.2: Level 1 (Ideal): 1, Level 2: 0, Level 3: 2, Level 4: 0, Level 5 (Entry): 0, not sure yet: 1; you: Level 3');
  });

  it('gives meeting mode\'s larger strip ids of its own, so both can share a page', () => {
    const small = parseXml(placementStrip(makeInput()).svg);
    const large = parseXml(placementStrip(makeInput({ large: true })).svg);
    expect(large.attrs['aria-labelledby']).toBe('strip-1.2-title-m');
    expect(num(large, 'width')).toBeGreaterThan(num(small, 'width'));
    expect(num(byClass(large, 'strip__dot')[0]!, 'r')).toBeGreaterThan(num(byClass(small, 'strip__dot')[0]!, 'r'));
  });

  it('shows no names unless asked, and then escapes them in each dot\'s tooltip and lists them per level', () => {
    const anonymous = placementStrip(makeInput());
    expect(byClass(parseXml(anonymous.svg), 'strip__dot').map(tooltip)).toEqual([undefined, undefined, undefined]);
    expect(anonymous.svg).not.toContain('Ann');
    expect(anonymous.caption.namesByLevel).toEqual([]);

    const named = placementStrip(makeInput({ showNames: true }));
    expect(named.svg).toContain('Ann &lt;Lee&gt;');
    expect(byClass(parseXml(named.svg), 'strip__dot').map(tooltip).sort()).toEqual(['Ann <Lee>', 'Bo', 'Cy']);
    expect(named.caption.namesByLevel).toEqual([
      { level: 'L1', names: ['Cy'] },
      { level: 'L3', names: ['Ann <Lee>', 'Bo'] },
    ]);
  });

  it('words the caption: counts, median and range only once someone placed themselves, and the viewer\'s answer', () => {
    expect(placementStrip(makeInput()).caption).toMatchObject({ placed: 3, notSure: 1, median: 3, range: '1–3', mine: 'you: Level 3' });
    const nobody = placementStrip(makeInput({ counts: [0, 0, 0, 0, 0], names: [[], [], [], [], []], placed: 0, median: null, min: null, max: null, mine: null }));
    expect(nobody.caption).toMatchObject({ placed: 0, median: null, range: null, mine: 'you: not sure yet' });
    expect(byClass(parseXml(nobody.svg), 'strip__dot')).toHaveLength(0);
    expect(placementStrip(makeInput({ mine: undefined })).caption.mine).toBe('');
  });
});
