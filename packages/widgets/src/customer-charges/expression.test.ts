import { describe, expect, it } from 'vitest';
import {
  type AdvancedFilterModel,
  addCondition,
  addGroup,
  type ConditionNode,
  combineFilters,
  countConditions,
  describeExpression,
  type ExpressionNode,
  emptyGroup,
  fromAdvancedFilterModel,
  fromColumnFilterModel,
  type GroupNode,
  newCondition,
  removeNode,
  sameExpression,
  setJoin,
  shapeOf,
  toAdvancedFilterModel,
  updateCondition,
  validateCondition,
  validateExpression,
} from './expression';

function cond(colId: string, operator: string, value = '', valueTo = ''): ConditionNode {
  return { ...newCondition(colId as ConditionNode['colId']), operator, value, valueTo };
}
function group(join: 'AND' | 'OR', ...children: ExpressionNode[]): GroupNode {
  return { ...emptyGroup(join), children };
}

const advanced: AdvancedFilterModel = {
  filterType: 'join',
  type: 'AND',
  conditions: [
    { colId: 'customer', filterType: 'text', type: 'contains', filter: 'acme' },
    {
      filterType: 'join',
      type: 'OR',
      conditions: [
        { colId: 'quantity', filterType: 'number', type: 'inRange', filter: 2, filterTo: 10.5 },
        { colId: 'invoiceDate', filterType: 'date', type: 'greaterThan', filter: '2026-01-31' },
        { colId: 'type', filterType: 'text', type: 'equals', filter: 'CREDIT' },
        { colId: 'productName', filterType: 'text', type: 'blank' },
      ],
    },
  ],
};

describe('tree ↔ AG Grid advanced filter model', () => {
  it('reads a model and writes the same model back', () => {
    const tree = fromAdvancedFilterModel(advanced);
    expect(shapeOf(tree)).toEqual([
      'AND',
      [
        ['customer', 'contains', 'acme', ''],
        [
          'OR',
          [
            ['quantity', 'inRange', '2', '10.5'],
            ['invoiceDate', 'greaterThan', '2026-01-31', ''],
            ['type', 'equals', 'CREDIT', ''],
            ['productName', 'blank', '', ''],
          ],
        ],
      ],
    ]);
    expect(validateExpression(tree).size).toBe(0);
    expect(toAdvancedFilterModel(tree)).toEqual(advanced);
  });

  it('writes numbers as numbers, dates as YYYY-MM-DD, Debit/Credit as a text equality, blanks without values', () => {
    const tree = group(
      'OR',
      cond('quantity', 'greaterThan', ' 3.25 '),
      cond('startDate', 'inRange', '2026-01-01', '2026-02-01'),
      cond('type', 'notEqual', 'debit'),
      cond('description', 'notBlank', 'ignored'),
    );
    expect(toAdvancedFilterModel(tree)).toEqual({
      filterType: 'join',
      type: 'OR',
      conditions: [
        { colId: 'quantity', filterType: 'number', type: 'greaterThan', filter: 3.25 },
        {
          colId: 'startDate',
          filterType: 'date',
          type: 'inRange',
          filter: '2026-01-01',
          filterTo: '2026-02-01',
        },
        { colId: 'type', filterType: 'text', type: 'notEqual', filter: 'DEBIT' },
        { colId: 'description', filterType: 'text', type: 'notBlank' },
      ],
    });
  });

  it('is null for an empty tree and leaves empty nested groups out', () => {
    expect(toAdvancedFilterModel(emptyGroup())).toBeNull();
    expect(toAdvancedFilterModel(group('AND', group('OR')))).toBeNull();
    expect(toAdvancedFilterModel(group('AND', group('OR'), cond('customer', 'equals', 'x')))).toEqual({
      filterType: 'join',
      type: 'AND',
      conditions: [{ colId: 'customer', filterType: 'text', type: 'equals', filter: 'x' }],
    });
  });

  it('wraps a lone leaf in a group and drops what it does not know', () => {
    const tree = fromAdvancedFilterModel({
      colId: 'customer',
      filterType: 'text',
      type: 'equals',
      filter: 'a',
    });
    expect(shapeOf(tree)).toEqual(['AND', [['customer', 'equals', 'a', '']]]);
    expect(shapeOf(fromAdvancedFilterModel(null))).toEqual(['AND', []]);
    expect(
      shapeOf(
        fromAdvancedFilterModel({
          filterType: 'join',
          type: 'OR',
          conditions: [{ colId: 'unitCostPrice', filterType: 'number', type: 'equals', filter: 1 }, 'x'],
        }),
      ),
    ).toEqual(['OR', []]);
  });
});

describe('column filters → expression', () => {
  it('turns each column filter into a condition, a combined filter into a group, in column order', () => {
    const nodes = fromColumnFilterModel(
      {
        quantity: { filterType: 'number', type: 'lessThan', filter: 5 },
        customer: {
          filterType: 'text',
          operator: 'OR',
          conditions: [
            { filterType: 'text', type: 'startsWith', filter: 'A' },
            { filterType: 'text', type: 'endsWith', filter: 'Ltd' },
          ],
        },
        invoiceDate: {
          filterType: 'date',
          type: 'inRange',
          dateFrom: '2026-01-01 00:00:00',
          dateTo: '2026-03-31 00:00:00',
        },
        type: { filterType: 'set', values: ['CREDIT'] },
        unitCostPrice: { filterType: 'number', type: 'equals', filter: 1 },
      },
      ['invoiceNumber', 'invoiceDate', 'type', 'customer', 'quantity'],
    );
    expect(nodes.map(shapeOf)).toEqual([
      ['invoiceDate', 'inRange', '2026-01-01', '2026-03-31'],
      ['type', 'equals', 'CREDIT', ''],
      [
        'OR',
        [
          ['customer', 'startsWith', 'A', ''],
          ['customer', 'endsWith', 'Ltd', ''],
        ],
      ],
      ['quantity', 'lessThan', '5', ''],
    ]);
  });

  it('turns a choice of several types into an OR group', () => {
    const [node] = fromColumnFilterModel({ type: { filterType: 'set', values: ['DEBIT', 'CREDIT'] } });
    expect(shapeOf(node!)).toEqual([
      'OR',
      [
        ['type', 'equals', 'DEBIT', ''],
        ['type', 'equals', 'CREDIT', ''],
      ],
    ]);
  });

  it('combines column filters and the advanced expression under one AND (as the API does)', () => {
    const columns = { customer: { filterType: 'text', type: 'contains', filter: 'x' } };
    expect(shapeOf(combineFilters(columns, advanced))).toEqual([
      'AND',
      [
        ['customer', 'contains', 'x', ''],
        ['customer', 'contains', 'acme', ''],
        (shapeOf(fromAdvancedFilterModel(advanced)) as [string, unknown[]])[1][1],
      ],
    ]);
    const or: AdvancedFilterModel = { filterType: 'join', type: 'OR', conditions: advanced.conditions };
    const combined = combineFilters(columns, or);
    expect(combined.join).toBe('AND');
    expect(combined.children.map((c) => c.kind)).toEqual(['condition', 'group']);
    expect(shapeOf(combineFilters({}, or))).toEqual(shapeOf(fromAdvancedFilterModel(or)));
    expect(countConditions(combineFilters({}, null))).toBe(0);
  });
});

describe('editing', () => {
  it('adds conditions and nested groups, changes joins, removes nodes', () => {
    let tree = emptyGroup('AND');
    tree = addCondition(tree, tree.id, cond('customer', 'contains', 'a'));
    tree = addGroup(tree, tree.id);
    const nested = tree.children[1] as GroupNode;
    expect(nested.join).toBe('OR');
    expect(nested.children).toHaveLength(1);
    tree = addCondition(tree, nested.id, cond('quantity', 'equals', '1'));
    tree = setJoin(tree, nested.id, 'AND');
    expect((tree.children[1] as GroupNode).join).toBe('AND');
    expect(countConditions(tree)).toBe(3);
    tree = removeNode(tree, nested.children[0]!.id);
    expect(countConditions(tree)).toBe(2);
    tree = removeNode(tree, nested.id);
    expect(shapeOf(tree)).toEqual(['AND', [['customer', 'contains', 'a', '']]]);
    expect(removeNode(tree, tree.id).children).toEqual([]);
  });

  it('keeps the operator and value when the new column is of the same kind, resets them otherwise', () => {
    const c = cond('customer', 'endsWith', 'Ltd');
    let tree = group('AND', c);
    tree = updateCondition(tree, c.id, { colId: 'description' });
    expect(shapeOf(tree.children[0]!)).toEqual(['description', 'endsWith', 'Ltd', '']);
    tree = updateCondition(tree, c.id, { colId: 'quantity' });
    expect(shapeOf(tree.children[0]!)).toEqual(['quantity', 'equals', '', '']);
    tree = updateCondition(tree, c.id, { colId: 'type' });
    expect(shapeOf(tree.children[0]!)).toEqual(['type', 'equals', 'DEBIT', '']);
    tree = updateCondition(tree, c.id, { value: 'CREDIT' });
    expect(shapeOf(tree.children[0]!)).toEqual(['type', 'equals', 'CREDIT', '']);
  });

  it('compares trees by content, not ids', () => {
    expect(sameExpression(fromAdvancedFilterModel(advanced), fromAdvancedFilterModel(advanced))).toBe(true);
    const a = fromAdvancedFilterModel(advanced);
    expect(sameExpression(a, setJoin(a, a.id, 'OR'))).toBe(false);
  });
});

describe('validation per column kind', () => {
  it('accepts complete conditions', () => {
    for (const c of [
      cond('customer', 'contains', 'x'),
      cond('customer', 'blank'),
      cond('quantity', 'lessThanOrEqual', '-2.5'),
      cond('quantity', 'inRange', '1', '2'),
      cond('invoiceDate', 'equals', '2024-02-29'),
      cond('endDate', 'inRange', '2026-01-01', '2026-01-01'),
      cond('type', 'equals', 'Credit'),
    ]) {
      expect(validateCondition(c), JSON.stringify(shapeOf(c))).toBeNull();
    }
  });

  it('names what is wrong', () => {
    expect(validateCondition(cond('customer', 'contains', '  '))).toBe('Enter a value.');
    expect(validateCondition(cond('customer', 'greaterThan', 'x'))).toBe('Choose an operator.');
    expect(validateCondition(cond('quantity', 'equals', 'abc'))).toBe('Enter a number, like 12 or 2.5.');
    expect(validateCondition(cond('quantity', 'inRange', '5', ''))).toBe('Enter both numbers.');
    expect(validateCondition(cond('quantity', 'inRange', '5', '1'))).toMatch(/must not be greater/);
    expect(validateCondition(cond('invoiceDate', 'equals', '2026-02-30'))).toBe(
      'Enter a real date (YYYY-MM-DD).',
    );
    expect(validateCondition(cond('invoiceDate', 'inRange', '2026-03-01', '2026-02-01'))).toMatch(
      /must not be after/,
    );
    expect(validateCondition(cond('type', 'equals', 'REFUND'))).toBe('Choose Debit or Credit.');
    expect(validateCondition({ ...cond('customer', 'equals', 'x'), colId: 'unitCostPrice' })).toBe(
      'Choose a column that can be filtered.',
    );
  });

  it('flags empty nested groups, too deep and too big trees (the API’s limits)', () => {
    const empty = group('OR');
    expect(validateExpression(group('AND', empty)).get(empty.id)).toMatch(/Add a condition/);
    expect(validateExpression(emptyGroup()).size).toBe(0);
    let deep: GroupNode = group('AND', cond('customer', 'equals', 'x'));
    for (let i = 0; i < 8; i++) deep = group(i % 2 ? 'AND' : 'OR', deep);
    expect([...validateExpression(deep).values()]).toContain('At most 8 levels of nested groups.');
    const big = group('AND', ...Array.from({ length: 101 }, () => cond('customer', 'equals', 'x')));
    expect([...validateExpression(big).values()]).toContain('At most 100 conditions in one filter.');
  });
});

describe('describeExpression', () => {
  it('reads as a sentence with brackets around nested groups', () => {
    expect(describeExpression(fromAdvancedFilterModel(advanced))).toBe(
      'Customer contains “acme” AND (Quantity between 2 and 10.5 OR Invoice date is after “2026-01-31” OR Type is Credit OR Product name is blank)',
    );
    expect(describeExpression(emptyGroup())).toBe('');
  });
});
