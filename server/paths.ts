/**
 * Folders the app serves from. The project root is the nearest folder above this file with a
 * package.json, so the same code finds it run from source (tsx) or compiled (`dist/`), from any working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function nearestPackageRoot(start: string): string {
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (fs.existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no package.json above ${start}`);
  }
}

export const projectRoot = nearestPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const viewsDir = path.join(projectRoot, 'views');
export const staticDir = path.join(projectRoot, 'static');
