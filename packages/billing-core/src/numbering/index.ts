/**
 * Invoice numbers (SPEC §3): a gapless sequence per issuing organization. The caller keeps the
 * counter (a row locked in the same transaction that issues the invoice) and passes the last
 * value; this module says what the next number is.
 *
 * Without Requires Custom Bill Number the number is the sequence itself ("1", "2", …). With it, the
 * distributor's template is filled in. Tokens: {ORG} the issuer's code, {YYYY} {YY} {MM} {DD} from
 * the invoice date, {SEQ} or {SEQ:n} the sequence zero-padded to n digits (exactly one, so numbers
 * stay unique). Anything else must be letters, digits or `-_/.#`.
 */
import { type IsoDate, parseIsoDate } from '../calendar';
import { BillingCoreError } from '../errors';

const TOKEN = /\{([A-Z]+)(?::(\d+))?\}/g;
const LITERAL = /^[A-Za-z0-9\-_/.#]*$/;
const KNOWN_TOKENS = new Set(['ORG', 'YYYY', 'YY', 'MM', 'DD', 'SEQ']);

export type TemplateCheck = { ok: true } | { ok: false; code: string; message: string; field: string };

export function validateNumberTemplate(template: string, field = 'template'): TemplateCheck {
  const fail = (message: string): TemplateCheck => ({
    ok: false,
    code: 'INVALID_NUMBER_TEMPLATE',
    message,
    field,
  });
  if (typeof template !== 'string' || template.length === 0) return fail('The template must not be empty');
  if (template.length > 100) return fail('The template is longer than 100 characters');
  let seqCount = 0;
  for (const match of template.matchAll(TOKEN)) {
    const [, name = '', width] = match;
    if (!KNOWN_TOKENS.has(name)) return fail(`Unknown token {${name}}`);
    if (width !== undefined && name !== 'SEQ') return fail(`Only {SEQ} takes a width, not {${name}}`);
    if (width !== undefined && (Number(width) < 1 || Number(width) > 12))
      return fail('{SEQ:n} needs n between 1 and 12');
    if (name === 'SEQ') seqCount += 1;
  }
  if (seqCount !== 1) return fail('The template needs exactly one {SEQ} or {SEQ:n} token');
  if (!LITERAL.test(template.replace(TOKEN, ''))) {
    return fail('Outside tokens only letters, digits and - _ / . # are allowed');
  }
  return { ok: true };
}

export interface NumberContext {
  /** The issuing organization's short code, for {ORG}. */
  orgCode: string;
  invoiceDate: IsoDate;
  sequence: number;
}

export function formatInvoiceNumber(template: string, context: NumberContext): string {
  const check = validateNumberTemplate(template);
  if (!check.ok) throw new BillingCoreError(check.code, check.message, check.field);
  const { year, month, day } = parseIsoDate(context.invoiceDate, 'invoiceDate');
  const two = (n: number) => String(n).padStart(2, '0');
  return template.replace(TOKEN, (_all, name: string, width?: string) => {
    switch (name) {
      case 'ORG':
        return context.orgCode;
      case 'YYYY':
        return String(year).padStart(4, '0');
      case 'YY':
        return two(year % 100);
      case 'MM':
        return two(month);
      case 'DD':
        return two(day);
      default:
        return String(context.sequence).padStart(width ? Number(width) : 1, '0');
    }
  });
}

export interface NextNumberInput {
  /** The issuer's counter: the last sequence used (0 before the first invoice). */
  lastSequence: number;
  requiresCustomBillNumber: boolean;
  template?: string | null;
  orgCode: string;
  invoiceDate: IsoDate;
}

export interface NextNumber {
  sequence: number;
  number: string;
}

export function nextInvoiceNumber(input: NextNumberInput): NextNumber {
  if (!Number.isSafeInteger(input.lastSequence) || input.lastSequence < 0) {
    throw new BillingCoreError(
      'INVALID_SEQUENCE',
      'The last sequence must be a non-negative integer',
      'lastSequence',
    );
  }
  const sequence = input.lastSequence + 1;
  if (!input.requiresCustomBillNumber) return { sequence, number: String(sequence) };
  if (!input.template) {
    throw new BillingCoreError(
      'MISSING_NUMBER_TEMPLATE',
      'Requires Custom Bill Number is on but no template is set',
      'template',
    );
  }
  return { sequence, number: formatInvoiceNumber(input.template, { ...input, sequence }) };
}
