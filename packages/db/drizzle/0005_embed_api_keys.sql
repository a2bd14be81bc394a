CREATE TABLE "embed_api_keys" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"salt" text NOT NULL,
	"secret_hash" text NOT NULL,
	"allowed_origins" text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "embed_api_keys_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "embed_api_keys_origins" CHECK (cardinality("embed_api_keys"."allowed_origins") between 1 and 20)
);
--> statement-breakpoint
ALTER TABLE "embed_api_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "embed_api_keys" ADD CONSTRAINT "embed_api_keys_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "embed_api_keys_prefix_key" ON "embed_api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "embed_api_keys_org_idx" ON "embed_api_keys" USING btree ("distributor_id","org_id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "embed_api_keys" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("embed_api_keys"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "embed_api_keys"."reseller_id" = current_setting('app.org_id', true))
  or "embed_api_keys"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("embed_api_keys"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "embed_api_keys"."reseller_id" = current_setting('app.org_id', true))
  or "embed_api_keys"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
SELECT cascade_secure_tables();
