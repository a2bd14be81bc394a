import { auditLog, idempotencyKeys, withSystem } from '@cascade/db';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routes } from '../../modules';
import { createTestApi, FIXTURE, type TestApi } from '../../testing';
import { auditInsert, writeAudit } from '../audit';
import { ApiError } from '../errors';
import { defineRoute } from '../routes';
import { deferredWrites, requestHash } from '.';

/** A stand-in money-moving route: its effect is an audit row; `slowMs` holds the transaction open. */
let release: (() => void) | undefined;
const testRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/test-payments',
  summary: 'test',
  tags: ['test'],
  auth: {},
  moneyMoving: true,
  status: 201,
  request: {
    body: z.strictObject({ amount: z.string(), hold: z.boolean().optional(), fail: z.boolean().optional() }),
  },
  response: z.object({ id: z.string(), amount: z.string() }),
  async handler({ body, session, withTenant, requestId }) {
    return withTenant(async (tx) => {
      const id = crypto.randomUUID();
      await writeAudit(tx, {
        actor: session,
        action: 'payment.create',
        entityType: 'payment',
        entityId: id,
        new: body,
        requestId,
      });
      if (body.hold) await new Promise<void>((resolve) => (release = resolve));
      if (body.fail) throw new ApiError('unprocessable', 'refused');
      return { id, amount: body.amount };
    });
  },
});

/**
 * The same effect, deferred: sent with the key's row in one statement (as the ledger does); it
 * writes nothing else, so it starts while the key is checked. `hold` holds the first such request.
 */
const deferringRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/test-deferred-payments',
  summary: 'test',
  tags: ['test'],
  auth: {},
  moneyMoving: true,
  writesOnlyDeferred: true,
  status: 201,
  request: {
    body: z.strictObject({ amount: z.string(), fail: z.boolean().optional(), hold: z.boolean().optional() }),
  },
  response: z.object({ id: z.string(), ownAuditRowsSeenInside: z.number() }),
  async handler({ body, session, withTenant, requestId }) {
    return withTenant(async (tx) => {
      const id = crypto.randomUUID();
      const deferred = deferredWrites(tx);
      if (!deferred) throw new Error('a money-moving request has a deferred-writes list');
      const { tenant } = session;
      deferred.parts.push(
        auditInsert(tx, {
          actor: session,
          action: 'payment.create',
          entityType: 'payment',
          entityId: id,
          new: body,
          requestId,
          owner: { distributorId: tenant.distributorId, resellerId: tenant.orgId, orgId: tenant.orgId },
        }),
      );
      const [seen] = await tx.select({ n: count() }).from(auditLog).where(eq(auditLog.entityId, id));
      if (body.hold && !release) await new Promise<void>((resolve) => (release = resolve));
      if (body.fail) throw new ApiError('unprocessable', 'refused');
      return { id, ownAuditRowsSeenInside: seen?.n ?? -1 };
    });
  },
});

let api: TestApi;
let token: string;
beforeAll(async () => {
  api = await createTestApi({ routes: [...routes, testRoute, deferringRoute] });
  token = await api.token(FIXTURE.resellerA, ['BILLING_MANAGER']);
});
afterAll(() => api.close());

const counts = () =>
  withSystem(api.db.db, async (tx) => ({
    audit: (await tx.select({ n: count() }).from(auditLog))[0]?.n,
    keys: (await tx.select({ n: count() }).from(idempotencyKeys))[0]?.n,
  }));
const pay = (key: string | undefined, body: object, t = token) =>
  api.call('POST', '/api/v1/test-payments', {
    token: t,
    body,
    headers: key ? { 'Idempotency-Key': key } : {},
  });

describe('Idempotency-Key on money-moving POSTs', () => {
  it('is required', async () => {
    const res = await pay(undefined, { amount: '10.00' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'idempotency_key_required', fields: { 'Idempotency-Key': 'Required' } },
    });
    expect(await counts()).toEqual({ audit: 0, keys: 0 });
  });

  it('replays the stored response for the same key and body, without a second effect', async () => {
    const first = await pay('key-replay-0001', { amount: '10.00' });
    expect(first.status).toBe(201);
    const again = await pay('key-replay-0001', { amount: '10.00' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await counts()).toEqual({ audit: 1, keys: 1 });
  });

  it('refuses the same key with another body (422)', async () => {
    const res = await pay('key-replay-0001', { amount: '11.00' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(await counts()).toEqual({ audit: 1, keys: 1 });
  });

  it('stores the SHA-256 of the method, path and canonical body (computed by PostgreSQL)', async () => {
    const [row] = await withSystem(api.db.db, (tx) =>
      tx
        .select({ hash: idempotencyKeys.requestHash })
        .from(idempotencyKeys)
        .where(eq(idempotencyKeys.key, 'key-replay-0001')),
    );
    expect(row?.hash).toBe(await requestHash('POST', '/api/v1/test-payments', { amount: '10.00' }));
  });

  it('keeps keys per organization', async () => {
    const other = await pay(
      'key-replay-0001',
      { amount: '10.00' },
      await api.token(FIXTURE.resellerB, ['ADMIN']),
    );
    expect(other.status).toBe(201);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await counts()).toEqual({ audit: 2, keys: 2 });
  });

  it('answers 409 to a concurrent duplicate still in progress, then replays', async () => {
    const first = pay('key-concurrent-1', { amount: '5.00', hold: true });
    while (!release) await new Promise((r) => setTimeout(r, 10));
    const duplicate = await pay('key-concurrent-1', { amount: '5.00', hold: true });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: { code: 'request_in_progress' } });
    release();
    release = undefined;
    expect((await first).status).toBe(201);
    const replay = await pay('key-concurrent-1', { amount: '5.00', hold: true });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await counts()).toEqual({ audit: 3, keys: 3 });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'answers 409 to a duplicate on another instance (advisory lock; PostgreSQL only: PGlite has one connection)',
    async () => {
      const other = api.variant({ routes: [...routes, testRoute] });
      const first = pay('key-two-instances', { amount: '7.00', hold: true });
      while (!release) await new Promise((r) => setTimeout(r, 10));
      const duplicate = await other.call('POST', '/api/v1/test-payments', {
        token,
        body: { amount: '7.00', hold: true },
        headers: { 'Idempotency-Key': 'key-two-instances' },
      });
      expect(duplicate.status).toBe(409);
      release();
      release = undefined;
      expect((await first).status).toBe(201);
      expect(await counts()).toEqual({ audit: 4, keys: 4 });
    },
  );

  it('stores nothing when the effect fails, so the key can be retried', async () => {
    const before = await counts();
    const failed = await pay('key-failing-01', { amount: '1.00', fail: true });
    expect(failed.status).toBe(422);
    expect(await counts()).toEqual(before);
    // Nothing was stored, so the same key may carry a corrected request.
    const retried = await pay('key-failing-01', { amount: '1.00' });
    expect(retried.status).toBe(201);
  });
});

describe('deferred writes', () => {
  const payDeferred = (key: string, body: object) =>
    api.call('POST', '/api/v1/test-deferred-payments', {
      token,
      body,
      headers: { 'Idempotency-Key': key },
    });

  it('are written with the key, after the request ran, and replayed like any other effect', async () => {
    const before = await counts();
    const first = await payDeferred('key-deferred-01', { amount: '3.00' });
    expect(first.status).toBe(201);
    // Inside the request the deferred row is not written yet.
    expect((first.body as { ownAuditRowsSeenInside: number }).ownAuditRowsSeenInside).toBe(0);
    expect(await counts()).toEqual({ audit: (before.audit ?? 0) + 1, keys: (before.keys ?? 0) + 1 });
    const again = await payDeferred('key-deferred-01', { amount: '3.00' });
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await counts()).toEqual({ audit: (before.audit ?? 0) + 1, keys: (before.keys ?? 0) + 1 });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'a duplicate on another instance, started before its key was checked, gets 409 and writes nothing',
    async () => {
      const before = await counts();
      const other = api.variant({ routes: [...routes, testRoute, deferringRoute] });
      const first = payDeferred('key-deferred-03', { amount: '4.00', hold: true });
      while (!release) await new Promise((r) => setTimeout(r, 10));
      const duplicate = await other.call('POST', '/api/v1/test-deferred-payments', {
        token,
        body: { amount: '4.00', hold: true },
        headers: { 'Idempotency-Key': 'key-deferred-03' },
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({ error: { code: 'request_in_progress' } });
      release();
      release = undefined;
      expect((await first).status).toBe(201);
      expect(await counts()).toEqual({ audit: (before.audit ?? 0) + 1, keys: (before.keys ?? 0) + 1 });
    },
  );

  it('are dropped when the request fails, so the key can be retried', async () => {
    const before = await counts();
    const failed = await payDeferred('key-deferred-02', { amount: '3.00', fail: true });
    expect(failed.status).toBe(422);
    expect(await counts()).toEqual(before);
    const retried = await payDeferred('key-deferred-02', { amount: '3.00' });
    expect(retried.status).toBe(201);
    expect(await counts()).toEqual({ audit: (before.audit ?? 0) + 1, keys: (before.keys ?? 0) + 1 });
  });
});
