import { sql } from 'drizzle-orm';
import { date, numeric, PgDialect, pgTable, text } from 'drizzle-orm/pg-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildGridQuery,
  buildGridView,
  CUSTOMER_CHARGE_COLUMN_IDS,
  CUSTOMER_CHARGE_COLUMN_RULES,
  CUSTOMER_CHARGE_DEFAULT_SORT,
  type CustomerChargeColumnId,
  customerChargeGridCatalogue,
  escapeLike,
  type GridQueryOptions,
  GridQueryValidationError,
  parseGridDate,
} from './index';

// A stand-in table: the real one lives in packages/db; the translator only needs expressions.
const t = pgTable('ccr', {
  id: text('id'),
  invoiceNumber: text('invoice_number'),
  invoiceDate: date('invoice_date'),
  type: text('type'),
  customer: text('customer'),
  description: text('description'),
  startDate: date('start_date'),
  endDate: date('end_date'),
  unitCostPrice: numeric('unit_cost_price'),
  unitSellPrice: numeric('unit_sell_price'),
  quantity: numeric('quantity'),
  unit: text('unit'),
  totalCostPrice: numeric('total_cost_price'),
  totalSellPrice: numeric('total_sell_price'),
  productType: text('product_type'),
  productName: text('product_name'),
});
const catalogue = customerChargeGridCatalogue(t);
const options: GridQueryOptions = { tiebreak: t.id, defaultSort: CUSTOMER_CHARGE_DEFAULT_SORT };
const dialect = new PgDialect();
const render = (s: Parameters<PgDialect['sqlToQuery']>[0]) => {
  const q = dialect.sqlToQuery(s);
  return { sql: q.sql, params: q.params };
};
const block = { startRow: 0, endRow: 100 };

/** The WHERE of a request, rendered. */
function where(request: Record<string, unknown>) {
  return render(buildGridQuery(catalogue, { ...block, ...request }, options).where);
}
/** The validation fields of a rejected request. */
function rejected(request: unknown, opts: GridQueryOptions = options): Record<string, string> {
  try {
    buildGridQuery(catalogue, request, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(GridQueryValidationError);
    return (e as GridQueryValidationError).fields;
  }
  throw new Error('expected a rejection');
}
const C = (name: string) => `"ccr"."${name}"`;

describe('paging and order', () => {
  it('defaults to invoice number descending with the row id as tiebreak', () => {
    const q = buildGridQuery(catalogue, { startRow: 200, endRow: 300 }, options);
    expect(q.limit).toBe(100);
    expect(q.offset).toBe(200);
    expect(render(q.where)).toEqual({ sql: 'true', params: [] });
    expect(render(q.orderBy)).toEqual({ sql: `${C('invoice_number')} desc, ${C('id')} desc`, params: [] });
  });

  it('uses the sort model, tiebreak in the last direction', () => {
    const q = buildGridQuery(
      catalogue,
      {
        ...block,
        sortModel: [
          { colId: 'customer', sort: 'desc' },
          { colId: 'invoiceDate', sort: 'asc' },
        ],
      },
      options,
    );
    expect(render(q.orderBy).sql).toBe(`${C('customer')} desc, ${C('invoice_date')} asc, ${C('id')} asc`);
  });

  it('accepts null models and ignores unknown top-level fields (the export body has more)', () => {
    const q = buildGridQuery(
      catalogue,
      {
        ...block,
        sortModel: null,
        filterModel: null,
        advancedFilterModel: null,
        columns: ['x'],
        format: 'csv',
      },
      options,
    );
    expect(render(q.where).sql).toBe('true');
  });

  it('every sortable column sorts; the others are rejected', () => {
    for (const id of CUSTOMER_CHARGE_COLUMN_IDS) {
      const request = { ...block, sortModel: [{ colId: id, sort: 'asc' }] };
      if (CUSTOMER_CHARGE_COLUMN_RULES[id].sortable) {
        expect(() => buildGridQuery(catalogue, request, options)).not.toThrow();
      } else {
        expect(rejected(request)).toEqual({ 'sortModel.0.colId': `Column "${id}" cannot be sorted` });
      }
    }
  });

  it('continues a sort whose last key thenBy names by its column, in its direction, unless the request sorts by that itself', () => {
    const opts: GridQueryOptions = { ...options, thenBy: { productType: 'productName' } };
    const order = (sortModel: unknown[]) => render(buildGridView(catalogue, { sortModel }, opts).orderBy).sql;
    expect(order([{ colId: 'productType', sort: 'desc' }])).toBe(
      `${C('product_type')} desc, ${C('product_name')} desc, ${C('id')} desc`,
    );
    expect(
      order([
        { colId: 'productType', sort: 'asc' },
        { colId: 'customer', sort: 'desc' },
      ]),
    ).toBe(`${C('product_type')} asc, ${C('customer')} desc, ${C('id')} desc`);
    expect(
      order([
        { colId: 'productName', sort: 'desc' },
        { colId: 'productType', sort: 'asc' },
      ]),
    ).toBe(`${C('product_name')} desc, ${C('product_type')} asc, ${C('id')} asc`);
    const q = buildGridQuery(
      catalogue,
      { ...block, sortModel: [{ colId: 'productType', sort: 'asc' }] },
      opts,
    );
    expect(q.sort.map((k) => [k.colId, k.desc])).toEqual([
      ['productType', false],
      ['productName', false],
    ]);
    expect(() =>
      buildGridView(
        catalogue,
        { sortModel: [{ colId: 'productType', sort: 'asc' }] },
        {
          ...options,
          thenBy: { productType: 'nothing' },
        },
      ),
    ).toThrow(/thenBy names "nothing"/);
  });

  it('buildGridView has no paging', () => {
    const v = buildGridView(
      catalogue,
      { filterModel: { quantity: { filterType: 'number', type: 'equals', filter: 2 } } },
      options,
    );
    expect(render(v.where)).toEqual({ sql: `${C('quantity')} = $1`, params: [2] });
    expect(render(v.orderBy).sql).toBe(`${C('invoice_number')} desc, ${C('id')} desc`);
    expect(() => buildGridView(catalogue, 'x', options)).toThrow(GridQueryValidationError);
  });
});

describe('text operators', () => {
  const cases: [string, string | undefined, string, unknown[]][] = [
    ['contains', 'acme', `${C('customer')} ilike $1`, ['%acme%']],
    ['notContains', 'acme', `(${C('customer')} is null or ${C('customer')} not ilike $1)`, ['%acme%']],
    ['equals', 'Acme', `lower(${C('customer')}) = lower($1)`, ['Acme']],
    ['notEqual', 'Acme', `(${C('customer')} is null or lower(${C('customer')}) <> lower($1))`, ['Acme']],
    ['startsWith', 'Ac', `${C('customer')} ilike $1`, ['Ac%']],
    ['endsWith', 'me', `${C('customer')} ilike $1`, ['%me']],
    ['blank', undefined, `(${C('customer')} is null or ${C('customer')} = '')`, []],
    ['notBlank', undefined, `(${C('customer')} is not null and ${C('customer')} <> '')`, []],
  ];
  for (const [type, filter, expected, params] of cases) {
    it(type, () => {
      expect(where({ filterModel: { customer: { filterType: 'text', type, filter } } })).toEqual({
        sql: expected,
        params,
      });
    });
  }

  it('escapes LIKE wildcards and backslashes in values', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
    expect(
      where({ filterModel: { description: { filterType: 'text', type: 'contains', filter: '100%_x' } } }),
    ).toEqual({ sql: `${C('description')} ilike $1`, params: ['%100\\%\\_x%'] });
  });

  it('keeps injection attempts in parameters', () => {
    const evil = "x'; drop table ccr; --";
    const q = where({
      filterModel: { customer: { filterType: 'text', type: 'equals', filter: evil } },
      advancedFilterModel: {
        filterType: 'text',
        colId: 'description',
        type: 'startsWith',
        filter: '") or 1=1 --',
      },
    });
    expect(q.sql).toBe(`lower(${C('customer')}) = lower($1) and ${C('description')} ilike $2`);
    expect(q.params).toEqual([evil, '") or 1=1 --%']);
  });
});

describe('number and date operators', () => {
  const scalar: [string, string][] = [
    ['equals', '= $1'],
    ['notEqual', '<> $1'],
    ['lessThan', '< $1'],
    ['lessThanOrEqual', '<= $1'],
    ['greaterThan', '> $1'],
    ['greaterThanOrEqual', '>= $1'],
  ];
  for (const [type, op] of scalar) {
    it(`number ${type}`, () => {
      expect(where({ filterModel: { quantity: { filterType: 'number', type, filter: 2.5 } } })).toEqual({
        sql: `${C('quantity')} ${op}`,
        params: [2.5],
      });
    });
    it(`date ${type}`, () => {
      expect(
        where({
          filterModel: {
            invoiceDate: { filterType: 'date', type, dateFrom: '2026-01-31 00:00:00', dateTo: null },
          },
        }),
      ).toEqual({ sql: `${C('invoice_date')} ${op}::date`, params: ['2026-01-31'] });
    });
  }

  it('inRange is exclusive by default, as AG Grid, inclusive when asked', () => {
    const req = {
      filterModel: { quantity: { filterType: 'number', type: 'inRange', filter: 1, filterTo: 5 } },
    };
    expect(where(req)).toEqual({ sql: `(${C('quantity')} > $1 and ${C('quantity')} < $2)`, params: [1, 5] });
    const inclusive = buildGridQuery(catalogue, { ...block, ...req }, { ...options, inRangeInclusive: true });
    expect(render(inclusive.where).sql).toBe(`(${C('quantity')} >= $1 and ${C('quantity')} <= $2)`);
    expect(
      where({
        filterModel: {
          startDate: {
            filterType: 'date',
            type: 'inRange',
            dateFrom: '2026-01-01 00:00:00',
            dateTo: '2026-02-28 00:00:00',
          },
        },
      }),
    ).toEqual({
      sql: `(${C('start_date')} > $1::date and ${C('start_date')} < $2::date)`,
      params: ['2026-01-01', '2026-02-28'],
    });
  });

  it('blank and notBlank need no value', () => {
    expect(
      where({
        filterModel: { endDate: { filterType: 'date', type: 'blank', dateFrom: null, dateTo: null } },
      }),
    ).toEqual({
      sql: `${C('end_date')} is null`,
      params: [],
    });
    expect(where({ filterModel: { quantity: { filterType: 'number', type: 'notBlank' } } })).toEqual({
      sql: `${C('quantity')} is not null`,
      params: [],
    });
  });

  it('Advanced Filter date leaves carry the date in filter (YYYY-MM-DD)', () => {
    expect(
      where({
        advancedFilterModel: { filterType: 'date', colId: 'endDate', type: 'lessThan', filter: '2026-03-01' },
      }),
    ).toEqual({ sql: `${C('end_date')} < $1::date`, params: ['2026-03-01'] });
    expect(
      where({
        advancedFilterModel: {
          filterType: 'dateString',
          colId: 'endDate',
          type: 'inRange',
          filter: '2026-03-01',
          filterTo: '2026-04-01',
        },
      }).params,
    ).toEqual(['2026-03-01', '2026-04-01']);
  });

  it('parseGridDate accepts real dates only', () => {
    expect(parseGridDate('2024-02-29')).toBe('2024-02-29');
    expect(parseGridDate('2024-02-29 23:59:59')).toBe('2024-02-29');
    expect(parseGridDate('2026-02-29')).toBeUndefined();
    expect(parseGridDate('2026-02-30 00:00:00')).toBeUndefined();
    expect(parseGridDate('2026-13-01')).toBeUndefined();
    expect(parseGridDate('2026-01-01 24:00:00')).toBeUndefined();
    expect(parseGridDate('2026-1-1')).toBeUndefined();
    expect(parseGridDate('0999-01-01')).toBeUndefined();
  });
});

describe('set filter', () => {
  it('values become an IN list; null means blank; none means nothing', () => {
    expect(where({ filterModel: { type: { filterType: 'set', values: ['Debit'] } } })).toEqual({
      sql: `${C('type')} in ($1)`,
      params: ['DEBIT'],
    });
    expect(
      where({ filterModel: { type: { filterType: 'set', values: ['DEBIT', 'credit', null, 'Debit'] } } }),
    ).toEqual({
      sql: `(${C('type')} in ($1, $2) or ${C('type')} is null)`,
      params: ['DEBIT', 'CREDIT'],
    });
    expect(where({ filterModel: { type: { filterType: 'set', values: [] } } }).sql).toBe('false');
    expect(where({ filterModel: { type: { filterType: 'set', values: [null] } } }).sql).toBe(
      `${C('type')} is null`,
    );
  });

  it('a choice column may be filtered as text too', () => {
    expect(
      where({ filterModel: { type: { filterType: 'text', type: 'equals', filter: 'credit' } } }),
    ).toEqual({
      sql: `lower(${C('type')}) = lower($1)`,
      params: ['credit'],
    });
  });

  it('works as an Advanced Filter leaf', () => {
    expect(where({ advancedFilterModel: { filterType: 'set', colId: 'type', values: ['Credit'] } })).toEqual({
      sql: `${C('type')} in ($1)`,
      params: ['CREDIT'],
    });
  });
});

describe('combined and nested', () => {
  it('column filter with operator and conditions', () => {
    expect(
      where({
        filterModel: {
          customer: {
            filterType: 'text',
            operator: 'OR',
            conditions: [
              { filterType: 'text', type: 'startsWith', filter: 'A' },
              { filterType: 'text', type: 'endsWith', filter: 'Z' },
            ],
          },
        },
      }),
    ).toEqual({ sql: `(${C('customer')} ilike $1 or ${C('customer')} ilike $2)`, params: ['A%', '%Z'] });
  });

  it('column filters and the Advanced Filter are combined with AND', () => {
    const q = where({
      filterModel: {
        customer: { filterType: 'text', type: 'contains', filter: 'acme' },
        quantity: { filterType: 'number', type: 'greaterThan', filter: 1 },
      },
      advancedFilterModel: {
        filterType: 'join',
        type: 'OR',
        conditions: [
          { filterType: 'text', colId: 'productType', type: 'equals', filter: 'Azure' },
          {
            filterType: 'join',
            type: 'AND',
            conditions: [
              { filterType: 'date', colId: 'invoiceDate', type: 'greaterThanOrEqual', filter: '2026-01-01' },
              { filterType: 'set', colId: 'type', values: ['Credit'] },
            ],
          },
        ],
      },
    });
    expect(q.sql).toBe(
      `${C('customer')} ilike $1 and ${C('quantity')} > $2 and ` +
        `(lower(${C('product_type')}) = lower($3) or (${C('invoice_date')} >= $4::date and ${C('type')} in ($5)))`,
    );
    expect(q.params).toEqual(['%acme%', 1, 'Azure', '2026-01-01', 'CREDIT']);
  });

  it('a one-condition group is its condition; empty groups are true (AND) and false (OR)', () => {
    const leaf = { filterType: 'text', colId: 'unit', type: 'blank' };
    expect(() => where({ advancedFilterModel: leaf })).toThrow(GridQueryValidationError);
    const one = { filterType: 'join', type: 'OR', conditions: [{ ...leaf, colId: 'customer' }] };
    expect(where({ advancedFilterModel: one }).sql).toBe(
      `(${C('customer')} is null or ${C('customer')} = '')`,
    );
    expect(where({ advancedFilterModel: { filterType: 'join', type: 'AND', conditions: [] } }).sql).toBe(
      'true',
    );
    expect(where({ advancedFilterModel: { filterType: 'join', type: 'OR', conditions: [] } }).sql).toBe(
      'false',
    );
  });

  it('accepts 8 levels of groups and 100 conditions', () => {
    let node: Record<string, unknown> = { filterType: 'text', colId: 'customer', type: 'notBlank' };
    for (let i = 0; i < 8; i++)
      node = { filterType: 'join', type: i % 2 ? 'AND' : 'OR', conditions: [node, node] };
    expect(() => where({ advancedFilterModel: node })).toThrow(GridQueryValidationError); // 2^8 = 256 leaves
    let chain: Record<string, unknown> = { filterType: 'text', colId: 'customer', type: 'notBlank' };
    for (let i = 0; i < 8; i++) chain = { filterType: 'join', type: 'AND', conditions: [chain] };
    expect(where({ advancedFilterModel: chain }).sql).toBe(
      `(${C('customer')} is not null and ${C('customer')} <> '')`,
    );
    const hundred = Array.from({ length: 100 }, (_, i) => ({
      filterType: 'number',
      colId: 'quantity',
      type: 'equals',
      filter: i,
    }));
    expect(
      where({ advancedFilterModel: { filterType: 'join', type: 'OR', conditions: hundred } }).params,
    ).toHaveLength(100);
  });
});

describe('rejections name the field', () => {
  const cases: [string, unknown, Record<string, string>][] = [
    ['not an object', [1], { request: 'Expected an object' }],
    [
      'unknown filter column',
      { ...block, filterModel: { nope: {} } },
      { 'filterModel.nope': 'Unknown column "nope"' },
    ],
    [
      'filter on a price column',
      { ...block, filterModel: { unitCostPrice: { filterType: 'number', type: 'equals', filter: 1 } } },
      { 'filterModel.unitCostPrice': 'Column "unitCostPrice" cannot be filtered' },
    ],
    [
      'filter on unit',
      { ...block, filterModel: { unit: { filterType: 'text', type: 'equals', filter: 'Month' } } },
      { 'filterModel.unit': 'Column "unit" cannot be filtered' },
    ],
    [
      'sort on a price column',
      { ...block, sortModel: [{ colId: 'totalSellPrice', sort: 'asc' }] },
      { 'sortModel.0.colId': 'Column "totalSellPrice" cannot be sorted' },
    ],
    [
      'sort on the type column',
      { ...block, sortModel: [{ colId: 'type', sort: 'asc' }] },
      { 'sortModel.0.colId': 'Column "type" cannot be sorted' },
    ],
    [
      'unknown sort column',
      { ...block, sortModel: [{ colId: 'x', sort: 'asc' }] },
      { 'sortModel.0.colId': 'Unknown column "x"' },
    ],
    [
      'twice the same sort column',
      {
        ...block,
        sortModel: [
          { colId: 'customer', sort: 'asc' },
          { colId: 'customer', sort: 'desc' },
        ],
      },
      { 'sortModel.1.colId': 'Column "customer" is sorted twice' },
    ],
    [
      'Advanced Filter leaf on an unknown column',
      {
        ...block,
        advancedFilterModel: {
          filterType: 'join',
          type: 'AND',
          conditions: [
            { filterType: 'text', colId: 'customer', type: 'contains', filter: 'a' },
            { filterType: 'text', colId: 'secret', type: 'contains', filter: 'a' },
          ],
        },
      },
      { 'advancedFilterModel.conditions.1.colId': 'Unknown column "secret"' },
    ],
    [
      'Advanced Filter leaf on a price column',
      {
        ...block,
        advancedFilterModel: { filterType: 'number', colId: 'unitSellPrice', type: 'equals', filter: 1 },
      },
      { 'advancedFilterModel.colId': 'Column "unitSellPrice" cannot be filtered' },
    ],
    [
      'impossible date',
      {
        ...block,
        filterModel: { invoiceDate: { filterType: 'date', type: 'equals', dateFrom: '2026-02-30 00:00:00' } },
      },
      { 'filterModel.invoiceDate.dateFrom': 'Expected a real date as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss' },
    ],
    [
      'a number as a string',
      { ...block, filterModel: { quantity: { filterType: 'number', type: 'equals', filter: '1' } } },
      { 'filterModel.quantity.filter': 'Invalid input: expected number, received string' },
    ],
    [
      'a missing value',
      { ...block, filterModel: { customer: { filterType: 'text', type: 'contains' } } },
      { 'filterModel.customer.filter': 'Required for "contains"' },
    ],
    [
      'inRange without its end',
      { ...block, filterModel: { quantity: { filterType: 'number', type: 'inRange', filter: 1 } } },
      { 'filterModel.quantity.filterTo': 'Required for "inRange"' },
    ],
    [
      'a filterType not of the column',
      { ...block, filterModel: { quantity: { filterType: 'text', type: 'contains', filter: '1' } } },
      { 'filterModel.quantity.filterType': 'Expected "number" for this column' },
    ],
    [
      'a set value not offered',
      { ...block, filterModel: { type: { filterType: 'set', values: ['Debit', 'Refund'] } } },
      { 'filterModel.type.values.1': 'Expected one of "DEBIT", "CREDIT"' },
    ],
    [
      'an unknown field in a condition',
      {
        ...block,
        filterModel: { customer: { filterType: 'text', type: 'equals', filter: 'a', sql: '1=1' } },
      },
      { 'filterModel.customer.sql': 'Unknown field' },
    ],
    [
      'a join with a bad type',
      { ...block, advancedFilterModel: { filterType: 'join', type: 'XOR', conditions: [] } },
      { 'advancedFilterModel.type': 'Invalid option: expected one of "AND"|"OR"' },
    ],
    ['startRow missing', { endRow: 10 }, { startRow: 'Invalid input: expected number, received undefined' }],
    ['negative startRow', { startRow: -1, endRow: 10 }, { startRow: 'Too small: expected number to be >=0' }],
    [
      'fractional endRow',
      { startRow: 0, endRow: 1.5 },
      { endRow: 'Invalid input: expected int, received number' },
    ],
    ['endRow before startRow', { startRow: 10, endRow: 10 }, { endRow: 'Must be greater than startRow' }],
    ['a block too large', { startRow: 0, endRow: 5000 }, { endRow: 'At most 1000 rows in one block' }],
    [
      'filterModel not an object',
      { ...block, filterModel: [] },
      { filterModel: 'Invalid input: expected record, received array' },
    ],
  ];
  for (const [name, request, fields] of cases) {
    it(name, () => {
      expect(rejected(request)).toEqual(fields);
    });
  }

  it('an unknown operator', () => {
    const fields = rejected({
      ...block,
      filterModel: { customer: { filterType: 'text', type: 'regex', filter: '.*' } },
    });
    expect(Object.keys(fields)).toEqual(['filterModel.customer.type']);
    const fields2 = rejected({
      ...block,
      filterModel: { quantity: { filterType: 'number', type: 'contains', filter: 1 } },
    });
    expect(Object.keys(fields2)).toEqual(['filterModel.quantity.type']);
  });

  it('deeper than 8 levels', () => {
    let node: Record<string, unknown> = { filterType: 'text', colId: 'customer', type: 'notBlank' };
    for (let i = 0; i < 9; i++) node = { filterType: 'join', type: 'AND', conditions: [node] };
    const path = `advancedFilterModel${'.conditions.0'.repeat(8)}`;
    expect(rejected({ ...block, advancedFilterModel: node })).toEqual({
      [path]: 'Nested too deep: at most 8 levels of AND/OR groups',
    });
  });

  it('more than 100 conditions, column filters included', () => {
    const conds = Array.from({ length: 100 }, () => ({
      filterType: 'text',
      colId: 'customer',
      type: 'blank',
    }));
    expect(
      rejected({
        ...block,
        filterModel: { quantity: { filterType: 'number', type: 'blank' } },
        advancedFilterModel: { filterType: 'join', type: 'AND', conditions: conds },
      }),
    ).toEqual({ 'advancedFilterModel.conditions.99': 'Too many conditions: at most 100 in one request' });
  });

  it('reports several problems at once, at most 20', () => {
    const fields = rejected({
      startRow: 0,
      endRow: 10,
      filterModel: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`c${i}`, {}])),
    });
    expect(Object.keys(fields)).toHaveLength(20);
  });

  it('the error carries the one error shape', () => {
    try {
      buildGridQuery(catalogue, { ...block, sortModel: [{ colId: 'unit', sort: 'asc' }] }, options);
    } catch (e) {
      expect((e as GridQueryValidationError).status).toBe(400);
      expect((e as GridQueryValidationError).toBody()).toEqual({
        error: {
          code: 'validation_failed',
          message: 'Invalid grid request: sortModel.0.colId',
          fields: { 'sortModel.0.colId': 'Column "unit" cannot be sorted' },
        },
      });
    }
  });

  it('a __proto__ column id is just an unknown column', () => {
    const request = JSON.parse(
      '{"startRow":0,"endRow":10,"filterModel":{"__proto__":{"filterType":"text"}}}',
    );
    expect(rejected(request)).toEqual({ 'filterModel.__proto__': 'Unknown column "__proto__"' });
  });
});

describe('columnFilters: the conditions on one column alone that every row passes', () => {
  const filtersOf = (request: Record<string, unknown>) =>
    buildGridQuery(catalogue, { ...block, ...request }, options).columnFilters;
  const on = (request: Record<string, unknown>, colId: string) => {
    const column = catalogue[colId];
    if (!column) throw new Error(colId);
    const matches = filtersOf(request)?.get(column);
    return matches && render(matches(sql`"v"`));
  };

  it('renders a column filter on the expression put in the column’s place', () => {
    const request = {
      filterModel: {
        productType: { filterType: 'text', type: 'equals', filter: 'Microsoft 365' },
        quantity: { filterType: 'number', type: 'greaterThan', filter: 10 },
      },
    };
    expect(on(request, 'productType')).toEqual({ sql: 'lower("v") = lower($1)', params: ['Microsoft 365'] });
    expect(on(request, 'quantity')).toEqual({ sql: '"v" > $1', params: [10] });
    expect(on(request, 'description')).toBeUndefined();
  });

  it('AND-ed at the top, column and Advanced Filter together; an OR group about the column alone is one', () => {
    const request = {
      filterModel: { productType: { filterType: 'text', type: 'contains', filter: 'micro' } },
      advancedFilterModel: {
        filterType: 'join',
        type: 'AND',
        conditions: [
          {
            filterType: 'join',
            type: 'OR',
            conditions: [
              { filterType: 'text', colId: 'productType', type: 'equals', filter: 'a' },
              { filterType: 'text', colId: 'productType', type: 'equals', filter: 'b' },
            ],
          },
          { filterType: 'text', colId: 'customer', type: 'equals', filter: 'c' },
        ],
      },
    };
    expect(on(request, 'productType')).toEqual({
      sql: '"v" ilike $1 and (lower("v") = lower($2) or lower("v") = lower($3))',
      params: ['%micro%', 'a', 'b'],
    });
    expect(on(request, 'customer')).toEqual({ sql: 'lower("v") = lower($1)', params: ['c'] });
  });

  it('a condition OR-ed with another column’s is no column’s; no filters, no map', () => {
    const request = {
      advancedFilterModel: {
        filterType: 'join',
        type: 'OR',
        conditions: [
          { filterType: 'text', colId: 'productType', type: 'equals', filter: 'a' },
          { filterType: 'text', colId: 'customer', type: 'equals', filter: 'c' },
        ],
      },
    };
    expect(filtersOf(request)).toBeUndefined();
    expect(filtersOf({})).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

const filterable = CUSTOMER_CHARGE_COLUMN_IDS.filter((id) => CUSTOMER_CHARGE_COLUMN_RULES[id].filterable);
const sortable = CUSTOMER_CHARGE_COLUMN_IDS.filter((id) => CUSTOMER_CHARGE_COLUMN_RULES[id].sortable);
const dateArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const textOps = [
  'contains',
  'notContains',
  'equals',
  'notEqual',
  'startsWith',
  'endsWith',
  'blank',
  'notBlank',
];
const scalarOps = [
  'equals',
  'notEqual',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'inRange',
  'blank',
  'notBlank',
];

function conditionArb(id: CustomerChargeColumnId, advanced: boolean): fc.Arbitrary<Record<string, unknown>> {
  const rule = CUSTOMER_CHARGE_COLUMN_RULES[id];
  const colId = advanced ? { colId: id } : {};
  switch (rule.kind) {
    case 'text':
      return fc
        .record({
          filterType: fc.constant('text'),
          type: fc.constantFrom(...textOps),
          filter: fc.string({ maxLength: 30 }),
        })
        .map((m) => ({ ...m, ...colId }));
    case 'number':
      return fc
        .record({
          filterType: fc.constant('number'),
          type: fc.constantFrom(...scalarOps),
          filter: fc.double({ noNaN: true, noDefaultInfinity: true }),
          filterTo: fc.double({ noNaN: true, noDefaultInfinity: true }),
        })
        .map((m) => ({ ...m, ...colId }));
    case 'date':
      return fc
        .record({
          filterType: fc.constant('date'),
          type: fc.constantFrom(...scalarOps),
          from: dateArb,
          to: dateArb,
        })
        .map(({ from, to, ...m }) =>
          advanced
            ? { ...m, ...colId, filter: from, filterTo: to }
            : { ...m, dateFrom: `${from} 00:00:00`, dateTo: `${to} 00:00:00` },
        );
    case 'set':
      return fc
        .record({ filterType: fc.constant('set'), values: fc.subarray(['Debit', 'Credit', null]) })
        .map((m) => ({ ...m, ...colId }));
  }
}

const advancedArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ node: Record<string, unknown> }>(
  (tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...filterable).chain((id) => conditionArb(id, true)),
      fc.record({
        filterType: fc.constant('join'),
        type: fc.constantFrom('AND', 'OR'),
        conditions: fc.array(tie('node'), { maxLength: 3 }),
      }),
    ),
  }),
).node;

function depthOf(node: unknown): number {
  const n = node as { filterType?: string; conditions?: unknown[] };
  return n.filterType === 'join' ? 1 + Math.max(0, ...(n.conditions ?? []).map(depthOf)) : 0;
}
function leavesOf(node: unknown): number {
  const n = node as { filterType?: string; conditions?: unknown[] };
  return n.filterType === 'join' ? (n.conditions ?? []).reduce<number>((s, c) => s + leavesOf(c), 0) : 1;
}

const requestArb = fc.record({
  startRow: fc.nat({ max: 100_000 }),
  size: fc.integer({ min: 1, max: 1000 }),
  sortModel: fc.uniqueArray(
    fc.record({ colId: fc.constantFrom(...sortable), sort: fc.constantFrom('asc', 'desc') }),
    {
      selector: (s) => s.colId,
      maxLength: 3,
    },
  ),
  filterModel: fc.dictionary(
    fc.constantFrom(...filterable),
    fc.constant(null), // replaced below, per column
    { maxKeys: 4 },
  ),
  advancedFilterModel: fc.option(advancedArb, { nil: undefined }),
});

// Every token that may appear in rendered SQL: our keywords, the stand-in columns, placeholders.
const allowedToken =
  /^(?:"ccr"\."[a-z_]+"|\$\d+(?:::date)?|and|or|not|is|null|in|ilike|lower|true|false|asc|desc|''|[()=<>,]+|<>|<=|>=)$/;
function tokens(text: string): string[] {
  return text.replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').replace(/,/g, ' , ').split(/\s+/).filter(Boolean);
}

describe('properties', () => {
  it('any valid request renders, and its SQL holds only our own tokens', () => {
    fc.assert(
      fc.property(
        requestArb.chain((r) =>
          fc
            .tuple(
              ...Object.keys(r.filterModel).map((id) => conditionArb(id as CustomerChargeColumnId, false)),
            )
            .map((conds) => ({
              ...r,
              filterModel: Object.fromEntries(Object.keys(r.filterModel).map((id, i) => [id, conds[i]])),
            })),
        ),
        (r) => {
          const adv = r.advancedFilterModel;
          fc.pre(!adv || (depthOf(adv) <= 8 && leavesOf(adv) + Object.keys(r.filterModel).length <= 100));
          const q = buildGridQuery(
            catalogue,
            {
              startRow: r.startRow,
              endRow: r.startRow + r.size,
              sortModel: r.sortModel,
              filterModel: r.filterModel,
              advancedFilterModel: adv,
            },
            options,
          );
          const w = render(q.where);
          const o = render(q.orderBy);
          for (const tok of [...tokens(w.sql), ...tokens(o.sql)]) expect(tok).toMatch(allowedToken);
          expect(o.params).toEqual([]);
          expect(q.limit).toBe(r.size);
          // Each placeholder has its parameter.
          const placeholders = w.sql.match(/\$\d+/g) ?? [];
          expect(placeholders.length).toBe(w.params.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  const validOrRejected = (request: unknown) => {
    try {
      const q = buildGridQuery(catalogue, request, options);
      render(q.where);
      render(q.orderBy);
    } catch (e) {
      expect(e).toBeInstanceOf(GridQueryValidationError);
      const fields = (e as GridQueryValidationError).fields;
      expect(Object.keys(fields).length).toBeGreaterThan(0);
      for (const [path, message] of Object.entries(fields)) {
        expect(path).toMatch(/^(request|startRow|endRow|sortModel|filterModel|advancedFilterModel)(\.|$)/);
        expect(typeof message).toBe('string');
      }
    }
  };

  it('any JSON value is either valid or rejected with field paths', () => {
    fc.assert(fc.property(fc.jsonValue(), validOrRejected), { numRuns: 300 });
  });

  it('any JSON value in any part of a request is either valid or rejected with field paths', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 });
    const nearlyValid = fc.record(
      {
        startRow: fc.oneof(fc.nat({ max: 10 }), anyJson),
        endRow: fc.oneof(fc.integer({ min: 11, max: 100 }), anyJson),
        sortModel: fc.oneof(
          fc.array(
            fc.record({
              colId: fc.constantFrom(...CUSTOMER_CHARGE_COLUMN_IDS, 'x'),
              sort: fc.oneof(fc.constantFrom('asc', 'desc'), anyJson),
            }),
          ),
          anyJson,
        ),
        filterModel: fc.oneof(
          fc.dictionary(
            fc.constantFrom(...CUSTOMER_CHARGE_COLUMN_IDS, 'x', '__proto__'),
            fc.oneof(anyJson, conditionArb('customer', false), conditionArb('invoiceDate', false)),
          ),
          anyJson,
        ),
        advancedFilterModel: fc.oneof(
          advancedArb,
          anyJson,
          fc.record({
            filterType: fc.constant('join'),
            type: fc.constantFrom('AND', 'OR'),
            conditions: fc.array(fc.oneof(anyJson, advancedArb)),
          }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(nearlyValid, validOrRejected), { numRuns: 500 });
  });

  it('a very deep input is rejected without exhausting the stack', () => {
    let node: unknown = { filterType: 'text', colId: 'customer', type: 'blank' };
    for (let i = 0; i < 100_000; i++) node = { filterType: 'join', type: 'AND', conditions: [node] };
    expect(Object.keys(rejected({ ...block, advancedFilterModel: node }))).toHaveLength(1);
  });

  it('the stand-in catalogue matches the column rules', () => {
    expect(Object.keys(catalogue)).toEqual([...CUSTOMER_CHARGE_COLUMN_IDS]);
    expect(render(sql`${catalogue.invoiceNumber!.sql}`).sql).toBe(C('invoice_number'));
  });
});
