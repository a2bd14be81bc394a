import { describe, expect, it } from 'vitest';
import { listBlockParams } from './cells';

describe('listBlockParams', () => {
  const block = (colId: string, sort: 'asc' | 'desc') => ({
    startRow: 0,
    endRow: 100,
    sortModel: [{ colId, sort }],
    filterModel: {},
  });
  it('passes the first sort of a sortable column to the API', () => {
    expect(listBlockParams(block('name', 'desc'), ['name', 'region'])).toEqual({
      startRow: 0,
      endRow: 100,
      sort: 'name',
      order: 'desc',
    });
  });
  it('drops a sort the API cannot do, and no sort at all', () => {
    expect(listBlockParams(block('lineCount', 'asc'), ['name'])).toEqual({ startRow: 0, endRow: 100 });
    expect(listBlockParams({ startRow: 0, endRow: 100, sortModel: [], filterModel: {} }, ['name'])).toEqual({
      startRow: 0,
      endRow: 100,
    });
  });
});
