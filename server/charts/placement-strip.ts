/** The placement strip: one outcome's spread as a dot per person above each level, and the words under it. */
import { el, escapeXml, titleEl } from './svg.js';

export interface PlacementStripInput {
  /** The outcome's code, for the title's id ("strip-1.1-title"). */
  outcomeCode: string;
  /** People per level, index 0 = Level 1. */
  counts: readonly number[];
  /** Names per level, in the order of their dots (empty strings when anonymous). */
  names: readonly (readonly string[])[];
  placed: number;
  notSure: number;
  median: number | null;
  min: number | null;
  max: number | null;
  /** The viewer's own answer, when they placed themselves: a level, or null for "not sure yet". */
  mine: number | null | undefined;
  /** Members' named view: each dot carries its person's name, and the names are listed per level. */
  showNames: boolean;
  /** Meeting mode's projector size: wider columns and bigger dots (ids get a "-m" suffix). */
  large: boolean;
  /** "Level 1 (Ideal)", for the accessible summary and the viewer's own answer. */
  levelLabel: (level: number) => string;
}

export interface PlacementStrip {
  /** The <svg>, with its own accessible name: every count in words. */
  svg: string;
  /** What the caption says, ready to print. */
  caption: {
    placed: number;
    notSure: number;
    /** "median Level 3 · range 2–4" is shown only when someone placed themselves. */
    median: number | null;
    range: string | null;
    /** "you: Level 3", "you: not sure yet", or '' when the viewer has no answer here. */
    mine: string;
    /** Named view's list under the strip: only the levels someone chose. */
    namesByLevel: { level: string; names: string[] }[];
  };
}

/** Distance from the strip's bottom edge to its axis: room for the "L1" … "L5" labels. */
const AXIS_FROM_BOTTOM = 20;

/** Draws the strip: Level 1 (Ideal) on the left, the viewer's own dot first (lowest) in its column, ringed and labelled "you". */
export function placementStrip(input: PlacementStripInput): PlacementStrip {
  const step = input.large ? 64 : 48;
  const r = input.large ? 9 : 6;
  const pitch = r * 2 + 4;
  const tallest = Math.max(1, ...input.counts);
  const height = 28 + tallest * pitch + (typeof input.mine === 'number' ? 14 : 0);
  const width = step * input.counts.length + 8;
  const axisY = height - AXIS_FROM_BOTTOM;
  const titleId = `strip-${input.outcomeCode}-title${input.large ? '-m' : ''}`;
  const mine = input.mine === undefined ? '' : input.mine === null ? 'you: not sure yet' : `you: ${input.levelLabel(input.mine)}`;
  const summary =
    input.counts.map((count, index) => `${input.levelLabel(index + 1)}: ${count}`).join(', ') +
    (input.notSure > 0 ? `, not sure yet: ${input.notSure}` : '') +
    (mine === '' ? '' : `; ${mine}`);

  const columns = input.counts.map((count, index) => {
    const cx = 4 + step * index + step / 2;
    let column = el('text', { x: cx, y: height - 5, class: 'strip__label', 'text-anchor': 'middle' }, `L${index + 1}`);
    for (let j = 0; j < count; j++) {
      const you = j === 0 && input.mine === index + 1;
      const name = input.showNames ? (input.names[index]?.[j] ?? '') : '';
      column += el('circle', { cx, cy: axisY - r - 3 - j * pitch, r, class: you ? 'strip__dot strip__dot--you' : 'strip__dot' }, name === '' ? '' : titleEl(name));
      if (you) column += el('text', { x: cx, y: axisY - 3 - count * pitch - 4, class: 'strip__you', 'text-anchor': 'middle' }, 'you');
    }
    return column;
  });

  const svg = el(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': titleId },
    el('title', { id: titleId }, escapeXml(`Placements for ${input.outcomeCode}: ${summary}`)) +
      el('line', { x1: 4, x2: width - 4, y1: axisY, y2: axisY, class: 'strip__axis' }, '') +
      columns.join(''),
  );

  return {
    svg,
    caption: {
      placed: input.placed,
      notSure: input.notSure,
      median: input.median,
      range: input.min === null || input.max === null ? null : `${input.min}–${input.max}`,
      mine,
      namesByLevel: input.showNames
        ? input.names.flatMap((names, index) => (names.length === 0 ? [] : [{ level: `L${index + 1}`, names: [...names] }]))
        : [],
    },
  };
}
