import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger, type RequestLogVariables, requestLog } from '.';

describe('request log', () => {
  it('writes one JSON line per request with id, method, path, status, ms, org, user', async () => {
    const lines: string[] = [];
    const app = new Hono<{ Variables: RequestLogVariables }>();
    app.use('*', requestLog(createLogger('info', (l) => lines.push(l))));
    app.get('/x', (c) => {
      c.set('logOrg', 'o1');
      c.set('logUser', 'u1');
      return c.text('ok', 201);
    });
    const res = await app.request('/x', { headers: { 'X-Request-Id': 'req-1' } });
    expect(res.headers.get('X-Request-Id')).toBe('req-1');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'info',
      requestId: 'req-1',
      method: 'GET',
      path: '/x',
      status: 201,
      org: 'o1',
      user: 'u1',
    });
    expect(typeof line.ms).toBe('number');
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (l) => lines.push(l));
    log.info('no');
    log.warn('yes');
    createLogger('silent', (l) => lines.push(l)).error('no');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['yes']);
  });
});
