import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, start } from './node';

/**
 * The Node entry as `pnpm start` runs it (without the UI build): configuration, database, demo
 * seed, API and UIs on one port, and a clean stop. PGlite in a temporary DATA_DIR, or a fresh
 * PostgreSQL database when TEST_DATABASE_URL is set.
 */
const adminUrl = process.env.TEST_DATABASE_URL;
const name = `cascade_node_${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cascade-node-'));
const port = 20000 + Math.floor(Math.random() * 20000);
let server: StartedServer;

beforeAll(async () => {
  const env: Record<string, string> = { PORT: String(port), LOG_LEVEL: 'silent', DATA_DIR: dataDir };
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end({ timeout: 5 });
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }
  server = await start(env);
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
});

describe('node entry', () => {
  it('answers health on its port', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(await res.json()).toEqual({ status: 'ok', database: adminUrl ? 'postgres' : 'pglite' });
  });

  it('seeds the demo so that a demo user can sign in and read', async () => {
    const users = (await (await fetch(`${server.url}/api/v1/auth/demo-users`)).json()) as {
      rows: { id: string }[];
    };
    expect(users.rows.length).toBeGreaterThan(0);
    const signIn = await fetch(`${server.url}/api/v1/auth/demo-sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: users.rows[0]!.id }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    const orgs = await fetch(`${server.url}/api/v1/organizations`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await orgs.json()) as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
  });

  it('keeps API errors as JSON and other paths for the UIs', async () => {
    const api = await fetch(`${server.url}/api/v1/nothing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await fetch(`${server.url}/api/docs`)).headers.get('Content-Type')).toMatch(/html/);
  });

  it('runs the third-party portal demo on PORT+1, minting embed tokens with the seeded demo key', async () => {
    const portal = `http://localhost:${port + 1}`;
    const page = await fetch(`${portal}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain(
      `connect-src 'self' http://localhost:${port}`,
    );
    expect(await page.text()).toContain(`api-base-url="http://localhost:${port}/api"`);
    const minted = await fetch(`${portal}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ widgets: ['customer-charges'] }),
    });
    expect(minted.status).toBe(200);
    const { token } = (await minted.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ aud: 'embed', org: 'reseller-standard', origins: [portal] });
    const rows = await fetch(`${server.url}/api/v1/customer-charges/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Origin: portal },
      body: JSON.stringify({ startRow: 0, endRow: 5 }),
    });
    expect(rows.status).toBe(200);
    expect(rows.headers.get('Access-Control-Allow-Origin')).toBe(portal);
  });
});
