import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig, signToken } from '@cascade/api';
import { FIXTURE, seedFixture } from '@cascade/api/testing';
import { accounts, openDatabase, withSystem } from '@cascade/db';
import { Miniflare } from 'miniflare';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdge } from './build-edge';

/**
 * The edge entry, bundled as for deployment and run in workerd (miniflare) against the real
 * PostgreSQL. PGlite cannot be reached from workerd (it lives inside a Node process), so on the
 * embedded database this test has nothing to talk to and is skipped.
 */
const adminUrl = process.env.TEST_DATABASE_URL;
const reason = 'needs TEST_DATABASE_URL: workerd reaches PostgreSQL over TCP, never the in-process PGlite';

describe.skipIf(!adminUrl)(
  `edge entry in workerd (${adminUrl ? 'PostgreSQL' : `skipped: ${reason}`})`,
  () => {
    const secret = 'edge-test-secret-of-enough-length';
    const name = `cascade_edge_${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
    let dbUrl: string;
    let mf: Miniflare;
    let outfile: string;

    beforeAll(async () => {
      const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end({ timeout: 5 });
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      dbUrl = url.toString();
      // Migrate and seed from Node, as a deploy step would: the edge never migrates.
      const handle = await openDatabase({ url: dbUrl, max: 1 });
      await seedFixture(handle.db);
      await withSystem(handle.db, (tx) =>
        tx.insert(accounts).values({
          distributorId: 'd1',
          resellerId: FIXTURE.resellerA,
          orgId: FIXTURE.customerA,
          id: 'edge-acc',
          issuerOrgId: FIXTURE.resellerA,
          name: 'Customer of A (EUR)',
          currency: 'EUR',
        }),
      );
      await handle.close();

      outfile = fileURLToPath(new URL(`../dist/edge-test/${name}.js`, import.meta.url));
      await buildEdge(outfile);
      mf = new Miniflare({
        modules: true,
        scriptPath: outfile,
        compatibilityDate: '2026-04-01',
        compatibilityFlags: ['nodejs_compat'],
        bindings: { DATABASE_URL: dbUrl, JWT_SECRET: secret, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      });
      await mf.ready;
    });

    afterAll(async () => {
      await mf?.dispose();
      if (outfile) rmSync(outfile, { force: true });
      const admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    });

    it('answers /api/health from PostgreSQL', async () => {
      const res = await mf.dispatchFetch('http://edge.test/api/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', database: 'postgres' });
    });

    it('answers an authenticated read, with the tenant from the token', async () => {
      const token = await signToken(secret, { sub: 'd1-ra-admin', org: FIXTURE.resellerA, roles: ['ADMIN'] });
      const res = await mf.dispatchFetch('http://edge.test/api/v1/me', {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        user: { id: 'd1-ra-admin', name: 'Reseller A Admin' },
        organization: { id: FIXTURE.resellerA, kind: 'RESELLER' },
        tenantKind: 'RESELLER',
      });
      const orgs = await mf.dispatchFetch('http://edge.test/api/v1/organizations', {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(((await orgs.json()) as { rows: { id: string }[] }).rows.map((r) => r.id).sort()).toEqual([
        'd1-ra',
        'd1-ra-c1',
      ]);
    });

    it('creates an embed API key and mints an embed token with it (WebCrypto hashing in workerd)', async () => {
      const admin = await signToken(secret, { sub: 'd1-ra-admin', org: FIXTURE.resellerA, roles: ['ADMIN'] });
      const origin = 'https://portal.example.com';
      const created = await mf.dispatchFetch('http://edge.test/api/v1/embed/keys', {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Edge portal', allowedOrigins: [origin] }),
      });
      expect(created.status).toBe(201);
      const { secret: key } = (await created.json()) as { secret: string };
      const minted = await mf.dispatchFetch('http://edge.test/api/v1/embed/sessions', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: 'd1-ra-admin', widgets: ['customer-charges'], origins: [origin] }),
      });
      expect(minted.status).toBe(200);
      const { token } = (await minted.json()) as { token: string };
      const rows = await mf.dispatchFetch('http://edge.test/api/v1/customer-charges/query', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Origin: origin },
        body: JSON.stringify({ startRow: 0, endRow: 5 }),
      });
      expect(rows.status).toBe(200);
      expect(rows.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it('refuses a bad token with the one error shape', async () => {
      const res = await mf.dispatchFetch('http://edge.test/api/v1/me', {
        headers: { Authorization: 'Bearer a.b.c' },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    });

    it('renders a PDF with pdfkit in workerd (no document storage at the edge: generated each time)', async () => {
      const token = await signToken(secret, { sub: 'd1-ra-admin', org: FIXTURE.resellerA, roles: ['ADMIN'] });
      const res = await mf.dispatchFetch(
        'http://edge.test/api/v1/accounts/edge-acc/statement/pdf?from=2026-01-01&to=2026-01-31',
        { headers: { Authorization: `Bearer ${token}` } },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('x-document-source')).toBe('generated');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
      expect(bytes.byteLength).toBeGreaterThan(1000);
    });

    it('uses the same configuration rules: production hides demo sign-in', async () => {
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret.repeat(2) }).isProduction).toBe(true);
      const res = await mf.dispatchFetch('http://edge.test/api/v1/auth/demo-users');
      expect(res.status).toBe(404);
    });
  },
);

describe('edge bundle', () => {
  it.skipIf(!!adminUrl)(`is exercised in workerd only on PostgreSQL (${reason})`, () => {});
});
