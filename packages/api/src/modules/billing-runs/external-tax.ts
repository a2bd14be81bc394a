/**
 * External Tax Integration (SPEC §8, issues 3 and 9). With the option External Tax Integration
 * Required, the tax amounts of a generated invoice come from the configured tax service
 * (`TAX_SERVICE_URL`, answer within `TAX_SERVICE_TIMEOUT_MS`); when it fails, times out or answers
 * something malformed, the invoice stays PENDING (unnumbered, in no balance) with the error in
 * `pending_error`, and `POST /api/v1/invoices/{id}/retry-taxes` asks again and issues it once.
 *
 * The HTTP contract (also in the module README and the OpenAPI description of the retry route):
 *   POST <TAX_SERVICE_URL>   Content-Type: application/json
 *   { "invoiceKey": "…", "currency": "EUR", "invoiceDate": "YYYY-MM-DD",
 *     "lines": [ { "id": "…", "amount": "100.00",
 *                  "taxes": [ { "code": "VAT21", "type": "VAT", "chargeComponent": "RECURRING" } ] } ] }
 *   200 { "taxes": [ { "lineIds": ["…"], "code": "VAT21", "type": "VAT", "chargeComponent": "RECURRING",
 *                      "percent": "21", "base": "100.00", "amount": "21.00" } ] }
 *   Any other status, a body that is not that JSON, or no answer in time is a failure.
 * `invoiceKey` is stable for one draft invoice, so the service can recognize a retried request.
 */
import {
  type ExternalTaxRequest,
  type ExternalTaxResponse,
  externalTaxRequest,
  type GeneratedInvoice,
  quoteExternalTaxes,
  type TaxDefinition,
  type TaxProvider,
  withExternalTaxes,
} from '@cascade/billing-core';
import type { Config } from '../../platform/config';
import type { BatchInput, Catalog } from './load';
import type { ToWrite } from './write';

export const DEFAULT_TAX_TIMEOUT_MS = 10_000;
/** Tax service requests a billing run has in flight at once. */
const TAX_CONCURRENCY = 8;

/** The HTTP adapter of `TaxProvider`: one POST per invoice, aborted after `timeoutMs`. */
export function httpTaxProvider(opts: { url: string; timeoutMs?: number }): TaxProvider {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TAX_TIMEOUT_MS;
  return {
    async quote(request: ExternalTaxRequest): Promise<ExternalTaxResponse> {
      let response: Response;
      try {
        response = await fetch(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'TimeoutError' || name === 'AbortError')
          throw new Error(`The tax service did not answer within ${timeoutMs} ms`);
        throw new Error(`The tax service could not be reached: ${(error as Error).message}`);
      }
      const text = await response.text().catch(() => '');
      if (!response.ok) {
        throw new Error(`The tax service answered ${response.status}: ${text.slice(0, 200)}`.trim());
      }
      try {
        return JSON.parse(text) as ExternalTaxResponse;
      } catch {
        throw new Error('The tax service answered something that is not JSON');
      }
    },
  };
}

/** The configured provider, or null when no tax service is configured. */
export function taxProviderFrom(
  config: Pick<Config, 'taxServiceUrl' | 'taxServiceTimeoutMs'>,
): TaxProvider | null {
  return config.taxServiceUrl
    ? httpTaxProvider({ url: config.taxServiceUrl, timeoutMs: config.taxServiceTimeoutMs })
    : null;
}

export const NOT_CONFIGURED = {
  code: 'EXTERNAL_TAX_NOT_CONFIGURED',
  message: 'External Tax Integration is required but no tax service is configured (TAX_SERVICE_URL)',
};

/** Asks the provider (or records that there is none); never throws. */
export async function quoteOrPending(
  provider: TaxProvider | null,
  request: ExternalTaxRequest,
): ReturnType<typeof quoteExternalTaxes> {
  if (!provider) return { status: 'PENDING', error: NOT_CONFIGURED };
  const outcome = await quoteExternalTaxes(provider, request);
  if (outcome.status !== 'READY') return outcome;
  // Every tax must name lines of this request: otherwise its amount would belong to no line.
  const ids = new Set(request.lines.map((l) => l.id));
  for (const [i, tax] of outcome.taxes.entries()) {
    if (tax.chargeIds.length === 0 || tax.chargeIds.some((id) => !ids.has(id)))
      return {
        status: 'PENDING',
        error: { code: 'EXTERNAL_TAX_INVALID', message: `taxes.${i}.lineIds must name lines of the request` },
      };
    if (tax.amount.isNegative() || tax.base.isNegative())
      return {
        status: 'PENDING',
        error: { code: 'EXTERNAL_TAX_INVALID', message: `taxes.${i}: negative amounts are not accepted` },
      };
  }
  return outcome;
}

/** The key the tax service sees for a generated invoice (the same on every retry of one draft). */
export function invoiceKeyOf(invoice: GeneratedInvoice): string {
  return `${invoice.accountId}:${invoice.periodStart}:${invoice.periodEnd}:${invoice.invoiceDate}:${invoice.lines[0]?.subscriptionId ?? ''}`;
}

/**
 * A billing run's batch with External Tax Integration Required: every generated invoice waiting
 * for taxes is quoted, one request each; the answered ones become READY (numbered when written),
 * the others stay PENDING with the error.
 */
export async function quoteBatchTaxes(
  generated: ToWrite[],
  batch: BatchInput,
  catalog: Catalog,
  provider: TaxProvider | null,
): Promise<ToWrite[]> {
  const taxesOf = (_subscriptionId: string, lineId: string): readonly TaxDefinition[] => {
    const productId = batch.lineProducts.get(lineId);
    return (productId && catalog.products.get(productId)?.taxes) || [];
  };
  // A few requests at a time: the batch's transaction stays short, the service is not flooded.
  const out: ToWrite[] = [...generated];
  const waiting = generated.flatMap((g, i) => (g.invoice.status === 'PENDING' ? [i] : []));
  for (let k = 0; k < waiting.length; k += TAX_CONCURRENCY) {
    await Promise.all(
      waiting.slice(k, k + TAX_CONCURRENCY).map(async (i) => {
        const g = generated[i]!;
        const request = externalTaxRequest(g.invoice, invoiceKeyOf(g.invoice), taxesOf);
        const outcome = await quoteOrPending(provider, request);
        out[i] = { ...g, invoice: withExternalTaxes(g.invoice, outcome) };
      }),
    );
  }
  return out;
}
