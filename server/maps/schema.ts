/** The zod schema of an IC map file in data/maps/: its shape and the rules that make it a usable rubric. */
import { z } from 'zod';

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens, e.g. "hub-team"');
const text = z.string().trim().min(1, 'must not be empty');

/** Every IC map has five levels, Level 1 (Ideal) to Level 5 (README, "IC maps as data"). */
export const LEVEL_COUNT = 5;

const levelSchema = z.strictObject({
  level: z.number().int().min(1),
  label: text.optional(),
});

const principleSchema = z.strictObject({
  code: z.string().regex(/^\d+$/, 'must be a number such as "1"'),
  title: text,
  summary: text,
});

const outcomeLevelSchema = z.strictObject({
  level: z.number().int().min(1),
  // An empty list is allowed: the source may give no description for a level (hub team 5.2).
  behaviors: z.array(text),
});

const outcomeSchema = z.strictObject({
  code: z.string().regex(/^\d+\.\d+$/, 'must look like "1.1"'),
  principle: z.string(),
  title: text,
  levels: z.array(outcomeLevelSchema),
});

const roleSchema = z.strictObject({
  key: slug,
  name: text,
  description: text,
  outcomes: z.array(outcomeSchema).min(1, 'must list at least one outcome'),
});

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

export const icMapSchema = z
  .strictObject({
    id: slug,
    version: text,
    title: text,
    publisher: text,
    source: text,
    // Exactly five: the database checks `level between 1 and 5`, and the pages, charts and report wording
    // speak of five levels. A map with another count is refused at start-up rather than half-working.
    levels: z.array(levelSchema).length(LEVEL_COUNT, `must define exactly ${LEVEL_COUNT} levels, 1 (ideal) to ${LEVEL_COUNT}: ICMap's database, pages and charts are built for five`),
    principles: z.array(principleSchema).min(1, 'must list at least one principle'),
    roles: z.array(roleSchema).min(1, 'must list at least one role'),
    notes: z.array(text).default([]),
  })
  .superRefine((map, ctx) => {
    map.levels.forEach((level, index) => {
      if (level.level !== index + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', index, 'level'],
          message: `must be ${index + 1}: levels are numbered 1 (ideal) upwards, in order`,
        });
      }
    });
    for (const code of duplicates(map.principles.map((principle) => principle.code))) {
      ctx.addIssue({ code: 'custom', path: ['principles'], message: `principle code "${code}" is used twice` });
    }
    for (const key of duplicates(map.roles.map((role) => role.key))) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: `role key "${key}" is used twice` });
    }

    const principleCodes = new Set(map.principles.map((principle) => principle.code));
    const firstRoleCodes = map.roles[0]?.outcomes.map((outcome) => outcome.code).join(', ') ?? '';
    map.roles.forEach((role, roleIndex) => {
      const codes = role.outcomes.map((outcome) => outcome.code);
      for (const code of duplicates(codes)) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', roleIndex, 'outcomes'],
          message: `outcome code "${code}" is used twice`,
        });
      }
      if (roleIndex > 0 && codes.join(', ') !== firstRoleCodes) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', roleIndex, 'outcomes'],
          message: `must list the same outcome codes in the same order as the first role (${firstRoleCodes}); found ${codes.join(', ')}`,
        });
      }
      role.outcomes.forEach((outcome, outcomeIndex) => {
        const path = ['roles', roleIndex, 'outcomes', outcomeIndex];
        if (!principleCodes.has(outcome.principle)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'principle'],
            message: `principle "${outcome.principle}" does not exist in "principles"`,
          });
        } else if (!outcome.code.startsWith(`${outcome.principle}.`)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'code'],
            message: `outcome "${outcome.code}" must start with its principle's code "${outcome.principle}."`,
          });
        }
        const levelNumbers = outcome.levels.map((level) => level.level);
        const expected = map.levels.map((level) => level.level);
        if (levelNumbers.join(',') !== expected.join(',')) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'levels'],
            message: `must describe levels ${expected.join(', ')} in that order; found ${levelNumbers.length === 0 ? 'none' : levelNumbers.join(', ')}`,
          });
        }
      });
    });
  });

export type IcMap = z.output<typeof icMapSchema>;
export type Role = IcMap['roles'][number];
export type Outcome = Role['outcomes'][number];
export type OutcomeLevel = Outcome['levels'][number];
export type Principle = IcMap['principles'][number];
export type LevelDefinition = IcMap['levels'][number];
