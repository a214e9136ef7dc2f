/**
 * Shared SVG building blocks for the report charts: escaping, level colours with readable text colours,
 * the level legend and the accessible <svg> root. Pure string functions: no DOM, no inline styles (strict CSP),
 * so everything visual is a presentation attribute or a CSS class.
 */
import { color } from 'd3-color';
import { scaleSequential } from 'd3-scale';
import { interpolateBlues } from 'd3-scale-chromatic';

// The greys are the page's own colour tokens (static/css/app.css :root; test/charts/svg.test.ts holds them equal).
/** General text, heavy outlines and text on light cells: --ink, 16.6:1 on white. */
export const INK = '#1b1f24';
/** Secondary text, the "not sure yet" outline and grid lines' darker partner: --muted, 7.5:1 on white. */
export const MUTED = '#4d5661';
/** Hairlines and the "no answer" hatch, decorative only: --line. */
export const FAINT = '#d0d7de';
/** Text on dark cells: --paper. */
export const WHITE = '#ffffff';
/** The WCAG 2.x AA threshold for normal-size text. */
export const MIN_TEXT_CONTRAST = 4.5;
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch] ?? ch);
}

export type AttrValue = string | number | boolean | null | undefined;

/** ` name="value"` pairs, every value escaped; null, undefined and false are left out, true becomes "true". */
export function attrs(values: Record<string, AttrValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === false) continue;
    const text = typeof value === 'number' ? String(round(value)) : String(value);
    out += ` ${name}="${escapeXml(text)}"`;
  }
  return out;
}

/** An element: attributes escaped, `children` is already-built SVG (or omitted for a self-closing tag). */
export function el(name: string, values: Record<string, AttrValue>, children?: string): string {
  return children === undefined ? `<${name}${attrs(values)}/>` : `<${name}${attrs(values)}>${children}</${name}>`;
}

/** A `<title>` child: the native tooltip, and the accessible name of the element it sits in. */
export function titleEl(text: string): string {
  return `<title>${escapeXml(text)}</title>`;
}

/** Coordinates to two decimals: compact output, stable in tests. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * Estimated rendered width of a label. SVG text cannot be measured on the server, so this errs wide:
 * 0.6em per character covers digits and most lower-case text in the system sans-serif fonts.
 */
export function textWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * 0.6;
}

/** Shortens `text` with an ellipsis so it fits `maxWidth`; the caller keeps the full text in a <title>. */
export function truncate(text: string, maxWidth: number, fontSize: number): string {
  const chars = Array.from(text);
  const fits = Math.floor(maxWidth / (fontSize * 0.6));
  if (chars.length <= fits) return text;
  return `${chars.slice(0, Math.max(1, fits - 1)).join('').trimEnd()}…`;
}

/**
 * Greedy word wrap into at most `maxLines` lines of `maxWidth`; the last line is truncated with an ellipsis
 * when the text does not fit. Words longer than a line are truncated too.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  const words = text.split(/\s+/).filter((word) => word !== '');
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    const candidate = current === '' ? word : `${current} ${word}`;
    if (textWidth(candidate, fontSize) <= maxWidth || current === '') {
      current = candidate;
      continue;
    }
    if (lines.length === maxLines - 1) {
      // No more room: whatever is left goes on the last line, shortened.
      current = `${current} ${words.slice(index).join(' ')}`;
      break;
    }
    lines.push(truncate(current, maxWidth, fontSize));
    current = word;
  }
  if (current !== '') lines.push(truncate(current, maxWidth, fontSize));
  return lines;
}

/** A <text> whose lines are <tspan>s `lineHeight` apart, with the full text in its <title>. */
export function multilineText(fullText: string, lines: string[], values: Record<string, AttrValue> & { x: number; y: number }, lineHeight: number): string {
  const spans = lines.map((line, index) => el('tspan', { x: values.x, dy: index === 0 ? null : lineHeight }, escapeXml(line)));
  return el('text', values, titleEl(fullText) + spans.join(''));
}

// ---------------------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------------------

/*
 * Why Blues: a ColorBrewer single-hue sequential scheme. Its steps differ in lightness, not hue, so they stay
 * ordered for every kind of colour-vision deficiency and in greyscale print, and "darker = further along"
 * reads naturally for Level 1 (Ideal). Reversed viridis/cividis would also be safe, but their yellow end
 * is the least legible on white paper and their hue shifts suggest categories rather than one ordered scale.
 * Level 1 maps to t = 0.9 (#0a4a90) and the last level to t = 0.2 (#cfe1f2): the lightest step is still
 * visibly blue, so it never reads as the white "not sure yet" cell, and the darkest is not quite black,
 * so its white numbers stay crisp. With five levels the text contrast is 8.8, 4.7, 6.4, 9.9 and 13.3:1.
 */
const LIGHTEST_T = 0.2;
const DARKEST_T = 0.9;

function levelScale(levelCount: number) {
  return scaleSequential((t: number) => interpolateBlues(DARKEST_T - (DARKEST_T - LIGHTEST_T) * t))
    .domain([1, Math.max(2, levelCount)])
    .clamp(true);
}

/** A level's fill and text colour, worked out once per level and level count: a chart at 1,000 sites draws thousands of cells. */
const levelColors = new Map<string, { fill: string; text: string }>();

function colorsOfLevel(level: number | null, levelCount: number): { fill: string; text: string } {
  const key = `${level}/${levelCount}`;
  let colors = levelColors.get(key);
  if (colors === undefined) {
    const value = level === null ? WHITE : levelScale(levelCount)(level);
    const fill = color(value)?.formatHex() ?? value;
    colors = { fill, text: readableTextColor(fill) };
    levelColors.set(key, colors);
  }
  return colors;
}

/** Fill for a level (1 = Ideal = darkest) as "#rrggbb"; white for null ("not sure yet"). */
export function levelColor(level: number | null, levelCount: number): string {
  return colorsOfLevel(level, levelCount).fill;
}

/** White or ink, whichever reads better on `levelColor(level)`; never below 4.5:1. */
export function levelTextColor(level: number | null, levelCount: number): string {
  return colorsOfLevel(level, levelCount).text;
}

/** White or ink on `background`, whichever contrasts more; pure black if neither reaches 4.5:1. */
export function readableTextColor(background: string): string {
  const onWhite = contrastRatio(background, WHITE);
  const onDark = contrastRatio(background, INK);
  const best = onWhite >= onDark ? WHITE : INK;
  // Pure black always reaches 4.58:1 against whatever white falls short on, so the fallback is safe.
  return Math.max(onWhite, onDark) >= MIN_TEXT_CONTRAST ? best : '#000000';
}

/** CSS class for a level's cells: "level-1" … "level-5", "level-unsure" for null. */
export function levelClass(level: number | null): string {
  return level === null ? 'level-unsure' : `level-${level}`;
}

/** WCAG 2.x relative luminance of any CSS colour d3 can parse (0 = black, 1 = white). */
export function relativeLuminance(cssColor: string): number {
  const rgb = color(cssColor)?.rgb();
  if (rgb === undefined) throw new Error(`Not a colour: ${cssColor}`);
  const channel = (value: number): number => {
    const s = value / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(rgb.r) + 0.7152 * channel(rgb.g) + 0.0722 * channel(rgb.b);
}

/** WCAG 2.x contrast ratio between two colours, 1 to 21, order-independent. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

// ---------------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------------

export interface LegendOptions {
  /** Wrap the swatches into rows no wider than this (default: one row). */
  width?: number;
  /** Add a "Not sure yet" swatch after the levels. */
  notSure?: boolean;
}

const SWATCH = 18;
const LEGEND_FONT = 12;
const LEGEND_ROW = 24;

interface LegendItem {
  level: number | null;
  label: string;
}

function legendLayout(levelCount: number, levelLabel: (level: number) => string, options: LegendOptions) {
  const items: LegendItem[] = [];
  for (let level = 1; level <= levelCount; level++) items.push({ level, label: levelLabel(level) });
  if (options.notSure === true) items.push({ level: null, label: 'Not sure yet' });
  const slot = SWATCH + 6 + Math.max(...items.map((item) => textWidth(item.label, LEGEND_FONT))) + 16;
  const perRow = Math.max(1, options.width === undefined ? items.length : Math.floor(options.width / slot));
  return { items, slot, perRow, rows: Math.ceil(items.length / perRow) };
}

/** Height `legend` takes with the same arguments. */
/** The legend's height, laid out with the same labels it will show (longer labels can wrap to more rows). */
export function legendHeight(levelCount: number, levelLabel: (level: number) => string, options: LegendOptions = {}): number {
  return legendLayout(levelCount, levelLabel, options).rows * LEGEND_ROW;
}

/**
 * The level key: one swatch per level, numbered like the cells, labelled "Level 1 (Ideal)" … via `levelLabel`.
 * `x`, `y` is the top-left corner.
 */
export function legend(
  levelCount: number,
  levelLabel: (level: number) => string,
  x: number,
  y: number,
  options: LegendOptions = {},
): string {
  const { items, slot, perRow } = legendLayout(levelCount, levelLabel, options);
  const entries = items.map((item, index) => {
    const left = x + (index % perRow) * slot;
    const top = y + Math.floor(index / perRow) * LEGEND_ROW;
    const swatch = levelSwatch(item.level, levelCount, { x: left, y: top, width: SWATCH, height: SWATCH });
    const label = el(
      'text',
      { x: left + SWATCH + 6, y: top + SWATCH / 2, 'dominant-baseline': 'central', fill: INK, 'font-size': LEGEND_FONT },
      escapeXml(item.label),
    );
    return el('g', { class: `legend__item ${levelClass(item.level)}` }, swatch + label);
  });
  return el('g', { class: 'legend' }, entries.join(''));
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A level-coloured rectangle with the level number (or "?" for not sure yet) in its readable text colour:
 * cells and legend swatches. `textOffset` moves the number left or right of centre.
 */
export function levelSwatch(level: number | null, levelCount: number, box: Box, options: { fontSize?: number; textOffset?: number } = {}): string {
  const rect = el('rect', {
    ...box,
    fill: levelColor(level, levelCount),
    stroke: level === null ? MUTED : null,
    'stroke-width': level === null ? 1 : null,
  });
  const text = el(
    'text',
    {
      x: box.x + box.width / 2 + (options.textOffset ?? 0),
      y: box.y + box.height / 2,
      'text-anchor': 'middle',
      'dominant-baseline': 'central',
      'font-size': options.fontSize ?? LEGEND_FONT,
      'font-weight': 600,
      fill: levelTextColor(level, levelCount),
    },
    level === null ? '?' : String(level),
  );
  return rect + text;
}

/** A small triangle in a cell's top-right corner marking recorded dissent, in the cell's text colour. */
export function dissentMarker(cellX: number, cellY: number, cellWidth: number, fill: string, size = 9): string {
  const right = round(cellX + cellWidth);
  const d = `M${round(right - size)},${round(cellY)}H${right}V${round(cellY + size)}Z`;
  return el('path', { class: 'dissent', d, fill }, titleEl('dissent recorded'));
}

/** The light diagonal hatch drawn where there is no answer; reference it as `url(#<id>)`. */
export function hatchPattern(patternId: string): string {
  return el(
    'pattern',
    { id: patternId, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    el('rect', { width: 6, height: 6, fill: WHITE }) + el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: FAINT, 'stroke-width': 2 }),
  );
}

export interface SvgRootOptions {
  id: string;
  kind: string;
  title: string;
  description: string;
  width: number;
  height: number;
  /**
   * "img" (the default) for a picture; "group" when the chart holds links, which an image may not
   * contain: screen readers then reach each link by its <title>.
   */
  role?: 'img' | 'group';
}

/**
 * The accessible root: role="img" named by its <title> and described by its <desc>; viewBox for fluid
 * width (CSS `width: 100%; height: auto`), width/height attributes so print and image-less contexts size it.
 */
export function svgRoot(options: SvgRootOptions, body: string): string {
  const { id, kind, title, description, width, height, role = 'img' } = options;
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${round(width)} ${round(height)}`,
      width: Math.ceil(width),
      height: Math.ceil(height),
      role,
      'aria-labelledby': `${id}-title ${id}-desc`,
      class: `chart chart--${kind}`,
      'font-family': FONT_FAMILY,
      'font-size': 12,
    },
    el('title', { id: `${id}-title` }, escapeXml(title)) + el('desc', { id: `${id}-desc` }, escapeXml(description)) + body,
  );
}
