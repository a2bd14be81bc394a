import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_PAGE_ROWS, pageBody, pageQuery, pageWindow, toPageByLookahead } from '.';

describe('pagination', () => {
  it('defaults to the first hundred rows', () => {
    const p = pageQuery().parse({});
    expect(pageWindow(p)).toEqual({ offset: 0, limit: 100 });
  });

  it('coerces query strings and bounds the window', () => {
    expect(pageWindow(pageQuery().parse({ startRow: '10', endRow: '60' }))).toEqual({
      offset: 10,
      limit: 50,
    });
    expect(pageQuery().safeParse({ startRow: '0', endRow: String(MAX_PAGE_ROWS + 1) }).success).toBe(false);
    expect(pageQuery().safeParse({ startRow: '5', endRow: '4' }).success).toBe(false);
    for (const bad of ['-1', 'x', '1.5', ''])
      expect(pageQuery().safeParse({ startRow: bad }).success).toBe(false);
  });

  it('takes a list’s own filters, and the body form refuses unknown keys', () => {
    const q = pageQuery({ kind: z.enum(['A', 'B']).optional() });
    expect(q.parse({ kind: 'A' })).toMatchObject({ kind: 'A', startRow: 0 });
    expect(pageBody().safeParse({ startRow: 0, nope: 1 }).success).toBe(false);
  });

  it('never admits a window wider than the maximum', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const r = pageQuery().safeParse({ startRow: String(a), endRow: String(b) });
        if (r.success) expect(pageWindow(r.data).limit).toBeLessThanOrEqual(MAX_PAGE_ROWS);
      }),
    );
  });

  it('knows the last row from a short look-ahead window', () => {
    expect(toPageByLookahead([1, 2, 3], { startRow: 10, endRow: 20 })).toEqual({
      rows: [1, 2, 3],
      lastRow: 13,
    });
    const full = Array.from({ length: 11 }, (_, i) => i);
    expect(toPageByLookahead(full, { startRow: 0, endRow: 10 })).toEqual({
      rows: full.slice(0, 10),
      lastRow: -1,
    });
  });
});
