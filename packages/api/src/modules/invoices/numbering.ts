/**
 * Taking an issuer's next invoice number (SPEC §3): the counter row is locked by the UPDATE in the
 * caller's transaction (a rollback gives the number back, so numbers stay gapless), and
 * billing-core's `nextInvoiceNumber` formats it with the distributor's Custom Bill Number rule and
 * the issuer's invoice code as `{ORG}`. Every writer of single documents numbers through here;
 * billing runs number a whole batch at once with the same rule and `invoiceCodes`.
 */
import { BillingCoreError, type IsoDate, nextInvoiceNumber } from '@cascade/billing-core';
import { queryRows, type Transaction } from '@cascade/db';
import { sql } from 'drizzle-orm';
import { ApiError } from '../../platform/errors';

export interface NumberingRule {
  requiresCustomBillNumber: boolean;
  template: string | null;
}

/** `{ORG}` of each issuer: its invoice code, else its id in capitals. */
export async function invoiceCodes(
  tx: Transaction,
  distributorId: string,
  issuerOrgIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(issuerOrgIds)];
  const codes = new Map(ids.map((id) => [id, id.toUpperCase()]));
  if (ids.length === 0) return codes;
  const rows = await queryRows<{ id: string; code: string | null }>(
    tx,
    sql`select id, invoice_code as code from organizations
      where distributor_id = ${distributorId} and id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
  );
  for (const row of rows) if (row.code) codes.set(row.id, row.code);
  return codes;
}

/**
 * The issuer's next number for a document dated `invoiceDate`. A rule that cannot number (Requires
 * Custom Bill Number on without a template) is a 422 naming `field`.
 */
export async function takeInvoiceNumber(
  tx: Transaction,
  args: {
    distributorId: string;
    issuerOrgId: string;
    invoiceDate: IsoDate;
    rule: NumberingRule;
    field?: string;
  },
): Promise<{ sequence: number; number: string }> {
  const d = args.distributorId;
  await tx.execute(sql`insert into invoice_number_sequences (distributor_id, reseller_id, org_id, last_number)
    select o.distributor_id, o.reseller_id, o.id, 0 from organizations o
    where o.distributor_id = ${d} and o.id = ${args.issuerOrgId}
    on conflict do nothing`);
  const [seq] = await queryRows<{ last: string | number; code: string | null }>(
    tx,
    sql`update invoice_number_sequences s set last_number = s.last_number + 1
      from organizations o
      where s.distributor_id = ${d} and s.org_id = ${args.issuerOrgId}
        and o.distributor_id = s.distributor_id and o.id = s.org_id
      returning s.last_number as last, o.invoice_code as code`,
  );
  if (!seq) throw new Error(`no number sequence for ${args.issuerOrgId}`);
  try {
    return nextInvoiceNumber({
      lastSequence: Number(seq.last) - 1,
      requiresCustomBillNumber: args.rule.requiresCustomBillNumber,
      template: args.rule.template,
      orgCode: seq.code ?? args.issuerOrgId.toUpperCase(),
      invoiceDate: args.invoiceDate,
    });
  } catch (error) {
    if (error instanceof BillingCoreError) {
      throw new ApiError('unprocessable', `The document cannot be numbered: ${error.message}`, {
        [args.field ?? 'id']: error.message,
      });
    }
    throw error;
  }
}
