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
  WHITE,
  wrapText,
} from './svg.js';

export interface GrowthChartInput {
  id: string;
  title: string;
  description: string;
  levelCount: number;
  levelLabel: (level: number) => string;
  /**
   * In time order, drawn left to right. A check still in progress (open, consensus still being agreed)
   * is drawn apart: hollow dots, a dashed median line, its label marked, and a legend entry saying so.
   */
  checks: { key: string; label: string; inProgress?: boolean; /** e.g. "3 of 24 groups agreed" */ progress?: string }[];
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

  // Check names under every panel when they fit across; otherwise slanted, under the bottom panel of each
  // column only, so every check is named on the axis (never a number to look up in a key).
  const labelsFit = checks.every((check) => textWidth(axisLabel(check), AXIS_FONT) <= x.step() - 4);
  // Slanted names are parallel lines x.step() apart along the axis; steep enough that the lines are a
  // text height apart (upright when even that is too close), and the chart starts far enough right
  // that the first column's names are not cut off at the left edge.
  const slant = labelsFit ? 0 : slantFor(x.step());
  const longest = max(checks, (check) => textWidth(axisLabel(check), AXIS_FONT)) ?? 0;
  const slantRoom = labelsFit ? 0 : Math.ceil(longest * Math.sin(radians(slant))) + 8;
  const leftRoom = labelsFit ? 0 : Math.max(0, Math.ceil(longest * Math.cos(radians(slant)) - plot.left - x.step() / 2));
  const lastRowFrom = outcomes.length - columns;

  const panels = outcomes.map((outcome, index) => {
    const left = PAD + leftRoom + (index % columns) * (PANEL_W + GAP);
    const top = PAD + Math.floor(index / columns) * (PANEL_H + GAP);
    const labels: AxisLabels = labelsFit ? 'across' : index >= lastRowFrom ? 'slanted' : 'none';
    return panel({ input, outcome, left, top, points, x: (key) => left + (x(key) ?? 0), y: (level) => top + y(level), radius, plot, labels, slant });
  });

  const width = Math.max(PAD * 2 + leftRoom + columns * PANEL_W + (columns - 1) * GAP, 560);
  const legendY = PAD + panelRows * (PANEL_H + GAP) + 4 + slantRoom;
  const legendOptions = { width: width - 2 * PAD };
  const keyY = legendY + legendHeight(levelCount, levelLabel, legendOptions) + 6;
  const inProgress = checks.filter((check) => check.inProgress === true);
  const body = panels.join('') + legend(levelCount, levelLabel, PAD, legendY, legendOptions) + key(PAD, keyY, maxCount, radius);
  let height = keyY + 2 * maxRadius + 4 + PAD;
  let extra = '';
  if (inProgress.length > 0) {
    const text = `${inProgress.map((check) => `${check.label}: in progress${check.progress === undefined ? '' : ` (${check.progress})`}`).join('; ')}, so partial. Hollow dots and a dashed line.`;
    const lines = wrapText(text, width - 2 * PAD - 36, 12, 3);
    const mid = height + 10;
    extra += el(
      'g',
      { class: 'legend legend--in-progress' },
      el('line', { x1: PAD, x2: PAD + 24, y1: mid, y2: mid, stroke: MEDIAN_COLOR, 'stroke-width': 2, 'stroke-dasharray': '4 3' }) +
        el('circle', { cx: PAD + 12, cy: mid, r: 5, fill: WHITE, stroke: INK, 'stroke-width': 1.25, 'stroke-dasharray': '2 1.5' }) +
        multilineText(text, lines, { x: PAD + 32, y: mid + 4, fill: INK }, 16),
    );
    height += 10 + lines.length * 16;
  }

  return svgRoot({ id, kind: 'growth', title: input.title, description: input.description, width, height }, body + extra);
}

/** Degrees the check names slant when they do not fit across a panel, at the least. */
const SLANT = 40;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;
/** The slant, in whole degrees, at which names `step` apart along the axis stay a line of text apart (90: upright). */
function slantFor(step: number): number {
  const lineHeight = AXIS_FONT + 2;
  if (step <= lineHeight) return 90;
  return Math.min(90, Math.max(SLANT, Math.ceil((Math.asin(lineHeight / step) * 180) / Math.PI)));
}
type AxisLabels = 'across' | 'slanted' | 'none';
const axisLabel = (check: GrowthChartInput['checks'][number]): string => (check.inProgress === true ? `${check.label} (in progress)` : check.label);

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
  /** Check names under this panel: straight across, slanted (bottom row, when they do not fit across) or none. */
  labels: AxisLabels;
  /** Degrees the names slant by, when slanted. */
  slant: number;
}

function panel({ input, outcome, left, top, points, x, y, radius, plot, labels, slant }: PanelArgs): string {
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
  for (const check of checks) {
    const cx = x(check.key);
    const ty = top + plot.bottom + (labels === 'slanted' ? 12 : 18);
    parts.push(el('line', { class: 'x-tick', x1: cx, x2: cx, y1: top + plot.bottom + 2, y2: top + plot.bottom + 6, stroke: MUTED }));
    if (labels !== 'none') {
      const slanted = labels === 'slanted';
      parts.push(
        el(
          'text',
          {
            class: `x-label${check.inProgress === true ? ' x-label--in-progress' : ''}`,
            'data-check': check.key,
            x: cx,
            y: ty,
            'text-anchor': slanted ? 'end' : 'middle',
            transform: slanted ? `rotate(-${slant} ${round(cx)} ${round(ty)})` : null,
            fill: check.inProgress === true ? INK : MUTED,
            'font-size': AXIS_FONT,
            'font-style': check.inProgress === true ? 'italic' : null,
          },
          titleEl(axisLabel(check)) + escapeXml(axisLabel(check)),
        ),
      );
    }
    const point = points.get(`${outcome.code}\u0000${check.key}`);
    medians.push({ x: cx, median: point?.median ?? null, check });
    if (point === undefined) continue;
    const hollow = check.inProgress === true;
    point.counts.slice(0, levelCount).forEach((count, index) => {
      const level = index + 1;
      if (count <= 0) return;
      parts.push(
        el(
          'circle',
          {
            // Not a tab stop: dozens of dots would be dozens of stops; the table beside the chart has the same counts.
            class: `dot ${levelClass(level)}`,
            'data-outcome': outcome.code,
            'data-check': check.key,
            'data-level': level,
            'data-count': count,
            cx,
            cy: y(level),
            r: radius(count),
            fill: hollow ? WHITE : levelColor(level, levelCount),
            stroke: INK,
            'stroke-width': hollow ? 1.25 : 0.75,
            'stroke-dasharray': hollow ? '2 1.5' : null,
          },
          titleEl(`${name}, ${axisLabel(check)}: ${count} ${count === 1 ? 'group' : 'groups'} at ${levelLabel(level)}${hollow ? ' so far' : ''}`),
        ),
      );
    });
  }

  // Solid between settled checks; dashed into a check still in progress.
  const path = line<MedianPoint>()
    .defined((point) => point.median !== null && point.check.inProgress !== true)
    .x((point) => round(point.x))
    .y((point) => round(y(point.median ?? 1)))(medians);
  if (path !== null && medians.some((point) => point.median !== null && point.check.inProgress !== true)) {
    parts.push(el('path', { class: 'median-line', d: path, fill: 'none', stroke: MEDIAN_COLOR, 'stroke-width': 2 }));
  }
  for (const [index, point] of medians.entries()) {
    const before = medians[index - 1];
    if (point.check.inProgress !== true || point.median === null || before?.median == null) continue;
    parts.push(
      el('line', {
        class: 'median-line median-line--in-progress',
        x1: round(before.x),
        y1: round(y(before.median)),
        x2: round(point.x),
        y2: round(y(point.median)),
        stroke: MEDIAN_COLOR,
        'stroke-width': 2,
        'stroke-dasharray': '4 3',
      }),
    );
  }
  for (const point of medians) {
    if (point.median === null) continue;
    parts.push(
      el(
        'circle',
        {
          class: 'median-point',
          'data-check': point.check.key,
          'data-median': point.median,
          cx: point.x,
          cy: y(point.median),
          r: 3,
          fill: point.check.inProgress === true ? WHITE : MEDIAN_COLOR,
          stroke: point.check.inProgress === true ? MEDIAN_COLOR : null,
          'stroke-width': point.check.inProgress === true ? 1.5 : null,
        },
        titleEl(`${name}, ${axisLabel(point.check)}: median Level ${formatMedian(point.median)}${point.check.inProgress === true ? ' so far' : ''}`),
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
