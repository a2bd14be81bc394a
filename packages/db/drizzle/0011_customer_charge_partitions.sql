-- Customer Charges rows, one partition per reseller (LIST on org_id, which is the reseller: the
-- grid's queries all name it, so they read one partition). A reseller's first sync (and any run
-- that adds more rows than the partition holds) builds its partition as a plain table, loads it
-- without indexes, indexes it in bulk and attaches it (sync/index.ts): maintaining nine indexes
-- row by row was most of the sync's time. The sort indexes lose their two leading tenant columns,
-- constant within a partition. Partitions are named by customer_charge_rows_partition(org_id).
-- quantity_e4, the quantity in ten-thousandths (exact), is what the grid sorts and filters the
-- quantity by: under row-level security only leakproof operators reach an index, and bigint's
-- are, numeric's are not.
ALTER TABLE "customer_charge_rows" RENAME TO "customer_charge_rows_unpartitioned";--> statement-breakpoint
ALTER TABLE "customer_charge_rows_unpartitioned" DROP CONSTRAINT "customer_charge_rows_distributor_id_org_id_invoice_item_id_pk";--> statement-breakpoint
DROP INDEX "customer_charge_rows_invoice_number_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_invoice_date_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_customer_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_description_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_start_date_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_end_date_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_quantity_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_product_type_idx";--> statement-breakpoint
DROP INDEX "customer_charge_rows_product_name_idx";--> statement-breakpoint
CREATE TABLE "customer_charge_rows" (
	LIKE "customer_charge_rows_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
	"quantity_e4" bigint GENERATED ALWAYS AS ((quantity * 10000)::bigint) STORED,
	CONSTRAINT "customer_charge_rows_distributor_id_org_id_invoice_item_id_pk" PRIMARY KEY("distributor_id","org_id","invoice_item_id")
) PARTITION BY LIST ("org_id");--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "customer_charge_rows_invoice_number_idx" ON "customer_charge_rows" USING btree ("invoice_number","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_invoice_date_idx" ON "customer_charge_rows" USING btree ("invoice_date","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_customer_idx" ON "customer_charge_rows" USING btree ("customer_name","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_description_idx" ON "customer_charge_rows" USING btree ("description","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_start_date_idx" ON "customer_charge_rows" USING btree ("start_date","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_end_date_idx" ON "customer_charge_rows" USING btree ("end_date","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_quantity_e4_idx" ON "customer_charge_rows" USING btree ("quantity_e4","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_product_type_idx" ON "customer_charge_rows" USING btree ("product_type","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_product_name_idx" ON "customer_charge_rows" USING btree ("product_name","invoice_item_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customer_charge_rows" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("customer_charge_rows"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "customer_charge_rows"."reseller_id" = current_setting('app.org_id', true))
  or "customer_charge_rows"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("customer_charge_rows"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "customer_charge_rows"."reseller_id" = current_setting('app.org_id', true))
  or "customer_charge_rows"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
-- A partition's name: readable, within the 63 bytes of an identifier with room for a suffix, and
-- unique through the hash.
CREATE FUNCTION customer_charge_rows_partition(org_id text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'customer_charge_rows_' || left(regexp_replace(lower(org_id), '[^a-z0-9]+', '_', 'g'), 24)
    || '_' || left(md5(org_id), 8)
$$;--> statement-breakpoint
-- Each reseller's rows move into a partition of their own: loaded as a plain table, then attached
-- (which builds its indexes in bulk; the check on the bound spares the validation scan).
-- Partitions are read through the parent only (its policy applies there, not on a partition):
-- cascade_app gets no grant on them, and RLS enabled and forced without a policy denies it
-- everything should one be granted by mistake.
DO $$
DECLARE
  r record;
  p text;
BEGIN
  PERFORM set_config('maintenance_work_mem', '256MB', true);
  FOR r IN SELECT DISTINCT org_id FROM customer_charge_rows_unpartitioned LOOP
    p := customer_charge_rows_partition(r.org_id);
    EXECUTE format('CREATE TABLE %I (LIKE customer_charge_rows INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED, CHECK (org_id = %L))',
      p, r.org_id);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', p);
    -- The old table's columns are the new one's but the last, the generated quantity_e4.
    EXECUTE format('INSERT INTO %I SELECT * FROM customer_charge_rows_unpartitioned WHERE org_id = %L', p, r.org_id);
    EXECUTE format('ALTER TABLE customer_charge_rows ATTACH PARTITION %I FOR VALUES IN (%L)', p, r.org_id);
  END LOOP;
END
$$;--> statement-breakpoint
DROP TABLE "customer_charge_rows_unpartitioned";--> statement-breakpoint
-- As in 0002, but partitions are left alone: no grant (see above).
CREATE OR REPLACE FUNCTION cascade_secure_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
  append_only text[] := ARRAY['payments', 'allocations', 'refunds', 'transfers', 'write_offs',
                              'ledger_entries', 'audit_log'];
BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA public TO cascade_app';
  FOR r IN
    SELECT c.relname, c.relrowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  LOOP
    EXECUTE format('REVOKE ALL ON %I FROM cascade_app', r.relname);
    IF r.relrowsecurity THEN
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', r.relname);
      IF r.relname = ANY (append_only) THEN
        EXECUTE format('GRANT SELECT, INSERT ON %I TO cascade_app', r.relname);
      ELSE
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO cascade_app', r.relname);
      END IF;
    END IF;
  END LOOP;
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cascade_app';
END
$$;--> statement-breakpoint
SELECT cascade_secure_tables();
