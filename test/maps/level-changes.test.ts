import { describe, expect, it } from 'vitest';
import { adjacentLevelChanges, compareLevels, type MarkedBehavior } from '../../server/maps/level-changes.js';
import type { Outcome } from '../../server/maps/schema.js';

function outcome(levels: string[][]): Outcome {
  return { code: '1.2', principle: '1', title: 'Analyze data', levels: levels.map((behaviors, index) => ({ level: index + 1, behaviors })) };
}

const plain = (behavior: MarkedBehavior): string => behavior.map((segment) => segment.text).join('');
const changed = (behaviors: MarkedBehavior[]): string[] =>
  behaviors.flatMap((behavior) => behavior.filter((segment) => segment.changed).map((segment) => segment.text));

const sources = outcome([
  ['Analyzes data from four or more sources.', 'Makes inferences without value judgement.'],
  ['Analyzes data from three sources.', 'Makes inferences without value judgment.'],
  ['Analyzes data from two sources.'],
  ['Uses analyzed data.'],
  [],
]);

describe('compareLevels', () => {
  it('highlights the words that differ: "two sources" -> "three sources"', () => {
    const comparison = compareLevels(sources, 3, 2);
    expect(changed(comparison.fromBehaviors)).toEqual(['two']);
    expect(changed(comparison.toBehaviors)).toEqual(['three', 'Makes inferences without value judgment.']);
  });

  it('marks a multi-word change as one phrase, never starting or ending on a space', () => {
    const comparison = compareLevels(sources, 2, 1);
    expect(changed(comparison.toBehaviors)).toEqual(['four or more', 'judgement']);
    expect(changed(comparison.fromBehaviors)).toEqual(['three', 'judgment']);
  });

  it('keeps each side exactly its own text, behaviour by behaviour', () => {
    const comparison = compareLevels(sources, 2, 1);
    expect(comparison.fromBehaviors.map(plain)).toEqual(sources.levels[1]!.behaviors);
    expect(comparison.toBehaviors.map(plain)).toEqual(sources.levels[0]!.behaviors);
  });

  it('treats a level with no description as having nothing to mark', () => {
    const comparison = compareLevels(sources, 5, 4);
    expect(comparison.fromBehaviors).toEqual([]);
    expect(comparison.toBehaviors.map(plain)).toEqual(['Uses analyzed data.']);
    expect(changed(comparison.toBehaviors)).toEqual(['Uses analyzed data.']);
  });
});

describe('adjacentLevelChanges', () => {
  it('pairs each level with the one above it, the top of the rubric first', () => {
    expect(adjacentLevelChanges(sources).map(({ from, to }) => `${from}->${to}`)).toEqual(['2->1', '3->2', '4->3', '5->4']);
  });
});
