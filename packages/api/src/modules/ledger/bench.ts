/**
 * Ledger benchmark (issue 4): payments with automatic settlement through the real app on Node's
 * HTTP server, against its own fresh PostgreSQL database (dropped after).
 *   1. 8 concurrent clients, each on its own account: rate, p50/p99 latency, errors.
 *   2. 8 concurrent clients on one hot account: rate, errors, and the lost-update check (the stored
 *      balance and every invoice equal what billing-core derives from the stored documents, and
 *      the number of payments equals the number of 201s).
 * Each payment of 10.00 settles exactly one open invoice of 10.00. One JSON line per figure, each
 * with figures that move little with the machine's load beside the rate and p99: SQL statements
 * and round trips to PostgreSQL per payment, and CPU ms per payment of the server (this process),
 * of the load clients and of PostgreSQL.
 * The load clients are keep-alive `node:http` clients in a child process (bench-load.ts), so the
 * server's CPU is its own; the code is warmed up (a phase that is not reported) before measuring.
 * Traffic goes to 127.0.0.1 only; every phase stops after BENCH_SECONDS (default 8).
 *   pnpm exec tsx packages/api/src/modules/ledger/bench.ts
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { type AddressInfo, Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { checkLedger, summarize } from '@cascade/billing-core';
import { openDatabase, queryRows, withSystem } from '@cascade/db';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp } from '../../app';
import { signToken } from '../../platform/auth';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logging';
import { FIXTURE, seedFixture } from '../../testing';
import { cpuStealPercent, cpuTimes } from '../../testing/cpu-steal';
import type { LoadOrder, LoadReport } from './bench-load';
import { loadHistory } from './history';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CLIENTS = 8;
const INVOICES_PER_ACCOUNT = Number(process.env.BENCH_INVOICES ?? 4000);
const D = FIXTURE.distributor;
const RA = FIXTURE.resellerA;

const name = `cascade_bench_ledger_${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
// Diagnostic only (BENCH_SYNCHRONOUS_COMMIT=off): shows how much of the time is the WAL flush at commit.
const synchronousCommit = process.env.BENCH_SYNCHRONOUS_COMMIT === 'off' ? 'off' : 'on';
// Diagnostic only (BENCH_CPU_PROFILE=file.cpuprofile): a CPU profile of the server during the
// 8-client phase on distinct accounts alone (not the seeding or the checks), for Chrome's DevTools.
const cpuProfileFile = process.env.BENCH_CPU_PROFILE;
await admin.unsafe(`alter database ${name} set synchronous_commit = ${synchronousCommit}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const handle = await openDatabase({ url: url.toString(), max: 16 });
// Statements and round trips per payment: figures that do not move with the machine's load, read
// from the bytes written to PostgreSQL's sockets. Round trips: the socket writes (system calls:
// what postgres.js sends in one turn of the event loop leaves together, then it waits; a statement
// it must describe first takes two). Statements: the Execute (and simple Query) messages. Not
// postgres.js's `debug` hook: with it set, every query captures a stack trace, a cost of its own.
const wire = { statements: 0, roundTrips: 0 };
const dbPort = Number(url.port || 5432);
function countStatements(chunk: unknown): void {
  if (!(chunk instanceof Uint8Array)) return;
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  // Frontend messages: a type byte, then a 4-byte length that counts itself and the body.
  for (let i = 0; i + 5 <= bytes.length; ) {
    const type = bytes[i];
    const length = bytes.readInt32BE(i + 1);
    if (length < 4) return; // not a typed message (the startup packet): stop
    if (type === 0x45 /* E */ || type === 0x51 /* Q */) wire.statements += 1;
    i += 1 + length;
  }
}
type Writer = (this: Socket, ...args: unknown[]) => unknown;
const socketProto = Socket.prototype as unknown as { write: Writer; _writeGeneric: Writer };
const socketWrite = socketProto.write;
socketProto.write = function (...args) {
  if (this.remotePort === dbPort) countStatements(args[0]);
  return socketWrite.apply(this, args);
};
// Node's one path to the system call (`_write` and `_writev`, after any `cork`).
const writeGeneric = socketProto._writeGeneric;
socketProto._writeGeneric = function (...args) {
  if (this.remotePort === dbPort) wire.roundTrips += 1;
  return writeGeneric.apply(this, args);
};
const config = loadConfig({
  NODE_ENV: 'production',
  JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
});
const server = serve({
  fetch: createApp({ db: handle.db, dbKind: 'postgres', config, logger: createLogger('silent') }).fetch,
  hostname: '127.0.0.1',
  port: 0,
});

function emit(figure: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/**
 * Open invoices per account: one payment closes one, so an account must hold more than its phase
 * pays. The hot account takes all the clients' payments: it gets theirs together (else a fast run
 * would run out, and its payments, settling nothing, would count as errors and lost updates).
 */
const invoicesOf = (account: string) =>
  account === 'bench-hot' ? INVOICES_PER_ACCOUNT * CLIENTS : INVOICES_PER_ACCOUNT;

async function prepare(accounts: string[]) {
  await withSystem(handle.db, async (tx) => {
    await tx.execute(sql`insert into cash_desks (distributor_id, reseller_id, org_id, id, name, kind)
      values (${D}, ${RA}, ${RA}, 'bench-desk', 'Bench desk', 'BANK') on conflict do nothing`);
    for (const acc of accounts) {
      await tx.execute(sql`insert into organizations (distributor_id, id, kind, name, parent_id, reseller_id)
        values (${D}, ${`${acc}-client`}, 'CUSTOMER', ${acc}, ${RA}, ${RA})`);
      await tx.execute(sql`insert into accounts (distributor_id, reseller_id, org_id, id, issuer_org_id, name, currency)
        values (${D}, ${RA}, ${`${acc}-client`}, ${acc}, ${RA}, ${acc}, 'EUR')`);
      await tx.execute(sql`insert into invoices (distributor_id, reseller_id, org_id, id, issuer_org_id, account_id,
          stage, type, status, number, invoice_date, currency, subtotal, tax_total, total, amount_due, channel,
          source, issued_at)
        select ${D}, ${RA}, ${`${acc}-client`}, ${acc} || '-inv-' || lpad(n::text, 6, '0'), ${RA}, ${acc}, 'ISSUED',
          'DEBIT', 'UNPAID', ${acc} || '-' || n, date '2020-01-01' + (n / 8), 'EUR', 10, 0, 10, 10,
          'RESELLER_STOREFRONT', 'BILLING_SERVICE', now()
        from generate_series(1, ${invoicesOf(acc)}) as n`);
    }
    await tx.execute(sql`analyze`);
  });
}

// The load clients' process, reused by every phase.
const loader = fork(new URL('./bench-load.ts', import.meta.url), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
function runLoad(order: LoadOrder): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    loader.once('message', (m: LoadReport | { error: string }) =>
      'error' in m ? reject(new Error(m.error)) : resolve(m),
    );
    loader.send(order);
  });
}

/**
 * CPU ticks (1/100 s) of PostgreSQL's processes that work for this benchmark, by pid: the backends
 * of its database, and the server's background processes (WAL writer, checkpointer, …), which
 * serve every database on the server: others' work there is counted too, so it is reported apart.
 */
async function pgCpuTicks(): Promise<{ backends: Map<number, number>; background: Map<number, number> }> {
  const rows = await admin<
    { pid: number; ours: boolean }[]
  >`select pid, datname is not distinct from ${name} as ours
    from pg_stat_activity where datname = ${name} or backend_type <> 'client backend'`;
  const ticks = { backends: new Map<number, number>(), background: new Map<number, number>() };
  for (const { pid, ours } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      (ours ? ticks.backends : ticks.background).set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // Gone since (a backend that ended), or /proc not readable: not counted.
    }
  }
  return ticks;
}

/** The server's current WAL position, in bytes. */
async function walLsn(): Promise<bigint> {
  const [row] = await admin<{ lsn: string }[]>`select (pg_current_wal_lsn() - '0/0')::text as lsn`;
  return BigInt(row!.lsn);
}

function ticksSince(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum;
}

const paymentBody = JSON.stringify({
  amount: '10.00',
  currency: 'EUR',
  cashDeskId: 'bench-desk',
  method: 'CASH',
  date: '2026-06-01',
});

async function load(
  accountFor: (client: number) => string,
  token: string,
  clients = CLIENTS,
  seconds = SECONDS,
) {
  const { port } = server.address() as AddressInfo;
  const pg0 = await pgCpuTicks();
  const wal0 = await walLsn();
  const cpu0 = process.cpuUsage();
  const times0 = cpuTimes();
  const wire0 = { ...wire };
  const report = await runLoad({
    port,
    token,
    paths: Array.from({ length: clients }, (_, c) => `/api/v1/accounts/${accountFor(c)}/payments`),
    seconds,
    body: paymentBody,
  });
  const cpu = process.cpuUsage(cpu0);
  const wire1 = { ...wire };
  const pg1 = await pgCpuTicks();
  const wal1 = await walLsn();
  if (report.firstError) process.stderr.write(`first error: ${report.firstError}\n`);
  const perPayment = (n: number) => Number((n / Math.max(1, report.requests)).toFixed(2));
  return {
    requests: report.requests,
    ok: report.ok,
    errors: report.errors,
    rate: Math.round(report.requests / seconds),
    p50: report.p50,
    p99: report.p99,
    // This process (HTTP server and app): what one payment costs in Node.
    nodeCpuMsPerPayment: perPayment((cpu.user + cpu.system) / 1000),
    // The load clients' process (keep-alive node:http, one socket per client).
    clientCpuMsPerPayment: perPayment(report.cpuMs),
    // PostgreSQL's backends of this database (the pool's connections).
    pgCpuMsPerPayment: perPayment(ticksSince(pg0.backends, pg1.backends) * 10),
    // PostgreSQL's background processes (shared with every database on the server).
    pgBackgroundCpuMsPerPayment: perPayment(ticksSince(pg0.background, pg1.background) * 10),
    // WAL written per payment (the server's: others' writes meanwhile count too).
    walBytesPerPayment: Math.round(Number(wal1 - wal0) / Math.max(1, report.requests)),
    // SQL statements per payment (BEGIN and COMMIT included), and the round trips they took.
    statementsPerPayment: perPayment(wire1.statements - wire0.statements),
    roundTripsPerPayment: perPayment(wire1.roundTrips - wire0.roundTrips),
    // The machine's 1-minute load average: the figures mean little when it exceeds the cores.
    loadAverage: Number(loadavg()[0]!.toFixed(1)),
    // CPU time the hypervisor gave other guests meanwhile: the rate drops with it.
    cpuStealPercent: cpuStealPercent(times0),
    cores: cpus().length,
    loadClients: 'node:http keep-alive, child process',
  };
}

async function lostUpdateCheck(accountIds: string[], ok: number) {
  return withSystem(handle.db, async (tx) => {
    const h = await loadHistory(tx, D, accountIds);
    const problems = checkLedger(h, h.stored);
    const derived = summarize(h);
    let mismatched = 0;
    for (const [id, inv] of Object.entries(h.invoices)) {
      const v = derived.invoices.get(id);
      if (v?.status !== inv.status || !v.due.equals(inv.due)) mismatched += 1;
    }
    const [counts] = await queryRows<{ payments: number; paid: number }>(
      tx,
      sql`select (select count(*) from payments where account_id = any(${sql`array[${sql.join(
        accountIds.map((a) => sql`${a}`),
        sql`, `,
      )}]::text[]`}))::int as payments,
        (select count(*) from invoices where status = 'PAID' and account_id = any(${sql`array[${sql.join(
          accountIds.map((a) => sql`${a}`),
          sql`, `,
        )}]::text[]`}))::int as paid`,
    );
    return {
      ledgerProblems: problems.length,
      invoicesMismatched: mismatched,
      payments: counts!.payments,
      paidInvoices: counts!.paid,
      lostUpdates: counts!.payments !== ok || counts!.paid !== ok ? Math.abs(counts!.payments - ok) + 1 : 0,
    };
  });
}

try {
  await seedFixture(handle.db);
  const distinct = Array.from({ length: CLIENTS }, (_, i) => `bench-acc-${i}`);
  await prepare([...distinct, 'bench-hot', 'bench-single', 'bench-warm-0', 'bench-warm-1']);
  const token = await signToken(config.jwtSecret, {
    sub: `${RA}-admin`,
    org: RA,
    roles: ['ADMIN'],
    aud: 'api',
    ttlSeconds: 3600,
  });
  // Warm-up, not reported: the code is transpiled, compiled and the pool's connections open.
  await load((c) => `bench-warm-${c % 2}`, token, CLIENTS, Math.min(2, SECONDS));
  // Baseline: one client alone, the latency of one payment with nothing else from us running.
  const single = await load(() => 'bench-single', token, 1);
  emit({
    name: 'ledger.payments_with_settlement.single_client',
    value: single.rate,
    clients: 1,
    seconds: SECONDS,
    synchronousCommit,
    ...single,
    unit: 'payments/s',
  });
  const profiler = cpuProfileFile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const a = await load((c) => distinct[c]!, token);
  if (profiler && cpuProfileFile) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(cpuProfileFile, JSON.stringify(profile));
    profiler.disconnect();
  }
  const checkA = await lostUpdateCheck(distinct, a.ok);
  emit({
    name: 'ledger.payments_with_settlement.distinct_accounts',
    value: a.rate,
    ratioToSingleClient: Number((a.rate / Math.max(1, single.rate)).toFixed(2)),
    clients: CLIENTS,
    synchronousCommit,
    seconds: SECONDS,
    ...a,
    unit: 'payments/s',
    target: { rate: 1000, p99Ms: 50 },
    ...checkA,
  });
  const b = await load(() => 'bench-hot', token);
  const checkB = await lostUpdateCheck(['bench-hot'], b.ok);
  emit({
    name: 'ledger.payments_with_settlement.hot_account',
    value: b.rate,
    ratioToSingleClient: Number((b.rate / Math.max(1, single.rate)).toFixed(2)),
    clients: CLIENTS,
    synchronousCommit,
    seconds: SECONDS,
    ...b,
    unit: 'payments/s',
    ...checkB,
  });
} finally {
  loader.send('exit');
  server.close();
  await handle.close();
  if (!process.env.BENCH_KEEP) await admin.unsafe(`drop database if exists ${name} with (force)`);
  else process.stderr.write(`kept ${name}\n`);
  await admin.end({ timeout: 5 });
}
