/**
 * The server side of an AG Grid: its request (`startRow`, `endRow`, `sortModel`, `filterModel`,
 * `advancedFilterModel`, in AG Grid's own JSON shapes) validated against a column catalogue and
 * translated to parameterized drizzle SQL. Pure: no database, no I/O.
 *
 * Safety rests on two rules: column SQL comes only from the catalogue (the request names a column
 * by id, never by text that reaches the SQL), and every value from the request is a bound
 * parameter. Nothing here calls `sql.raw` or inlines a parameter.
 *
 * Use (the table from packages/db, column ids mapped to its columns):
 *
 *   const catalogue = customerChargeGridCatalogue({ invoiceNumber: t.invoiceNumber, type: t.invoiceType,
 *     customer: t.customerName, ... });
 *   const q = buildGridQuery(catalogue, body, { tiebreak: t.invoiceItemId, defaultSort: CUSTOMER_CHARGE_DEFAULT_SORT });
 *   db.select(...).from(t).where(and(tenantScope(...), q.where)).orderBy(q.orderBy).limit(q.limit).offset(q.offset)
 *
 * A GridQueryValidationError is the 400: `err.toBody()` is the one error shape.
 */
import { Decimal } from '@cascade/billing-core';
import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { z } from 'zod';

export * from './columns';

export type GridColumnKind = 'text' | 'number' | 'date' | 'set';

export interface GridColumn {
  /** The column's SQL expression (a drizzle column or `sql` fragment); never built from input. */
  readonly sql: SQLWrapper;
  readonly kind: GridColumnKind;
  readonly sortable: boolean;
  readonly filterable: boolean;
  /**
   * For `set` columns: the values as stored, the only ones a filter may name (in any case:
   * `Debit` names `DEBIT`).
   */
  readonly setValues?: readonly string[];
  /**
   * For `number` columns: the column holds the value times this power of ten as an integer
   * (bigint), e.g. `quantity_e4` = quantity × 10⁴. Filters compare it with integers, exactly (the
   * filter's value scaled in decimal, rounded the way each comparison needs): integer comparisons
   * are leakproof, so under row-level security they can seek the column's index, where numeric
   * ones cannot.
   */
  readonly scale?: number;
}

/** colId → column. Only these ids may appear in a request. */
export type GridColumnCatalogue = Readonly<Record<string, GridColumn>>;

export type SortDirection = 'asc' | 'desc';
export interface SortModelItem {
  readonly colId: string;
  readonly sort: SortDirection;
}

export interface GridQueryOptions {
  /** A unique expression (the row id) appended to every order so that paging is stable. */
  readonly tiebreak: SQLWrapper;
  /** The order when the request has none. */
  readonly defaultSort?: readonly SortModelItem[];
  /**
   * Sorts whose last key continues by another column, in the same direction, unless the request
   * sorts by it itself: a column of few values gets an order within them, and one index serves both.
   */
  readonly thenBy?: Readonly<Record<string, string>>;
  /** Most nested AND/OR groups in the Advanced Filter (the root group is level 1). Default 8. */
  readonly maxDepth?: number;
  /** Most conditions in one request, column filters and Advanced Filter together. Default 100. */
  readonly maxConditions?: number;
  /** Most rows in one block (`endRow - startRow`). Default 1000. */
  readonly maxBlockSize?: number;
  /** AG Grid's `inRangeInclusive`: whether `inRange` includes its two ends. Default false, as AG Grid. */
  readonly inRangeInclusive?: boolean;
}

/** A block of the grid: the parts of `select … where ${where} order by ${orderBy} limit … offset …`. */
export interface GridQuery {
  readonly where: SQL;
  readonly orderBy: SQL;
  readonly limit: number;
  readonly offset: number;
  /**
   * When the first sort column is filtered: the conditions on it alone that every row of the view
   * passes (AND-ed at the top), rendered on any expression put in the column's place. A caller may
   * use it to find the first and last of the column's values that pass, and read only between them.
   */
  /** The sort keys (the request's, else the default, with `thenBy`'s), before the tiebreak. */
  readonly sort: GridView['sort'];
  readonly sortColumnFilter?: {
    readonly column: GridColumn;
    readonly desc: boolean;
    readonly matches: (value: SQLWrapper) => SQL;
  };
  /**
   * For each column with conditions on it alone AND-ed at the top (every row of the view passes
   * them): those conditions, rendered on any expression put in the column's place. A caller may
   * look up which of the column's stored values pass (`lower(col) = lower($1)` reaches no index
   * under RLS; `col = any($passing)` does) and add that equivalent condition.
   */
  readonly columnFilters?: ReadonlyMap<GridColumn, (value: SQLWrapper) => SQL>;
}

/** Every row of the grid's current view (the export): filters and order, no paging. */
export interface GridView {
  readonly where: SQL;
  readonly orderBy: SQL;
  /** The sort keys (the request's, else the default, with `thenBy`'s), before the tiebreak. */
  readonly sort: readonly { readonly colId: string; readonly column: GridColumn; readonly desc: boolean }[];
}

/** The largest row index a request may name: one more than Excel's sheet can hold. */
export const MAX_ROW_INDEX = 10_000_000;
const MAX_SORT_KEYS = 20;
const MAX_TEXT_LENGTH = 1000;
const MAX_SET_VALUES = 1000;
const MAX_REPORTED_FIELDS = 20;

/**
 * A request that does not fit the grid: `fields` maps each dotted path
 * (`advancedFilterModel.conditions.1.colId`) to what is wrong with it. The API answers it as a 400
 * in the one error shape (`toBody()`).
 */
export class GridQueryValidationError extends Error {
  readonly code = 'validation_failed';
  readonly status = 400;
  constructor(readonly fields: Record<string, string>) {
    const names = Object.keys(fields);
    super(
      `Invalid grid request: ${names.length === 1 ? names[0] : `${names.length} fields (${names.join(', ')})`}`,
    );
    this.name = 'GridQueryValidationError';
  }

  toBody(): { error: { code: string; message: string; fields: Record<string, string> } } {
    return { error: { code: this.code, message: this.message, fields: this.fields } };
  }
}

// ---------------------------------------------------------------------------------------------
// The parsed request: plain data that only holds catalogue columns and validated values.

const TEXT_OPERATORS = [
  'contains',
  'notContains',
  'equals',
  'notEqual',
  'startsWith',
  'endsWith',
  'blank',
  'notBlank',
] as const;
const SCALAR_OPERATORS = [
  'equals',
  'notEqual',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'inRange',
  'blank',
  'notBlank',
] as const;
type TextOperator = (typeof TEXT_OPERATORS)[number];
type ScalarOperator = (typeof SCALAR_OPERATORS)[number];

type Condition =
  | {
      readonly kind: 'text';
      readonly column: GridColumn;
      readonly type: TextOperator;
      readonly value: string;
    }
  | {
      readonly kind: 'number' | 'date';
      readonly column: GridColumn;
      readonly type: ScalarOperator;
      readonly from: number | string;
      readonly to: number | string;
    }
  | { readonly kind: 'set'; readonly column: GridColumn; readonly values: readonly (string | null)[] };

interface Group {
  readonly kind: 'group';
  readonly join: 'AND' | 'OR';
  readonly children: readonly Expression[];
}
type Expression = Condition | Group;

interface ParsedView {
  readonly filters: readonly Expression[];
  readonly sort: readonly {
    readonly colId: string;
    readonly column: GridColumn;
    readonly sort: SortDirection;
  }[];
}

// ---------------------------------------------------------------------------------------------
// Validation. zod checks each shape; the walk between shapes is ours, so that every problem is
// reported at its own dotted path and the work stays bounded whatever the input.

class Issues {
  readonly fields: Record<string, string> = {};
  private count = 0;
  conditions = 0;
  add(path: string, message: string): void {
    if (this.count >= MAX_REPORTED_FIELDS || Object.hasOwn(this.fields, path)) return;
    this.fields[path] = message;
    this.count++;
  }
  get full(): boolean {
    return this.count >= MAX_REPORTED_FIELDS;
  }
  get any(): boolean {
    return this.count > 0;
  }
}

function join(base: string, key: string | number): string {
  return base ? `${base}.${key}` : String(key);
}

/** Runs a zod schema; reports its issues under `base` and answers undefined on failure. */
function check<T>(schema: z.ZodType<T>, value: unknown, base: string, issues: Issues): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.reduce<string>((p, k) => join(p, String(k)), base);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.add(join(path, key), 'Unknown field');
    } else {
      issues.add(path || 'request', issue.message);
    }
  }
  return undefined;
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/;

/** `YYYY-MM-DD`, optionally with ` HH:mm:ss` as AG Grid sends it → `YYYY-MM-DD` if it exists. */
export function parseGridDate(text: string): string | undefined {
  const m = isoDate.exec(text);
  if (!m) return undefined;
  const [year, month, day, hours = 0, minutes = 0, seconds = 0] = m.slice(1).map((p) => Number(p ?? 0));
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (year < 1000 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return text.slice(0, 10);
}

const textValue = z.string().max(MAX_TEXT_LENGTH);
const dateValue = z
  .string()
  .max(32)
  .refine((s) => parseGridDate(s) !== undefined, {
    message: 'Expected a real date as YYYY-MM-DD or YYYY-MM-DD HH:mm:ss',
  });

const textShape = {
  filterType: z.literal('text'),
  type: z.enum(TEXT_OPERATORS),
  filter: textValue.nullish(),
  // AG Grid's text model carries it too; a text filter has no range, so it is ignored.
  filterTo: textValue.nullish(),
};
const numberShape = {
  filterType: z.literal('number'),
  type: z.enum(SCALAR_OPERATORS),
  filter: z.number().nullish(),
  filterTo: z.number().nullish(),
};
// Column filters carry dateFrom/dateTo; Advanced Filter leaves carry the date in `filter`.
const dateShape = {
  filterType: z.enum(['date', 'dateString']),
  type: z.enum(SCALAR_OPERATORS),
  filter: dateValue.nullish(),
  filterTo: dateValue.nullish(),
  dateFrom: dateValue.nullish(),
  dateTo: dateValue.nullish(),
};
const setShape = {
  filterType: z.literal('set'),
  values: z.array(z.string().max(MAX_TEXT_LENGTH).nullable()).max(MAX_SET_VALUES),
};

const columnSchemas = {
  text: z.strictObject(textShape),
  number: z.strictObject(numberShape),
  date: z.strictObject(dateShape),
  set: z.strictObject(setShape),
};
const leafSchemas = {
  text: z.strictObject({ ...textShape, colId: z.string() }),
  number: z.strictObject({ ...numberShape, colId: z.string() }),
  date: z.strictObject({ ...dateShape, colId: z.string() }),
  set: z.strictObject({ ...setShape, colId: z.string() }),
};
type ShapeKind = keyof typeof columnSchemas;

const filterTypesOf: Record<GridColumnKind, readonly string[]> = {
  text: ['text'],
  number: ['number'],
  date: ['date', 'dateString'],
  // A choice column may also be filtered as text (AG Grid Community has no set filter).
  set: ['set', 'text'],
};

const combinedSchema = z.looseObject({
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(z.unknown()).min(1).max(100),
});
const joinSchema = z.strictObject({
  filterType: z.literal('join'),
  type: z.enum(['AND', 'OR']),
  conditions: z.array(z.unknown()).max(100),
});
const objectSchema = z.record(z.string(), z.unknown());
const sortSchema = z
  .array(z.strictObject({ colId: z.string().max(200), sort: z.enum(['asc', 'desc']) }))
  .max(MAX_SORT_KEYS);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Limits {
  readonly maxDepth: number;
  readonly maxConditions: number;
}

/** One condition on a known, filterable column; `allowColId` for Advanced Filter leaves. */
function parseCondition(
  column: GridColumn,
  value: unknown,
  path: string,
  issues: Issues,
  limits: Limits,
  allowColId: boolean,
): Condition | undefined {
  issues.conditions++;
  if (issues.conditions > limits.maxConditions) {
    issues.add(path, `Too many conditions: at most ${limits.maxConditions} in one request`);
    return undefined;
  }
  if (!isObject(value)) {
    issues.add(path, 'Expected a filter condition object');
    return undefined;
  }
  const allowed = filterTypesOf[column.kind];
  const filterType = value.filterType;
  if (typeof filterType !== 'string' || !allowed.includes(filterType)) {
    issues.add(
      join(path, 'filterType'),
      `Expected ${allowed.map((t) => `"${t}"`).join(' or ')} for this column`,
    );
    return undefined;
  }
  const shape: ShapeKind = filterType === 'dateString' ? 'date' : (filterType as ShapeKind);
  const schemas = allowColId ? leafSchemas : columnSchemas;

  switch (shape) {
    case 'text': {
      const model = check(schemas.text, value, path, issues);
      if (!model) return undefined;
      const needsValue = model.type !== 'blank' && model.type !== 'notBlank';
      if (needsValue && (model.filter === undefined || model.filter === null)) {
        issues.add(join(path, 'filter'), `Required for "${model.type}"`);
        return undefined;
      }
      return { kind: 'text', column, type: model.type, value: model.filter ?? '' };
    }
    case 'number': {
      const model = check(schemas.number, value, path, issues);
      if (!model) return undefined;
      const range = requireScalars(
        model.type,
        model.filter,
        model.filterTo,
        path,
        'filter',
        'filterTo',
        issues,
      );
      if (!range) return undefined;
      return { kind: 'number', column, type: model.type, from: range[0], to: range[1] };
    }
    case 'date': {
      const model = check(schemas.date, value, path, issues);
      if (!model) return undefined;
      if (model.filter != null && model.dateFrom != null) {
        issues.add(join(path, 'dateFrom'), 'Give the date in either filter or dateFrom, not both');
        return undefined;
      }
      if (model.filterTo != null && model.dateTo != null) {
        issues.add(join(path, 'dateTo'), 'Give the date in either filterTo or dateTo, not both');
        return undefined;
      }
      const fromKey = model.filter != null ? 'filter' : 'dateFrom';
      const toKey = model.filterTo != null ? 'filterTo' : 'dateTo';
      const from = model.filter ?? model.dateFrom;
      const to = model.filterTo ?? model.dateTo;
      const range = requireScalars(model.type, from, to, path, fromKey, toKey, issues);
      if (!range) return undefined;
      const [a, b] = range.map((d) => (d === '' ? '' : (parseGridDate(d) ?? ''))) as [string, string];
      return { kind: 'date', column, type: model.type, from: a, to: b };
    }
    case 'set': {
      const model = check(schemas.set, value, path, issues);
      if (!model) return undefined;
      const known = column.setValues;
      if (!known) return { kind: 'set', column, values: model.values };
      // Matched without regard to case; the stored spelling is what is compared.
      const values: (string | null)[] = [];
      for (const [i, v] of model.values.entries()) {
        const stored = v === null ? null : known.find((k) => k.toLowerCase() === v.toLowerCase());
        if (stored === undefined) {
          issues.add(
            join(join(path, 'values'), i),
            `Expected one of ${known.map((k) => `"${k}"`).join(', ')}`,
          );
          return undefined;
        }
        values.push(stored);
      }
      return { kind: 'set', column, values };
    }
  }
}

/** The operands an operator needs: both for inRange, the first for comparisons, none for blanks. */
function requireScalars<T extends number | string>(
  type: ScalarOperator,
  from: T | null | undefined,
  to: T | null | undefined,
  path: string,
  fromKey: string,
  toKey: string,
  issues: Issues,
): [T | '', T | ''] | undefined {
  if (type === 'blank' || type === 'notBlank') return ['', ''];
  if (from === undefined || from === null) {
    issues.add(join(path, fromKey), `Required for "${type}"`);
    return undefined;
  }
  if (type !== 'inRange') return [from, ''];
  if (to === undefined || to === null) {
    issues.add(join(path, toKey), 'Required for "inRange"');
    return undefined;
  }
  return [from, to];
}

/** A column filter: one condition, or AG Grid's combined model (`operator` + `conditions`). */
function parseColumnFilter(
  column: GridColumn,
  value: unknown,
  path: string,
  issues: Issues,
  limits: Limits,
): Expression | undefined {
  if (isObject(value) && ('operator' in value || 'conditions' in value)) {
    const model = check(combinedSchema, value, path, issues);
    if (!model) return undefined;
    const extra = Object.keys(value).filter(
      (k) => k !== 'operator' && k !== 'conditions' && k !== 'filterType',
    );
    for (const key of extra) issues.add(join(path, key), 'Unknown field');
    if (extra.length > 0) return undefined;
    if (value.filterType !== undefined && !filterTypesOf[column.kind].includes(String(value.filterType))) {
      issues.add(join(path, 'filterType'), 'Does not match the conditions of this column');
      return undefined;
    }
    const children: Expression[] = [];
    for (const [i, condition] of model.conditions.entries()) {
      if (issues.full) return undefined;
      if (isObject(condition) && condition.filterType === 'set') {
        issues.add(join(join(path, 'conditions'), i), 'A set filter cannot be combined');
        continue;
      }
      const parsed = parseCondition(
        column,
        condition,
        join(join(path, 'conditions'), i),
        issues,
        limits,
        false,
      );
      if (parsed) children.push(parsed);
    }
    if (children.length !== model.conditions.length) return undefined;
    return { kind: 'group', join: model.operator, children };
  }
  return parseCondition(column, value, path, issues, limits, false);
}

function lookUp(
  catalogue: GridColumnCatalogue,
  colId: unknown,
  ability: 'sortable' | 'filterable',
  path: string,
  issues: Issues,
): GridColumn | undefined {
  if (typeof colId !== 'string') {
    issues.add(path, 'Expected a column id');
    return undefined;
  }
  const column = Object.hasOwn(catalogue, colId) ? catalogue[colId] : undefined;
  if (!column) {
    issues.add(path, `Unknown column "${colId.slice(0, 100)}"`);
    return undefined;
  }
  if (!column[ability]) {
    issues.add(path, `Column "${colId}" cannot be ${ability === 'sortable' ? 'sorted' : 'filtered'}`);
    return undefined;
  }
  return column;
}

/** An Advanced Filter node: a join (`filterType: "join"`) or a leaf with `colId`. */
function parseAdvanced(
  catalogue: GridColumnCatalogue,
  node: unknown,
  path: string,
  depth: number,
  issues: Issues,
  limits: Limits,
): Expression | undefined {
  if (issues.full) return undefined;
  if (!isObject(node)) {
    issues.add(path, 'Expected a filter group or condition object');
    return undefined;
  }
  if (node.filterType === 'join') {
    if (depth > limits.maxDepth) {
      issues.add(path, `Nested too deep: at most ${limits.maxDepth} levels of AND/OR groups`);
      return undefined;
    }
    const model = check(joinSchema, node, path, issues);
    if (!model) return undefined;
    const children: Expression[] = [];
    for (const [i, child] of model.conditions.entries()) {
      const parsed = parseAdvanced(
        catalogue,
        child,
        join(join(path, 'conditions'), i),
        depth + 1,
        issues,
        limits,
      );
      if (!parsed) return undefined;
      children.push(parsed);
    }
    return { kind: 'group', join: model.type, children };
  }
  const column = lookUp(catalogue, node.colId, 'filterable', join(path, 'colId'), issues);
  if (!column) return undefined;
  return parseCondition(column, node, path, issues, limits, true);
}

function parseView(
  catalogue: GridColumnCatalogue,
  request: Record<string, unknown>,
  issues: Issues,
  limits: Limits,
  options: GridQueryOptions,
): ParsedView {
  const filters: Expression[] = [];
  const sort: { colId: string; column: GridColumn; sort: SortDirection }[] = [];

  const sortModel = request.sortModel ?? [];
  const items = check(sortSchema, sortModel, 'sortModel', issues) ?? [];
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    const path = `sortModel.${i}.colId`;
    const column = lookUp(catalogue, item.colId, 'sortable', path, issues);
    if (!column) continue;
    if (seen.has(item.colId)) issues.add(path, `Column "${item.colId}" is sorted twice`);
    seen.add(item.colId);
    sort.push({ colId: item.colId, column, sort: item.sort });
  }
  if (items.length === 0) {
    for (const item of options.defaultSort ?? []) {
      const column = catalogue[item.colId];
      if (!column) throw new Error(`The default sort names "${item.colId}", which is not in the catalogue`);
      sort.push({ colId: item.colId, column, sort: item.sort });
    }
  }
  const last = sort.at(-1);
  const then = last && options.thenBy?.[last.colId];
  if (last && then !== undefined && !sort.some((s) => s.colId === then)) {
    const column = catalogue[then];
    if (!column) throw new Error(`thenBy names "${then}", which is not in the catalogue`);
    sort.push({ colId: then, column, sort: last.sort });
  }

  const filterModel = request.filterModel ?? {};
  // The request's own keys, not zod's copy: a `__proto__` key would vanish from the copy.
  const byColumn =
    check(objectSchema, filterModel, 'filterModel', issues) && isObject(filterModel) ? filterModel : {};
  for (const [colId, value] of Object.entries(byColumn)) {
    if (issues.full) break;
    const path = join('filterModel', colId);
    const column = lookUp(catalogue, colId, 'filterable', path, issues);
    if (!column) continue;
    const parsed = parseColumnFilter(column, value, path, issues, limits);
    if (parsed) filters.push(parsed);
  }

  const advanced = request.advancedFilterModel;
  if (advanced !== undefined && advanced !== null) {
    const parsed = parseAdvanced(catalogue, advanced, 'advancedFilterModel', 1, issues, limits);
    if (parsed) filters.push(parsed);
  }
  return { filters, sort };
}

// ---------------------------------------------------------------------------------------------
// Rendering: from the parsed request to SQL. Column SQL from the catalogue, values as parameters.

/** Escapes LIKE's wildcards so that a value matches itself (PostgreSQL's default escape is `\`). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function renderText(column: SQLWrapper, type: TextOperator, value: string): SQL {
  switch (type) {
    case 'contains':
      return sql`${column} ilike ${`%${escapeLike(value)}%`}`;
    case 'notContains':
      // As AG Grid's own text filter: a blank cell does not contain the text, so it passes.
      return sql`(${column} is null or ${column} not ilike ${`%${escapeLike(value)}%`})`;
    case 'equals':
      return sql`lower(${column}) = lower(${value})`;
    case 'notEqual':
      return sql`(${column} is null or lower(${column}) <> lower(${value}))`;
    case 'startsWith':
      return sql`${column} ilike ${`${escapeLike(value)}%`}`;
    case 'endsWith':
      return sql`${column} ilike ${`%${escapeLike(value)}`}`;
    case 'blank':
      return sql`(${column} is null or ${column} = '')`;
    case 'notBlank':
      return sql`(${column} is not null and ${column} <> '')`;
  }
}

function renderScalar(
  column: SQLWrapper,
  type: ScalarOperator,
  from: number | string,
  to: number | string,
  isDate: boolean,
  inclusive: boolean,
): SQL {
  // Dates are typed explicitly; numbers are left for PostgreSQL to type from the column, so that
  // an integer column keeps its index.
  const a = isDate ? sql`${from}::date` : sql`${from}`;
  const b = isDate ? sql`${to}::date` : sql`${to}`;
  switch (type) {
    case 'equals':
      return sql`${column} = ${a}`;
    case 'notEqual':
      return sql`${column} <> ${a}`;
    case 'lessThan':
      return sql`${column} < ${a}`;
    case 'lessThanOrEqual':
      return sql`${column} <= ${a}`;
    case 'greaterThan':
      return sql`${column} > ${a}`;
    case 'greaterThanOrEqual':
      return sql`${column} >= ${a}`;
    case 'inRange':
      return inclusive
        ? sql`(${column} >= ${a} and ${column} <= ${b})`
        : sql`(${column} > ${a} and ${column} < ${b})`;
    case 'blank':
      return sql`${column} is null`;
    case 'notBlank':
      return sql`${column} is not null`;
  }
}

const INT8_MIN = new Decimal('-9223372036854775808');
const INT8_MAX = new Decimal('9223372036854775807');
type IntComparison = '<' | '<=' | '>' | '>=' | '=' | '<>';

/** `column op bound` for an integer column and an integer bound, also beyond bigint's range. */
function compareInt(column: SQLWrapper, op: IntComparison, bound: Decimal): SQL {
  const all = sql`${column} is not null`;
  if (bound.gt(INT8_MAX)) return op === '<' || op === '<=' || op === '<>' ? all : sql`false`;
  if (bound.lt(INT8_MIN)) return op === '>' || op === '>=' || op === '<>' ? all : sql`false`;
  const b = sql`${bound.toFixed(0)}::bigint`;
  switch (op) {
    case '<':
      return sql`${column} < ${b}`;
    case '<=':
      return sql`${column} <= ${b}`;
    case '>':
      return sql`${column} > ${b}`;
    case '>=':
      return sql`${column} >= ${b}`;
    case '=':
      return sql`${column} = ${b}`;
    case '<>':
      return sql`${column} <> ${b}`;
  }
}

/**
 * A number filter on a scaled integer column (GridColumn.scale): for an integer q and a real x,
 * q > x ⇔ q > ⌊x⌋, q ≥ x ⇔ q ≥ ⌈x⌉, q < x ⇔ q < ⌈x⌉, q ≤ x ⇔ q ≤ ⌊x⌋, and q = x only when x is whole.
 * The value is scaled in decimal from its shortest text (what PostgreSQL itself would be sent),
 * never in floating point.
 */
function renderScaled(
  column: SQLWrapper,
  scale: number,
  type: ScalarOperator,
  from: number | string,
  to: number | string,
  inclusive: boolean,
): SQL {
  if (type === 'blank') return sql`${column} is null`;
  if (type === 'notBlank') return sql`${column} is not null`;
  // The operands of the other operators are numbers (requireScalars).
  const scaled = (v: number | string) => new Decimal(String(v)).mul(scale);
  const a = scaled(from);
  const floorA = a.floor();
  const ceilA = a.ceil();
  switch (type) {
    case 'equals':
      return a.isInteger() ? compareInt(column, '=', a) : sql`false`;
    case 'notEqual':
      return a.isInteger() ? compareInt(column, '<>', a) : sql`${column} is not null`;
    case 'lessThan':
      return compareInt(column, '<', ceilA);
    case 'lessThanOrEqual':
      return compareInt(column, '<=', floorA);
    case 'greaterThan':
      return compareInt(column, '>', floorA);
    case 'greaterThanOrEqual':
      return compareInt(column, '>=', ceilA);
    case 'inRange': {
      const b = scaled(to);
      return inclusive
        ? sql`(${compareInt(column, '>=', ceilA)} and ${compareInt(column, '<=', b.floor())})`
        : sql`(${compareInt(column, '>', floorA)} and ${compareInt(column, '<', b.ceil())})`;
    }
  }
}

function renderSet(column: SQLWrapper, values: readonly (string | null)[]): SQL {
  const present = [...new Set(values.filter((v): v is string => v !== null))];
  const withBlank = values.includes(null);
  // As AG Grid's set filter: nothing chosen, nothing shown.
  if (present.length === 0) return withBlank ? sql`${column} is null` : sql`false`;
  const inList = sql`${column} in ${present}`;
  return withBlank ? sql`(${inList} or ${column} is null)` : inList;
}

/** A column's SQL: the catalogue's, unless the caller puts another expression in its place. */
type ColumnSql = (column: GridColumn) => SQLWrapper;
const catalogueSql: ColumnSql = (column) => column.sql;

function render(expression: Expression, inclusive: boolean, sqlOf: ColumnSql = catalogueSql): SQL {
  switch (expression.kind) {
    case 'group': {
      if (expression.children.length === 0) return expression.join === 'AND' ? sql`true` : sql`false`;
      if (expression.children.length === 1) return render(expression.children[0]!, inclusive, sqlOf);
      const glue = expression.join === 'AND' ? sql` and ` : sql` or `;
      return sql`(${sql.join(
        expression.children.map((c) => render(c, inclusive, sqlOf)),
        glue,
      )})`;
    }
    case 'text':
      return renderText(sqlOf(expression.column), expression.type, expression.value);
    case 'number':
      if (expression.column.scale !== undefined) {
        return renderScaled(
          sqlOf(expression.column),
          expression.column.scale,
          expression.type,
          expression.from,
          expression.to,
          inclusive,
        );
      }
      return renderScalar(
        sqlOf(expression.column),
        expression.type,
        expression.from,
        expression.to,
        false,
        inclusive,
      );
    case 'date':
      return renderScalar(
        sqlOf(expression.column),
        expression.type,
        expression.from,
        expression.to,
        expression.kind === 'date',
        inclusive,
      );
    case 'set':
      return renderSet(sqlOf(expression.column), expression.values);
  }
}

/** The expressions AND-ed at the top: every row of the view passes each of them. */
function conjuncts(expression: Expression): Expression[] {
  return expression.kind === 'group' && expression.join === 'AND'
    ? expression.children.flatMap(conjuncts)
    : [expression];
}

/** Whether an expression is about that column alone. */
function onlyAbout(expression: Expression, column: GridColumn): boolean {
  return expression.kind === 'group'
    ? expression.children.length > 0 && expression.children.every((c) => onlyAbout(c, column))
    : expression.column === column;
}

/** The top-level conditions about `column` alone, rendered on `value` in its place; undefined when none. */
function filterOn(
  view: ParsedView,
  column: GridColumn,
  inclusive: boolean,
): ((value: SQLWrapper) => SQL) | undefined {
  const own = view.filters.flatMap(conjuncts).filter((e) => onlyAbout(e, column));
  if (own.length === 0) return undefined;
  return (value) => {
    const sqlOf: ColumnSql = (c) => (c === column ? value : c.sql);
    return sql.join(
      own.map((e) => render(e, inclusive, sqlOf)),
      sql` and `,
    );
  };
}

/** See GridQuery.sortColumnFilter. */
function sortColumnFilter(view: ParsedView, inclusive: boolean): GridQuery['sortColumnFilter'] {
  const first = view.sort[0];
  if (!first) return undefined;
  const matches = filterOn(view, first.column, inclusive);
  return matches ? { column: first.column, desc: first.sort === 'desc', matches } : undefined;
}

/** See GridQuery.columnFilters. */
function columnFilters(view: ParsedView, inclusive: boolean): GridQuery['columnFilters'] {
  const filters = new Map<GridColumn, (value: SQLWrapper) => SQL>();
  for (const e of view.filters.flatMap(conjuncts)) {
    // A group (`a or b` on one column) is about the column of its first condition, if about one.
    let leaf: Expression | undefined = e;
    while (leaf?.kind === 'group') leaf = leaf.children[0];
    if (!leaf || filters.has(leaf.column) || !onlyAbout(e, leaf.column)) continue;
    const matches = filterOn(view, leaf.column, inclusive);
    if (matches) filters.set(leaf.column, matches);
  }
  return filters.size > 0 ? filters : undefined;
}

function renderView(view: ParsedView, options: GridQueryOptions): GridView {
  const inclusive = options.inRangeInclusive ?? false;
  const where =
    view.filters.length === 0
      ? sql`true`
      : sql.join(
          view.filters.map((f) => render(f, inclusive)),
          sql` and `,
        );
  const keys = view.sort.map((s) =>
    s.sort === 'asc' ? sql`${s.column.sql} asc` : sql`${s.column.sql} desc`,
  );
  // The tiebreak follows the last key's direction, so one index (key, id) can serve the order.
  const last = view.sort.at(-1)?.sort ?? 'asc';
  keys.push(last === 'asc' ? sql`${options.tiebreak} asc` : sql`${options.tiebreak} desc`);
  return {
    where,
    orderBy: sql.join(keys, sql`, `),
    sort: view.sort.map((s) => ({ colId: s.colId, column: s.column, desc: s.sort === 'desc' })),
  };
}

function limitsOf(options: GridQueryOptions): Limits {
  return { maxDepth: options.maxDepth ?? 8, maxConditions: options.maxConditions ?? 100 };
}

const pageSchema = z.object({
  startRow: z.number().int().min(0).max(MAX_ROW_INDEX),
  endRow: z.number().int().min(1).max(MAX_ROW_INDEX),
});

/**
 * A block of rows for the grid. Throws GridQueryValidationError (never anything else) when the
 * request does not fit the catalogue; unknown top-level fields are ignored.
 */
export function buildGridQuery(
  catalogue: GridColumnCatalogue,
  request: unknown,
  options: GridQueryOptions,
): GridQuery {
  const issues = new Issues();
  if (!isObject(request)) throw new GridQueryValidationError({ request: 'Expected an object' });
  const page = check(pageSchema, { startRow: request.startRow, endRow: request.endRow }, '', issues);
  const maxBlock = options.maxBlockSize ?? 1000;
  if (page && page.endRow <= page.startRow) issues.add('endRow', 'Must be greater than startRow');
  else if (page && page.endRow - page.startRow > maxBlock) {
    issues.add('endRow', `At most ${maxBlock} rows in one block`);
  }
  const view = parseView(catalogue, request, issues, limitsOf(options), options);
  if (issues.any || !page) throw new GridQueryValidationError(issues.fields);
  const filter = sortColumnFilter(view, options.inRangeInclusive ?? false);
  const byColumn = columnFilters(view, options.inRangeInclusive ?? false);
  return {
    ...renderView(view, options),
    limit: page.endRow - page.startRow,
    offset: page.startRow,
    ...(filter ? { sortColumnFilter: filter } : {}),
    ...(byColumn ? { columnFilters: byColumn } : {}),
  };
}

/**
 * Every row of the grid's current view, for the export: `sortModel`, `filterModel` and
 * `advancedFilterModel` as in buildGridQuery, no paging. Other fields of the request are ignored.
 */
export function buildGridView(
  catalogue: GridColumnCatalogue,
  request: unknown,
  options: GridQueryOptions,
): GridView {
  const issues = new Issues();
  if (!isObject(request)) throw new GridQueryValidationError({ request: 'Expected an object' });
  const view = parseView(catalogue, request, issues, limitsOf(options), options);
  if (issues.any) throw new GridQueryValidationError(issues.fields);
  return renderView(view, options);
}
