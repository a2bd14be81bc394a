/**
 * Concurrency on the real PostgreSQL: 50 parallel payments, refunds and links against one account
 * give the same result as some serial order. The order is the one the account's row lock imposed
 * (the order of each request's first ledger entry: entries are numbered while the lock is held);
 * replaying the successful requests in that order through billing-core's pure ledger must accept
 * every one of them and end in exactly the stored state (no lost update, nothing doubled).
 */
import {
  applyResult,
  checkLedger,
  type LedgerResult,
  type LedgerState,
  linkToInvoice,
  recordPayment,
  refund,
  summarize,
} from '@cascade/billing-core';
import { openDatabase, queryRows, withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logging';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { loadHistory } from './history';
import { createAccount, createCashDesk, createClient, issueInvoice } from './testing';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;
const DATE = '2026-04-01';

let api: TestApi;

beforeAll(async () => {
  if (!onPostgres) return;
  api = await createTestApi();
});
afterAll(() => api?.close());

type Planned =
  | { kind: 'PAY'; amount: string }
  | { kind: 'REFUND'; amount: string }
  | { kind: 'LINK'; sourceId: string; invoiceId: string; amount?: string };

describe.skipIf(!onPostgres)('ledger: concurrency (PostgreSQL only: PGlite has a single connection)', () => {
  it('50 parallel payments, refunds and links on one account equal a serial order', async () => {
    const db = api.db.db;
    await createCashDesk(db, D, RA, 'conc-desk');
    await createClient(db, D, RA, 'conc-client');
    const acc = await createAccount(db, {
      distributorId: D,
      clientOrgId: 'conc-client',
      issuerOrgId: RA,
      id: 'conc-acc',
    });
    const token = await api.token(RA);
    // A second connection pool so that the 50 requests really run side by side.
    const url = new URL(process.env.TEST_DATABASE_URL!);
    const dbName = await queryRows<{ name: string }>(db, sql`select current_database() as name`);
    url.pathname = `/${dbName[0]!.name}`;
    const wide = await openDatabase({ url: url.toString(), migrate: false, max: 20 });
    const app = createApp({
      db: wide.db,
      dbKind: 'postgres',
      config: loadConfig({ NODE_ENV: 'test' }),
      logger: createLogger('silent'),
    });
    const post = async (path: string, body: unknown) => {
      const res = await app.request(path, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': `conc-${crypto.randomUUID()}`,
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { id: string; error?: unknown } };
    };
    try {
      // Two payments to link from, then open invoices that use up part of the balance.
      const sources: string[] = [];
      for (const amount of ['40.00', '40.00']) {
        const r = await post(`/api/v1/accounts/${acc}/payments`, {
          amount,
          currency: 'EUR',
          cashDeskId: 'conc-desk',
          method: 'CASH',
          date: DATE,
        });
        expect(r.status).toBe(201);
        sources.push(r.body.id);
      }
      const invoices: string[] = [];
      for (let i = 0; i < 12; i++) {
        invoices.push(
          await issueInvoice(db, {
            accountId: acc,
            total: `${15 + i}.00`,
            date: `2026-03-${String(10 + i).padStart(2, '0')}`,
          }),
        );
      }
      const before = await withSystem(db, (tx) => loadHistory(tx, D, [acc]));

      let seed = 42;
      const rnd = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      const planned: Planned[] = Array.from({ length: 50 }, (_, i) => {
        if (i % 5 < 2)
          return { kind: 'PAY', amount: `${5 + rnd(30)}.${rnd(100).toString().padStart(2, '0')}` };
        if (i % 5 < 4) return { kind: 'REFUND', amount: `${1 + rnd(15)}.00` };
        return {
          kind: 'LINK',
          sourceId: sources[rnd(2)]!,
          invoiceId: invoices[rnd(invoices.length)]!,
          ...(rnd(2) ? { amount: `${1 + rnd(10)}.00` } : {}),
        };
      });
      const results = await Promise.all(
        planned.map((p) =>
          p.kind === 'PAY'
            ? post(`/api/v1/accounts/${acc}/payments`, {
                amount: p.amount,
                currency: 'EUR',
                cashDeskId: 'conc-desk',
                method: 'CASH',
                date: DATE,
              })
            : p.kind === 'REFUND'
              ? post(`/api/v1/accounts/${acc}/refunds`, { amount: p.amount, currency: 'EUR', date: DATE })
              : post(`/api/v1/invoices/${p.invoiceId}/links`, {
                  sourceId: p.sourceId,
                  date: DATE,
                  ...(p.amount ? { amount: p.amount } : {}),
                }),
        ),
      );
      for (const r of results) expect([201, 422], JSON.stringify(r.body)).toContain(r.status);
      const succeeded = results.flatMap((r, i) =>
        r.status === 201 ? [{ plan: planned[i]!, id: r.body.id }] : [],
      );
      expect(succeeded.length).toBeGreaterThan(10);

      // The serial order the lock imposed: each request's first ledger entry.
      const order = await queryRows<{ document_id: string; first: string }>(
        db,
        sql`select document_id, min(id)::text as first from ledger_entries where account_id = ${acc}
          group by document_id`,
      );
      const firstEntry = new Map(order.map((o) => [o.document_id, BigInt(o.first)]));
      succeeded.sort((a, b) => {
        const x = firstEntry.get(a.id)!;
        const y = firstEntry.get(b.id)!;
        return x < y ? -1 : x > y ? 1 : 0;
      });

      let model: LedgerState = before;
      for (const { plan, id } of succeeded) {
        let result: LedgerResult;
        if (plan.kind === 'PAY') {
          result = recordPayment(model, {
            id,
            accountId: acc,
            date: DATE,
            amount: plan.amount,
            currency: 'EUR',
            cashDeskId: 'conc-desk',
            method: 'CASH',
          });
        } else if (plan.kind === 'REFUND') {
          result = refund(model, { id, accountId: acc, date: DATE, amount: plan.amount, currency: 'EUR' });
        } else {
          result = linkToInvoice(model, {
            id,
            accountId: acc,
            date: DATE,
            sourceId: plan.sourceId,
            invoiceId: plan.invoiceId,
            amount: plan.amount,
          });
        }
        expect(result.ok, `${plan.kind} ${id} in serial order: ${JSON.stringify(result)}`).toBe(true);
        model = applyResult(model, result);
      }
      const after = await withSystem(db, (tx) => loadHistory(tx, D, [acc]));
      expect(checkLedger(after, after.stored)).toEqual([]);
      const m = summarize(model);
      const real = summarize(after);
      expect(m.balances.get(acc)!.equals(after.stored[acc]!)).toBe(true);
      expect(real.balances.get(acc)!.equals(after.stored[acc]!)).toBe(true);
      for (const [id, inv] of Object.entries(after.invoices)) {
        expect([m.invoices.get(id)?.status, m.invoices.get(id)?.due.toFixed(2)], id).toEqual([
          inv.status,
          Number(inv.due).toFixed(2),
        ]);
      }
      // Same documents, same ids: the replay produced exactly what the database holds.
      expect(new Set(model.documents.map((d) => d.id))).toEqual(new Set(after.documents.map((d) => d.id)));
    } finally {
      await wide.close();
    }
  }, 120_000);
});

describe.skipIf(onPostgres)('ledger: concurrency', () => {
  it.skip('runs on PostgreSQL only: PGlite has one connection, so there is nothing concurrent to test', () => {});
});
