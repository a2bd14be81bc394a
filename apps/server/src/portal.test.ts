import { loadConfig } from '@cascade/api';
import { describe, expect, it } from 'vitest';
import { portalSettings } from './node';

describe('the portal demo settings (PORTAL_PORT, PORTAL_TOKEN_TTL)', () => {
  const config = loadConfig({ PORT: '9000' });

  it('runs the portal on PORT+1 unless told otherwise, and never in production', () => {
    expect(portalSettings({}, config)).toEqual({ port: 9001 });
    expect(portalSettings({ PORTAL_PORT: '7000', PORTAL_TOKEN_TTL: '30' }, config)).toEqual({
      port: 7000,
      ttlSeconds: 30,
    });
    expect(portalSettings({ PORTAL_PORT: 'off' }, config)).toBeNull();
    const production = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(portalSettings({}, production)).toBeNull();
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => portalSettings({ PORTAL_PORT: 'eighty' }, config)).toThrow(/PORTAL_PORT/);
    expect(() => portalSettings({ PORTAL_PORT: '70000' }, config)).toThrow(/PORTAL_PORT/);
    expect(() => portalSettings({ PORTAL_TOKEN_TTL: '5' }, config)).toThrow(/PORTAL_TOKEN_TTL/);
    expect(() => portalSettings({ PORTAL_TOKEN_TTL: '1.5' }, config)).toThrow(/PORTAL_TOKEN_TTL/);
  });
});
