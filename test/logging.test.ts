/** Logs: readable lines on a terminal only when pino-pretty is installed (a development install); JSON lines otherwise. */
import { describe, expect, it } from 'vitest';
import { isInstalled, prettyTransport } from '../server/logging.js';

describe('prettyTransport', () => {
  it('pretty-prints on a terminal when pino-pretty is installed', () => {
    expect(isInstalled('pino-pretty')).toBe(true);
    expect(prettyTransport({ prettyLogs: true })).toMatchObject({ transport: { target: 'pino-pretty' } });
  });

  it('writes JSON lines on a terminal of a production install, where pino-pretty is missing', () => {
    expect(prettyTransport({ prettyLogs: true }, () => false)).toEqual({});
  });

  it('writes JSON lines when the output is not a terminal', () => {
    expect(prettyTransport({ prettyLogs: false })).toEqual({});
  });

  it('knows a missing package is missing', () => {
    expect(isInstalled('no-such-package-icmap')).toBe(false);
  });
});
