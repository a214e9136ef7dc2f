/**
 * One person's own placements across progress checks, beside their team's agreed level: one small panel
 * per outcome, checks left to right, Level 1 (Ideal) at the top so growth points up. Solid dots and line:
 * the person's placement; hollow diamonds and dashed line: the team's agreed level. Pure: data in, SVG out.
 */
import { scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';
import { FAINT, INK, MUTED, el, escapeXml, multilineText, round, svgRoot, textWidth, titleEl, wrapText } from './svg.js';
import { MEDIAN_COLOR } from './growth-chart.js';

export interface PersonalHistoryInput {
  id: string;
  title: string;
  description: string;
  levelCount: number;
  levelLabel: (level: number) => string;
  /** In time order, drawn left to right. */
  checks: { key: string; label: string }[];
  outcomes: { code: string; title: string }[];
  /** `own` null: not sure yet or no placement; `team` null: no agreed level. */
  points: { outcomeCode: string; checkKey: string; own: number | null; team: number | null }[];
}

const COLUMNS = 5;
const PANEL_W = 176;
const PANEL_H = 150;
const GAP = 14;
const PAD = 8;
const TITLE_FONT = 12;
const AXIS_FONT = 10;
const TEAM_COLOR = MEDIAN_COLOR;

interface Mark {
  x: number;
  level: number | null;
  check: PersonalHistoryInput['checks'][number];
}

export function personalHistorySvg(input: PersonalHistoryInput): string {
  const { id, levelCount, levelLabel, checks, outcomes } = input;
  const columns = Math.max(1, Math.min(COLUMNS, outcomes.length));
  const rows = Math.ceil(outcomes.length / columns);
  const plot = { left: 30, right: PANEL_W - 10, top: 40, bottom: PANEL_H - 24 };
  const x = scalePoint().domain(checks.map((check) => check.key)).range([plot.left, plot.right]).padding(0.5);
  const y = scaleLinear().domain([1, Math.max(2, levelCount)]).range([plot.top, plot.bottom]);
  const byKey = new Map(input.points.map((point) => [`${point.outcomeCode}\u0000${point.checkKey}`, point]));

  const panels = outcomes.map((outcome, index) => {
    const left = PAD + (index % columns) * (PANEL_W + GAP);
    const top = PAD + Math.floor(index / columns) * (PANEL_H + GAP);
    const name = `${outcome.code} ${outcome.title}`;
    const parts: string[] = [
      el('rect', { class: 'panel__frame', x: left, y: top, width: PANEL_W, height: PANEL_H, fill: 'none', stroke: FAINT }),
      multilineText(name, wrapText(name, PANEL_W - 12, TITLE_FONT, 2), { class: 'panel__title', x: left + 6, y: top + 16, fill: INK, 'font-size': TITLE_FONT, 'font-weight': 700 }, 14),
    ];
    for (let level = 1; level <= levelCount; level++) {
      const ly = top + y(level);
      parts.push(
        el('line', { class: 'gridline', x1: left + plot.left - 2, x2: left + plot.right, y1: ly, y2: ly, stroke: FAINT }),
        el('text', { class: 'y-label', x: left + plot.left - 6, y: ly, 'text-anchor': 'end', 'dominant-baseline': 'central', fill: MUTED, 'font-size': AXIS_FONT }, titleEl(levelLabel(level)) + `L${level}`),
      );
    }
    const own: Mark[] = [];
    const team: Mark[] = [];
    checks.forEach((check, checkIndex) => {
      const cx = left + (x(check.key) ?? 0);
      parts.push(el('text', { class: 'x-label', x: cx, y: top + plot.bottom + 16, 'text-anchor': 'middle', fill: MUTED, 'font-size': AXIS_FONT }, titleEl(check.label) + escapeXml(String(checkIndex + 1))));
      const point = byKey.get(`${outcome.code}\u0000${check.key}`);
      own.push({ x: cx, level: point?.own ?? null, check });
      team.push({ x: cx, level: point?.team ?? null, check });
    });
    const path = (marks: Mark[]) =>
      line<Mark>()
        .defined((mark) => mark.level !== null)
        .x((mark) => round(mark.x))
        .y((mark) => round(top + y(mark.level ?? 1)))(marks);
    const teamPath = path(team);
    if (teamPath !== null && team.some((mark) => mark.level !== null)) parts.push(el('path', { class: 'team-line', d: teamPath, fill: 'none', stroke: TEAM_COLOR, 'stroke-width': 2, 'stroke-dasharray': '5 3' }));
    const ownPath = path(own);
    if (ownPath !== null && own.some((mark) => mark.level !== null)) parts.push(el('path', { class: 'own-line', d: ownPath, fill: 'none', stroke: INK, 'stroke-width': 2 }));
    for (const mark of team) {
      if (mark.level === null) continue;
      const cx = round(mark.x);
      const cy = round(top + y(mark.level));
      parts.push(
        el('path', { class: 'team-mark', 'data-check': mark.check.key, 'data-level': mark.level, d: `M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z`, fill: 'white', stroke: TEAM_COLOR, 'stroke-width': 2 }, titleEl(`${name}, ${mark.check.label}: the team agreed ${levelLabel(mark.level)}`)),
      );
    }
    for (const mark of own) {
      if (mark.level === null) continue;
      parts.push(
        // Not a tab stop (as the team's marks): the table under the chart has the same placements.
        el('circle', { class: 'own-mark', 'data-check': mark.check.key, 'data-level': mark.level, cx: mark.x, cy: top + y(mark.level), r: 4, fill: INK }, titleEl(`${name}, ${mark.check.label}: you placed yourself at ${levelLabel(mark.level)}`)),
      );
    }
    return el('g', { class: 'panel', 'data-outcome': outcome.code }, parts.join(''));
  });

  const width = Math.max(PAD * 2 + columns * PANEL_W + (columns - 1) * GAP, 560);
  const keyY = PAD + rows * (PANEL_H + GAP) + 10;
  const keyParts = [
    el('line', { x1: PAD, x2: PAD + 24, y1: keyY, y2: keyY, stroke: INK, 'stroke-width': 2 }),
    el('circle', { cx: PAD + 12, cy: keyY, r: 4, fill: INK }),
    el('text', { x: PAD + 30, y: keyY, 'dominant-baseline': 'central', fill: INK }, 'your placement'),
  ];
  const teamX = PAD + 30 + textWidth('your placement', 12) + 24;
  keyParts.push(
    el('line', { x1: teamX, x2: teamX + 24, y1: keyY, y2: keyY, stroke: TEAM_COLOR, 'stroke-width': 2, 'stroke-dasharray': '5 3' }),
    el('path', { d: `M${teamX + 12} ${keyY - 6}L${teamX + 18} ${keyY}L${teamX + 12} ${keyY + 6}L${teamX + 6} ${keyY}Z`, fill: 'white', stroke: TEAM_COLOR, 'stroke-width': 2 }),
    el('text', { x: teamX + 30, y: keyY, 'dominant-baseline': 'central', fill: INK }, 'your team’s agreed level'),
  );
  let height = keyY + 14;
  const text = `Checks: ${checks.map((check, index) => `${index + 1} = ${check.label}`).join(' · ')}`;
  const lines = wrapText(text, width - 2 * PAD, 12, 4);
  const checkKey = multilineText(text, lines, { class: 'check-key', x: PAD, y: height + 6, fill: INK }, 16);
  height += 8 + lines.length * 16;
  return svgRoot({ id, kind: 'personal-history', title: input.title, description: input.description, width, height: height + PAD }, panels.join('') + el('g', { class: 'legend' }, keyParts.join('')) + checkKey);
}
