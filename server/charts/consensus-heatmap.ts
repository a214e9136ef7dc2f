/**
 * One team's check as a heatmap: outcomes down the side (grouped under their principles), each member's
 * self-assessment and then the agreed consensus across the top, cells coloured and numbered by level.
 */
import {
  FAINT,
  INK,
  dissentMarker,
  el,
  escapeXml,
  hatchPattern,
  legend,
  legendHeight,
  levelClass,
  levelSwatch,
  levelTextColor,
  svgRoot,
  textWidth,
  titleEl,
  truncate,
} from './svg.js';

export interface ChartPrinciple {
  code: string;
  title: string;
  outcomes: { code: string; title: string }[];
}

export interface ConsensusHeatmapInput {
  /** Prefix for the ids inside the SVG; unique within the page. */
  id: string;
  title: string;
  description: string;
  levelCount: number;
  levelLabel: (level: number) => string;
  principles: ChartPrinciple[];
  /** Members first, then the consensus column(s); consensus columns are always drawn last. */
  columns: { key: string; label: string; kind: 'member' | 'consensus' }[];
  /** A missing cell means no answer and is drawn as a light hatch; level null means "not sure yet". */
  cells: { outcomeCode: string; columnKey: string; level: number | null; dissent?: boolean }[];
}

const FONT = 12;
const CELL_H = 28;
const PRINCIPLE_H = 26;
const HEADER_H = 26;
/** The narrowest label column; it widens so that no outcome title is ever cut off. */
const MIN_LABEL_W = 300;
const INDENT = 10;
const CONSENSUS_GAP = 14;
const PAD = 8;

export function consensusHeatmapSvg(input: ConsensusHeatmapInput): string {
  const { id, levelCount, levelLabel } = input;
  const columns = [
    ...input.columns.filter((column) => column.kind === 'member'),
    ...input.columns.filter((column) => column.kind === 'consensus'),
  ];
  const LABEL_W = Math.max(
    MIN_LABEL_W,
    ...input.principles.flatMap((principle) => principle.outcomes.map((outcome) => Math.ceil(textWidth(`${outcome.code} ${outcome.title}`, FONT)) + INDENT + 12)),
  );
  const cellW = Math.min(96, Math.max(40, ...columns.map((column) => textWidth(column.label, FONT) + 10)));
  const columnX = new Map<string, number>();
  let x = PAD + LABEL_W;
  let consensusStart: number | undefined;
  for (const column of columns) {
    if (column.kind === 'consensus' && consensusStart === undefined) {
      if (x > PAD + LABEL_W) x += CONSENSUS_GAP;
      consensusStart = x;
    }
    columnX.set(column.key, x);
    x += cellW;
  }
  const gridRight = x;

  const cells = new Map<string, ConsensusHeatmapInput['cells'][number]>();
  for (const cell of input.cells) cells.set(`${cell.outcomeCode}\u0000${cell.columnKey}`, cell);

  const hatchId = `${id}-no-answer`;
  const parts: string[] = [`<defs>${hatchPattern(hatchId)}</defs>`];

  const header = columns.map((column) => {
    const cx = (columnX.get(column.key) ?? 0) + cellW / 2;
    const label = truncate(column.label, cellW - 4, FONT);
    return el(
      'text',
      {
        class: `column-label column-label--${column.kind}`,
        'data-column': column.key,
        x: cx,
        y: PAD + HEADER_H - 8,
        'text-anchor': 'middle',
        fill: INK,
        'font-weight': column.kind === 'consensus' ? 700 : 400,
      },
      titleEl(column.label) + escapeXml(label),
    );
  });
  parts.push(el('g', { class: 'column-labels' }, header.join('')));

  let y = PAD + HEADER_H;
  const gridTop = y;
  for (const principle of input.principles) {
    if (principle.outcomes.length === 0) continue;
    const heading = `${principle.code}. ${principle.title}`;
    const group: string[] = [
      el(
        'text',
        { class: 'principle-label', x: PAD, y: y + PRINCIPLE_H - 8, fill: INK, 'font-weight': 700 },
        titleEl(heading) + escapeXml(truncate(heading, gridRight - PAD, FONT)),
      ),
    ];
    y += PRINCIPLE_H;
    for (const outcome of principle.outcomes) {
      const rowLabel = `${outcome.code} ${outcome.title}`;
      const row: string[] = [
        el(
          'text',
          { class: 'row-label', x: PAD + INDENT, y: y + CELL_H / 2, 'dominant-baseline': 'central', fill: INK },
          titleEl(rowLabel) + escapeXml(rowLabel),
        ),
      ];
      for (const column of columns) {
        const cellX = columnX.get(column.key) ?? 0;
        const cell = cells.get(`${outcome.code}\u0000${column.key}`);
        row.push(drawCell(input, { code: outcome.code, label: rowLabel }, column, cell, { x: cellX, y, width: cellW }, hatchId));
      }
      group.push(el('g', { class: 'row', 'data-outcome': outcome.code }, row.join('')));
      y += CELL_H;
    }
    parts.push(el('g', { class: 'principle', 'data-principle': principle.code }, group.join('')));
  }
  const gridBottom = y;

  if (consensusStart !== undefined && gridBottom > gridTop) {
    parts.push(
      el('rect', {
        class: 'consensus-outline',
        x: consensusStart - 1.5,
        y: gridTop - 1.5,
        width: gridRight - consensusStart + 3,
        height: gridBottom - gridTop + 3,
        fill: 'none',
        stroke: INK,
        'stroke-width': 2,
      }),
    );
  }

  const width = Math.max(gridRight + PAD, 480);
  const legendY = gridBottom + 16;
  const legendOptions = { width: width - 2 * PAD, notSure: true };
  parts.push(legend(levelCount, levelLabel, PAD, legendY, legendOptions));
  const height = legendY + legendHeight(levelCount, levelLabel, legendOptions) + PAD;

  return svgRoot({ id, kind: 'consensus-heatmap', title: input.title, description: input.description, width, height }, parts.join(''));
}

function drawCell(
  input: ConsensusHeatmapInput,
  outcome: { code: string; label: string },
  column: ConsensusHeatmapInput['columns'][number],
  cell: ConsensusHeatmapInput['cells'][number] | undefined,
  box: { x: number; y: number; width: number },
  hatchId: string,
): string {
  const inner = { x: box.x + 1, y: box.y + 1, width: box.width - 2, height: CELL_H - 2 };
  const base = { 'data-outcome': outcome.code, 'data-column': column.key };
  if (cell === undefined) {
    return el(
      'g',
      { class: 'cell cell--empty', ...base },
      titleEl(`${outcome.label}, ${column.label}: no answer`) +
        el('rect', { ...inner, fill: `url(#${hatchId})`, stroke: FAINT, 'stroke-width': 1 }),
    );
  }
  const answer = cell.level === null ? 'not sure yet' : input.levelLabel(cell.level);
  const dissent = cell.dissent === true;
  const tooltip = `${outcome.label}, ${column.label}: ${answer}${dissent ? '; dissent recorded' : ''}`;
  const body =
    titleEl(tooltip) +
    levelSwatch(cell.level, input.levelCount, inner) +
    (dissent ? dissentMarker(inner.x, inner.y, inner.width, levelTextColor(cell.level, input.levelCount)) : '');
  return el(
    'g',
    {
      // Not a tab stop: a stop per cell would announce dozens of cells; the table under the chart has the same answers.
      class: `cell cell--${column.kind} ${levelClass(cell.level)}`,
      ...base,
      'data-level': cell.level ?? 'not-sure',
      'data-dissent': dissent,
    },
    body,
  );
}
