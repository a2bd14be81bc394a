import type { SQL } from 'drizzle-orm';
import { PgDialect, type PgSession } from 'drizzle-orm/pg-core';
import type { Transaction } from './client';

const dialect = new PgDialect();

/**
 * `tx.execute(query)` as a prepared statement. Drizzle sends its unnamed queries to postgres.js
 * unprepared, and postgres.js then describes every statement with parameters before running it: two
 * round trips, and nothing can be pipelined behind it. Prepared, postgres.js describes a statement
 * once per connection (it keys them by their text), then sends it in one message that the next
 * statements can follow without waiting. For the hot statements of money-moving requests; the text
 * must not embed values (`sql.raw`) or every request would prepare a new statement. PGlite runs it
 * as `tx.execute` does.
 */
export function executePrepared(tx: Transaction, query: SQL): Promise<unknown> {
  // `session` is public at runtime on both drivers; drizzle's types mark it internal on transactions.
  const { session } = tx as unknown as { session: PgSession };
  return session.prepareQuery(dialect.sqlToQuery(query), undefined, 'hot', false).execute();
}

/**
 * A hot statement compiled once (its text and parameter slots, `sql.placeholder(name)`), then run
 * prepared in any transaction with `values`: no query building per request. Raw rows.
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
