/** What changes between two levels of an outcome: a word-level diff of their behaviours, for highlighting. */
import { diffWordsWithSpace } from 'diff';
import type { Outcome } from './schema.js';

export interface TextSegment {
  text: string;
  /** True for words that appear on this side only. */
  changed: boolean;
}

/** One behaviour, as segments of unchanged and changed text. */
export type MarkedBehavior = TextSegment[];

export interface LevelComparison {
  /** The higher-numbered (less developed) level, e.g. 3. */
  from: number;
  /** The lower-numbered (more developed) level, e.g. 2. */
  to: number;
  /** `from`'s behaviours, words that `to` drops marked as changed. */
  fromBehaviors: MarkedBehavior[];
  /** `to`'s behaviours, words that `from` lacks marked as changed. */
  toBehaviors: MarkedBehavior[];
}

const BEHAVIOR_SEPARATOR = '\n';

function appendSegment(behaviors: MarkedBehavior[], text: string, changed: boolean): void {
  text.split(BEHAVIOR_SEPARATOR).forEach((piece, index) => {
    if (index > 0) behaviors.push([]);
    if (piece !== '') behaviors[behaviors.length - 1]?.push({ text: piece, changed });
  });
}

/**
 * Re-cuts a behaviour so highlights read as phrases: a space is marked changed only when the words
 * on both sides of it are, so "four or more" is one highlight and no highlight starts or ends on a space.
 */
function tidySegments(segments: MarkedBehavior): MarkedBehavior {
  // Array.from splits by code point; the map text has no multi-code-point characters to keep together.
  const chars = segments.flatMap((segment) =>
    Array.from(segment.text, (char) => ({ char, changed: segment.changed })),
  );
  const isSpace = (index: number): boolean => /\s/.test(chars[index]?.char ?? '');
  const wordChanged = (start: number, step: 1 | -1): boolean => {
    let index = start;
    while (index >= 0 && index < chars.length && isSpace(index)) index += step;
    return chars[index]?.changed ?? false;
  };
  chars.forEach((entry, index) => {
    if (isSpace(index)) entry.changed = wordChanged(index, -1) && wordChanged(index, 1);
  });
  const tidy: MarkedBehavior = [];
  for (const { char, changed } of chars) {
    const last = tidy[tidy.length - 1];
    if (last?.changed === changed) last.text += char;
    else tidy.push({ text: char, changed });
  }
  return tidy;
}

/** Comparisons already made: maps never change while ICMap runs, and a word diff is slow (~2 ms an outcome). */
const comparisons = new WeakMap<Outcome, Map<string, LevelComparison>>();

/**
 * Compares the behaviours of level `from` with those of level `to` in one outcome. Worked out once
 * per outcome and pair of levels; the result is shared between requests, so it is never modified.
 */
export function compareLevels(outcome: Outcome, from: number, to: number): LevelComparison {
  let ofOutcome = comparisons.get(outcome);
  if (ofOutcome === undefined) {
    ofOutcome = new Map();
    comparisons.set(outcome, ofOutcome);
  }
  const key = `${from}>${to}`;
  let comparison = ofOutcome.get(key);
  if (comparison === undefined) {
    comparison = diffLevels(outcome, from, to);
    ofOutcome.set(key, comparison);
  }
  return comparison;
}

function diffLevels(outcome: Outcome, from: number, to: number): LevelComparison {
  const behaviorsOf = (level: number): string[] =>
    outcome.levels.find((candidate) => candidate.level === level)?.behaviors ?? [];
  const fromText = behaviorsOf(from).join(BEHAVIOR_SEPARATOR);
  const toText = behaviorsOf(to).join(BEHAVIOR_SEPARATOR);
  const fromBehaviors: MarkedBehavior[] = fromText === '' ? [] : [[]];
  const toBehaviors: MarkedBehavior[] = toText === '' ? [] : [[]];
  for (const part of diffWordsWithSpace(fromText, toText)) {
    if (!part.added && fromText !== '') appendSegment(fromBehaviors, part.value, part.removed);
    if (!part.removed && toText !== '') appendSegment(toBehaviors, part.value, part.added);
  }
  return { from, to, fromBehaviors: fromBehaviors.map(tidySegments), toBehaviors: toBehaviors.map(tidySegments) };
}

/** Every pair of adjacent levels, top of the rubric first: 2 -> 1, 3 -> 2, 4 -> 3, 5 -> 4. */
export function adjacentLevelChanges(outcome: Outcome): LevelComparison[] {
  const levels = outcome.levels.map((level) => level.level).sort((a, b) => a - b);
  return levels.flatMap((to, index) => {
    const from = levels[index + 1];
    return from === undefined ? [] : [compareLevels(outcome, from, to)];
  });
}
