import { describe, expect, it } from 'vitest';
import {
  changedOptions,
  displayValue,
  historyOf,
  kindOf,
  OPTION_GROUPS,
  OPTION_INFO,
  validateOptions,
} from './profile-options';

// SPEC §8's options as the API defines them (billing-core's defaultBillingOptions keys).
const SPEC_KEYS = [
  'accountTransferDisconnectionCreditRule',
  'accountTransferCustomCreditPercent',
  'allowPaymentsAndAdjustmentsTowardsChildAccount',
  'amountIncludesTax',
  'exactDisconnectionCreditOnAdHocPriceChange',
  'billTillEndOfCurrentPaytermForChangeOrder',
  'enableConsolidatedPriceline',
  'enableTaxAggregation',
  'externalTaxIntegrationRequired',
  'generateFullMonthChargeEvenAfterDisconnectionOfNodc',
  'generateZeroValueCharge',
  'minimumVacationDays',
  'maximumVacationDays',
  'monthDefinition',
  'invoiceGenerationRule',
  'invoicePdfFilePath',
  'prorataInclusive',
  'regenerateCancelledInvoice',
  'requiredProrataFlatDiscount',
  'requiresCustomBillNumber',
  'revenueRecognitionInterval',
  'taxOnInvoiceDate',
  'soaFilePath',
  'customBillNumberTemplate',
];

const valid = {
  minimumVacationDays: 1,
  maximumVacationDays: 365,
  invoicePdfFilePath: 'invoices/pdf',
  soaFilePath: 'soa/pdf',
  accountTransferCustomCreditPercent: '0',
  requiresCustomBillNumber: false,
  customBillNumberTemplate: null,
};

describe('billing profile options', () => {
  it('shows every option exactly once, each with a label and help text', () => {
    const grouped = OPTION_GROUPS.flatMap((g) => g.keys);
    expect([...grouped].sort()).toEqual([...SPEC_KEYS].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    for (const key of SPEC_KEYS) {
      expect(OPTION_INFO[key]?.label).toBeTruthy();
      expect(OPTION_INFO[key]?.help).toBeTruthy();
    }
  });

  it('accepts valid options and refuses a minimum above the maximum, beside the minimum', () => {
    expect(validateOptions(valid)).toEqual({});
    expect(validateOptions({ ...valid, minimumVacationDays: 10, maximumVacationDays: 5 })).toEqual({
      minimumVacationDays: 'The minimum vacation days must not be above the maximum',
    });
    expect(validateOptions({ ...valid, maximumVacationDays: '' as never }).maximumVacationDays).toMatch(
      /whole/,
    );
    expect(validateOptions({ ...valid, minimumVacationDays: -1 }).minimumVacationDays).toMatch(/0 or more/);
  });

  it('refuses storage locations that leave their root, bad percentages, and a custom number without template', () => {
    expect(validateOptions({ ...valid, soaFilePath: '../etc' }).soaFilePath).toBeTruthy();
    expect(validateOptions({ ...valid, invoicePdfFilePath: '/abs' }).invoicePdfFilePath).toBeTruthy();
    expect(validateOptions({ ...valid, invoicePdfFilePath: ' ' }).invoicePdfFilePath).toBe(
      'Must not be empty',
    );
    expect(validateOptions({ ...valid, accountTransferCustomCreditPercent: '101' })).toHaveProperty(
      'accountTransferCustomCreditPercent',
    );
    expect(validateOptions({ ...valid, requiresCustomBillNumber: true })).toHaveProperty(
      'customBillNumberTemplate',
    );
    expect(
      validateOptions({ ...valid, requiresCustomBillNumber: true, customBillNumberTemplate: '{SEQ:6}' }),
    ).toEqual({});
  });

  it('sends only what changed, trimmed, and an empty template as null', () => {
    const saved = { ...valid, amountIncludesTax: false };
    expect(changedOptions(saved, { ...saved })).toEqual({});
    expect(changedOptions(saved, { ...saved, amountIncludesTax: true, soaFilePath: ' soa/pdf ' })).toEqual({
      amountIncludesTax: true,
    });
    expect(
      changedOptions(
        { ...saved, customBillNumberTemplate: 'X{SEQ:4}' },
        { ...saved, customBillNumberTemplate: '  ' },
      ),
    ).toEqual({
      customBillNumberTemplate: null,
    });
  });

  it("reads one option's history from the record's history, and shows values as words", () => {
    const history = [
      {
        at: '2026-01-02T00:00:00Z',
        actorUserId: 'a',
        old: { monthDefinition: 'CALDAYS' },
        new: { monthDefinition: '30_DAYS' },
      },
      {
        at: '2026-01-01T00:00:00Z',
        actorUserId: 'a',
        old: { amountIncludesTax: false },
        new: { amountIncludesTax: true },
      },
    ];
    expect(historyOf('monthDefinition', history)).toEqual([
      { at: '2026-01-02T00:00:00Z', actorUserId: 'a', old: 'CALDAYS', new: '30_DAYS' },
    ]);
    expect(displayValue('monthDefinition', '30_DAYS')).toBe('Always 30 days');
    expect(displayValue('amountIncludesTax', true)).toBe('Yes');
    expect(displayValue('customBillNumberTemplate', null)).toBe('(none)');
    expect(kindOf('customBillNumberTemplate', [])).toBe('template');
    expect(kindOf('monthDefinition', [{ key: 'monthDefinition', kind: 'choice', default: 'CALDAYS' }])).toBe(
      'choice',
    );
  });
});
