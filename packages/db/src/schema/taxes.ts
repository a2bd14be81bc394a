import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt, enumCheck, isoDate, percent, ref } from './_columns';
import { marketplacePolicies, tenantColumns } from './_tenancy';
import { organizations } from './organizations';
import { products } from './products';

export const CHARGE_COMPONENTS = ['RECURRING', 'ONE_TIME', 'USAGE'] as const;
export type ChargeComponent = (typeof CHARGE_COMPONENTS)[number];

/** A tax of the distributor's marketplace (code, type, charge component); its rates are dated. */
export const taxDefinitions = pgTable(
  'tax_definitions',
  {
    ...tenantColumns(),
    id: text('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** VAT, GST, SALES… */
    type: text('type').notNull(),
    chargeComponent: text('charge_component', { enum: CHARGE_COMPONENTS }).notNull(),
    country: text('country'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.id] }),
    index('tax_definitions_code_idx').on(t.distributorId, t.code),
    ref('tax_definitions_org_fk', t, t.orgId, organizations),
    enumCheck('tax_definitions_charge_component', t.chargeComponent, CHARGE_COMPONENTS),
    ...marketplacePolicies(t),
  ],
);

/** The rate in force from `valid_from` until the next rate's `valid_from`. */
export const taxRates = pgTable(
  'tax_rates',
  {
    ...tenantColumns(),
    taxDefinitionId: text('tax_definition_id').notNull(),
    validFrom: isoDate('valid_from').notNull(),
    percent: percent('percent').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.taxDefinitionId, t.validFrom] }),
    ref('tax_rates_definition_fk', t, t.taxDefinitionId, taxDefinitions),
    check('tax_rates_percent_range', sql`${t.percent} >= 0 and ${t.percent} <= 100`),
    ...marketplacePolicies(t),
  ],
);

/** Which taxes apply to a product. */
export const productTaxes = pgTable(
  'product_taxes',
  {
    ...tenantColumns(),
    productId: text('product_id').notNull(),
    taxDefinitionId: text('tax_definition_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.distributorId, t.productId, t.taxDefinitionId] }),
    ref('product_taxes_product_fk', t, t.productId, products),
    ref('product_taxes_definition_fk', t, t.taxDefinitionId, taxDefinitions),
    ...marketplacePolicies(t),
  ],
);
