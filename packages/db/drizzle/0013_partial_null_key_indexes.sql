-- Indexes looked up only by a non-null key leave out the rows where it is null: a payment's link
-- from the balance and a settled invoice's new row version (not HOT) then insert into fewer indexes.
DROP INDEX "invoices_generation_key";--> statement-breakpoint
DROP INDEX "invoices_credited_idx";--> statement-breakpoint
DROP INDEX "invoices_billing_run_idx";--> statement-breakpoint
DROP INDEX "allocations_payment_idx";--> statement-breakpoint
DROP INDEX "allocations_credit_invoice_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_generation_key" ON "invoices" USING btree ("distributor_id","issuer_org_id","generation_key") WHERE "invoices"."status" <> 'CANCELED' and "invoices"."generation_key" is not null;--> statement-breakpoint
CREATE INDEX "invoices_credited_idx" ON "invoices" USING btree ("distributor_id","credited_invoice_id") WHERE "invoices"."credited_invoice_id" is not null;--> statement-breakpoint
CREATE INDEX "invoices_billing_run_idx" ON "invoices" USING btree ("distributor_id","billing_run_id") WHERE "invoices"."billing_run_id" is not null;--> statement-breakpoint
CREATE INDEX "allocations_payment_idx" ON "allocations" USING btree ("distributor_id","payment_id") WHERE "allocations"."payment_id" is not null;--> statement-breakpoint
CREATE INDEX "allocations_credit_invoice_idx" ON "allocations" USING btree ("distributor_id","credit_invoice_id") WHERE "allocations"."credit_invoice_id" is not null;