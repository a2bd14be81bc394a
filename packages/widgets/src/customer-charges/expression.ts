// The Advanced Filter as an editable expression tree, and its translation to and from AG Grid's
// JSON shapes (what the API's grid-query reads): the column `filterModel` and the
// `advancedFilterModel` (`{filterType: "join", type: "AND"|"OR", conditions}` with leaves
// `{colId, filterType, type, filter, filterTo}`). Framework-free; the dialog only renders it.
//
// Values are kept as the user typed them (strings) while editing; validation says what is wrong
// per node, and only a valid tree becomes a model.

import { isIsoDate } from '@cascade/ui';
import { CHARGE_TYPES, type ColumnId, columnById, FILTERABLE_COLUMNS, type FilterKind } from './columns';

export type Join = 'AND' | 'OR';

export interface ConditionNode {
  kind: 'condition';
  id: string;
  colId: ColumnId;
  operator: string;
  value: string;
  valueTo: string;
}

export interface GroupNode {
  kind: 'group';
  id: string;
  join: Join;
  children: ExpressionNode[];
}

export type ExpressionNode = ConditionNode | GroupNode;

let nextId = 0;
/** Node ids only tell nodes apart inside one tree (keys, focus); they never leave the browser. */
export function newNodeId(): string {
  nextId += 1;
  return `n${nextId}`;
}

// ---------------------------------------------------------------------------------------------
// Operators per filter kind, with what the editor calls them.

export interface OperatorInfo {
  readonly type: string;
  readonly label: string;
  /** How many values: 0 (blank), 1, or 2 (a range). */
  readonly operands: 0 | 1 | 2;
}

const op = (type: string, label: string, operands: 0 | 1 | 2 = 1): OperatorInfo => ({
  type,
  label,
  operands,
});

export const OPERATORS: Readonly<Record<FilterKind, readonly OperatorInfo[]>> = {
  text: [
    op('contains', 'contains'),
    op('notContains', 'does not contain'),
    op('equals', 'equals'),
    op('notEqual', 'does not equal'),
    op('startsWith', 'begins with'),
    op('endsWith', 'ends with'),
    op('blank', 'is blank', 0),
    op('notBlank', 'is not blank', 0),
  ],
  number: [
    op('equals', '='),
    op('notEqual', '≠'),
    op('greaterThan', '>'),
    op('greaterThanOrEqual', '≥'),
    op('lessThan', '<'),
    op('lessThanOrEqual', '≤'),
    op('inRange', 'between', 2),
    op('blank', 'is blank', 0),
    op('notBlank', 'is not blank', 0),
  ],
  date: [
    op('equals', 'is on'),
    op('notEqual', 'is not on'),
    op('lessThan', 'is before'),
    op('greaterThan', 'is after'),
    op('lessThanOrEqual', 'is on or before'),
    op('greaterThanOrEqual', 'is on or after'),
    op('inRange', 'is between', 2),
    op('blank', 'is blank', 0),
    op('notBlank', 'is not blank', 0),
  ],
  // The Debit/Credit choice travels as a text equality (AG Grid Community has no set filter in
  // the Advanced Filter; the API matches DEBIT/Debit alike).
  set: [op('equals', 'is'), op('notEqual', 'is not')],
};

export function filterKindOf(colId: string): FilterKind | null {
  return columnById(colId)?.filter ?? null;
}

export function operatorsFor(colId: string): readonly OperatorInfo[] {
  const kind = filterKindOf(colId);
  return kind ? OPERATORS[kind] : [];
}

export function operatorInfo(colId: string, type: string): OperatorInfo | undefined {
  return operatorsFor(colId).find((o) => o.type === type);
}

// ---------------------------------------------------------------------------------------------
// Building and editing (immutable: each edit answers a new tree).

export function emptyGroup(join: Join = 'AND'): GroupNode {
  return { kind: 'group', id: newNodeId(), join, children: [] };
}

export function newCondition(colId: ColumnId = FILTERABLE_COLUMNS[0]?.id ?? 'invoiceNumber'): ConditionNode {
  const first = operatorsFor(colId)[0]?.type ?? 'equals';
  return {
    kind: 'condition',
    id: newNodeId(),
    colId,
    operator: first,
    value: filterKindOf(colId) === 'set' ? 'DEBIT' : '',
    valueTo: '',
  };
}

function mapTree(
  node: ExpressionNode,
  fn: (n: ExpressionNode) => ExpressionNode | null,
): ExpressionNode | null {
  const here = fn(node);
  if (!here) return null;
  if (here.kind === 'condition') return here;
  const children: ExpressionNode[] = [];
  for (const child of here.children) {
    const mapped = mapTree(child, fn);
    if (mapped) children.push(mapped);
  }
  return { ...here, children };
}

function editRoot(root: GroupNode, fn: (n: ExpressionNode) => ExpressionNode | null): GroupNode {
  return (mapTree(root, fn) as GroupNode | null) ?? emptyGroup(root.join);
}

export function addCondition(root: GroupNode, groupId: string, condition = newCondition()): GroupNode {
  return editRoot(root, (n) =>
    n.kind === 'group' && n.id === groupId ? { ...n, children: [...n.children, condition] } : n,
  );
}

/** Adds a nested group (of the other join, holding one new condition, ready to fill in). */
export function addGroup(root: GroupNode, groupId: string): GroupNode {
  return editRoot(root, (n) => {
    if (n.kind !== 'group' || n.id !== groupId) return n;
    const group: GroupNode = {
      ...emptyGroup(n.join === 'AND' ? 'OR' : 'AND'),
      children: [newCondition()],
    };
    return { ...n, children: [...n.children, group] };
  });
}

/** Removes a node (the root itself cannot be removed, only emptied). */
export function removeNode(root: GroupNode, id: string): GroupNode {
  if (id === root.id) return { ...root, children: [] };
  return editRoot(root, (n) => (n.id === id ? null : n));
}

export function setJoin(root: GroupNode, groupId: string, join: Join): GroupNode {
  return editRoot(root, (n) => (n.kind === 'group' && n.id === groupId ? { ...n, join } : n));
}

export type ConditionPatch = Partial<Pick<ConditionNode, 'colId' | 'operator' | 'value' | 'valueTo'>>;

/**
 * Changes a condition. A new column keeps the operator when that column has it and the values
 * when the kind stays the same; otherwise it starts from the column's first operator, empty.
 */
export function updateCondition(root: GroupNode, id: string, patch: ConditionPatch): GroupNode {
  return editRoot(root, (n) => {
    if (n.kind !== 'condition' || n.id !== id) return n;
    const next: ConditionNode = { ...n, ...patch };
    if (patch.colId && patch.colId !== n.colId) {
      const sameKind = filterKindOf(patch.colId) === filterKindOf(n.colId);
      if (!operatorInfo(next.colId, next.operator)) next.operator = operatorsFor(next.colId)[0]?.type ?? '';
      if (!sameKind) {
        next.value = filterKindOf(next.colId) === 'set' ? 'DEBIT' : '';
        next.valueTo = '';
      }
    }
    return next;
  });
}

export function countConditions(node: ExpressionNode): number {
  return node.kind === 'condition' ? 1 : node.children.reduce((sum, c) => sum + countConditions(c), 0);
}

export function depthOf(node: ExpressionNode): number {
  return node.kind === 'condition' ? 0 : 1 + Math.max(0, ...node.children.map(depthOf));
}

/** The tree without ids, for comparing two trees (did the user change anything?). */
export function shapeOf(node: ExpressionNode): unknown {
  return node.kind === 'condition'
    ? [node.colId, node.operator, node.value, node.valueTo]
    : [node.join, node.children.map(shapeOf)];
}

export function sameExpression(a: ExpressionNode, b: ExpressionNode): boolean {
  return JSON.stringify(shapeOf(a)) === JSON.stringify(shapeOf(b));
}

// ---------------------------------------------------------------------------------------------
// Validation, per column kind. The limits are the API's (grid-query's defaults).

export const MAX_DEPTH = 8;
export const MAX_CONDITIONS = 100;
const MAX_TEXT = 1000;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** node id → what is wrong with it; empty when the tree can be applied. */
export type ValidationIssues = Map<string, string>;

export function validateExpression(root: GroupNode): ValidationIssues {
  const issues: ValidationIssues = new Map();
  if (depthOf(root) > MAX_DEPTH) issues.set(root.id, `At most ${MAX_DEPTH} levels of nested groups.`);
  if (countConditions(root) > MAX_CONDITIONS)
    issues.set(root.id, `At most ${MAX_CONDITIONS} conditions in one filter.`);
  const walk = (node: ExpressionNode, isRoot: boolean) => {
    if (node.kind === 'group') {
      if (!isRoot && node.children.length === 0)
        issues.set(node.id, 'Add a condition to this group or remove it.');
      for (const child of node.children) walk(child, false);
      return;
    }
    const message = validateCondition(node);
    if (message) issues.set(node.id, message);
  };
  walk(root, true);
  return issues;
}

export function validateCondition(c: ConditionNode): string | null {
  const column = columnById(c.colId);
  if (!column?.filter) return 'Choose a column that can be filtered.';
  const info = operatorInfo(c.colId, c.operator);
  if (!info) return 'Choose an operator.';
  const values = info.operands === 2 ? [c.value, c.valueTo] : info.operands === 1 ? [c.value] : [];
  switch (column.filter) {
    case 'text':
      if (values.some((v) => v.trim() === '')) return 'Enter a value.';
      if (values.some((v) => v.length > MAX_TEXT)) return `At most ${MAX_TEXT} characters.`;
      return null;
    case 'set':
      return (CHARGE_TYPES as readonly string[]).includes(c.value.toUpperCase())
        ? null
        : 'Choose Debit or Credit.';
    case 'number': {
      if (values.some((v) => v.trim() === ''))
        return info.operands === 2 ? 'Enter both numbers.' : 'Enter a number.';
      if (values.some((v) => !DECIMAL.test(v.trim()))) return 'Enter a number, like 12 or 2.5.';
      if (info.operands === 2 && Number(c.value) > Number(c.valueTo))
        return 'The first number must not be greater than the second.';
      return null;
    }
    case 'date': {
      if (values.some((v) => v === '')) return info.operands === 2 ? 'Enter both dates.' : 'Enter a date.';
      if (values.some((v) => !isIsoDate(v))) return 'Enter a real date (YYYY-MM-DD).';
      if (info.operands === 2 && c.value > c.valueTo) return 'The start date must not be after the end date.';
      return null;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// AG Grid's Advanced Filter model.

export interface AdvancedFilterLeaf {
  colId: string;
  filterType: 'text' | 'number' | 'date';
  type: string;
  filter?: string | number;
  filterTo?: string | number;
}

export interface AdvancedFilterJoin {
  filterType: 'join';
  type: Join;
  conditions: AdvancedFilterModel[];
}

export type AdvancedFilterModel = AdvancedFilterJoin | AdvancedFilterLeaf;

function conditionToModel(c: ConditionNode): AdvancedFilterLeaf {
  const kind = filterKindOf(c.colId);
  const info = operatorInfo(c.colId, c.operator);
  const operands = info?.operands ?? 1;
  if (kind === 'set')
    return { colId: c.colId, filterType: 'text', type: c.operator, filter: c.value.toUpperCase() };
  const filterType = kind === 'number' ? 'number' : kind === 'date' ? 'date' : 'text';
  const leaf: AdvancedFilterLeaf = { colId: c.colId, filterType, type: c.operator };
  const value = (v: string) => (kind === 'number' ? Number(v.trim()) : v);
  if (operands >= 1) leaf.filter = value(c.value);
  if (operands === 2) leaf.filterTo = value(c.valueTo);
  return leaf;
}

/**
 * The tree as AG Grid's advanced filter model, or null for an empty tree. Call it on a valid tree
 * (validateExpression); empty nested groups are left out.
 */
export function toAdvancedFilterModel(root: GroupNode): AdvancedFilterModel | null {
  const convert = (node: ExpressionNode): AdvancedFilterModel | null => {
    if (node.kind === 'condition') return conditionToModel(node);
    const conditions = node.children.map(convert).filter((m): m is AdvancedFilterModel => m !== null);
    return conditions.length === 0 ? null : { filterType: 'join', type: node.join, conditions };
  };
  return convert(root);
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
/** AG Grid's column date filter sends `YYYY-MM-DD HH:mm:ss`; the day is what counts. */
const day = (v: unknown): string => text(v).slice(0, 10);

function leafToCondition(colId: ColumnId, leaf: Loose): ConditionNode | null {
  const kind = filterKindOf(colId);
  if (!kind) return null;
  const type = text(leaf.type);
  if (kind === 'set') {
    const value = text(leaf.filter).toUpperCase();
    return { kind: 'condition', id: newNodeId(), colId, operator: type || 'equals', value, valueTo: '' };
  }
  if (kind === 'date') {
    return {
      kind: 'condition',
      id: newNodeId(),
      colId,
      operator: type,
      value: day(leaf.filter ?? leaf.dateFrom),
      valueTo: day(leaf.filterTo ?? leaf.dateTo),
    };
  }
  return {
    kind: 'condition',
    id: newNodeId(),
    colId,
    operator: type,
    value: text(leaf.filter),
    valueTo: text(leaf.filterTo),
  };
}

/** AG Grid's advanced filter model → tree (always a group at the root). Unknown parts are dropped. */
export function fromAdvancedFilterModel(model: unknown): GroupNode {
  const convert = (node: unknown): ExpressionNode | null => {
    if (!isObject(node)) return null;
    if (node.filterType === 'join') {
      const children = (Array.isArray(node.conditions) ? node.conditions : [])
        .map(convert)
        .filter((c): c is ExpressionNode => c !== null);
      return { kind: 'group', id: newNodeId(), join: node.type === 'OR' ? 'OR' : 'AND', children };
    }
    const colId = node.colId;
    if (typeof colId !== 'string' || !filterKindOf(colId)) return null;
    return leafToCondition(colId as ColumnId, node);
  };
  const tree = convert(model);
  if (!tree) return emptyGroup();
  return tree.kind === 'group' ? tree : { ...emptyGroup(), children: [tree] };
}

/** One column's filter (a condition, AG Grid's combined `{operator, conditions}`, or our Debit/Credit set). */
function columnFilterToNode(colId: ColumnId, model: unknown): ExpressionNode | null {
  if (!isObject(model)) return null;
  if (model.filterType === 'set') {
    const values = (Array.isArray(model.values) ? model.values : []).map((v) => text(v).toUpperCase());
    const leaves = values.map<ExpressionNode>((value) => ({
      kind: 'condition',
      id: newNodeId(),
      colId,
      operator: 'equals',
      value,
      valueTo: '',
    }));
    // One value is one condition; several are "any of" (an empty choice matches nothing, as the API).
    return leaves.length === 1
      ? leaves[0]!
      : { kind: 'group', id: newNodeId(), join: 'OR', children: leaves };
  }
  if (Array.isArray(model.conditions)) {
    const children = model.conditions
      .map((c) => (isObject(c) ? leafToCondition(colId, c) : null))
      .filter((c): c is ConditionNode => c !== null);
    if (children.length === 1) return children[0]!;
    return { kind: 'group', id: newNodeId(), join: model.operator === 'OR' ? 'OR' : 'AND', children };
  }
  return leafToCondition(colId, model);
}

/** The grid's column filters (`filterModel`), one node per column, in the grid's column order. */
export function fromColumnFilterModel(filterModel: unknown, order: readonly string[] = []): ExpressionNode[] {
  if (!isObject(filterModel)) return [];
  const ids = Object.keys(filterModel).sort((a, b) => rank(order, a) - rank(order, b));
  const nodes: ExpressionNode[] = [];
  for (const colId of ids) {
    if (!filterKindOf(colId)) continue;
    const node = columnFilterToNode(colId as ColumnId, filterModel[colId]);
    if (node) nodes.push(node);
  }
  return nodes;
}

function rank(order: readonly string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

/**
 * Everything that filters the grid as one tree: the column filters and the advanced expression,
 * ANDed (as the API combines them). An AND root of the advanced expression is merged into the
 * top AND; an OR root becomes a nested group.
 */
export function combineFilters(
  filterModel: unknown,
  advanced: AdvancedFilterModel | null,
  order: readonly string[] = [],
): GroupNode {
  const columnNodes = fromColumnFilterModel(filterModel, order);
  const tree = advanced ? fromAdvancedFilterModel(advanced) : null;
  if (columnNodes.length === 0 && tree) return tree;
  const root = emptyGroup('AND');
  root.children = [...columnNodes];
  if (tree && tree.children.length > 0) {
    if (tree.join === 'AND') root.children.push(...tree.children);
    else root.children.push(tree);
  }
  return root;
}

// ---------------------------------------------------------------------------------------------
// A readable sentence, for the summary above the grid.

function formatValue(colId: string, value: string): string {
  if (filterKindOf(colId) === 'set') return value.toUpperCase() === 'CREDIT' ? 'Credit' : 'Debit';
  if (filterKindOf(colId) === 'number') return value;
  return `“${value}”`;
}

export function describeExpression(node: ExpressionNode, top = true): string {
  if (node.kind === 'condition') {
    const column = columnById(node.colId)?.header ?? node.colId;
    const info = operatorInfo(node.colId, node.operator);
    if (!info) return column;
    if (info.operands === 0) return `${column} ${info.label}`;
    if (info.operands === 2)
      return `${column} ${info.label} ${formatValue(node.colId, node.value)} and ${formatValue(node.colId, node.valueTo)}`;
    return `${column} ${info.label} ${formatValue(node.colId, node.value)}`;
  }
  const parts = node.children.map((c) => describeExpression(c, false)).filter((p) => p !== '');
  if (parts.length === 0) return '';
  const joined = parts.join(` ${node.join} `);
  return top || parts.length === 1 ? joined : `(${joined})`;
}
