/**
 * Payments sharing transactions (group commit, `Batchable` in platform/idempotency): concurrent
 * payments of one tenant on distinct accounts are locked, decided and written together, and each
 * request is answered exactly as it would be alone: its refusal, its key's replay, or its payment
 * written once. A batch that fails in the database leaves nothing, and its requests run again
 * alone. On PGlite too: the batches form in the process, whatever the connection.
 */
import { checkLedger } from '@cascade/billing-core';
import { queryRows, withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { loadHistory } from './history';
import { createAccount, createCashDesk, createClient, issueInvoice } from './testing';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;
const DATE = '2026-05-01';

let api: TestApi;
let token: string;

beforeAll(async () => {
  api = await createTestApi();
  token = await api.token(RA);
  await createCashDesk(api.db.db, D, RA, 'batch-desk');
});
afterAll(() => api?.close());

async function accountWithInvoices(id: string, totals: string[]): Promise<string[]> {
  await createClient(api.db.db, D, RA, `${id}-client`);
  await createAccount(api.db.db, { distributorId: D, clientOrgId: `${id}-client`, issuerOrgId: RA, id });
  const invoices: string[] = [];
  for (const [i, total] of totals.entries()) {
    invoices.push(await issueInvoice(api.db.db, { accountId: id, total, date: `2026-01-0${i + 1}` }));
  }
  return invoices;
}

function pay(accountId: string, body: Record<string, unknown>, key = `batch-${crypto.randomUUID()}`) {
  return api.call('POST', `/api/v1/accounts/${accountId}/payments`, {
    token,
    headers: { 'Idempotency-Key': key },
    body: { currency: 'EUR', cashDeskId: 'batch-desk', method: 'CASH', date: DATE, ...body },
  });
}

async function ledgerOf(accountIds: string[]) {
  return withSystem(api.db.db, async (tx) => {
    const history = await loadHistory(tx, D, accountIds);
    return { history, problems: checkLedger(history, history.stored) };
  });
}

describe('ledger: payments sharing transactions', () => {
  it('answers each payment of a burst as it would alone, and writes each once', async () => {
    const accounts = Array.from({ length: 6 }, (_, i) => `batch-acc-${i}`);
    const invoices = new Map<string, string[]>();
    for (const a of accounts) invoices.set(a, await accountWithInvoices(a, ['10.00', '10.00', '10.00']));
    // A completed payment whose key the burst uses again: once the same (a replay), once not.
    // One more whose payment reaches past the first page of open invoices (4).
    const wide = await accountWithInvoices('batch-wide', [
      '10.00',
      '10.00',
      '10.00',
      '10.00',
      '10.00',
      '10.00',
    ]);
    const earlier = await pay(accounts[0]!, { amount: '1.00' }, 'batch-earlier-key');
    expect(earlier.status).toBe(201);

    const burst = await Promise.all([
      // Two payments per account: the second waits for a later transaction.
      ...accounts.flatMap((a) => [pay(a, { amount: '10.00' }), pay(a, { amount: '15.00' })]),
      pay(accounts[1]!, { amount: '5.00', cashDeskId: 'no-such-desk' }),
      pay('no-such-account', { amount: '5.00' }),
      pay(accounts[2]!, { amount: '5.00', currency: 'USD' }),
      pay(accounts[0]!, { amount: '1.00' }, 'batch-earlier-key'),
      // The same key at the same time: in progress (the replay above holds it).
      pay(accounts[3]!, { amount: '2.00' }, 'batch-earlier-key'),
      pay('batch-wide', { amount: '60.00' }),
    ]);
    const [noDesk, noAccount, wrongCurrency, replay, busy] = burst.slice(12);
    expect(busy!.status).toBe(409);
    expect(burst[17]!.status).toBe(201);
    const wideLedger = await ledgerOf(['batch-wide']);
    expect(wide.map((id) => wideLedger.history.invoices[id]?.status)).toEqual(Array(6).fill('PAID'));
    const reused = await pay(accounts[3]!, { amount: '2.00' }, 'batch-earlier-key');
    for (const r of burst.slice(0, 12)) expect(r.status).toBe(201);
    expect(noDesk!.status).toBe(422);
    expect(noAccount!.status).toBe(404);
    expect(wrongCurrency!.status).toBe(422);
    expect(replay!.status).toBe(201);
    expect(replay!.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay!.body).toEqual(earlier.body);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });

    // Every account got its two payments (25.00, and 1.00 before on the first): the first two
    // invoices paid, oldest first, the rest on the balance; nothing refused was written.
    const { history, problems } = await ledgerOf(accounts);
    expect(problems).toEqual([]);
    for (const a of accounts) {
      const [first, second, third] = invoices.get(a)!;
      expect(history.invoices[first!]?.status).toBe('PAID');
      expect(history.invoices[second!]?.status).toBe('PAID');
      expect(history.invoices[third!]?.status).toBe('UNPAID');
      expect(Number(history.stored[a])).toBe(a === accounts[0] ? 6 : 5);
    }
    const [counts] = await queryRows<{
      payments: number;
      keys: number;
      audits: number;
      transactions: number;
    }>(
      api.db.db,
      sql`select (select count(*) from payments where account_id like 'batch-acc-%')::int as payments,
        (select count(*) from idempotency_keys where key like 'batch-%')::int as keys,
        (select count(*) from audit_log where action = 'payment.create'
          and entity_id in (select id from payments where account_id like 'batch-acc-%'))::int as audits,
        (select count(distinct xmin::text) from payments where account_id like 'batch-acc-%')::int as transactions`,
    );
    // The keys: these 13 and the wide account's payment.
    expect(counts).toMatchObject({ payments: 13, keys: 14, audits: 13 });
    // They did share: fewer transactions than payments.
    expect(counts!.transactions).toBeLessThan(13);
  });

  it('runs the requests of a batch that fails in the database again alone', async () => {
    const accounts = Array.from({ length: 4 }, (_, i) => `batch-fail-${i}`);
    for (const a of accounts) await accountWithInvoices(a, ['10.00']);
    // A payment the rule accepts but the database refuses: its batch fails as a whole.
    await withSystem(api.db.db, async (tx) => {
      await tx.execute(sql`create function batch_test_refuse() returns trigger language plpgsql as $$
        begin if new.reference = 'refuse-me' then raise exception 'refused by the test'; end if; return new; end $$`);
      await tx.execute(sql`create trigger batch_test_refuse before insert on payments
        for each row execute function batch_test_refuse()`);
    });
    try {
      const answers = await Promise.all(
        accounts.map((a, i) => pay(a, { amount: '10.00', reference: i === 2 ? 'refuse-me' : `ok-${i}` })),
      );
      expect(answers.map((r) => r.status)).toEqual([201, 201, 500, 201]);
      const { history, problems } = await ledgerOf(accounts);
      expect(problems).toEqual([]);
      const [counts] = await queryRows<{ payments: number; refused: number }>(
        api.db.db,
        sql`select (select count(*) from payments where account_id like 'batch-fail-%')::int as payments,
          (select count(*) from payments where reference = 'refuse-me')::int as refused`,
      );
      expect(counts).toEqual({ payments: 3, refused: 0 });
      expect(Object.values(history.invoices).filter((i) => i.status === 'PAID')).toHaveLength(3);
    } finally {
      await withSystem(api.db.db, async (tx) => {
        await tx.execute(sql`drop trigger batch_test_refuse on payments`);
        await tx.execute(sql`drop function batch_test_refuse()`);
      });
    }
  });

  it.skipIf(!onPostgres)(
    'a payment on an account another transaction holds waits alone; its batch does not wait for it',
    async () => {
      const accounts = ['batch-held-0', 'batch-held-1', 'batch-held-2'];
      for (const a of accounts) await accountWithInvoices(a, ['10.00']);
      let release = () => {};
      const released = new Promise<void>((r) => {
        release = r;
      });
      let signalLocked = () => {};
      const locked = new Promise<void>((r) => {
        signalLocked = r;
      });
      const holder = withSystem(api.db.db, async (tx) => {
        await tx.execute(sql`select 1 from accounts where id = 'batch-held-0' for update`);
        signalLocked();
        await released;
      });
      await locked;
      let heldAnswered = false;
      const held = pay(accounts[0]!, { amount: '10.00' }).then((r) => {
        heldAnswered = true;
        return r;
      });
      // Alone in its batch first, so that its batch is one payment; then the others.
      await new Promise((r) => setTimeout(r, 100));
      const others = await Promise.all(accounts.slice(1).map((a) => pay(a, { amount: '10.00' })));
      expect(others.map((r) => r.status)).toEqual([201, 201]);
      await new Promise((r) => setTimeout(r, 200));
      expect(heldAnswered).toBe(false);
      release();
      await holder;
      expect((await held).status).toBe(201);
      const { problems } = await ledgerOf(accounts);
      expect(problems).toEqual([]);
    },
  );
});
