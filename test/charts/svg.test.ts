import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FAINT,
  INK,
  MIN_TEXT_CONTRAST,
  MUTED,
  WHITE,
  contrastRatio,
  escapeXml,
  legend,
  levelClass,
  levelColor,
  levelTextColor,
  readableTextColor,
  relativeLuminance,
  svgRoot,
  truncate,
  wrapText,
} from '../../server/charts/svg.js';
import { levelLabel } from './fixtures.js';
import { byClass, byName, expectAccessibleChart, parseXml, tooltip, visibleText } from './xml.js';

describe('escapeXml', () => {
  it('escapes the five XML specials and leaves everything else', () => {
    expect(escapeXml(`<script>alert("x" & 'y')</script> é ↑`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt; é ↑',
    );
  });
});

describe('chart colours', () => {
  it('are the page’s colour tokens, so a chart’s greys match the text around it', () => {
    const css = readFileSync(new URL('../../static/css/app.css', import.meta.url), 'utf8');
    const token = (name: string): string | undefined => new RegExp(`--${name}:\\s*(#[0-9a-f]{6})\\s*;`, 'i').exec(css)?.[1]?.toLowerCase();
    expect({ ink: INK, muted: MUTED, line: FAINT, paper: WHITE }).toEqual({ ink: token('ink'), muted: token('muted'), line: token('line'), paper: token('paper') });
  });
});

describe('contrast helpers', () => {
  it('computes WCAG luminance and contrast', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 10);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it('picks whichever of white and near-black reads better, never below 4.5:1', () => {
    expect(readableTextColor('#08306b')).toBe('#ffffff');
    expect(readableTextColor('#f7fbff')).not.toBe('#ffffff');
    for (let grey = 0; grey <= 255; grey++) {
      const background = `rgb(${grey}, ${grey}, ${grey})`;
      expect(contrastRatio(background, readableTextColor(background))).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
  });
});

describe('level colours', () => {
  it('makes Level 1 (Ideal) the darkest and each later level lighter', () => {
    const luminances = [1, 2, 3, 4, 5].map((level) => relativeLuminance(levelColor(level, 5)));
    expect(luminances[0]).toBeLessThan(luminances[4]!);
    for (let index = 1; index < luminances.length; index++) expect(luminances[index]).toBeGreaterThan(luminances[index - 1]!);
  });

  it('gives every level text of at least 4.5:1 contrast, for any number of levels', () => {
    for (let levelCount = 2; levelCount <= 9; levelCount++) {
      for (let level = 1; level <= levelCount; level++) {
        const ratio = contrastRatio(levelColor(level, levelCount), levelTextColor(level, levelCount));
        expect(ratio, `level ${level} of ${levelCount}`).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      }
    }
  });

  it('uses white for dark levels and near-black for light ones', () => {
    expect(levelTextColor(1, 5)).toBe('#ffffff');
    expect(levelTextColor(5, 5)).not.toBe('#ffffff');
  });

  it('keeps the lightest level visibly tinted, so it never looks like a "not sure yet" cell', () => {
    expect(levelColor(null, 5)).toBe('#ffffff');
    expect(levelColor(5, 5)).not.toBe('#ffffff');
    expect(relativeLuminance(levelColor(5, 5))).toBeLessThan(0.8);
    expect(contrastRatio(levelColor(null, 5), levelTextColor(null, 5))).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it('returns hex colours usable as a fill in HTML tables too', () => {
    for (let level = 1; level <= 5; level++) expect(levelColor(level, 5)).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('names CSS classes level-1 … level-5 and level-unsure', () => {
    expect([1, 2, 3, 4, 5].map(levelClass)).toEqual(['level-1', 'level-2', 'level-3', 'level-4', 'level-5']);
    expect(levelClass(null)).toBe('level-unsure');
  });
});

describe('legend', () => {
  it('draws one numbered swatch per level, labelled by levelLabel, darkest first', () => {
    const root = parseXml(`<svg>${legend(5, levelLabel, 10, 20)}</svg>`);
    const items = byClass(root, 'legend__item');
    expect(items.map((item) => byName(item, 'text')[1] && visibleText(byName(item, 'text')[1]!))).toEqual([
      'Level 1 (Ideal)',
      'Level 2',
      'Level 3',
      'Level 4',
      'Level 5 (Entry)',
    ]);
    expect(items.map((item) => byName(item, 'rect')[0]?.attrs.fill)).toEqual([1, 2, 3, 4, 5].map((level) => levelColor(level, 5)));
    expect(items.map((item) => visibleText(byName(item, 'text')[0]!))).toEqual(['1', '2', '3', '4', '5']);
  });

  it('escapes labels and can add a "Not sure yet" swatch', () => {
    const fragment = legend(3, (level) => `<b>"${level}"</b>`, 0, 0, { notSure: true });
    expect(fragment).not.toContain('<b>');
    const items = byClass(parseXml(`<svg>${fragment}</svg>`), 'legend__item');
    expect(items).toHaveLength(4);
    expect(visibleText(items[0]!)).toBe('1<b>"1"</b>');
    expect(visibleText(items[3]!)).toBe('?Not sure yet');
  });

  it('wraps into rows when given a width', () => {
    const root = parseXml(`<svg>${legend(5, levelLabel, 0, 0, { width: 300 })}</svg>`);
    const ys = new Set(byClass(root, 'legend__item').map((item) => byName(item, 'rect')[0]?.attrs.y));
    expect(ys.size).toBeGreaterThan(1);
  });
});

describe('text fitting', () => {
  it('truncates with an ellipsis only when needed', () => {
    expect(truncate('1.1 Investigate', 200, 12)).toBe('1.1 Investigate');
    const short = truncate('5.2 Assess confidence in change to make decisions', 120, 12);
    expect(short.endsWith('…')).toBe(true);
    expect(short.length).toBeLessThan(20);
  });

  it('wraps words over lines and shortens the last one', () => {
    expect(wrapText('1.1 Investigate and define problem', 150, 12, 2)).toEqual(['1.1 Investigate and', 'define problem']);
    const lines = wrapText('5.2 Assess confidence in change to make decisions', 100, 12, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.endsWith('…')).toBe(true);
  });
});

describe('svgRoot', () => {
  it('writes the accessible root with escaped title and description', () => {
    const svg = svgRoot({ id: 'x', kind: 'demo', title: 'A & <B>', description: '"quoted"', width: 100, height: 50 }, '');
    const root = expectAccessibleChart(svg, 'x', 'demo');
    expect(tooltip(root)).toBe('A & <B>');
    expect(svg).toContain('<desc id="x-desc">&quot;quoted&quot;</desc>');
  });
});
