/** Folders the app serves from, resolved from this file so the app runs from any working directory. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const viewsDir = path.join(projectRoot, 'views');
export const staticDir = path.join(projectRoot, 'static');
