/**
 * Model-based test (issue 4): random sequences of payments, links, credit invoices, cancellations,
 * refunds, transfers and write-offs run against billing-core's pure ledger over the full history
 * (the model) and against the real API over the database. After every step both agree (accepted
 * or refused on the same field; balances, invoice statuses and amounts due, what each payment or
 * credit has left to link) and the stored ledger keeps every invariant (`checkLedger`: balance =
 * sum of entries, PAID exactly when covered, conservation, no negative balance, canceled invoices
 * count nowhere). Each sequence gets two fresh accounts on the same database.
 */
import {
  applyResult,
  cancelInvoice,
  checkLedger,
  issueCreditInvoice,
  issueDebitInvoice,
  type LedgerResult,
  type LedgerState,
  linkToInvoice,
  recordPayment,
  refund,
  statementOfAccount,
  summarize,
  transfer,
  writeOff,
} from '@cascade/billing-core';
import { withSystem } from '@cascade/db';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { today } from './command';
import { loadHistory } from './history';
import { createCashDesk, issueInvoice } from './testing';

const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;
const RUNS = Number(process.env.LEDGER_MODEL_RUNS ?? 500);
const DATES = ['2026-01-10', '2026-01-20', '2026-02-01'];

let api: TestApi;
let token: string;
let sequence = 0;

beforeAll(async () => {
  api = await createTestApi();
  token = await api.token(RA);
  await createCashDesk(api.db.db, D, RA, 'model-desk');
});
afterAll(() => api?.close());

interface Source {
  model: string;
  real: string;
}
interface Model {
  state: LedgerState;
  accounts: [string, string];
  invoices: string[];
  sources: Source[];
  next: number;
}
interface Real {
  accounts: [string, string];
}

const cents = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const pick = <T>(list: readonly T[], index: number): T | undefined =>
  list.length === 0 ? undefined : list[index % list.length];

async function call(path: string, body: unknown) {
  const t0 = performance.now();
  timing.calls++;
  try {
    return await callInner(path, body);
  } finally {
    timing.api += performance.now() - t0;
  }
}
async function callInner(path: string, body: unknown) {
  return api.call('POST', path, {
    token,
    body,
    headers: { 'Idempotency-Key': `model-${crypto.randomUUID()}` },
  });
}

/** The model's verdict and the API's answer must agree; on success, returns the API's body. */
function agree(
  label: string,
  modelResult: LedgerResult,
  res: { status: number; body: unknown },
): { id: string } | null {
  if (modelResult.ok) {
    if (res.status !== 201) {
      throw new Error(`${label}: model accepted, API answered ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as { id: string };
  }
  if (res.status < 400 || res.status >= 500) {
    throw new Error(
      `${label}: model refused (${modelResult.rejection.code}), API answered ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
  const fields = Object.keys((res.body as { error: { fields?: Record<string, string> } }).error.fields ?? {});
  const field = modelResult.rejection.field ?? 'request';
  // The API names a field as its request does: an invoice of the path is `id`, a credit's total
  // the `amount` (or `items`) asked for, a link of the links route the request as a whole.
  const invoice = ['id', 'invoiceId', 'link.invoiceId'];
  const requestNames: Record<string, string[]> = {
    invoiceId: invoice,
    'link.invoiceId': invoice,
    againstInvoiceId: invoice,
    total: ['amount', 'items'],
    link: ['request', 'linkTo'],
  };
  const expected = requestNames[field] ?? [field];
  if (!fields.some((f) => expected.includes(f) || f.endsWith(field.split('.').pop()!))) {
    throw new Error(
      `${label}: model refused on ${field} (${modelResult.rejection.code}), API on ${fields.join(',')}: ${JSON.stringify(res.body)}`,
    );
  }
  return null;
}

export const timing = { api: 0, verify: 0, setup: 0, calls: 0, verifies: 0, issue: 0 };
async function verify(m: Model, r: Real): Promise<void> {
  const t0 = performance.now();
  timing.verifies++;
  try {
    await verifyInner(m, r);
  } finally {
    timing.verify += performance.now() - t0;
  }
}
async function verifyInner(m: Model, r: Real): Promise<void> {
  const history = await withSystem(api.db.db, (tx) => loadHistory(tx, D, r.accounts));
  const problems = checkLedger(history, history.stored);
  if (problems.length > 0) throw new Error(`stored ledger broken: ${problems.join('; ')}`);
  const modelProblems = checkLedger(m.state);
  if (modelProblems.length > 0) throw new Error(`model broken: ${modelProblems.join('; ')}`);
  const model = summarize(m.state);
  const real = summarize(history);
  for (const id of r.accounts) {
    const a = model.balances.get(id)!;
    const stored = history.stored[id]!;
    if (!a.equals(stored)) throw new Error(`balance of ${id}: model ${a.toFixed()} ≠ stored ${stored}`);
  }
  for (const [id, inv] of Object.entries(history.invoices)) {
    const v = model.invoices.get(id);
    const derived = real.invoices.get(id);
    if (!v || v.status !== inv.status || !v.due.equals(inv.due)) {
      throw new Error(
        `invoice ${id}: model ${v?.status} ${v?.due.toFixed()} ≠ stored ${inv.status} ${inv.due}`,
      );
    }
    if (derived?.status !== inv.status || !derived.due.equals(inv.due)) {
      throw new Error(`invoice ${id}: stored ${inv.status} ${inv.due} ≠ its documents ${derived?.status}`);
    }
  }
  for (const s of m.sources) {
    const left = model.sourceRemaining.get(s.model)!;
    const stored = real.sourceRemaining.get(s.real);
    if (!stored || !left.equals(stored)) {
      throw new Error(`source ${s.model}: model ${left.toFixed()} ≠ stored ${stored?.toFixed()}`);
    }
  }
  // The statement's closing position (documents in date order) equals the stored balance.
  for (const id of r.accounts) {
    const st = statementOfAccount(history, id, '2000-01-01', '2999-12-31');
    if (!st.closing.balance.equals(history.stored[id]!))
      throw new Error(`statement of ${id} closes off the balance`);
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

class Issue implements Cmd {
  constructor(
    readonly acc: number,
    readonly amount: number,
    readonly date: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const id = `inv-${sequence}-${m.next++}`;
    const accountId = m.accounts[this.acc]!;
    const date = DATES[this.date]!;
    const result = issueDebitInvoice(m.state, {
      id,
      accountId,
      date,
      total: cents(this.amount),
      currency: 'EUR',
    });
    expect(result.ok).toBe(true);
    m.state = applyResult(m.state, result);
    const ti = performance.now();
    await issueInvoice(api.db.db, { accountId: r.accounts[this.acc]!, total: cents(this.amount), date, id });
    timing.issue += performance.now() - ti;
    m.invoices.push(id);
    await verify(m, r);
  }
  toString = () => `Issue(${this.acc}, ${cents(this.amount)}, ${DATES[this.date]})`;
}

class Pay implements Cmd {
  constructor(
    readonly acc: number,
    readonly amount: number,
    readonly link: { invoice: number; amount: number | null } | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const id = `pay-${sequence}-${m.next++}`;
    const invoiceId = this.link ? pick(m.invoices, this.link.invoice) : undefined;
    const linkTo = invoiceId
      ? { invoiceId, ...(this.link?.amount ? { amount: cents(this.link.amount) } : {}) }
      : undefined;
    const base = { date: DATES[2]!, amount: cents(this.amount), currency: 'EUR' };
    const result = recordPayment(m.state, {
      ...base,
      id,
      accountId: m.accounts[this.acc]!,
      cashDeskId: 'model-desk',
      method: 'CASH',
      linkTo: linkTo ?? null,
    });
    const res = await call(`/api/v1/accounts/${r.accounts[this.acc]}/payments`, {
      ...base,
      cashDeskId: 'model-desk',
      method: 'CASH',
      ...(linkTo ? { linkTo } : {}),
    });
    const body = agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    if (body) m.sources.push({ model: id, real: body.id });
    await verify(m, r);
  }
  toString = () => `Pay(${this.acc}, ${cents(this.amount)}, ${JSON.stringify(this.link)})`;
}

class Link implements Cmd {
  constructor(
    readonly source: number,
    readonly invoice: number,
    readonly amount: number | null,
  ) {}
  check = (m: Readonly<Model>) => m.sources.length > 0 && m.invoices.length > 0;
  async run(m: Model, r: Real) {
    const source = pick(m.sources, this.source)!;
    const invoiceId = pick(m.invoices, this.invoice)!;
    const accountId = summarize(m.state).invoices.get(invoiceId)!.accountId;
    const amount = this.amount ? cents(this.amount) : undefined;
    const result = linkToInvoice(m.state, {
      id: `link-${sequence}-${m.next++}`,
      accountId,
      date: DATES[2]!,
      sourceId: source.model,
      invoiceId,
      amount,
    });
    const res = await call(`/api/v1/invoices/${invoiceId}/links`, {
      sourceId: source.real,
      date: DATES[2],
      ...(amount ? { amount } : {}),
    });
    agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    await verify(m, r);
  }
  toString = () => `Link(${this.source}, ${this.invoice}, ${this.amount})`;
}

class Credit implements Cmd {
  constructor(
    readonly invoice: number,
    readonly amount: number,
  ) {}
  check = (m: Readonly<Model>) => m.invoices.length > 0;
  async run(m: Model, r: Real) {
    const invoiceId = pick(m.invoices, this.invoice)!;
    const accountId = summarize(m.state).invoices.get(invoiceId)!.accountId;
    const id = `credit-${sequence}-${m.next++}`;
    const result = issueCreditInvoice(m.state, {
      id,
      accountId,
      date: DATES[2]!,
      total: cents(this.amount),
      currency: 'EUR',
      againstInvoiceId: invoiceId,
    });
    const res = await call(`/api/v1/invoices/${invoiceId}/credit-notes`, {
      date: DATES[2],
      amount: cents(this.amount),
    });
    const body = agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    if (body) m.sources.push({ model: id, real: body.id });
    await verify(m, r);
  }
  toString = () => `Credit(${this.invoice}, ${cents(this.amount)})`;
}

class Cancel implements Cmd {
  constructor(readonly invoice: number) {}
  check = (m: Readonly<Model>) => m.invoices.length > 0;
  async run(m: Model, r: Real) {
    const invoiceId = pick(m.invoices, this.invoice)!;
    const accountId = summarize(m.state).invoices.get(invoiceId)!.accountId;
    const id = `cancel-${sequence}-${m.next++}`;
    const result = cancelInvoice(m.state, { id, accountId, date: today(), invoiceId });
    const res = await call(`/api/v1/invoices/${invoiceId}/cancel`, {});
    agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    await verify(m, r);
  }
  toString = () => `Cancel(${this.invoice})`;
}

class Refund implements Cmd {
  constructor(
    readonly acc: number,
    readonly amount: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const base = { date: DATES[2]!, amount: cents(this.amount), currency: 'EUR' };
    const result = refund(m.state, {
      ...base,
      id: `refund-${sequence}-${m.next++}`,
      accountId: m.accounts[this.acc]!,
    });
    const res = await call(`/api/v1/accounts/${r.accounts[this.acc]}/refunds`, base);
    agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    await verify(m, r);
  }
  toString = () => `Refund(${this.acc}, ${cents(this.amount)})`;
}

class Transfer implements Cmd {
  constructor(
    readonly from: number,
    readonly amount: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const base = { date: DATES[2]!, amount: cents(this.amount), currency: 'EUR' };
    const result = transfer(m.state, {
      ...base,
      id: `transfer-${sequence}-${m.next++}`,
      accountId: m.accounts[this.from]!,
      toAccountId: m.accounts[1 - this.from]!,
    });
    const res = await call(`/api/v1/accounts/${r.accounts[this.from]}/transfers`, {
      ...base,
      toAccountId: r.accounts[1 - this.from],
    });
    agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    await verify(m, r);
  }
  toString = () => `Transfer(${this.from}, ${cents(this.amount)})`;
}

class WriteOff implements Cmd {
  constructor(
    readonly acc: number,
    readonly amount: number,
    readonly invoice: number | null,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const invoiceId = this.invoice === null ? undefined : pick(m.invoices, this.invoice);
    const base = { date: DATES[2]!, amount: cents(this.amount), currency: 'EUR', reason: 'Consumed service' };
    const result = writeOff(m.state, {
      ...base,
      id: `wo-${sequence}-${m.next++}`,
      accountId: m.accounts[this.acc]!,
      invoiceId: invoiceId ?? null,
    });
    const res = await call(`/api/v1/accounts/${r.accounts[this.acc]}/write-offs`, {
      ...base,
      ...(invoiceId ? { invoiceId } : {}),
    });
    agree(this.toString(), result, res);
    m.state = applyResult(m.state, result);
    await verify(m, r);
  }
  toString = () => `WriteOff(${this.acc}, ${cents(this.amount)}, ${this.invoice})`;
}

const acc = fc.integer({ min: 0, max: 1 });
const amount = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(1000, 2500, 5000));
const index = fc.nat(20);
const commands = fc.commands(
  [
    fc.tuple(acc, amount, fc.integer({ min: 0, max: 2 })).map(([a, x, d]) => new Issue(a, x, d)),
    fc
      .tuple(acc, amount, fc.option(fc.record({ invoice: index, amount: fc.option(amount) }), { freq: 3 }))
      .map(([a, x, l]) => new Pay(a, x, l)),
    fc.tuple(index, index, fc.option(amount)).map(([s, i, x]) => new Link(s, i, x)),
    fc.tuple(index, amount).map(([i, x]) => new Credit(i, x)),
    index.map((i) => new Cancel(i)),
    fc.tuple(acc, amount).map(([a, x]) => new Refund(a, x)),
    fc.tuple(acc, amount).map(([a, x]) => new Transfer(a, x)),
    fc.tuple(acc, amount, fc.option(index)).map(([a, x, i]) => new WriteOff(a, x, i)),
  ],
  { maxCommands: 6 },
);

async function freshPair(): Promise<[string, string]> {
  sequence += 1;
  const ids: [string, string] = [`m${sequence}-a`, `m${sequence}-b`];
  await withSystem(api.db.db, async (tx) => {
    await tx.execute(sql`insert into organizations (distributor_id, id, kind, name, parent_id, reseller_id)
      values (${D}, ${`${ids[0]}-c`}, 'CUSTOMER', 'Model client A', ${RA}, ${RA}),
             (${D}, ${`${ids[1]}-c`}, 'CUSTOMER', 'Model client B', ${RA}, ${RA})`);
    await tx.execute(sql`insert into accounts (distributor_id, reseller_id, org_id, id, issuer_org_id, name, currency)
      values (${D}, ${RA}, ${`${ids[0]}-c`}, ${ids[0]}, ${RA}, 'A', 'EUR'),
             (${D}, ${RA}, ${`${ids[1]}-c`}, ${ids[1]}, ${RA}, 'B', 'EUR')`);
  });
  return ids;
}

describe('ledger: model-based', () => {
  it(`the API agrees with the pure ledger and keeps every invariant (${RUNS} sequences)`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const ts = performance.now();
        const accounts = await freshPair();
        timing.setup += performance.now() - ts;
        const model: Model = {
          state: {
            accounts: {
              [accounts[0]]: { id: accounts[0], currency: 'EUR', parentAccountId: null },
              [accounts[1]]: { id: accounts[1], currency: 'EUR', parentAccountId: null },
            },
            documents: [],
            entries: [],
          },
          accounts,
          invoices: [],
          sources: [],
          next: 0,
        };
        await fc.asyncModelRun(() => ({ model, real: { accounts } }), cmds);
      }),
      { numRuns: RUNS },
    );
    if (process.env.LEDGER_MODEL_TIMING) console.log(JSON.stringify(timing));
  }, 600_000);
});
