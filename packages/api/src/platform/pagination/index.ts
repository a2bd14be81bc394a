import { z } from 'zod';

/** The most rows one request may ask for. */
export const MAX_PAGE_ROWS = 1000;
export const DEFAULT_PAGE_ROWS = 100;

// Query strings carry digits only: no '', '1e3', '0x10' or ' 5 ' sneaking through a coercion.
const row = (name: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v),
    z
      .number({ error: `${name} must be a whole number` })
      .int({ error: `${name} must be a whole number` })
      .min(0, { error: `${name} must be 0 or more` })
      .max(1_000_000_000, { error: `${name} is too large` }),
  );

// Typed loosely so that it applies to any page schema however extended.
const bounded = (value: unknown, ctx: z.RefinementCtx): void => {
  const v = value as PageRequest;
  const end = v.endRow ?? v.startRow + DEFAULT_PAGE_ROWS;
  if (end < v.startRow)
    ctx.addIssue({ code: 'custom', path: ['endRow'], message: 'endRow must not be less than startRow' });
  else if (end - v.startRow > MAX_PAGE_ROWS) {
    ctx.addIssue({ code: 'custom', path: ['endRow'], message: `at most ${MAX_PAGE_ROWS} rows per request` });
  }
};

const pageFields = {
  startRow: row('startRow').default(0).describe('Index of the first row (0-based, inclusive).'),
  endRow: row('endRow')
    .optional()
    .describe(
      `Index after the last row (exclusive); default startRow + ${DEFAULT_PAGE_ROWS}, at most startRow + ${MAX_PAGE_ROWS}.`,
    ),
};

/**
 * The one pagination style: `startRow`/`endRow` in (the query of a GET list, the body of a POST
 * …/query), `{rows, lastRow}` out. A list adds its own filters: `pageQuery({ search: z.string() })`.
 */
export function pageQuery<S extends z.ZodRawShape = Record<never, never>>(extra?: S) {
  return z.object({ ...pageFields, ...(extra as S) }).superRefine(bounded);
}
/** For a POST …/query body: the same fields plus the list's own, strict about unknown keys. */
export function pageBody<S extends z.ZodRawShape = Record<never, never>>(extra?: S) {
  return z.strictObject({ ...pageFields, ...(extra as S) }).superRefine(bounded);
}

export interface PageRequest {
  startRow: number;
  endRow?: number | undefined;
}
export interface Page<T> {
  rows: T[];
  /** The total number of rows when known, else -1 (more may follow). */
  lastRow: number;
}

/** limit/offset for SQL. */
export function pageWindow(p: PageRequest): { offset: number; limit: number } {
  const end = p.endRow ?? p.startRow + DEFAULT_PAGE_ROWS;
  return { offset: p.startRow, limit: Math.max(0, end - p.startRow) };
}

/** `{rows, lastRow}` from a window of rows and the total count (when counted). */
export function toPage<T>(rows: T[], total: number | undefined): Page<T> {
  return { rows, lastRow: total ?? -1 };
}

/**
 * When not counting: fetch `limit + 1` rows; a short window means the end is known exactly.
 */
export function toPageByLookahead<T>(rowsPlusOne: T[], p: PageRequest): Page<T> {
  const { offset, limit } = pageWindow(p);
  if (rowsPlusOne.length <= limit) return { rows: rowsPlusOne, lastRow: offset + rowsPlusOne.length };
  return { rows: rowsPlusOne.slice(0, limit), lastRow: -1 };
}

/** The response schema of a page of `row`. */
export function pageOf<T extends z.ZodType>(rowSchema: T) {
  return z.object({
    rows: z.array(rowSchema),
    lastRow: z.number().int().describe('Total number of rows when known, else -1.'),
  });
}
