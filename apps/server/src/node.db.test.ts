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
});
