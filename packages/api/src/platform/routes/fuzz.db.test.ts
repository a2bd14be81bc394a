import { withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../modules';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { ROLES } from '../auth';
import { errorBodySchema } from '../errors';
import { rowsOf } from '../idempotency';

/**
 * Every route of the table, hit with random and malformed params, query strings, bodies, headers
 * and tokens: no answer is a 5xx, every failure has the one error shape, a request whose body is
 * malformed always fails with a 4xx, and nothing is ever written.
 */
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

/** A fingerprint of every table: any insert, update or delete anywhere changes it. */
const snapshot = () =>
  withSystem(api.db.db, async (tx) => {
    const tables = rowsOf<{ name: string }>(
      await tx.execute(
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
      ),
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = rowsOf<{ n: string | number; h: string | null }>(
        await tx.execute(
          sql.raw(
            `select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from "${name}" t`,
          ),
        ),
      );
      out[name] = `${row?.n}:${row?.h}`;
    }
    return out;
  });

const orgIds = Object.values(FIXTURE);
const now = () => Math.floor(Date.now() / 1000);

type TokenCase = { header: string | undefined; valid: boolean };
const bearer = (valid: boolean) => (p: Promise<string>) =>
  p.then((t): TokenCase => ({ header: `Bearer ${t}`, valid }));
const raw = (header: string | undefined): Promise<TokenCase> => Promise.resolve({ header, valid: false });

/** From no token through garbage to valid tokens of real organizations with random roles. */
const tokenArb = fc.oneof(
  // Often a valid ADMIN token, mostly the distributor's: to get past the guards to validation.
  {
    arbitrary: fc
      .constantFrom(FIXTURE.distributor, FIXTURE.distributor, ...orgIds)
      .map((org) => bearer(true)(api.token(org, ['ADMIN']))),
    weight: 8,
  },
  fc.constant(undefined).map(raw),
  fc.string({ maxLength: 60 }).map(raw),
  fc.string({ maxLength: 40 }).map((s) => raw(`Bearer ${s}`)),
  fc.constant('Bearer a.b.c').map(raw),
  fc
    .record({
      org: fc.constantFrom(...orgIds, 'nope', ''),
      aud: fc.constantFrom('api', 'embed', 'x'),
      // Expired, or valid for long enough: nothing that expires during the request.
      exp: fc.oneof(fc.integer({ min: -3600, max: 0 }), fc.integer({ min: 60, max: 3600 })),
    })
    .map(({ org, aud, exp }) =>
      bearer(orgIds.includes(org as never) && aud === 'api' && exp > 0)(
        sign({ sub: 'u', org, roles: ['ADMIN'], aud, exp: now() + exp }, api.config.jwtSecret, 'HS256'),
      ),
    ),
  fc
    .record({ org: fc.constantFrom(...orgIds), roles: fc.subarray([...ROLES]) })
    .map(({ org, roles }) => bearer(true)(api.token(org, roles))),
  fc
    .constantFrom(...orgIds)
    .map((org) =>
      bearer(false)(
        sign(
          { sub: 'u', org, roles: ['ADMIN'], aud: 'api', exp: now() + 60 },
          'wrong-secret-xxxxxxxx',
          'HS256',
        ),
      ),
    ),
  fc
    .constantFrom(...orgIds)
    .map((org) =>
      bearer(false)(
        sign({ sub: 'u', org, roles: ['ROOT'], aud: 'api', exp: now() + 60 }, api.config.jwtSecret, 'HS256'),
      ),
    ),
);

const segment = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    'DEBIT',
    'CREDIT',
    'PAID',
    'UNPAID',
    'CANCELED',
    ...orgIds,
    '..',
    '%',
    '%E0%A4%A',
    'a\u0000b', // U+0000: PostgreSQL's text cannot hold it

    ' ',
    'null',
    '0',
    '-1',
  ),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const RAW_SEGMENT = /^%|^\.\.$/;
const encodeSegment = (s: string) => (RAW_SEGMENT.test(s) ? s : encodeURIComponent(s));

/** The query object Hono hands the validator: repeated keys become arrays. */
function queryObject(pairs: [string, string][]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const queryArb = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom('startRow', 'endRow', 'kind', 'parentId', 'x'), fc.string({ maxLength: 8 })),
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('-1', '1e3', '0x10', '99999999999', '5000', 'RESELLER', '', 'RESELLER\u0000'),
    ),
  ),
  { maxLength: 4 },
);

/** Bodies: random JSON, JSON of the wrong type, or not JSON at all. */
const bodyArb = fc.oneof(
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => ({ raw: JSON.stringify(v) ?? 'null', value: v as unknown, json: true })),
  fc
    .record({
      description: fc.oneof(
        fc.integer(),
        fc.constant(''),
        fc.constant(null),
        fc.string({ minLength: 201, maxLength: 260 }),
      ),
    })
    .map((v) => ({ raw: JSON.stringify(v), value: v as unknown, json: true })),
  fc
    .record({ description: fc.string({ maxLength: 20 }), code: fc.string() })
    .map((v) => ({ raw: JSON.stringify(v), value: v as unknown, json: true })),
  fc
    .constantFrom('{', '{"a":', '[1,', 'nul', '\u0000', '{"description":"x"}}')
    .map((raw) => ({ raw, value: undefined as unknown, json: false })),
);

const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);
const methodArb = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');

describe('fuzzing every route of the table', () => {
  it('never answers 5xx, always in the one error shape, and never writes', async () => {
    const before = await snapshot();
    const seen = new Map<string, Set<number>>();
    for (const route of routes) {
      if (route.enabled && !route.enabled(api.config)) continue;
      const label = `${route.method} ${route.path}`;
      seen.set(label, new Set());
      await fc.assert(
        fc.asyncProperty(
          tokenArb,
          fc.array(segment, { minLength: 3, maxLength: 3 }),
          queryArb,
          bodyArb,
          contentTypeArb,
          fc.oneof(fc.constant(route.method), methodArb),
          fc.option(fc.string({ maxLength: 40 })),
          async (tokenP, segs, query, body, contentType, method, idemKey) => {
            const token = await tokenP;
            const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
            const params = Object.fromEntries(names.map((n, j) => [n, segs[j] ?? '']));
            // Another route of the same path with this method is fuzzed on its own turn.
            if (method !== route.method && routes.some((r) => r.method === method && r.path === route.path))
              return;
            // A `..` segment lands on some other path (URL normalization): no prediction there,
            // and for a writing route it may be another route's well-formed request.
            const escapes = names.some((n) => params[n] === '..');
            if (escapes && route.method !== 'GET') return;
            const refused =
              !escapes &&
              ((route.auth !== 'public' && !token.valid) ||
                method !== route.method ||
                (route.request?.body && !(body.json && route.request.body.safeParse(body.value).success)) ||
                (route.request?.query && !route.request.query.safeParse(queryObject(query)).success) ||
                // An empty segment matches no route; a raw `%…` reaches the route undecoded.
                names.some((n) => (params[n] ?? '') === '') ||
                (route.request?.params && !route.request.params.safeParse(params).success));
            // A well-formed request from an authorized caller may legitimately change something:
            // writing routes are fuzzed only with requests that something is wrong with.
            if (route.method !== 'GET' && !refused) return;
            let i = 0;
            const path = route.path.replace(/:(\w+)/g, () => encodeSegment(segs[i++] ?? ''));
            const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
            const headers: Record<string, string> = {};
            if (token.header !== undefined) headers.Authorization = token.header;
            if (contentType) headers['Content-Type'] = contentType;
            if (idemKey !== null) headers['Idempotency-Key'] = idemKey;
            const hasBody = method !== 'GET' && method !== 'OPTIONS';
            let res: Response;
            try {
              res = await api.app.request(`${path}${qs ? `?${qs}` : ''}`, {
                method,
                headers,
                body: hasBody ? body.raw : undefined,
              });
            } catch {
              // The request itself could not be built (e.g. an invalid header value): not a server answer.
              return;
            }
            seen.get(label)!.add(res.status);
            expect(res.status, `${method} ${path}?${qs}`).toBeLessThan(500);
            const text = await res.text();
            if (res.status >= 400) {
              expect(errorBodySchema.safeParse(JSON.parse(text)).success, text).toBe(true);
            }
            // Anything wrong with the request: a 4xx, whatever the route.
            if (refused)
              expect(res.status, `${method} ${path}?${qs} ${body.raw}`).toBeGreaterThanOrEqual(400);
          },
        ),
        { numRuns: 100 },
      );
      // Random cases reach a guarded route's validation only now and then: make sure once, with a
      // body no schema accepts, sent by each organization with every role.
      // A writing route without a body (a DELETE by id) is probed with an id that names nothing.
      const pastAuth = [...seen.get(label)!].some((st) => st !== 401 && st !== 405);
      if ((route.request?.body && !seen.get(label)!.has(400)) || (!pastAuth && route.path.includes(':'))) {
        const path = route.path.replace(/:(\w+)/g, 'fuzz-probe-nothing');
        for (const org of orgIds) {
          const res = await api.app.request(path, {
            method: route.method,
            headers: {
              Authorization: `Bearer ${await api.token(org, [...ROLES])}`,
              'Content-Type': 'application/json',
              'Idempotency-Key': 'fuzz-probe-0001',
            },
            body: route.request?.body ? '[]' : undefined,
          });
          seen.get(label)!.add(res.status);
          expect(res.status, `${route.method} ${path} []`).toBeGreaterThanOrEqual(400);
          expect(res.status, `${route.method} ${path} []`).toBeLessThan(500);
        }
      }
    }
    if (process.env.FUZZ_REPORT) console.log(JSON.stringify([...seen].map(([l, s]) => [l, [...s].sort()])));
    expect(await snapshot()).toEqual(before);
    // The fuzzing reached past authentication on every route, not only the 401 wall.
    for (const route of routes) {
      const statuses = [...(seen.get(`${route.method} ${route.path}`) ?? [])];
      expect(
        statuses.some((s) => s !== 401 && s !== 405),
        `${route.path}: ${statuses}`,
      ).toBe(true);
      if (route.request?.body) expect(statuses, `${route.path} reached validation`).toContain(400);
    }
  });
});
