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

const DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const SHAPES = { day: DAY, 'day-and-time': { ...DAY, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } } satisfies Record<string, Intl.DateTimeFormatOptions>;

/**
 * One formatter per time zone and shape, made once: building an Intl.DateTimeFormat costs far more
 * than using one (about a third of a millisecond, on every request that asks which day it is).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(instant: Date, timeZone: string, shape: keyof typeof SHAPES): Record<string, string> {
  const key = `${shape} ${timeZone}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...SHAPES[shape] });
    formatters.set(key, formatter);
  }
  return Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
}

/** The date (YYYY-MM-DD) it is in `timeZone` at `now`. */
export function dayIn(timeZone: string, now = new Date()): string {
  const p = parts(now, timeZone, 'day');
  return `${p.year}-${p.month}-${p.day}`;
}

/** An instant (ISO string) as the network reads it: "2026-12-02 10:42 CST". */
export function dateTimeIn(iso: string, timeZone: string): string {
  const p = parts(new Date(iso), timeZone, 'day-and-time');
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
