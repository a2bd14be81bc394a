ALTER TABLE "customer_charge_rows" DROP CONSTRAINT "customer_charge_rows_item_fk";
--> statement-breakpoint
ALTER TABLE "customer_charge_rows" DROP CONSTRAINT "customer_charge_rows_org_fk";
--> statement-breakpoint
ALTER TABLE "customer_charge_rows" DROP CONSTRAINT "customer_charge_rows_customer_fk";
--> statement-breakpoint
DROP INDEX "customer_charge_rows_invoice_type_idx";