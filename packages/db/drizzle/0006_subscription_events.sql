CREATE TABLE "accounting_periods" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounting_periods_distributor_id_start_date_pk" PRIMARY KEY("distributor_id","start_date"),
	CONSTRAINT "accounting_periods_owner" CHECK ("accounting_periods"."org_id" = "accounting_periods"."distributor_id" and "accounting_periods"."reseller_id" is null),
	CONSTRAINT "accounting_periods_range" CHECK ("accounting_periods"."end_date" >= "accounting_periods"."start_date")
);
--> statement-breakpoint
ALTER TABLE "accounting_periods" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscription_events" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"subscription_line_id" text,
	"kind" text NOT NULL,
	"event_date" date NOT NULL,
	"end_date" date,
	"from_account_id" text,
	"to_account_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"document_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_events_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "subscription_events_kind" CHECK ("subscription_events"."kind" in ('DISCONNECTION', 'TRANSFER', 'CHANGE_ORDER', 'VACATION')),
	CONSTRAINT "subscription_events_vacation" CHECK (("subscription_events"."kind" = 'VACATION') = ("subscription_events"."end_date" is not null) and ("subscription_events"."end_date" is null or "subscription_events"."end_date" >= "subscription_events"."event_date")),
	CONSTRAINT "subscription_events_transfer" CHECK (("subscription_events"."kind" = 'TRANSFER') = ("subscription_events"."to_account_id" is not null and "subscription_events"."from_account_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "subscription_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "accounting_periods" ADD CONSTRAINT "accounting_periods_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_subscription_fk" FOREIGN KEY ("distributor_id","subscription_id") REFERENCES "public"."subscriptions"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_line_fk" FOREIGN KEY ("distributor_id","subscription_line_id") REFERENCES "public"."subscription_lines"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_from_account_fk" FOREIGN KEY ("distributor_id","from_account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_to_account_fk" FOREIGN KEY ("distributor_id","to_account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "subscription_events_subscription_idx" ON "subscription_events" USING btree ("distributor_id","subscription_id","kind","event_date");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "accounting_periods" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("accounting_periods"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "accounting_periods"."reseller_id" = current_setting('app.org_id', true))
  or "accounting_periods"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("accounting_periods"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "accounting_periods"."reseller_id" = current_setting('app.org_id', true))
  or "accounting_periods"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "marketplace_read" ON "accounting_periods" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("accounting_periods"."distributor_id" = current_setting('app.distributor_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "subscription_events" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("subscription_events"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "subscription_events"."reseller_id" = current_setting('app.org_id', true))
  or "subscription_events"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("subscription_events"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "subscription_events"."reseller_id" = current_setting('app.org_id', true))
  or "subscription_events"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
SELECT cascade_secure_tables();
