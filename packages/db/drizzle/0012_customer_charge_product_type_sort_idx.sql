-- Customer Charges sorted by description or product name with the product type filtered: the grid
-- turns the filter into the type's exact stored values (query.ts), and these indexes then serve the
-- walk from that type's first row (before, the sort column's own index was walked through every
-- row of the types sorting before it). On the partitioned table: each existing partition gets its
-- own, and the sync builds them on new partitions with the others (read from the catalogue).
CREATE INDEX "customer_charge_rows_product_type_description_idx" ON "customer_charge_rows" USING btree ("product_type","description","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_product_type_product_name_idx" ON "customer_charge_rows" USING btree ("product_type","product_name","invoice_item_id");