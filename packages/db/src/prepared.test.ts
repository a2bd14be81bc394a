import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { compilePart, mergeParts, part } from './prepared';

const insertA = compilePart(
  sql`insert into a select * from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb)`,
);
const updateB = compilePart(
  sql`update b set x = 1 from jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) c where b.d = ${sql.placeholder('d')}`,
);
const single = compilePart(sql`insert into c values (${sql.placeholder('v')})`);

describe('mergeParts', () => {
  it('joins the rows of parts of one template, in order, where the first of them stood', () => {
    const merged = mergeParts([
      part(insertA, { rows: '[{"n":1}]' }),
      part(single, { v: 1 }),
      part(insertA, { rows: '[{"n":2},{"n":3}]' }),
      part(single, { v: 2 }),
    ]);
    expect(merged).toHaveLength(3);
    expect(merged[0]).toMatchObject({ template: insertA, values: { rows: '[{"n":1},{"n":2},{"n":3}]' } });
    expect(merged[1]).toMatchObject({ template: single, values: { v: 1 } });
    expect(merged[2]).toMatchObject({ template: single, values: { v: 2 } });
    expect(JSON.parse(String((merged[0] as { values: Record<string, unknown> }).values.rows))).toHaveLength(
      3,
    );
  });

  it('keeps apart parts whose other values differ, and skips empty row lists', () => {
    const merged = mergeParts([
      part(updateB, { rows: '[{"n":1}]', d: 'x' }),
      part(updateB, { rows: '[{"n":2}]', d: 'y' }),
      part(updateB, { rows: '[]', d: 'x' }),
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ values: { rows: '[{"n":1}]', d: 'x' } });
    expect(merged[1]).toMatchObject({ values: { rows: '[{"n":2}]', d: 'y' } });
  });

  it('leaves a list without repeats as it is', () => {
    const parts = [part(insertA, { rows: '[{"n":1}]' }), part(single, { v: 1 }), sql`select 1`];
    expect(mergeParts(parts)).toEqual(parts);
  });
});
