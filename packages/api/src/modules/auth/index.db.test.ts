import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../platform/errors';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

const expect401 = (res: { status: number; body: unknown }) => {
  expect(res.status).toBe(401);
  expect(errorBodySchema.safeParse(res.body).success).toBe(true);
  expect((res.body as { error: { code: string } }).error.code).toBe('unauthorized');
};

describe('authentication through the app', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({
    sub: 'd1-admin',
    org: FIXTURE.distributor,
    roles: ['ADMIN'],
    aud: 'api',
    exp: now() + 60,
  });

  it('admits a valid token', async () => {
    const res = await api.call('GET', '/api/v1/me', { token: await api.token(FIXTURE.distributor) });
    expect(res.status).toBe(200);
  });

  it('refuses no token, a malformed header, a bad signature, another algorithm, an expired token, a wrong audience', async () => {
    expect401(await api.call('GET', '/api/v1/me'));
    expect401(await api.call('GET', '/api/v1/me', { headers: { Authorization: 'Basic abc' } }));
    expect401(
      await api.call('GET', '/api/v1/me', { token: await sign(claims(), 'not-the-secret-at-all', 'HS256') }),
    );
    expect401(
      await api.call('GET', '/api/v1/me', { token: await sign(claims(), api.config.jwtSecret, 'HS512') }),
    );
    expect401(
      await api.call('GET', '/api/v1/me', {
        token: await sign({ ...claims(), exp: now() - 1 }, api.config.jwtSecret, 'HS256'),
      }),
    );
    expect401(
      await api.call('GET', '/api/v1/me', {
        token: await api.token(FIXTURE.distributor, ['ADMIN'], { aud: 'embed' }),
      }),
    );
    const unsigned = (await sign(claims(), api.config.jwtSecret, 'HS256')).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${unsigned[1]}.`;
    expect401(await api.call('GET', '/api/v1/me', { token: none }));
  });

  it('refuses a token of an organization that does not exist', async () => {
    expect401(await api.call('GET', '/api/v1/me', { token: await api.token('no-such-org') }));
  });
});

describe('GET /api/v1/me', () => {
  it('answers the user, the organization and the tenant kind from the token', async () => {
    const res = await api.call('GET', '/api/v1/me', {
      token: await api.token(FIXTURE.resellerA, ['ADMIN', 'USER']),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: 'd1-ra-admin', name: 'Reseller A Admin', roles: ['ADMIN', 'USER'] },
      organization: {
        id: FIXTURE.resellerA,
        kind: 'RESELLER',
        resellerTier: 'STANDARD',
        distributorId: 'd1',
      },
      tenantKind: 'RESELLER',
    });
  });

  it("does not show another organization's user even when the token names one", async () => {
    const res = await api.call('GET', '/api/v1/me', {
      token: await api.token(FIXTURE.resellerA, ['USER'], { sub: 'd1-rb-admin' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: 'd1-rb-admin', name: null },
      organization: { id: FIXTURE.resellerA },
    });
  });
});

describe('demo sign-in', () => {
  it('lists the demo users with their organizations', async () => {
    const res = await api.call('GET', '/api/v1/auth/demo-users');
    expect(res.status).toBe(200);
    const body = res.body as { rows: { id: string; orgKind: string }[]; lastRow: number };
    expect(body.lastRow).toBe(8);
    expect(body.rows.find((u) => u.id === 'd1-ra-admin')).toEqual({
      id: 'd1-ra-admin',
      name: 'Reseller A Admin',
      orgId: 'd1-ra',
      orgName: 'Reseller A',
      orgKind: 'RESELLER',
      resellerTier: 'STANDARD',
      roles: ['ADMIN'],
    });
  });

  it("mints a demo user's token, which then works", async () => {
    const res = await api.call('POST', '/api/v1/auth/demo-sign-in', { body: { userId: 'd1-rb-c1-admin' } });
    expect(res.status).toBe(200);
    const { token, user } = res.body as { token: string; user: { orgId: string } };
    expect(user.orgId).toBe(FIXTURE.customerB);
    const me = await api.call('GET', '/api/v1/me', { token });
    expect(me.body).toMatchObject({
      tenantKind: 'CUSTOMER',
      organization: { id: FIXTURE.customerB, resellerId: 'd1-rb' },
    });
  });

  it('refuses an unknown user and a bad body, naming the field', async () => {
    const unknown = await api.call('POST', '/api/v1/auth/demo-sign-in', { body: { userId: 'nobody' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ error: { fields: { userId: expect.any(String) } } });
    const bad = await api.call('POST', '/api/v1/auth/demo-sign-in', { body: { userId: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { code: 'validation_failed', fields: { userId: expect.any(String) } },
    });
  });
});

describe('in production', () => {
  it('has no demo sign-in at all', async () => {
    const prod = api.variant({ env: { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) } });
    {
      expect((await prod.call('GET', '/api/v1/auth/demo-users')).status).toBe(404);
      expect(
        (await prod.call('POST', '/api/v1/auth/demo-sign-in', { body: { userId: 'd1-admin' } })).status,
      ).toBe(404);
      const doc = (await prod.call('GET', '/api/openapi.json')).body as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths).some((p) => p.includes('demo'))).toBe(false);
    }
  });
});
