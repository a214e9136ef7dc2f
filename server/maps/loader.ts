/** Reads every IC map file in a folder and validates it; a broken file stops start-up with a precise message. */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { icMapSchema, type IcMap } from './schema.js';

export class MapLoadError extends Error {
  override name = 'MapLoadError';
}

/** Renders a zod issue path as a JSON path: $.roles[0].outcomes[3].levels */
export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>(
    (acc, segment) => (typeof segment === 'number' ? `${acc}[${segment}]` : `${acc}.${String(segment)}`),
    '$',
  );
}

function describeIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${file}: ${jsonPath(issue.path)}: ${issue.message}`).join('\n');
}

export function parseMapFile(file: string, contents: string): IcMap {
  let json: unknown;
  try {
    json = JSON.parse(contents);
  } catch (error) {
    throw new MapLoadError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = icMapSchema.safeParse(json);
  if (!parsed.success) {
    throw new MapLoadError(describeIssues(file, parsed.error.issues));
  }
  return parsed.data;
}

/** A path as a person would type it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Loads every *.json file in `directory`, in name order. */
export function loadMapsFromDirectory(directory: string): IcMap[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new MapLoadError(`${directory}: cannot read the maps folder: ${(error as Error).message}`);
  }
  if (names.length === 0) {
    throw new MapLoadError(`${directory}: no IC map files (*.json) found`);
  }
  const maps = names.map((name) => {
    const file = path.join(directory, name);
    return parseMapFile(displayPath(file), fs.readFileSync(file, 'utf8'));
  });
  const seen = new Map<string, string>();
  maps.forEach((map, index) => {
    const key = `${map.id}@${map.version}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new MapLoadError(`${names[index]}: map "${map.id}" version "${map.version}" is also defined in ${earlier}`);
    }
    seen.set(key, names[index] ?? '');
  });
  return maps;
}
