import { is, Placeholder, type SQL } from 'drizzle-orm';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import type { Transaction } from './client';

const dialect = new PgDialect();

/**
 * A hot statement compiled once (its text and parameter slots, `sql.placeholder(name)`), then run
 * prepared in any transaction with `values`: no query building per request. Raw rows. Prepared
 * because drizzle sends its unnamed queries to postgres.js unprepared, and postgres.js then
 * describes every statement with parameters before running it: two round trips, and nothing can
 * be pipelined behind it. Prepared, postgres.js describes a statement once per connection (it keys
 * them by their text), then sends it in one message that the next statements can follow without
 * waiting. The text must not embed values (`sql.raw`), or every request would prepare a new
 * statement. PGlite runs it as `tx.execute` does.
 */
export function compileStatement(
  query: SQL,
): (tx: Transaction, values: Record<string, unknown>) => Promise<unknown> {
  const compiled = dialect.sqlToQuery(query);
  return (tx, values) => {
    const { session } = tx as unknown as { session: PgSession };
    return session.prepareQuery(compiled, undefined, 'hot', false).execute(values);
  };
}

/**
 * A statement compiled once into its text, cut at its parameters, so that several can be joined
 * into one statement (`executeTogether`) with their parameters renumbered: no query building per
 * request. Parameters are `sql.placeholder(name)`s, filled per use by `part`.
 */
export interface PartTemplate {
  /** The text between parameters: one more than `params`. */
  segments: string[];
  /** A placeholder's name, or a constant value compiled in. */
  params: ({ placeholder: string } | { value: unknown })[];
}

/** A template with its values: one piece of an `executeTogether` statement. */
export interface StatementPart {
  template: PartTemplate;
  values: Record<string, unknown>;
}

export function compilePart(query: SQL): PartTemplate {
  const compiled = dialect.sqlToQuery(query);
  const segments = compiled.sql.split(/\$\d+/);
  if (segments.length !== compiled.params.length + 1)
    throw new Error(`compilePart: expected ${compiled.params.length} parameters in ${compiled.sql}`);
  const params = compiled.params.map((p) => (is(p, Placeholder) ? { placeholder: p.name } : { value: p }));
  return { segments, params };
}

export function part(template: PartTemplate, values: Record<string, unknown>): StatementPart {
  return { template, values };
}

/**
 * Runs the parts as ONE prepared statement, `with w0 as (…), w1 as (…) select 1` (one part: as is).
 * Drizzle `SQL` parts are compiled here, per call. Foreign keys are checked at the statement's end,
 * so the rows may refer to each other; every part sees the snapshot from before the statement.
 */
export function executeTogether(tx: Transaction, parts: readonly (SQL | StatementPart)[]): Promise<unknown> {
  const params: unknown[] = [];
  const pieces: string[] = [];
  for (const p of parts) {
    const { template, values } = 'template' in p ? p : { template: compilePart(p), values: {} };
    const { segments, params: slots } = template;
    let text = '';
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      params.push('placeholder' in slot ? values[slot.placeholder] : slot.value);
      text += `${segments[i]}$${params.length}`;
    }
    pieces.push(text + segments[slots.length]);
  }
  const text =
    pieces.length === 1 ? pieces[0]! : `with ${pieces.map((t, i) => `w${i} as (${t})`).join(', ')} select 1`;
  const { session } = tx as unknown as { session: PgSession };
  return session.prepareQuery({ sql: text, params }, undefined, 'hot', false).execute();
}

/**
 * Joins parts of one template that differ only in their `rows` (a JSON array, as the
 * `jsonb_to_recordset($rows)` inserts take): one part with all the rows, in order. The writes of
 * several requests sharing a transaction then cost one insert per table, not one per request. Other
 * parts, and parts whose other values differ, stay as they are, in their order.
 */
export function mergeParts<P extends SQL | StatementPart>(parts: readonly P[]): (P | StatementPart)[] {
  const out: (P | StatementPart)[] = [];
  const byKey = new Map<string, { index: number; rows: string[] }>();
  for (const p of parts) {
    const rows = 'template' in p ? p.values.rows : undefined;
    if (!('template' in p) || typeof rows !== 'string' || !rows.startsWith('[')) {
      out.push(p);
      continue;
    }
    const others = Object.entries(p.values).filter(([name]) => name !== 'rows');
    let id = templateIds.get(p.template);
    if (id === undefined) {
      id = nextTemplateId++;
      templateIds.set(p.template, id);
    }
    const key = `${id}\u0000${JSON.stringify(others)}`;
    const group = byKey.get(key);
    if (group) {
      group.rows.push(rows);
      continue;
    }
    byKey.set(key, { index: out.length, rows: [rows] });
    out.push(p);
  }
  for (const { index, rows } of byKey.values()) {
    if (rows.length === 1) continue;
    const first = out[index] as StatementPart;
    const inner = rows.map((r) => r.slice(1, -1).trim()).filter((r) => r.length > 0);
    out[index] = part(first.template, { ...first.values, rows: `[${inner.join(',')}]` });
  }
  return out;
}
const templateIds = new WeakMap<PartTemplate, number>();
let nextTemplateId = 0;
