/**
 * Crash test: a process killed (SIGKILL) in the middle of a settlement, after the payment row is
 * written and before commit, leaves the ledger as it was; the retry with the same Idempotency-Key
 * applies the payment and its settlement once, and a second retry only replays the answer.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLedger } from '@cascade/billing-core';
import { type Database, openDatabase, queryRows, withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { signToken } from '../../platform/auth';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logging';
import { createTestApi, FIXTURE, seedFixture, type TestApi } from '../../testing';
import { loadHistory } from './history';
import { createAccount, createCashDesk, createClient, issueInvoice } from './testing';

const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;
const config = loadConfig({ NODE_ENV: 'test' });
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

let api: TestApi | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  await api?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function prepare(db: Database) {
  await createCashDesk(db, D, RA, 'crash-desk');
  await createClient(db, D, RA, 'crash-client');
  await createAccount(db, {
    distributorId: D,
    clientOrgId: 'crash-client',
    issuerOrgId: RA,
    id: 'crash-acc',
  });
  for (const [total, date] of [
    ['30.00', '2026-01-01'],
    ['20.00', '2026-01-02'],
    ['90.00', '2026-01-03'],
  ] as const) {
    await issueInvoice(db, { accountId: 'crash-acc', total, date });
  }
}

function runChild(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    // node itself (not the tsx wrapper), so that SIGKILL hits the process holding the connection.
    const p = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`child never paused: ${out} ${err}`));
    }, 60_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('PAUSED')) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (out.includes('PAUSED') && signal === 'SIGKILL') resolve(out);
      else reject(new Error(`child ended without pausing (${signal}): ${out} ${err}`));
    });
  });
}

async function state(db: Database) {
  return withSystem(db, async (tx) => {
    const h = await loadHistory(tx, D, ['crash-acc']);
    const [counts] = await queryRows<{ payments: number; keys: number; links: number }>(
      tx,
      sql`select (select count(*) from payments where account_id = 'crash-acc')::int as payments,
        (select count(*) from idempotency_keys where key = 'crash-key-0001')::int as keys,
        (select count(*) from allocations where account_id = 'crash-acc')::int as links`,
    );
    return { h, counts: counts! };
  });
}

describe('ledger: crash in the middle of a settlement', () => {
  it('leaves the ledger consistent; the retry with the same key completes it once', async () => {
    const token = await signToken(config.jwtSecret, {
      sub: `${RA}-admin`,
      org: RA,
      roles: ['ADMIN'],
      aud: 'api',
    });
    const body = JSON.stringify({
      amount: '60.00',
      currency: 'EUR',
      cashDeskId: 'crash-desk',
      method: 'CASH',
      date: '2026-02-01',
    });
    const request = {
      CRASH_TOKEN: token,
      CRASH_PATH: '/api/v1/accounts/crash-acc/payments',
      CRASH_KEY: 'crash-key-0001',
      CRASH_BODY: body,
    };
    let db: Database;
    let close: () => Promise<void>;
    if (process.env.TEST_DATABASE_URL) {
      api = await createTestApi();
      await prepare(api.db.db);
      const [name] = await queryRows<{ name: string }>(api.db.db, sql`select current_database() as name`);
      const url = new URL(process.env.TEST_DATABASE_URL);
      url.pathname = `/${name!.name}`;
      await runChild({ ...request, CRASH_DB_URL: url.toString() });
      db = api.db.db;
      close = async () => {};
    } else {
      // PGlite: the child works on a database folder, which the test reopens after the kill.
      dataDir = await mkdtemp(join(tmpdir(), 'cascade-crash-'));
      const first = await openDatabase({ dataDir });
      await seedFixture(first.db);
      await prepare(first.db);
      await first.close();
      await runChild({ ...request, CRASH_DATA_DIR: dataDir });
      const reopened = await openDatabase({ dataDir });
      db = reopened.db;
      close = () => reopened.close();
    }
    try {
      const crashed = await state(db);
      expect(crashed.counts).toEqual({ payments: 0, keys: 0, links: 0 });
      expect(crashed.h.stored['crash-acc']).toBe('0.0000');
      expect(checkLedger(crashed.h, crashed.h.stored)).toEqual([]);

      const app = createApp({
        db,
        dbKind: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
        config,
        logger: createLogger('silent'),
      });
      const retry = () =>
        app.request(request.CRASH_PATH, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Idempotency-Key': request.CRASH_KEY,
          },
          body,
        });
      // Until PostgreSQL has noticed the dead client and rolled its transaction back, the key is
      // still held: a retry is told 409 (in progress) and tries again, as a client would.
      let first = await retry();
      for (let i = 0; first.status === 409 && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 100));
        first = await retry();
      }
      expect(first.status).toBe(201);
      const firstBody = (await first.json()) as {
        links: { amount: string }[];
        balances: Record<string, string>;
      };
      expect(firstBody.links.map((l) => l.amount)).toEqual(['30.00', '20.00']);
      expect(firstBody.balances['crash-acc']).toBe('10.00');
      const second = await retry();
      expect(second.status).toBe(201);
      expect(second.headers.get('Idempotent-Replayed')).toBe('true');
      expect(await second.json()).toEqual(firstBody);

      const done = await state(db);
      expect(done.counts).toEqual({ payments: 1, keys: 1, links: 2 });
      expect(done.h.stored['crash-acc']).toBe('10.0000');
      expect(checkLedger(done.h, done.h.stored)).toEqual([]);
    } finally {
      await close();
    }
  }, 120_000);
});
