import { describe, expect, it } from 'vitest';
import { sortOf } from './cells';

describe('sortOf', () => {
  const block = (colId: string, sort: 'asc' | 'desc') => ({
    startRow: 0,
    endRow: 100,
    sortModel: [{ colId, sort }],
    filterModel: {},
  });
  it('passes the first sort of a sortable column to the API', () => {
    expect(sortOf(block('name', 'desc'), ['name', 'region'])).toEqual({ sort: 'name', order: 'desc' });
  });
  it('drops a sort the API cannot do, and no sort at all', () => {
    expect(sortOf(block('lineCount', 'asc'), ['name'])).toEqual({});
    expect(sortOf({ startRow: 0, endRow: 100, sortModel: [], filterModel: {} }, ['name'])).toEqual({});
  });
});
