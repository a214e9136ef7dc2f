/**
 * The network's time zone: which day it is there, whether a name is a time zone, and dates and times
 * as the network reads them. A progress check's dates are whole days in this zone.
 */
import type { Db } from '../db/types.js';
import { findNetwork } from '../repositories/network.js';

export const DEFAULT_TIME_ZONE = 'UTC';

/** The canonical IANA name for `name` ("america/chicago" → "America/Chicago"), or undefined if Intl knows no such zone. */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Every time zone this server's Intl knows, UTC first: the choices offered at setup and in settings. */
export function timeZoneChoices(): string[] {
  return [DEFAULT_TIME_ZONE, ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== DEFAULT_TIME_ZONE)];
}

function parts(instant: Date, timeZone: string, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const formatted = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...options }).formatToParts(instant);
  return Object.fromEntries(formatted.map((part) => [part.type, part.value]));
}

/** The date (YYYY-MM-DD) it is in `timeZone` at `now`. */
export function dayIn(timeZone: string, now = new Date()): string {
  const p = parts(now, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant (ISO string) as the network reads it: "2026-12-02 10:42 CST". */
export function dateTimeIn(iso: string, timeZone: string): string {
  const p = parts(new Date(iso), timeZone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** The network's time zone (UTC until one is chosen). */
export async function networkTimeZone(db: Db): Promise<string> {
  return (await findNetwork(db))?.time_zone ?? DEFAULT_TIME_ZONE;
}

/** Today in the network's time zone. */
export async function networkToday(db: Db, now = new Date()): Promise<string> {
  return dayIn(await networkTimeZone(db), now);
}
