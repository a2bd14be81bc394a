-- Unlogged, like the Customer Charges partitions whose sync it marks (a crash empties both; drizzle
-- does not model UNLOGGED). Existing runs' marks are carried over, so that no reseller is read again.
CREATE UNLOGGED TABLE "customer_charge_sync_marks" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"up_to" timestamp with time zone NOT NULL,
	"job_run_id" text,
	CONSTRAINT "customer_charge_sync_marks_distributor_id_org_id_pk" PRIMARY KEY("distributor_id","org_id"),
	CONSTRAINT "customer_charge_sync_marks_reseller" CHECK ("customer_charge_sync_marks"."reseller_id" = "customer_charge_sync_marks"."org_id")
);
--> statement-breakpoint
ALTER TABLE "customer_charge_sync_marks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invoice_items" DROP CONSTRAINT "invoice_items_quantity";--> statement-breakpoint
ALTER TABLE "subscription_lines" DROP CONSTRAINT "subscription_lines_quantity";--> statement-breakpoint
-- NOT VALID: checked for every row written from now on (inserted, or updated: a subscription line
-- beyond the bound must be corrected before it can be changed otherwise); invoice items are
-- documents, never corrected in place, so an existing one out of bounds must not stop the upgrade.
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_quantity" CHECK ("invoice_items"."quantity" >= 0 and "invoice_items"."quantity" < 100000000000000) NOT VALID;--> statement-breakpoint
ALTER TABLE "subscription_lines" ADD CONSTRAINT "subscription_lines_quantity" CHECK ("subscription_lines"."quantity" >= 0 and "subscription_lines"."quantity" < 100000000000000) NOT VALID;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customer_charge_sync_marks" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("customer_charge_sync_marks"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "customer_charge_sync_marks"."reseller_id" = current_setting('app.org_id', true))
  or "customer_charge_sync_marks"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("customer_charge_sync_marks"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "customer_charge_sync_marks"."reseller_id" = current_setting('app.org_id', true))
  or "customer_charge_sync_marks"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
INSERT INTO "customer_charge_sync_marks" ("distributor_id", "reseller_id", "org_id", "up_to")
SELECT "distributor_id", "org_id", "org_id", max(("cursor"->>'upTo')::timestamptz) FROM "job_runs"
WHERE "job_name" LIKE 'customer-charges-sync%' AND "status" = 'SUCCEEDED' AND "cursor"->>'upTo' IS NOT NULL
GROUP BY "distributor_id", "org_id";--> statement-breakpoint
SELECT cascade_secure_tables();
