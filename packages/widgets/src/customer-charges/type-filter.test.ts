import { describe, expect, it } from 'vitest';
import { chosenTypes, typeFilterModel } from './type-filter';

describe('the Debit/Credit filter model', () => {
  it('is AG Grid’s set filter JSON for one type, and no filter for both or none', () => {
    expect(typeFilterModel(['DEBIT'])).toEqual({ filterType: 'set', values: ['DEBIT'] });
    expect(typeFilterModel(['credit'])).toEqual({ filterType: 'set', values: ['CREDIT'] });
    expect(typeFilterModel(['DEBIT', 'CREDIT'])).toBeNull();
    expect(typeFilterModel([])).toBeNull();
    expect(typeFilterModel(['OTHER'])).toBeNull();
  });

  it('reads a model back as the checked types', () => {
    expect(chosenTypes(null)).toEqual(['DEBIT', 'CREDIT']);
    expect(chosenTypes({ filterType: 'set', values: ['Credit'] })).toEqual(['CREDIT']);
    expect(chosenTypes({ filterType: 'set', values: [] })).toEqual(['DEBIT', 'CREDIT']);
  });
});
