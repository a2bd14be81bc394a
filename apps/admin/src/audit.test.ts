import { describe, expect, it } from 'vitest';
import { auditQuery, describeChanges, pageCount } from './audit';

describe('audit log', () => {
  it('asks for one page, leaving empty filters out', () => {
    expect(auditQuery({ q: ' month ', entityType: '', from: '2026-01-01', to: '' }, 2, 25)).toEqual({
      startRow: 50,
      endRow: 75,
      q: 'month',
      from: '2026-01-01',
    });
  });

  it('describes each changed field from old to new', () => {
    expect(describeChanges({ old: { a: 'X', b: false }, new: { a: 'Y', b: true } })).toEqual([
      'a: X → Y',
      'b: false → true',
    ]);
    expect(describeChanges({ old: null, new: { t: null } })).toEqual(['t: — → (none)']);
  });

  it('counts pages, at least one', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
  });
});
