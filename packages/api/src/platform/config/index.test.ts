import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '.';

function problems(env: Record<string, string | undefined>): Record<string, string> {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for a first run', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8787,
      databaseUrl: undefined,
      dataDir: './.data',
      storageDir: './.data/documents',
      jwtSecret: DEVELOPMENT_JWT_SECRET,
      nodeEnv: 'development',
      logLevel: 'info',
      isProduction: false,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATA_DIR: '/tmp/x',
      JWT_SECRET: 'x'.repeat(40),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    });
    expect(c).toMatchObject({ port: 9000, dataDir: '/tmp/x', isProduction: true, logLevel: 'warn' });
    expect(c.storageDir).toBe('/tmp/x/documents');
    expect(loadConfig({ STORAGE_DIR: '/srv/docs' }).storageDir).toBe('/srv/docs');
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/test');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 8787, databaseUrl: undefined });
  });

  it('names every bad value at once', () => {
    const p = problems({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      NODE_ENV: 'staging',
      LOG_LEVEL: 'loud',
      JWT_SECRET: 'short',
    });
    expect(Object.keys(p).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'NODE_ENV', 'PORT']);
    expect(p.PORT).toMatch(/whole number/);
    expect(p.NODE_ENV).toMatch(/staging/);
    expect(problems({ PORT: '70000' }).PORT).toMatch(/65535/);
    expect(problems({ STORAGE_DIR: 'a\0b' }).STORAGE_DIR).toMatch(/NUL/);
    expect(problems({ TAX_SERVICE_URL: 'ftp://x' }).TAX_SERVICE_URL).toMatch(/http/);
    expect(problems({ TAX_SERVICE_TIMEOUT_MS: '0' }).TAX_SERVICE_TIMEOUT_MS).toMatch(/between/);
  });

  it('reads the external tax service', () => {
    expect(loadConfig({})).toMatchObject({ taxServiceUrl: undefined, taxServiceTimeoutMs: 10_000 });
    expect(
      loadConfig({ TAX_SERVICE_URL: 'http://127.0.0.1:9/taxes', TAX_SERVICE_TIMEOUT_MS: '250' }),
    ).toMatchObject({ taxServiceUrl: 'http://127.0.0.1:9/taxes', taxServiceTimeoutMs: 250 });
  });

  it('refuses to run production without a real JWT_SECRET', () => {
    expect(problems({ NODE_ENV: 'production' }).JWT_SECRET).toMatch(/required/);
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET }).JWT_SECRET).toMatch(
      /required/,
    );
    expect(problems({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(20) }).JWT_SECRET).toMatch(/32/);
  });

  it('says what is wrong in its message', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/PORT: must be a whole number/);
  });
});
