// The shared logger's two formats: text for people, JSON lines for collectors.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../data/logger.js';

describe('createLogger', () => {
  it('writes JSON lines with time, level, scope, message and fields', () => {
    const lines: string[] = [];
    const log = createLogger({ format: 'json', scope: 'souffle api', write: (l) => lines.push(l) });
    log.info('request', { status: 200, route: '/healthz', bytes: undefined });
    log.debug('dropped below the level');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const event = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(event).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      scope: 'souffle api',
      msg: 'request',
      status: 200,
      route: '/healthz',
    });
  });

  it('writes text lines with key=value fields, quoting values with spaces', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    log.info('dropped');
    log.warn('slow', { ms: 12.5, why: 'disk full' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+ warn souffle: slow ms=12\.5 why="disk full"\n$/);
  });
});
