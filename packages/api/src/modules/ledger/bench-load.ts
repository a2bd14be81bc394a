/**
 * The ledger benchmark's load generator, forked by bench.ts so that its CPU is not counted as the
 * server's: keep-alive `node:http` clients (one socket each) that POST payments until the phase
 * ends, then answer the latencies' quantiles, the outcome counts and this process's CPU time.
 */
import { Agent, request } from 'node:http';

export interface LoadOrder {
  port: number;
  token: string;
  /** One path per client. */
  paths: string[];
  seconds: number;
  body: string;
}

export interface LoadReport {
  requests: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
  /** This process's user + system CPU over the phase, ms. */
  cpuMs: number;
  firstError?: string;
}

function post(agent: Agent, order: LoadOrder, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port: order.port,
        path,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${order.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(order.body),
          'Idempotency-Key': `bench-${crypto.randomUUID()}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(order.body);
  });
}

async function run(order: LoadOrder): Promise<LoadReport> {
  const cpu0 = process.cpuUsage();
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const end = performance.now() + order.seconds * 1000;
  await Promise.all(
    order.paths.map(async (path) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await post(agent, order, path);
        latencies.push(performance.now() - t0);
        // A payment of 10.00 settles exactly one open invoice of 10.00.
        const answer = JSON.parse(res.text) as { links?: unknown[] };
        if (res.status === 201 && answer.links?.length === 1) ok += 1;
        else {
          errors += 1;
          firstError ??= `${res.status} ${res.text.slice(0, 300)}`;
        }
      }
      agent.destroy();
    }),
  );
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(2));
  const cpu = process.cpuUsage(cpu0);
  return {
    requests: latencies.length,
    ok,
    errors,
    p50: q(0.5),
    p99: q(0.99),
    cpuMs: (cpu.user + cpu.system) / 1000,
    firstError,
  };
}

process.on('message', (order: LoadOrder | 'exit') => {
  if (order === 'exit') process.exit(0);
  run(order).then(
    (report) => process.send?.(report),
    (err: unknown) => process.send?.({ error: String(err) }),
  );
});
