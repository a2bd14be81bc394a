import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client';

/**
 * A server that takes connections and never answers. (A connect that never completes, as behind a
 * firewall that drops packets, cannot be made on loopback: the kernel completes every handshake.)
 */
let server: Server;
const held: Socket[] = [];
beforeAll(async () => {
  server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
});
afterAll(() => {
  for (const s of held) s.destroy();
  server.close();
});

/** The database at the silent server, with postgres.js's `connect_timeout` (seconds). */
function openSilent(connectTimeout: number) {
  const { port } = server.address() as { port: number };
  return openDatabase({
    url: `postgres://nobody@127.0.0.1:${port}/none?connect_timeout=${connectTimeout}`,
    migrate: false,
    max: 1,
  });
}

describe('openDatabase on PostgreSQL', () => {
  it('gives up on a server that does not answer after connect_timeout', async () => {
    const handle = await openSilent(1);
    const started = performance.now();
    try {
      const err = await handle.db.execute(sql`select 1`).then(
        () => undefined,
        (e: Error & { cause?: { code?: string } }) => e,
      );
      // drizzle wraps the driver's error.
      expect(err?.cause?.code).toBe('CONNECT_TIMEOUT');
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await handle.close();
    }
  }, 10_000);

  it('waits without a limit when connect_timeout is 0, as postgres.js does', async () => {
    const handle = await openSilent(0);
    let settled = false;
    const query = handle.db.execute(sql`select 1`).then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(settled).toBe(false);
    await handle.close();
    await query;
  }, 15_000);
});
