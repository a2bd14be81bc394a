import { auditLog, embedApiKeys, withSystem } from '@cascade/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../platform/auth';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';

const PORTAL = 'https://portal.example.com';
const LOCAL = 'http://localhost:8788';
const EVIL = 'https://evil.example.com';
const QUERY = '/api/v1/customer-charges/query';
const QUERY_BODY = { startRow: 0, endRow: 10 };

interface KeyAnswer {
  key: { id: string; prefix: string; allowedOrigins: string[]; revokedAt: string | null };
  secret: string;
}
interface ErrorAnswer {
  error: { code: string; message: string; fields?: Record<string, string> };
}

let api: TestApi;
let admin: string;
let key: KeyAnswer;

beforeAll(async () => {
  api = await createTestApi();
  admin = await api.token(FIXTURE.resellerA, ['ADMIN']);
  key = await createKey({ name: 'Partner portal', allowedOrigins: [PORTAL, LOCAL] });
});
afterAll(() => api.close());

async function createKey(body: unknown, token = admin): Promise<KeyAnswer> {
  const res = await api.call('POST', '/api/v1/embed/keys', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as KeyAnswer;
}

function mint(secret: string, body: Record<string, unknown> = {}) {
  return api.call('POST', '/api/v1/embed/sessions', {
    headers: { Authorization: `Bearer ${secret}` },
    body: { userId: `${FIXTURE.resellerA}-admin`, widgets: ['customer-charges'], origins: [PORTAL], ...body },
  });
}

async function embedToken(body: Record<string, unknown> = {}, secret = key.secret): Promise<string> {
  const res = await mint(secret, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { token: string }).token;
}

const query = (token: string, origin?: string) =>
  api.call('POST', QUERY, { token, body: QUERY_BODY, headers: origin ? { Origin: origin } : {} });

const decode = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('API keys', () => {
  it('shows the secret once, stores only a salted hash, lists prefixes', async () => {
    expect(key.secret).toMatch(/^ck_[a-z0-9]{12}\.[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(`${key.key.prefix}.`)).toBe(true);
    const [stored] = await withSystem(api.db.db, (tx) =>
      tx.select().from(embedApiKeys).where(eq(embedApiKeys.id, key.key.id)),
    );
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(stored)).not.toContain(key.secret.split('.')[1]);

    const list = await api.call('GET', '/api/v1/embed/keys', { token: admin });
    expect(list.status).toBe(200);
    const page = list.body as { rows: Record<string, unknown>[]; lastRow: number };
    expect(page.rows.map((r) => r.prefix)).toContain(key.key.prefix);
    expect(JSON.stringify(page)).not.toContain(key.secret.split('.')[1]);
    expect(page.rows.every((r) => !('secretHash' in r) && !('salt' in r))).toBe(true);
  });

  it('is for the ADMIN of the organization only (API refuses the others)', async () => {
    for (const role of ['USER', 'BILLING_MANAGER', 'MARKETPLACE_MANAGER'] as const) {
      const token = await api.token(FIXTURE.resellerA, [role]);
      expect((await api.call('GET', '/api/v1/embed/keys', { token })).status).toBe(403);
      const res = await api.call('POST', '/api/v1/embed/keys', {
        token,
        body: { name: 'x', allowedOrigins: [PORTAL] },
      });
      expect(res.status).toBe(403);
      expect((await api.call('DELETE', `/api/v1/embed/keys/${key.key.id}`, { token })).status).toBe(403);
    }
    // A customer's ADMIN has no site to embed in: keys are for sellers.
    const customer = await api.token(FIXTURE.customerA, ['ADMIN']);
    expect((await api.call('GET', '/api/v1/embed/keys', { token: customer })).status).toBe(403);
    // Another organization's ADMIN, even the distributor above it, neither sees nor revokes it.
    const other = await api.token(FIXTURE.distributor, ['ADMIN']);
    const list = await api.call('GET', '/api/v1/embed/keys', { token: other });
    expect((list.body as { rows: unknown[] }).rows).toHaveLength(0);
    expect((await api.call('DELETE', `/api/v1/embed/keys/${key.key.id}`, { token: other })).status).toBe(404);
  });

  it('takes exact origins only, naming the bad field', async () => {
    for (const [origin, pattern] of [
      ['*', /origin/],
      ['https://portal.example.com/', /exactly/],
      ['https://portal.example.com/path', /exactly/],
      ['http://portal.example.com', /https/],
      ['null', /origin/],
      ['ftp://portal.example.com', /https/],
    ] as const) {
      const res = await api.call('POST', '/api/v1/embed/keys', {
        token: admin,
        body: { name: 'bad', allowedOrigins: [PORTAL, origin] },
      });
      expect(res.status, origin).toBe(400);
      expect((res.body as ErrorAnswer).error.fields?.['allowedOrigins.1']).toMatch(pattern);
    }
    const empty = await api.call('POST', '/api/v1/embed/keys', {
      token: admin,
      body: { name: ' ', allowedOrigins: [] },
    });
    expect(Object.keys((empty.body as ErrorAnswer).error.fields ?? {}).sort()).toEqual([
      'allowedOrigins',
      'name',
    ]);
    const count = await api.call('GET', '/api/v1/embed/keys', { token: admin });
    expect((count.body as { lastRow: number }).lastRow).toBe(1);
  });
});

describe('POST /api/v1/embed/sessions', () => {
  it('mints a short-lived embed token of one user, its roles, the widgets and origins', async () => {
    const res = await mint(key.secret, { ttlSeconds: 120 });
    expect(res.status).toBe(200);
    const body = res.body as { token: string; expiresAt: string; expiresIn: number };
    expect(body.expiresIn).toBe(120);
    expect(Math.abs(Date.parse(body.expiresAt) - Date.now() - 120_000)).toBeLessThan(5_000);
    expect(decode(body.token)).toMatchObject({
      aud: 'embed',
      sub: `${FIXTURE.resellerA}-admin`,
      org: FIXTURE.resellerA,
      roles: ['ADMIN'],
      widgets: ['customer-charges'],
      origins: [PORTAL],
      kid: key.key.id,
    });
    const plain = decode(await embedToken());
    expect(Number(plain.exp) - Number(plain.iat)).toBe(300);
  });

  it('refuses a missing, malformed or wrong key with 401', async () => {
    const none = await api.call('POST', '/api/v1/embed/sessions', {
      body: { userId: 'x', widgets: ['billing'], origins: [PORTAL] },
    });
    expect(none.status).toBe(401);
    expect((await mint('not-a-key')).status).toBe(401);
    const wrong = `${key.key.prefix}.${'A'.repeat(43)}`;
    const res = await mint(wrong);
    expect(res.status).toBe(401);
    expect((res.body as ErrorAnswer).error.message).toBe('Invalid API key');
    // An api token is not an API key.
    expect((await mint(admin)).status).toBe(401);
  });

  it("refuses origins outside the key's list (403) and users outside its organization (422)", async () => {
    const res = await mint(key.secret, { origins: [PORTAL, EVIL] });
    expect(res.status).toBe(403);
    expect((res.body as ErrorAnswer).error.fields).toEqual({ 'origins.1': expect.any(String) });
    const stranger = await mint(key.secret, { userId: `${FIXTURE.resellerB}-admin` });
    expect(stranger.status).toBe(422);
    expect((stranger.body as ErrorAnswer).error.fields?.userId).toMatch(FIXTURE.resellerA);
    const bad = await mint(key.secret, { widgets: ['payroll'], ttlSeconds: 5 });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.body as ErrorAnswer).error.fields ?? {}).sort()).toEqual([
      'ttlSeconds',
      'widgets.0',
    ]);
  });

  it('refuses Customer Charges to a user or organization that may not see it', async () => {
    const lightAdmin = await api.token(FIXTURE.resellerB, ['ADMIN']);
    const light = await createKey({ name: 'Light portal', allowedOrigins: [PORTAL] }, lightAdmin);
    const res = await mint(light.secret, { userId: `${FIXTURE.resellerB}-admin` });
    expect(res.status).toBe(403);
    expect(
      (await mint(light.secret, { userId: `${FIXTURE.resellerB}-admin`, widgets: ['billing'] })).status,
    ).toBe(200);
  });
});

describe('embed tokens on the API', () => {
  it('reach their widget from an allowed origin, with CORS echoing that origin exactly', async () => {
    const token = await embedToken();
    const res = await query(token, PORTAL);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PORTAL);
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(res.headers.get('Vary')).toMatch(/Origin/);
    expect(res.headers.get('Access-Control-Expose-Headers')).toMatch(/Content-Disposition/);
  });

  it('are refused from another origin or without one (403), and get no CORS answer there', async () => {
    const token = await embedToken();
    const evil = await query(token, EVIL);
    expect(evil.status).toBe(403);
    expect((evil.body as ErrorAnswer).error.message).toMatch(EVIL);
    expect(evil.headers.get('Access-Control-Allow-Origin')).toBeNull();
    // LOCAL is allowed by the key, but this token was minted for PORTAL only.
    expect((await query(token, LOCAL)).status).toBe(403);
    expect((await query(token)).status).toBe(403);
  });

  it('are refused on routes outside their widgets (403)', async () => {
    const billingOnly = await embedToken({ widgets: ['billing'] });
    const res = await query(billingOnly, PORTAL);
    expect(res.status).toBe(403);
    expect((res.body as ErrorAnswer).error.message).toMatch(/billing/);
    // …while the routes of its own widget answer.
    const me = await api.call('GET', '/api/v1/me', { token: billingOnly, headers: { Origin: PORTAL } });
    expect(me.status).toBe(200);
    expect(me.headers.get('Access-Control-Allow-Origin')).toBe(PORTAL);
    const both = await embedToken({ widgets: ['customer-charges', 'billing'] });
    for (const [method, path] of [
      ['GET', '/api/v1/embed/keys'],
      ['POST', '/api/v1/customer-charges/sync-runs'],
      ['PATCH', '/api/v1/profile-options'],
    ] as const) {
      const r = await api.call(method, path, {
        token: both,
        headers: { Origin: PORTAL },
        body: method === 'GET' ? undefined : {},
      });
      expect(r.status, `${method} ${path}`).toBe(403);
    }
  });

  it('are refused once expired (401)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signToken(api.config.jwtSecret, {
      sub: `${FIXTURE.resellerA}-admin`,
      org: FIXTURE.resellerA,
      roles: ['ADMIN'],
      aud: 'embed',
      now: now - 400,
      ttlSeconds: 300,
      embed: { widgets: ['customer-charges'], origins: [PORTAL], kid: key.key.id },
    });
    const res = await query(expired, PORTAL);
    expect(res.status).toBe(401);
    expect((res.body as ErrorAnswer).error.message).toMatch(/expired/);
    // The browser can read the 401 and refresh its token: CORS answers errors too.
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PORTAL);
  });

  it('stop at once when their key is revoked, and the key mints no more (401)', async () => {
    const doomed = await createKey({ name: 'Old portal', allowedOrigins: [PORTAL] });
    const token = await embedToken({}, doomed.secret);
    expect((await query(token, PORTAL)).status).toBe(200);
    const revoke = await api.call('DELETE', `/api/v1/embed/keys/${doomed.key.id}`, { token: admin });
    expect(revoke.status).toBe(200);
    expect((revoke.body as KeyAnswer['key']).revokedAt).not.toBeNull();
    const again = await api.call('DELETE', `/api/v1/embed/keys/${doomed.key.id}`, { token: admin });
    expect(again.status).toBe(409);

    const minted = await mint(doomed.secret);
    expect(minted.status).toBe(401);
    expect((minted.body as ErrorAnswer).error.message).toMatch(/revoked/);
    const used = await query(token, PORTAL);
    expect(used.status).toBe(401);
    expect((used.body as ErrorAnswer).error.message).toMatch(/revoked/);
  });

  it('leave normal api tokens unaffected', async () => {
    const normal = await api.token(FIXTURE.resellerA, ['ADMIN']);
    expect((await query(normal)).status).toBe(200);
    // From an origin no key allows, the API still answers, but the browser gets no CORS consent.
    const foreign = await query(normal, EVIL);
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect((await api.call('GET', '/api/v1/me', { token: normal })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/embed/keys', { token: normal })).status).toBe(200);
  });
});

describe('CORS preflight', () => {
  const preflight = (origin: string, method = 'POST', path = QUERY) =>
    api.app.request(path, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });

  it('consents to allowed origins exactly, never with a wildcard or credentials', async () => {
    const res = await preflight(PORTAL);
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(PORTAL);
    expect(res.headers.get('Access-Control-Allow-Methods')).toMatch(/POST/);
    expect(res.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(res.headers.get('Vary')).toMatch(/Origin/);
  });

  it('refuses other origins, other methods and other paths', async () => {
    const evil = await preflight(EVIL);
    expect(evil.status).toBe(403);
    expect(evil.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const del = await preflight(PORTAL, 'DELETE');
    expect(del.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const keys = await preflight(PORTAL, 'GET', '/api/v1/embed/keys');
    expect(keys.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(keys.status).not.toBe(204);
  });
});

describe('audit', () => {
  it('records key creation, revocation and every minted session', async () => {
    const rows = await withSystem(api.db.db, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.orgId, FIXTURE.resellerA)),
    );
    const actions = rows.map((r) => r.action);
    expect(actions).toContain('embed-key.create');
    expect(actions).toContain('embed-key.revoke');
    const session = rows.find((r) => r.action === 'embed-session.create');
    expect(session?.actorUserId).toMatch(/^api-key:ck_/);
    expect(session?.entityId).toBe(`${FIXTURE.resellerA}-admin`);
  });
});
