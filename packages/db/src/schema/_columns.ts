import { type SQL, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  customType,
  date,
  foreignKey,
  numeric,
  timestamp,
} from 'drizzle-orm/pg-core';

/** A CHECK that a text column holds one of the given codes (text enums are not checked by drizzle). */
export const enumCheck = (name: string, column: AnyPgColumn, values: readonly string[]) =>
  check(
    name,
    sql`${column} in (${sql.join(
      values.map((v) => sql.raw(`'${v.replaceAll("'", "''")}'`)),
      sql`, `,
    )})`,
  );

/** A CHECK on an ISO 4217 code. */
export const currencyCheck = (name: string, column: AnyPgColumn): ReturnType<typeof check> =>
  check(name, sql`${column} ~ '^[A-Z]{3}$'` as SQL);

/** Amounts (line amounts, taxes, totals, balances): rounded to the currency, at most 4 decimals. */
export const amount = (name: string) => numeric(name, { precision: 20, scale: 4 });
/** Unit prices keep up to 6 decimals. */
export const unitPrice = (name: string) => numeric(name, { precision: 20, scale: 6 });
/** Quantities. */
export const quantity = (name: string) => numeric(name, { precision: 20, scale: 4 });
/** Percentages such as 12.5 (meaning 12.5 %). */
export const percent = (name: string) => numeric(name, { precision: 9, scale: 6 });
export const isoDate = (name: string) => date(name, { mode: 'string' });
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow();
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

/**
 * An identifier compared byte by byte (collation "C"): nobody reads ids in order, and bytewise
 * comparison lets PostgreSQL's sorts use abbreviated keys and `memcmp` instead of the locale's
 * `strcoll` (a sort index ending with the id as tie-breaker builds 20–35% faster in bulk).
 */
export const byteOrderedId = customType<{ data: string; driverData: string }>({
  dataType: () => 'text collate "C"',
});

/** A foreign key within one marketplace: (distributor_id, col) → (distributor_id, id). */
export const ref = (
  name: string,
  from: { distributorId: AnyPgColumn },
  column: AnyPgColumn,
  to: { distributorId: AnyPgColumn; id: AnyPgColumn },
) => foreignKey({ name, columns: [from.distributorId, column], foreignColumns: [to.distributorId, to.id] });
