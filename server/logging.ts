/** Readable log lines on a terminal when pino-pretty (a development dependency) is installed; JSON lines otherwise. */
import { createRequire } from 'node:module';
import type { Config } from './config.js';

/** Whether a package can be loaded from here; a production install (`npm ci --omit=dev`) has no pino-pretty. */
export function isInstalled(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The logger's transport: pino-pretty on a terminal where it is installed, else none (JSON lines to stdout). */
export function prettyTransport(
  config: Pick<Config, 'prettyLogs'>,
  installed: (name: string) => boolean = isInstalled,
): { transport?: { target: string; options: Record<string, unknown> } } {
  return config.prettyLogs && installed('pino-pretty') ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } } } : {};
}
