/**
 * Growth across progress checks as small multiples: one panel per outcome, checks left to right, levels top
 * to bottom with Level 1 (Ideal) at the top so growth points up. Dot area = how many groups agreed that level
 * in that check; the line joins the median level of each check.
 */
import { max } from 'd3-array';
import { format } from 'd3-format';
import { scaleLinear, scalePoint, scaleSqrt } from 'd3-scale';
import { line } from 'd3-shape';
import {
  FAINT,
  INK,
  MUTED,
  el,
  escapeXml,
  legend,
  legendHeight,
  levelClass,
  levelColor,
  round,
  svgRoot,
  textWidth,
  titleEl,
  multilineText,
  wrapText,
} from './svg.js';

export interface GrowthChartInput {
  id: string;
  title: string;
  description: string;
  levelCount: number;
  levelLabel: (level: number) => string;
  /** In time order, drawn left to right. */
  checks: { key: string; label: string }[];
  outcomes: { code: string; title: string }[];
  /** `counts[i]` = groups at Level i + 1; `median` may fall between levels (e.g. 2.5). */
  points: { outcomeCode: string; checkKey: string; counts: number[]; median: number | null }[];
}

/** Burnt orange: stands apart from the blues for every colour-vision type; 5.2:1 on white. */
export const MEDIAN_COLOR = '#c2410c';

const PANEL_COLUMNS = 5;
const PANEL_W = 176;
const PANEL_H = 170;
const GAP = 14;
const PAD = 8;
const TITLE_FONT = 12;
const AXIS_FONT = 10;
const formatMedian = format('.1~f');

type Point = GrowthChartInput['points'][number];
interface MedianPoint {
  x: number;
  median: number | null;
  check: GrowthChartInput['checks'][number];
}

export function growthChartSvg(input: GrowthChartInput): string {
  const { id, levelCount, levelLabel, checks, outcomes } = input;
  const columns = Math.max(1, Math.min(PANEL_COLUMNS, outcomes.length));
  const panelRows = Math.ceil(outcomes.length / columns);

  const points = new Map<string, Point>();
  for (const point of input.points) points.set(`${point.outcomeCode}\u0000${point.checkKey}`, point);
  const maxCount = max(input.points, (point) => max(point.counts)) ?? 0;

  // Panel-relative scales, shared by every panel so they compare directly.
  const plot = { left: 30, right: PANEL_W - 8, top: 44, bottom: PANEL_H - 26 };
  const x = scalePoint()
    .domain(checks.map((check) => check.key))
    .range([plot.left, plot.right])
    .padding(0.5);
  const y = scaleLinear()
    .domain([1, Math.max(2, levelCount)])
    .range([plot.top, plot.bottom]);
  const levelStep = (plot.bottom - plot.top) / Math.max(1, levelCount - 1);
  const maxRadius = Math.max(2, Math.min(11, levelStep / 2 - 1, x.step() / 2 - 1));
  const radius = scaleSqrt()
    .domain([0, Math.max(1, maxCount)])
    .range([0, maxRadius]);

  // Check names under every panel when they fit; otherwise numbers, spelled out once under the legend.
  const labelsFit = checks.every((check) => textWidth(check.label, AXIS_FONT) <= x.step() - 4);
  const axisLabels = checks.map((check, index) => (labelsFit ? check.label : String(index + 1)));

  const panels = outcomes.map((outcome, index) => {
    const left = PAD + (index % columns) * (PANEL_W + GAP);
    const top = PAD + Math.floor(index / columns) * (PANEL_H + GAP);
    return panel({ input, outcome, left, top, points, x: (key) => left + (x(key) ?? 0), y: (level) => top + y(level), radius, plot, axisLabels });
  });

  const width = Math.max(PAD * 2 + columns * PANEL_W + (columns - 1) * GAP, 560);
  const legendY = PAD + panelRows * (PANEL_H + GAP) + 4;
  const legendOptions = { width: width - 2 * PAD };
  const keyY = legendY + legendHeight(levelCount, levelLabel, legendOptions) + 6;
  let body = panels.join('') + legend(levelCount, levelLabel, PAD, legendY, legendOptions) + key(PAD, keyY, maxCount, radius);
  let height = keyY + 2 * maxRadius + 4 + PAD;
  if (!labelsFit) {
    const text = `Checks: ${checks.map((check, index) => `${index + 1} = ${check.label}`).join(' · ')}`;
    const lines = wrapText(text, width - 2 * PAD, 12, 4);
    body += multilineText(text, lines, { class: 'check-key', x: PAD, y: height + 4, fill: INK }, 16);
    height += 4 + lines.length * 16;
  }

  return svgRoot({ id, kind: 'growth', title: input.title, description: input.description, width, height }, body);
}

interface PanelArgs {
  input: GrowthChartInput;
  outcome: GrowthChartInput['outcomes'][number];
  left: number;
  top: number;
  points: Map<string, Point>;
  x: (checkKey: string) => number;
  y: (level: number) => number;
  radius: (count: number) => number;
  plot: { left: number; right: number; top: number; bottom: number };
  /** What each check is called under the panel: its label, or its number when the labels do not fit. */
  axisLabels: string[];
}

function panel({ input, outcome, left, top, points, x, y, radius, plot, axisLabels }: PanelArgs): string {
  const { levelCount, levelLabel, checks } = input;
  const name = `${outcome.code} ${outcome.title}`;
  const parts: string[] = [
    el('rect', { class: 'panel__frame', x: left, y: top, width: PANEL_W, height: PANEL_H, fill: 'none', stroke: FAINT }),
    multilineText(
      name,
      wrapText(name, PANEL_W - 12, TITLE_FONT, 2),
      { class: 'panel__title', x: left + 6, y: top + 16, fill: INK, 'font-size': TITLE_FONT, 'font-weight': 700 },
      14,
    ),
  ];

  for (let level = 1; level <= levelCount; level++) {
    const ly = y(level);
    parts.push(
      el('line', { class: 'gridline', x1: left + plot.left - 2, x2: left + plot.right, y1: ly, y2: ly, stroke: FAINT }),
      el(
        'text',
        { class: 'y-label', 'data-level': level, x: left + plot.left - 6, y: ly, 'text-anchor': 'end', 'dominant-baseline': 'central', fill: MUTED, 'font-size': AXIS_FONT },
        titleEl(levelLabel(level)) + `L${level}`,
      ),
    );
  }

  const medians: MedianPoint[] = [];
  for (const [index, check] of checks.entries()) {
    const cx = x(check.key);
    parts.push(
      el(
        'text',
        { class: 'x-label', 'data-check': check.key, x: cx, y: top + plot.bottom + 18, 'text-anchor': 'middle', fill: MUTED, 'font-size': AXIS_FONT },
        titleEl(check.label) + escapeXml(axisLabels[index] ?? ''),
      ),
    );
    const point = points.get(`${outcome.code}\u0000${check.key}`);
    medians.push({ x: cx, median: point?.median ?? null, check });
    if (point === undefined) continue;
    point.counts.slice(0, levelCount).forEach((count, index) => {
      const level = index + 1;
      if (count <= 0) return;
      parts.push(
        el(
          'circle',
          {
            class: `dot ${levelClass(level)}`,
            tabindex: 0,
            'data-outcome': outcome.code,
            'data-check': check.key,
            'data-level': level,
            'data-count': count,
            cx,
            cy: y(level),
            r: radius(count),
            fill: levelColor(level, levelCount),
            stroke: INK,
            'stroke-width': 0.75,
          },
          titleEl(`${name}, ${check.label}: ${count} ${count === 1 ? 'group' : 'groups'} at ${levelLabel(level)}`),
        ),
      );
    });
  }

  const path = line<MedianPoint>()
    .defined((point) => point.median !== null)
    .x((point) => round(point.x))
    .y((point) => round(y(point.median ?? 1)))(medians);
  if (path !== null && medians.some((point) => point.median !== null)) {
    parts.push(el('path', { class: 'median-line', d: path, fill: 'none', stroke: MEDIAN_COLOR, 'stroke-width': 2 }));
  }
  for (const point of medians) {
    if (point.median === null) continue;
    parts.push(
      el(
        'circle',
        { class: 'median-point', 'data-check': point.check.key, 'data-median': point.median, cx: point.x, cy: y(point.median), r: 3, fill: MEDIAN_COLOR },
        titleEl(`${name}, ${point.check.label}: median Level ${formatMedian(point.median)}`),
      ),
    );
  }

  return el('g', { class: 'panel', 'data-outcome': outcome.code }, parts.join(''));
}

/** The median line sample and the dot-size key, under the level legend. */
function key(left: number, top: number, maxCount: number, radius: (count: number) => number): string {
  const big = radius(Math.max(1, maxCount));
  const mid = top + big;
  const parts = [
    el('line', { x1: left, x2: left + 24, y1: mid, y2: mid, stroke: MEDIAN_COLOR, 'stroke-width': 2 }),
    el('circle', { cx: left + 12, cy: mid, r: 3, fill: MEDIAN_COLOR }),
    el('text', { x: left + 30, y: mid, 'dominant-baseline': 'central', fill: INK }, 'median level'),
  ];
  let x = left + 30 + textWidth('median level', 12) + 24;
  const sizes = maxCount > 1 ? [1, maxCount] : [1];
  for (const count of sizes) {
    const r = radius(count);
    parts.push(
      el('circle', { cx: x + r, cy: mid, r, fill: 'none', stroke: INK, 'stroke-width': 0.75 }),
      el('text', { x: x + 2 * r + 4, y: mid, 'dominant-baseline': 'central', fill: INK }, `${count} ${count === 1 ? 'group' : 'groups'}`),
    );
    x += 2 * r + 4 + textWidth(`${count} groups`, 12) + 14;
  }
  parts.push(el('text', { x, y: mid, 'dominant-baseline': 'central', fill: MUTED }, '(dot area = number of groups)'));
  return el('g', { class: 'legend legend--growth' }, parts.join(''));
}
