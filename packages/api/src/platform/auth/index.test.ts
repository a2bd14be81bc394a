import { sign } from 'hono/jwt';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../errors';
import { bearerToken, signToken, verifyToken } from '.';

const secret = 'a-test-secret-of-enough-length';
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ sub: 'u1', org: 'o1', roles: ['ADMIN'], aud: 'api', exp: now() + 60 });

/** A token with any header and payload, signed (HS256) with `key`. */
async function craft(header: object, payload: object, key = secret): Promise<string> {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const real = await sign(payload as never, key, 'HS256');
  return `${b64(header)}.${b64(payload)}.${real.split('.')[2]}`;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(401);
  return err as ApiError;
}

describe('tokens', () => {
  it('round-trips the claims', async () => {
    const token = await signToken(secret, { sub: 'u1', org: 'o1', roles: ['ADMIN', 'USER'] });
    const c = await verifyToken(secret, token);
    expect(c).toMatchObject({ sub: 'u1', org: 'o1', roles: ['ADMIN', 'USER'], aud: 'api' });
    expect(c.exp - now()).toBeGreaterThan(3500);
  });

  it('refuses a bad signature', async () => {
    const token = await signToken('another-secret-entirely', { sub: 'u1', org: 'o1', roles: ['ADMIN'] });
    expect((await rejection(verifyToken(secret, token))).message).toMatch(/signature/);
  });

  it('checks each secret with its own key (the imported key is kept per secret)', async () => {
    const other = 'another-secret-entirely';
    const mine = await signToken(secret, { sub: 'u1', org: 'o1', roles: ['ADMIN'] });
    const theirs = await signToken(other, { sub: 'u2', org: 'o2', roles: ['USER'] });
    for (let i = 0; i < 2; i++) {
      expect((await verifyToken(secret, mine)).sub).toBe('u1');
      expect((await verifyToken(other, theirs)).sub).toBe('u2');
      expect((await rejection(verifyToken(other, mine))).message).toMatch(/signature/);
      expect((await rejection(verifyToken(secret, theirs))).message).toMatch(/signature/);
    }
  });

  it('refuses another algorithm, alg none included', async () => {
    const hs512 = await sign(claims(), secret, 'HS512');
    expect((await rejection(verifyToken(secret, hs512))).message).toMatch(/HS256/);
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    await rejection(verifyToken(secret, none));
    await rejection(verifyToken(secret, await craft({ alg: 'RS256', typ: 'JWT' }, claims())));
  });

  it('refuses an expired token and one without exp', async () => {
    const expired = await signToken(secret, { sub: 'u1', org: 'o1', roles: ['ADMIN'], now: now() - 7200 });
    expect((await rejection(verifyToken(secret, expired))).message).toMatch(/expired/);
    const { exp: _exp, ...noExp } = claims();
    expect((await rejection(verifyToken(secret, await sign(noExp, secret, 'HS256')))).message).toMatch(/exp/);
  });

  it('a token verified before is still refused once expired, by another secret or audience', async () => {
    const token = await signToken(secret, { sub: 'u1', org: 'o1', roles: ['ADMIN'], ttlSeconds: 30 });
    expect((await verifyToken(secret, token)).sub).toBe('u1');
    expect((await verifyToken(secret, token)).sub).toBe('u1');
    expect((await rejection(verifyToken('another-secret-entirely', token))).message).toMatch(/signature/);
    expect((await rejection(verifyToken(secret, token, 'embed'))).message).toMatch(/audience/);
    vi.useFakeTimers({ now: Date.now() + 31_000 });
    try {
      expect((await rejection(verifyToken(secret, token))).message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses the wrong audience and a missing one', async () => {
    const scope = { widgets: ['customer-charges' as const], origins: ['https://portal.example'], kid: 'k1' };
    const embed = await signToken(secret, {
      sub: 'u1',
      org: 'o1',
      roles: ['ADMIN'],
      aud: 'embed',
      embed: scope,
    });
    expect((await rejection(verifyToken(secret, embed))).message).toMatch(/audience/);
    const { aud: _aud, ...noAud } = claims();
    await rejection(verifyToken(secret, await sign(noAud, secret, 'HS256')));
    expect(await verifyToken(secret, embed, 'embed')).toMatchObject({ aud: 'embed', ...scope });
    expect((await verifyToken(secret, embed, ['api', 'embed'])).aud).toBe('embed');
  });

  it('refuses an embed token without its widgets, origins and key', async () => {
    const bare = await signToken(secret, { sub: 'u1', org: 'o1', roles: ['ADMIN'], aud: 'embed' });
    const err = await rejection(verifyToken(secret, bare, 'embed'));
    expect(err.message).toMatch(/widgets/);
    expect(err.message).toMatch(/origins/);
  });

  it('refuses bad claims: unknown roles, missing org', async () => {
    await rejection(verifyToken(secret, await sign({ ...claims(), roles: ['ROOT'] }, secret, 'HS256')));
    const { org: _org, ...noOrg } = claims();
    await rejection(verifyToken(secret, await sign(noOrg, secret, 'HS256')));
  });

  it('refuses garbage', async () => {
    for (const t of [
      '',
      'x',
      'a.b.c',
      '...',
      'eyJhbGciOiJIUzI1NiJ9.e30.',
      `${'a'.repeat(20)}.${'b'.repeat(20)}.${'c'.repeat(20)}`,
    ]) {
      await rejection(verifyToken(secret, t));
    }
  });

  it('reads only well-formed Bearer headers', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    for (const h of [undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'abc.def.ghi']) {
      expect(() => bearerToken(h)).toThrow(ApiError);
    }
  });
});
