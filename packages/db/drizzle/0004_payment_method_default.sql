ALTER TABLE "payment_methods" ADD COLUMN "is_default" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_methods_one_default" ON "payment_methods" USING btree ("distributor_id","account_id") WHERE "payment_methods"."is_default";--> statement-breakpoint
-- Accounts that already have payment methods: the oldest becomes their default.
UPDATE "payment_methods" SET "is_default" = true
WHERE ("distributor_id", "id") IN (
  SELECT DISTINCT ON ("distributor_id", "account_id") "distributor_id", "id"
  FROM "payment_methods" ORDER BY "distributor_id", "account_id", "created_at", "id"
);--> statement-breakpoint
SELECT cascade_secure_tables();
