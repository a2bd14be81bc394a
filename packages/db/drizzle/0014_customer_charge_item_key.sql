-- Customer Charges: the item id byte-ordered (collation "C") and first in the key, so that the
-- sync's bulk index builds sort faster, and no index of its own for the product type: its sort
-- continues by product name on the (product type, product name, item) index (schema/customer-charges.ts).
DROP INDEX "customer_charge_rows_product_type_idx";--> statement-breakpoint
ALTER TABLE "customer_charge_rows" DROP CONSTRAINT "customer_charge_rows_distributor_id_org_id_invoice_item_id_pk";--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ALTER COLUMN "invoice_item_id" SET DATA TYPE text collate "C";--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ADD CONSTRAINT "customer_charge_rows_invoice_item_id_org_id_distributor_id_pk" PRIMARY KEY("invoice_item_id","org_id","distributor_id");