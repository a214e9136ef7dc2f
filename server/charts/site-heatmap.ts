/**
 * Sites (or groups) side by side: one row each, one column per outcome grouped under its principle, cells
 * coloured and numbered by the consensus level, with the change since the previous check and dissent marked.
 */
import type { ChartPrinciple } from './consensus-heatmap.js';
import {
  INK,
  MUTED,
  dissentMarker,
  el,
  escapeXml,
  hatchPattern,
  legend,
  legendHeight,
  levelClass,
  levelSwatch,
  levelTextColor,
  multilineText,
  svgRoot,
  textWidth,
  titleEl,
  wrapText,
  WHITE,
} from './svg.js';

export type LevelChange = 'up' | 'same' | 'down';

export interface SiteHeatmapInput {
  id: string;
  title: string;
  description: string;
  levelCount: number;
  levelLabel: (level: number) => string;
  /** The columns, grouped by principle. */
  principles: ChartPrinciple[];
  /** Sites or groups, drawn in this order; with an href the row's label and cells link there. */
  rows: { key: string; label: string; /** Shown on hover: the label in full, with its district. */ fullLabel?: string; href?: string }[];
  /** `change` since the previous check: 'up' = improved (the level number went down). */
  cells: { rowKey: string; outcomeCode: string; level: number; dissent: boolean; change: LevelChange | null }[];
}

/** The glyph drawn for each change: growth points up even though the level number goes down. */
export const CHANGE_GLYPH: Record<LevelChange, string> = { up: '↑', same: '→', down: '↓' };
const CHANGE_TEXT: Record<LevelChange, string> = {
  up: 'improved since the previous check',
  same: 'same level as the previous check',
  down: 'slipped since the previous check',
};

const FONT = 12;
const SMALL = 11;
const CELL_W = 44;
const CELL_H = 28;
const GROUP_GAP = 10;
const LABEL_W = 200;
const HEADER_H = 58;
const PAD = 8;

type Cell = SiteHeatmapInput['cells'][number];
type Row = SiteHeatmapInput['rows'][number];

export function siteHeatmapSvg(input: SiteHeatmapInput): string {
  const { id, levelCount, levelLabel } = input;
  const hatchId = `${id}-no-consensus`;
  const parts: string[] = [`<defs>${hatchPattern(hatchId)}</defs>`];

  // Columns: x of each outcome, principle groups separated by a gap.
  const columns: { code: string; label: string; x: number }[] = [];
  const header: string[] = [];
  let x = PAD + LABEL_W;
  for (const principle of input.principles) {
    if (principle.outcomes.length === 0) continue;
    if (columns.length > 0) x += GROUP_GAP;
    const groupWidth = principle.outcomes.length * CELL_W;
    const heading = `${principle.code}. ${principle.title}`;
    header.push(
      el(
        'g',
        { class: 'principle-label', 'data-principle': principle.code },
        multilineText(heading, wrapText(heading, groupWidth - 4, SMALL, 2), { x: x + 2, y: PAD + 12, fill: INK, 'font-size': SMALL, 'font-weight': 700 }, 13) +
          el('line', { x1: x + 1, x2: x + groupWidth - 1, y1: PAD + 31, y2: PAD + 31, stroke: MUTED, 'stroke-width': 1 }),
      ),
    );
    for (const outcome of principle.outcomes) {
      const label = `${outcome.code} ${outcome.title}`;
      header.push(
        el(
          'text',
          { class: 'column-label', 'data-outcome': outcome.code, x: x + CELL_W / 2, y: PAD + HEADER_H - 8, 'text-anchor': 'middle', fill: INK },
          titleEl(label) + escapeXml(outcome.code),
        ),
      );
      columns.push({ code: outcome.code, label, x });
      x += CELL_W;
    }
  }
  const gridRight = x;
  parts.push(el('g', { class: 'column-labels' }, header.join('')));

  const cells = new Map<string, Cell>();
  for (const cell of input.cells) cells.set(`${cell.rowKey}\u0000${cell.outcomeCode}`, cell);

  let y = PAD + HEADER_H;
  for (const row of input.rows) {
    // Long names wrap onto a second line (smaller) rather than being cut; the full name is the hover text.
    const oneLine = textWidth(row.label, FONT) <= LABEL_W - 10;
    const lines = oneLine ? [row.label] : wrapText(row.label, LABEL_W - 10, SMALL, 2);
    const label = multilineText(
      row.fullLabel ?? row.label,
      lines,
      {
        class: 'row-label',
        x: PAD,
        y: oneLine ? y + CELL_H / 2 : y + CELL_H / 2 - 6,
        'dominant-baseline': 'central',
        fill: INK,
        'font-size': oneLine ? FONT : SMALL,
        'text-decoration': row.href === undefined ? null : 'underline',
      },
      12,
    );
    const drawn = [row.href === undefined ? label : el('a', { href: row.href, class: 'row-link' }, label)];
    for (const column of columns) {
      drawn.push(drawCell(input, row, column, cells.get(`${row.key}\u0000${column.code}`), y, hatchId));
    }
    parts.push(el('g', { class: 'row', 'data-row': row.key }, drawn.join('')));
    y += CELL_H;
  }

  const width = Math.max(gridRight + PAD, 640);
  const legendY = y + 16;
  const legendOptions = { width: width - 2 * PAD };
  parts.push(legend(levelCount, levelLabel, PAD, legendY, legendOptions));
  const keyY = legendY + legendHeight(levelCount, levelLabel, legendOptions) + 4;
  parts.push(changeKey(PAD, keyY, hatchId));
  const height = keyY + 24 + PAD;

  const hasLinks = input.rows.some((row) => row.href !== undefined);
  return svgRoot({ id, kind: 'site-heatmap', title: input.title, description: input.description, width, height, role: hasLinks ? 'group' : 'img' }, parts.join(''));
}

function drawCell(input: SiteHeatmapInput, row: Row, column: { code: string; label: string; x: number }, cell: Cell | undefined, y: number, hatchId: string): string {
  const box = { x: column.x + 1, y: y + 1, width: CELL_W - 2, height: CELL_H - 2 };
  const data = { 'data-row': row.key, 'data-outcome': column.code };
  if (cell === undefined) {
    return el(
      'g',
      { class: 'cell cell--empty', ...data },
      titleEl(`${row.label}, ${column.label}: not yet agreed`) + el('rect', { ...box, fill: `url(#${hatchId})`, stroke: MUTED, 'stroke-width': 1 }),
    );
  }
  const ink = levelTextColor(cell.level, input.levelCount);
  const notes = [input.levelLabel(cell.level), ...(cell.change === null ? [] : [CHANGE_TEXT[cell.change]]), ...(cell.dissent ? ['dissent recorded'] : [])];
  let body = titleEl(`${row.label}, ${column.label}: ${notes.join('; ')}`);
  // With an arrow, the number sits left of centre and the arrow on the right, both in the readable text colour.
  body += levelSwatch(cell.level, input.levelCount, box, { textOffset: cell.change === null ? 0 : -7 });
  if (cell.change !== null) {
    body += el(
      'text',
      {
        class: `change change--${cell.change}`,
        x: box.x + box.width - 10,
        y: box.y + box.height / 2,
        'text-anchor': 'middle',
        'dominant-baseline': 'central',
        fill: ink,
        'font-size': FONT,
        'font-weight': 700,
      },
      CHANGE_GLYPH[cell.change],
    );
  }
  if (cell.dissent) body += dissentMarker(box.x, box.y, box.width, ink);
  const attributes = {
    class: `cell ${levelClass(cell.level)}`,
    ...data,
    'data-level': cell.level,
    'data-change': cell.change ?? null,
    'data-dissent': cell.dissent,
  };
  // A linked cell is a link (a tab stop to the group's report); an unlinked one is not a tab stop:
  // the table under the chart has the same levels.
  return row.href === undefined ? el('g', attributes, body) : el('a', { ...attributes, href: row.href }, body);
}

/** "↑ improved  → no change  ↓ slipped  ◥ dissent recorded" under the level legend. */
function changeKey(x: number, y: number, hatchId: string): string {
  const items: [string, string][] = [
    [CHANGE_GLYPH.up, 'improved (level number went down)'],
    [CHANGE_GLYPH.same, 'no change'],
    [CHANGE_GLYPH.down, 'slipped'],
  ];
  let left = x;
  const out: string[] = [];
  for (const [glyph, text] of items) {
    out.push(el('text', { x: left, y: y + 9, 'dominant-baseline': 'central', fill: INK, 'font-weight': 700 }, glyph));
    out.push(el('text', { x: left + 14, y: y + 9, 'dominant-baseline': 'central', fill: INK }, escapeXml(text)));
    left += 14 + textWidth(text, FONT) + 18;
  }
  out.push(el('rect', { x: left, y, width: 18, height: 18, fill: WHITE, stroke: MUTED, 'stroke-width': 1 }));
  out.push(dissentMarker(left, y, 18, INK));
  out.push(el('text', { x: left + 24, y: y + 9, 'dominant-baseline': 'central', fill: INK }, 'dissent recorded'));
  left += 24 + textWidth('dissent recorded', FONT) + 18;
  out.push(el('g', { class: 'legend__not-agreed' }, el('rect', { x: left, y, width: 18, height: 18, fill: `url(#${hatchId})`, stroke: MUTED, 'stroke-width': 1 }) + el('text', { x: left + 24, y: y + 9, 'dominant-baseline': 'central', fill: INK }, 'not yet agreed')));
  return el('g', { class: 'legend legend--change' }, out.join(''));
}
