import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpTaxProvider, NOT_CONFIGURED, quoteOrPending } from './external-tax';
import { startTaxService, type TaxService } from './tax-service.testing';

let service: TaxService;
beforeAll(async () => {
  service = await startTaxService();
});
afterAll(() => service.close());

const request = {
  invoiceKey: 'acc-1:2026-07-01:2026-07-31:2026-07-01:sub-1',
  currency: 'EUR',
  invoiceDate: '2026-07-01',
  lines: [
    {
      id: 'sub-1/l-1/2026-07-01',
      amount: '100.00',
      taxes: [{ code: 'VAT', type: 'VAT', chargeComponent: 'RECURRING' }],
    },
    { id: 'sub-1/l-2/2026-07-01', amount: '33.33', taxes: [] },
  ],
};

describe('the HTTP tax provider against a real local server', () => {
  it('answers: the taxes of the service, per line', async () => {
    service.mode = 'answer';
    const provider = httpTaxProvider({ url: service.url, timeoutMs: 2000 });
    const outcome = await quoteOrPending(provider, request);
    expect(outcome.status).toBe('READY');
    if (outcome.status !== 'READY') return;
    expect(outcome.taxes.map((t) => [t.code, t.chargeIds, t.amount.toFixed(2)])).toEqual([
      ['EXT19', ['sub-1/l-1/2026-07-01'], '19.00'],
      ['EXT19', ['sub-1/l-2/2026-07-01'], '6.33'],
    ]);
    expect(service.requests.at(-1)).toEqual(request);
  });

  it('fails, hangs, or answers garbage: PENDING with the reason', async () => {
    const provider = httpTaxProvider({ url: service.url, timeoutMs: 200 });
    service.mode = 'fail';
    expect(await quoteOrPending(provider, request)).toEqual({
      status: 'PENDING',
      error: { code: 'EXTERNAL_TAX_FAILED', message: 'The tax service answered 500: tax engine down' },
    });
    service.mode = 'hang';
    const started = Date.now();
    expect(await quoteOrPending(provider, request)).toEqual({
      status: 'PENDING',
      error: { code: 'EXTERNAL_TAX_FAILED', message: 'The tax service did not answer within 200 ms' },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    service.mode = 'garbage';
    expect(await quoteOrPending(provider, request)).toMatchObject({
      status: 'PENDING',
      error: { message: 'The tax service answered something that is not JSON' },
    });
    const closed = httpTaxProvider({ url: 'http://127.0.0.1:1/quote', timeoutMs: 500 });
    expect(await quoteOrPending(closed, request)).toMatchObject({
      status: 'PENDING',
      error: { message: expect.stringMatching(/could not be reached/) },
    });
  });

  it('refuses an answer naming lines it was not asked about, and a missing service', async () => {
    const liar = {
      quote: async () => ({
        taxes: [
          {
            lineIds: ['other'],
            code: 'X',
            type: 'VAT',
            chargeComponent: 'RECURRING',
            percent: '1',
            base: '1.00',
            amount: '0.01',
          },
        ],
      }),
    };
    expect(await quoteOrPending(liar, request)).toMatchObject({
      status: 'PENDING',
      error: { code: 'EXTERNAL_TAX_INVALID' },
    });
    expect(await quoteOrPending(null, request)).toEqual({ status: 'PENDING', error: NOT_CONFIGURED });
  });
});
