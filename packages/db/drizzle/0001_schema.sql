CREATE TABLE "accounts" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"issuer_org_id" text NOT NULL,
	"parent_account_id" text,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"balance" numeric(20, 4) DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "accounts_currency" CHECK ("accounts"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "accounts_balance_nonnegative" CHECK ("accounts"."balance" >= 0),
	CONSTRAINT "accounts_not_own_parent" CHECK ("accounts"."parent_account_id" is null or "accounts"."parent_account_id" <> "accounts"."id"),
	CONSTRAINT "accounts_issuer_not_client" CHECK ("accounts"."issuer_org_id" <> "accounts"."org_id")
);
--> statement-breakpoint
ALTER TABLE "accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_user_id" text,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"old" jsonb,
	"new" jsonb,
	"request_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_distributor_id_id_pk" PRIMARY KEY("distributor_id","id")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "billing_profiles" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"payment_method_id" text,
	"address_line1" text,
	"address_line2" text,
	"city" text,
	"postal_code" text,
	"region" text,
	"country" text,
	"contact_name" text,
	"contact_email" text,
	"contact_phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_profiles_distributor_id_id_pk" PRIMARY KEY("distributor_id","id")
);
--> statement-breakpoint
ALTER TABLE "billing_profiles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "billing_runs" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"run_date" date NOT NULL,
	"status" text DEFAULT 'QUEUED' NOT NULL,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer DEFAULT 0 NOT NULL,
	"invoices_created" integer DEFAULT 0 NOT NULL,
	"requested_by" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "billing_runs_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "billing_runs_status" CHECK ("billing_runs"."status" in ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
	CONSTRAINT "billing_runs_progress" CHECK ("billing_runs"."progress_done" >= 0 and "billing_runs"."progress_total" >= 0 and "billing_runs"."progress_done" <= "billing_runs"."progress_total" and "billing_runs"."invoices_created" >= 0)
);
--> statement-breakpoint
ALTER TABLE "billing_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "cash_desks" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cash_desks_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "cash_desks_kind" CHECK ("cash_desks"."kind" in ('BANK', 'OFFICE_TILL', 'PAYMENT_SYSTEM'))
);
--> statement-breakpoint
ALTER TABLE "cash_desks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "customer_charge_rows" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"invoice_item_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"invoice_number" text NOT NULL,
	"invoice_date" date NOT NULL,
	"invoice_type" text NOT NULL,
	"customer_org_id" text,
	"customer_name" text NOT NULL,
	"description" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"unit_cost_price" numeric(20, 6) NOT NULL,
	"unit_sell_price" numeric(20, 6) NOT NULL,
	"quantity" numeric(20, 4) NOT NULL,
	"unit" text NOT NULL,
	"total_cost_price" numeric(20, 4) NOT NULL,
	"total_sell_price" numeric(20, 4) NOT NULL,
	"currency" text NOT NULL,
	"product_type" text NOT NULL,
	"product_name" text NOT NULL,
	"pricing_strategy" text NOT NULL,
	"job_run_id" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_charge_rows_distributor_id_org_id_invoice_item_id_pk" PRIMARY KEY("distributor_id","org_id","invoice_item_id"),
	CONSTRAINT "customer_charge_rows_invoice_type" CHECK ("customer_charge_rows"."invoice_type" in ('DEBIT', 'CREDIT')),
	CONSTRAINT "customer_charge_rows_pricing_strategy" CHECK ("customer_charge_rows"."pricing_strategy" in ('SPECIAL_PRICE', 'MARKUP', 'SRP')),
	CONSTRAINT "customer_charge_rows_currency" CHECK ("customer_charge_rows"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "customer_charge_rows_signs" CHECK ("customer_charge_rows"."quantity" >= 0 and "customer_charge_rows"."unit_cost_price" >= 0 and "customer_charge_rows"."unit_sell_price" >= 0 and case
        when "customer_charge_rows"."invoice_type" = 'DEBIT' then "customer_charge_rows"."total_cost_price" >= 0 and "customer_charge_rows"."total_sell_price" >= 0
        else "customer_charge_rows"."total_cost_price" <= 0 and "customer_charge_rows"."total_sell_price" <= 0 end),
	CONSTRAINT "customer_charge_rows_reseller" CHECK ("customer_charge_rows"."reseller_id" = "customer_charge_rows"."org_id")
);
--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"key" text NOT NULL,
	"request_method" text NOT NULL,
	"request_path" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" text DEFAULT 'IN_PROGRESS' NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "idempotency_keys_distributor_id_org_id_key_pk" PRIMARY KEY("distributor_id","org_id","key"),
	CONSTRAINT "idempotency_keys_completed" CHECK (("idempotency_keys"."status" = 'COMPLETED') = ("idempotency_keys"."response_status" is not null)),
	CONSTRAINT "idempotency_keys_status" CHECK ("idempotency_keys"."status" in ('IN_PROGRESS', 'COMPLETED'))
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_statuses" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"code" text NOT NULL,
	"description" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_statuses_distributor_id_org_id_code_pk" PRIMARY KEY("distributor_id","org_id","code"),
	CONSTRAINT "invoice_statuses_code" CHECK ("invoice_statuses"."code" in ('UNPAID', 'PAID', 'CANCELED'))
);
--> statement-breakpoint
ALTER TABLE "invoice_statuses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_types" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"code" text NOT NULL,
	"description" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoice_types_distributor_id_org_id_code_pk" PRIMARY KEY("distributor_id","org_id","code"),
	CONSTRAINT "invoice_types_code" CHECK ("invoice_types"."code" in ('DEBIT', 'CREDIT'))
);
--> statement-breakpoint
ALTER TABLE "invoice_types" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_items" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"subscription_id" text,
	"subscription_line_id" text,
	"product_id" text,
	"product_type" text NOT NULL,
	"product_name" text NOT NULL,
	"description" text NOT NULL,
	"installment_number" integer,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"quantity" numeric(20, 4) NOT NULL,
	"unit" text NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"discount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"tax_amount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"end_customer_org_id" text,
	"unit_cost" numeric(20, 6),
	"pricing_strategy" text,
	"markup_percent" numeric(9, 6),
	"srp" numeric(20, 6),
	CONSTRAINT "invoice_items_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "invoice_items_pricing_strategy" CHECK ("invoice_items"."pricing_strategy" in ('SPECIAL_PRICE', 'MARKUP', 'SRP')),
	CONSTRAINT "invoice_items_quantity" CHECK ("invoice_items"."quantity" >= 0),
	CONSTRAINT "invoice_items_amounts" CHECK ("invoice_items"."unit_price" >= 0 and "invoice_items"."amount" >= 0 and "invoice_items"."tax_amount" >= 0 and "invoice_items"."discount" >= 0
        and coalesce("invoice_items"."unit_cost", 0) >= 0 and coalesce("invoice_items"."srp", 0) >= 0),
	CONSTRAINT "invoice_items_period" CHECK ("invoice_items"."period_end" >= "invoice_items"."period_start"),
	CONSTRAINT "invoice_items_installment" CHECK ("invoice_items"."installment_number" is null or "invoice_items"."installment_number" >= 1),
	CONSTRAINT "invoice_items_line_no" CHECK ("invoice_items"."line_no" >= 1)
);
--> statement-breakpoint
ALTER TABLE "invoice_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_number_sequences" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"last_number" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "invoice_number_sequences_distributor_id_org_id_pk" PRIMARY KEY("distributor_id","org_id"),
	CONSTRAINT "invoice_number_sequences_nonnegative" CHECK ("invoice_number_sequences"."last_number" >= 0)
);
--> statement-breakpoint
ALTER TABLE "invoice_number_sequences" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoice_taxes" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"code" text NOT NULL,
	"type" text NOT NULL,
	"charge_component" text NOT NULL,
	"percent" numeric(9, 6) NOT NULL,
	"base" numeric(20, 4) NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	CONSTRAINT "invoice_taxes_distributor_id_invoice_id_line_no_pk" PRIMARY KEY("distributor_id","invoice_id","line_no"),
	CONSTRAINT "invoice_taxes_charge_component" CHECK ("invoice_taxes"."charge_component" in ('RECURRING', 'ONE_TIME', 'USAGE')),
	CONSTRAINT "invoice_taxes_amounts" CHECK ("invoice_taxes"."base" >= 0 and "invoice_taxes"."amount" >= 0 and "invoice_taxes"."percent" >= 0 and "invoice_taxes"."percent" <= 100)
);
--> statement-breakpoint
ALTER TABLE "invoice_taxes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invoices" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"issuer_org_id" text NOT NULL,
	"account_id" text NOT NULL,
	"stage" text NOT NULL,
	"type" text NOT NULL,
	"status" text DEFAULT 'UNPAID' NOT NULL,
	"number" text,
	"invoice_date" date NOT NULL,
	"period_start" date,
	"period_end" date,
	"currency" text NOT NULL,
	"subtotal" numeric(20, 4) NOT NULL,
	"tax_total" numeric(20, 4) NOT NULL,
	"total" numeric(20, 4) NOT NULL,
	"amount_due" numeric(20, 4) NOT NULL,
	"credited_invoice_id" text,
	"channel" text NOT NULL,
	"source" text NOT NULL,
	"end_customer_org_id" text,
	"pending_error" text,
	"billing_run_id" text,
	"generation_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_at" timestamp with time zone,
	"canceled_at" timestamp with time zone,
	CONSTRAINT "invoices_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "invoices_stage" CHECK ("invoices"."stage" in ('PROFORMA', 'PENDING', 'ISSUED')),
	CONSTRAINT "invoices_type" CHECK ("invoices"."type" in ('DEBIT', 'CREDIT')),
	CONSTRAINT "invoices_status" CHECK ("invoices"."status" in ('UNPAID', 'PAID', 'CANCELED')),
	CONSTRAINT "invoices_channel" CHECK ("invoices"."channel" in ('RESELLER_STOREFRONT', 'DISTRIBUTOR_STOREFRONT', 'BSS', 'PERSONAL_USE')),
	CONSTRAINT "invoices_source" CHECK ("invoices"."source" in ('BILLING_SERVICE', 'MANUAL', 'RENEWAL', 'API')),
	CONSTRAINT "invoices_currency" CHECK ("invoices"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "invoices_number_when_issued" CHECK (("invoices"."stage" = 'ISSUED') = ("invoices"."number" is not null)),
	CONSTRAINT "invoices_draft_unpaid" CHECK ("invoices"."stage" = 'ISSUED' or "invoices"."status" = 'UNPAID'),
	CONSTRAINT "invoices_pending_error" CHECK ("invoices"."pending_error" is null or "invoices"."stage" = 'PENDING'),
	CONSTRAINT "invoices_amounts" CHECK ("invoices"."subtotal" >= 0 and "invoices"."tax_total" >= 0 and "invoices"."total" = "invoices"."subtotal" + "invoices"."tax_total"
        and "invoices"."amount_due" >= 0 and "invoices"."amount_due" <= "invoices"."total"),
	CONSTRAINT "invoices_paid_nothing_due" CHECK ("invoices"."status" <> 'PAID' or "invoices"."amount_due" = 0),
	CONSTRAINT "invoices_credit_link" CHECK ("invoices"."credited_invoice_id" is null or "invoices"."type" = 'CREDIT'),
	CONSTRAINT "invoices_not_self_credit" CHECK ("invoices"."credited_invoice_id" is null or "invoices"."credited_invoice_id" <> "invoices"."id"),
	CONSTRAINT "invoices_issuer_not_client" CHECK ("invoices"."issuer_org_id" <> "invoices"."org_id"),
	CONSTRAINT "invoices_period" CHECK ("invoices"."period_end" is null or "invoices"."period_start" is null or "invoices"."period_end" >= "invoices"."period_start"),
	CONSTRAINT "invoices_canceled_at" CHECK (("invoices"."status" = 'CANCELED') = ("invoices"."canceled_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "job_runs" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"job_name" text NOT NULL,
	"scheduled_local_date" date NOT NULL,
	"status" text DEFAULT 'RUNNING' NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"rows" integer,
	"error" text,
	"cursor" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "job_runs_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "job_runs_once_per_local_day" UNIQUE("distributor_id","job_name","org_id","scheduled_local_date"),
	CONSTRAINT "job_runs_status" CHECK ("job_runs"."status" in ('RUNNING', 'SUCCEEDED', 'FAILED')),
	CONSTRAINT "job_runs_rows" CHECK ("job_runs"."rows" is null or "job_runs"."rows" >= 0),
	CONSTRAINT "job_runs_finished" CHECK (("job_runs"."status" = 'RUNNING') = ("job_runs"."finished_at" is null)),
	CONSTRAINT "job_runs_attempts" CHECK ("job_runs"."attempts" >= 1)
);
--> statement-breakpoint
ALTER TABLE "job_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "allocations" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"debit_invoice_id" text NOT NULL,
	"source" text NOT NULL,
	"payment_id" text,
	"credit_invoice_id" text,
	"reverses_allocation_id" text,
	"amount" numeric(20, 4) NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocations_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "allocations_source" CHECK ("allocations"."source" in ('BALANCE', 'PAYMENT', 'CREDIT_INVOICE')),
	CONSTRAINT "allocations_currency" CHECK ("allocations"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "allocations_source_shape" CHECK (("allocations"."source" = 'PAYMENT') = ("allocations"."payment_id" is not null)
        and ("allocations"."source" = 'CREDIT_INVOICE') = ("allocations"."credit_invoice_id" is not null)),
	CONSTRAINT "allocations_sign" CHECK (("allocations"."reverses_allocation_id" is null and "allocations"."amount" > 0) or ("allocations"."reverses_allocation_id" is not null and "allocations"."amount" < 0))
);
--> statement-breakpoint
ALTER TABLE "allocations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"entry_date" date NOT NULL,
	"document_type" text NOT NULL,
	"document_id" text NOT NULL,
	"description" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "ledger_entries_document_type" CHECK ("ledger_entries"."document_type" in ('PAYMENT', 'ALLOCATION', 'INVOICE', 'CREDIT_INVOICE', 'REFUND', 'TRANSFER', 'WRITE_OFF')),
	CONSTRAINT "ledger_entries_currency" CHECK ("ledger_entries"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "ledger_entries_nonzero" CHECK ("ledger_entries"."amount" <> 0)
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "payments" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"cash_desk_id" text NOT NULL,
	"method" text NOT NULL,
	"reference" text,
	"payment_date" date NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"currency" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "payments_currency" CHECK ("payments"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "payments_positive" CHECK ("payments"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "payments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "refunds" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"cash_desk_id" text,
	"refund_date" date NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"currency" text NOT NULL,
	"reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "refunds_currency" CHECK ("refunds"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "refunds_positive" CHECK ("refunds"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "refunds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "transfers" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"from_account_id" text NOT NULL,
	"to_account_id" text NOT NULL,
	"to_org_id" text NOT NULL,
	"transfer_date" date NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"currency" text NOT NULL,
	"reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfers_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "transfers_currency" CHECK ("transfers"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "transfers_positive" CHECK ("transfers"."amount" > 0),
	CONSTRAINT "transfers_distinct" CHECK ("transfers"."from_account_id" <> "transfers"."to_account_id")
);
--> statement-breakpoint
ALTER TABLE "transfers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "write_offs" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"invoice_id" text,
	"write_off_date" date NOT NULL,
	"amount" numeric(20, 4) NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "write_offs_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "write_offs_currency" CHECK ("write_offs"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "write_offs_positive" CHECK ("write_offs"."amount" > 0),
	CONSTRAINT "write_offs_reason" CHECK (length(trim("write_offs"."reason")) > 0)
);
--> statement-breakpoint
ALTER TABLE "write_offs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "organizations" (
	"distributor_id" text NOT NULL,
	"id" text NOT NULL,
	"reseller_id" text,
	"parent_id" text,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"reseller_tier" text,
	"standard_since" date,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"default_currency" text DEFAULT 'EUR' NOT NULL,
	"address_line1" text,
	"address_line2" text,
	"city" text,
	"postal_code" text,
	"region" text,
	"country" text,
	"email" text,
	"invoice_page_url_template" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "organizations_tree" CHECK (("organizations"."kind" = 'DISTRIBUTOR' and "organizations"."distributor_id" = "organizations"."id" and "organizations"."parent_id" is null and "organizations"."reseller_id" is null)
        or ("organizations"."kind" = 'RESELLER' and "organizations"."reseller_id" = "organizations"."id" and "organizations"."parent_id" = "organizations"."distributor_id")
        or ("organizations"."kind" = 'CUSTOMER' and "organizations"."parent_id" is not null and "organizations"."distributor_id" <> "organizations"."id"
            and ("organizations"."reseller_id" is null or "organizations"."reseller_id" = "organizations"."parent_id"))),
	CONSTRAINT "organizations_tier" CHECK (("organizations"."kind" = 'RESELLER') = ("organizations"."reseller_tier" is not null)
        and ("organizations"."standard_since" is null or "organizations"."reseller_tier" = 'STANDARD')),
	CONSTRAINT "organizations_kind" CHECK ("organizations"."kind" in ('DISTRIBUTOR', 'RESELLER', 'CUSTOMER')),
	CONSTRAINT "organizations_reseller_tier" CHECK ("organizations"."reseller_tier" in ('LIGHT', 'STANDARD')),
	CONSTRAINT "organizations_currency" CHECK ("organizations"."default_currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "organizations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "payment_methods" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"masked_details" text NOT NULL,
	"holder_name" text,
	"expires" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_methods_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "payment_methods_kind" CHECK ("payment_methods"."kind" in ('CARD', 'BANK_ACCOUNT', 'PAYMENT_SYSTEM', 'OTHER')),
	CONSTRAINT "payment_methods_masked" CHECK ("payment_methods"."masked_details" !~ '[0-9]{7,}' and "payment_methods"."reference" !~ '^[0-9 -]{12,}$'),
	CONSTRAINT "payment_methods_expires" CHECK ("payment_methods"."expires" is null or "payment_methods"."expires" ~ '^(0[1-9]|1[0-2])/[0-9]{2}$')
);
--> statement-breakpoint
ALTER TABLE "payment_methods" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "price_list_assignments" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"price_list_id" text NOT NULL,
	"valid_from" date NOT NULL,
	CONSTRAINT "price_list_assignments_distributor_id_org_id_valid_from_pk" PRIMARY KEY("distributor_id","org_id","valid_from")
);
--> statement-breakpoint
ALTER TABLE "price_list_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "price_list_entries" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"price_list_id" text NOT NULL,
	"product_id" text NOT NULL,
	"strategy" text NOT NULL,
	"percent" numeric(9, 6),
	"price" numeric(20, 6),
	CONSTRAINT "price_list_entries_distributor_id_price_list_id_product_id_pk" PRIMARY KEY("distributor_id","price_list_id","product_id"),
	CONSTRAINT "price_list_entries_strategy" CHECK ("price_list_entries"."strategy" in ('DISCOUNT_ON_SELL_PRICE', 'MARKUP_ON_COST', 'MARGIN_ON_COST', 'DIRECT')),
	CONSTRAINT "price_list_entries_shape" CHECK (("price_list_entries"."strategy" = 'DIRECT' and "price_list_entries"."price" is not null and "price_list_entries"."price" >= 0)
    or ("price_list_entries"."strategy" <> 'DIRECT' and "price_list_entries"."percent" is not null and "price_list_entries"."percent" >= 0
        and ("price_list_entries"."strategy" <> 'DISCOUNT_ON_SELL_PRICE' or "price_list_entries"."percent" <= 100)
        and ("price_list_entries"."strategy" <> 'MARGIN_ON_COST' or "price_list_entries"."percent" < 100)))
);
--> statement-breakpoint
ALTER TABLE "price_list_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "price_lists" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_lists_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "price_lists_currency" CHECK ("price_lists"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "price_lists" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "reseller_pricing_strategies" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text,
	"strategy" text NOT NULL,
	"markup_percent" numeric(9, 6),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reseller_pricing_strategies_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "reseller_pricing_strategies_product_key" UNIQUE NULLS NOT DISTINCT("distributor_id","org_id","product_id"),
	CONSTRAINT "reseller_pricing_strategies_strategy" CHECK ("reseller_pricing_strategies"."strategy" in ('MARKUP', 'SRP')),
	CONSTRAINT "reseller_pricing_strategies_shape" CHECK (("reseller_pricing_strategies"."strategy" = 'MARKUP') = ("reseller_pricing_strategies"."markup_percent" is not null) and coalesce("reseller_pricing_strategies"."markup_percent", 0) >= 0)
);
--> statement-breakpoint
ALTER TABLE "reseller_pricing_strategies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "special_prices" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"product_id" text NOT NULL,
	"price" numeric(20, 6) NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "special_prices_distributor_id_org_id_product_id_pk" PRIMARY KEY("distributor_id","org_id","product_id"),
	CONSTRAINT "special_prices_currency" CHECK ("special_prices"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "special_prices_nonnegative" CHECK ("special_prices"."price" >= 0),
	CONSTRAINT "special_prices_has_reseller" CHECK ("special_prices"."reseller_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "special_prices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "products" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"sku" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"term" text NOT NULL,
	"currency" text NOT NULL,
	"sell_price" numeric(20, 6) NOT NULL,
	"cost_price" numeric(20, 6),
	"srp" numeric(20, 6),
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "products_term" CHECK ("products"."term" in ('MONTH', 'YEAR', 'USAGE')),
	CONSTRAINT "products_currency" CHECK ("products"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "products_prices_nonnegative" CHECK ("products"."sell_price" >= 0 and coalesce("products"."cost_price", 0) >= 0 and coalesce("products"."srp", 0) >= 0)
);
--> statement-breakpoint
ALTER TABLE "products" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "billing_profile_options" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"account_transfer_disconnection_credit_rule" text DEFAULT 'NO_DISCONNECTION_CREDIT' NOT NULL,
	"account_transfer_custom_credit_percent" numeric(9, 6) DEFAULT '0' NOT NULL,
	"allow_payments_and_adjustments_towards_child_account" boolean DEFAULT false NOT NULL,
	"amount_includes_tax" boolean DEFAULT false NOT NULL,
	"exact_disconnection_credit_on_ad_hoc_price_change" boolean DEFAULT true NOT NULL,
	"bill_till_end_of_current_payterm_for_change_order" boolean DEFAULT false NOT NULL,
	"enable_consolidated_priceline" boolean DEFAULT false NOT NULL,
	"enable_tax_aggregation" boolean DEFAULT false NOT NULL,
	"external_tax_integration_required" boolean DEFAULT false NOT NULL,
	"generate_full_month_charge_even_after_disconnection_of_nodc" boolean DEFAULT false NOT NULL,
	"generate_zero_value_charge" boolean DEFAULT false NOT NULL,
	"minimum_vacation_days" integer DEFAULT 1 NOT NULL,
	"maximum_vacation_days" integer DEFAULT 365 NOT NULL,
	"month_definition" text DEFAULT 'CALDAYS' NOT NULL,
	"invoice_generation_rule" text DEFAULT 'BILLING_PERIOD_WISE' NOT NULL,
	"invoice_pdf_file_path" text DEFAULT 'invoices/pdf' NOT NULL,
	"prorata_inclusive" boolean DEFAULT false NOT NULL,
	"regenerate_cancelled_invoice" boolean DEFAULT true NOT NULL,
	"required_prorata_flat_discount" boolean DEFAULT false NOT NULL,
	"requires_custom_bill_number" boolean DEFAULT false NOT NULL,
	"custom_bill_number_template" text,
	"revenue_recognition_interval" text DEFAULT 'MONTH' NOT NULL,
	"tax_on_invoice_date" boolean DEFAULT false NOT NULL,
	"soa_file_path" text DEFAULT 'soa/pdf' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "billing_profile_options_distributor_id_pk" PRIMARY KEY("distributor_id"),
	CONSTRAINT "billing_profile_options_owner" CHECK ("billing_profile_options"."org_id" = "billing_profile_options"."distributor_id" and "billing_profile_options"."reseller_id" is null),
	CONSTRAINT "billing_profile_options_disconnection_rule" CHECK ("billing_profile_options"."account_transfer_disconnection_credit_rule" in ('NO_DISCONNECTION_CREDIT', 'EXACT_USAGE', 'CUSTOM_RULE')),
	CONSTRAINT "billing_profile_options_month_definition" CHECK ("billing_profile_options"."month_definition" in ('CALDAYS', '30_DAYS')),
	CONSTRAINT "billing_profile_options_generation_rule" CHECK ("billing_profile_options"."invoice_generation_rule" in ('BILLING_PERIOD_WISE', 'CONSOLIDATED')),
	CONSTRAINT "billing_profile_options_revenue_interval" CHECK ("billing_profile_options"."revenue_recognition_interval" in ('MONTH', 'DAY', 'ACCOUNTING_PERIOD')),
	CONSTRAINT "billing_profile_options_custom_percent" CHECK ("billing_profile_options"."account_transfer_custom_credit_percent" >= 0 and "billing_profile_options"."account_transfer_custom_credit_percent" <= 100),
	CONSTRAINT "billing_profile_options_vacation" CHECK ("billing_profile_options"."minimum_vacation_days" >= 0 and "billing_profile_options"."minimum_vacation_days" <= "billing_profile_options"."maximum_vacation_days"),
	CONSTRAINT "billing_profile_options_custom_number" CHECK (not "billing_profile_options"."requires_custom_bill_number" or "billing_profile_options"."custom_bill_number_template" is not null),
	CONSTRAINT "billing_profile_options_paths" CHECK (length("billing_profile_options"."invoice_pdf_file_path") > 0 and length("billing_profile_options"."soa_file_path") > 0)
);
--> statement-breakpoint
ALTER TABLE "billing_profile_options" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscription_lines" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"product_id" text NOT NULL,
	"quantity" numeric(20, 4) NOT NULL,
	"unit_price" numeric(20, 6),
	"ad_hoc_price" numeric(20, 6),
	"term" text NOT NULL,
	"billing_frequency_months" integer NOT NULL,
	"installments" integer,
	"flat_discount" numeric(20, 4) DEFAULT '0' NOT NULL,
	"prorata_rule" text DEFAULT 'DAILY' NOT NULL,
	"credit_rule" text DEFAULT 'EXACT' NOT NULL,
	"state" text DEFAULT 'ACTIVE' NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"disconnection_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_lines_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "subscription_lines_term" CHECK ("subscription_lines"."term" in ('MONTH', 'YEAR')),
	CONSTRAINT "subscription_lines_prorata_rule" CHECK ("subscription_lines"."prorata_rule" in ('DAILY', 'FULL_MONTH')),
	CONSTRAINT "subscription_lines_credit_rule" CHECK ("subscription_lines"."credit_rule" in ('EXACT', 'NODC')),
	CONSTRAINT "subscription_lines_state" CHECK ("subscription_lines"."state" in ('ACTIVE', 'SUSPENDED', 'DISCONNECTED')),
	CONSTRAINT "subscription_lines_frequency" CHECK ("subscription_lines"."billing_frequency_months" in (1, 3, 6, 12)),
	CONSTRAINT "subscription_lines_quantity" CHECK ("subscription_lines"."quantity" >= 0),
	CONSTRAINT "subscription_lines_prices" CHECK (coalesce("subscription_lines"."unit_price", 0) >= 0 and coalesce("subscription_lines"."ad_hoc_price", 0) >= 0 and "subscription_lines"."flat_discount" >= 0),
	CONSTRAINT "subscription_lines_installments" CHECK ("subscription_lines"."installments" is null or "subscription_lines"."installments" between 1 and 12),
	CONSTRAINT "subscription_lines_dates" CHECK (("subscription_lines"."end_date" is null or "subscription_lines"."end_date" >= "subscription_lines"."start_date")
      and ("subscription_lines"."disconnection_date" is null or "subscription_lines"."disconnection_date" >= "subscription_lines"."start_date")),
	CONSTRAINT "subscription_lines_disconnected" CHECK (("subscription_lines"."state" = 'DISCONNECTED') = ("subscription_lines"."disconnection_date" is not null))
);
--> statement-breakpoint
ALTER TABLE "subscription_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"billing_profile_id" text,
	"name" text NOT NULL,
	"region" text,
	"state_province" text,
	"is_default" boolean DEFAULT false NOT NULL,
	"channel" text NOT NULL,
	"state" text DEFAULT 'ACTIVE' NOT NULL,
	"order_date" date NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"disconnection_date" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "subscriptions_channel" CHECK ("subscriptions"."channel" in ('RESELLER_STOREFRONT', 'DISTRIBUTOR_STOREFRONT', 'BSS', 'PERSONAL_USE')),
	CONSTRAINT "subscriptions_state" CHECK ("subscriptions"."state" in ('ACTIVE', 'SUSPENDED', 'DISCONNECTED')),
	CONSTRAINT "subscriptions_dates" CHECK (("subscriptions"."end_date" is null or "subscriptions"."end_date" >= "subscriptions"."start_date")
      and ("subscriptions"."disconnection_date" is null or "subscriptions"."disconnection_date" >= "subscriptions"."start_date")),
	CONSTRAINT "subscriptions_disconnected" CHECK (("subscriptions"."state" = 'DISCONNECTED') = ("subscriptions"."disconnection_date" is not null))
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "product_taxes" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"product_id" text NOT NULL,
	"tax_definition_id" text NOT NULL,
	CONSTRAINT "product_taxes_distributor_id_product_id_tax_definition_id_pk" PRIMARY KEY("distributor_id","product_id","tax_definition_id")
);
--> statement-breakpoint
ALTER TABLE "product_taxes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tax_definitions" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"charge_component" text NOT NULL,
	"country" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_definitions_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "tax_definitions_charge_component" CHECK ("tax_definitions"."charge_component" in ('RECURRING', 'ONE_TIME', 'USAGE'))
);
--> statement-breakpoint
ALTER TABLE "tax_definitions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tax_rates" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"tax_definition_id" text NOT NULL,
	"valid_from" date NOT NULL,
	"percent" numeric(9, 6) NOT NULL,
	CONSTRAINT "tax_rates_distributor_id_tax_definition_id_valid_from_pk" PRIMARY KEY("distributor_id","tax_definition_id","valid_from"),
	CONSTRAINT "tax_rates_percent_range" CHECK ("tax_rates"."percent" >= 0 and "tax_rates"."percent" <= 100)
);
--> statement-breakpoint
ALTER TABLE "tax_rates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "users" (
	"distributor_id" text NOT NULL,
	"reseller_id" text,
	"org_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_distributor_id_id_pk" PRIMARY KEY("distributor_id","id"),
	CONSTRAINT "users_roles" CHECK ("users"."roles" <@ array['ADMIN','MARKETPLACE_MANAGER','BILLING_MANAGER','USER']::text[])
);
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_issuer_fk" FOREIGN KEY ("distributor_id","issuer_org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_parent_fk" FOREIGN KEY ("distributor_id","parent_account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_profiles" ADD CONSTRAINT "billing_profiles_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_profiles" ADD CONSTRAINT "billing_profiles_payment_method_fk" FOREIGN KEY ("distributor_id","payment_method_id") REFERENCES "public"."payment_methods"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_runs" ADD CONSTRAINT "billing_runs_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_desks" ADD CONSTRAINT "cash_desks_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ADD CONSTRAINT "customer_charge_rows_item_fk" FOREIGN KEY ("distributor_id","invoice_item_id") REFERENCES "public"."invoice_items"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ADD CONSTRAINT "customer_charge_rows_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_charge_rows" ADD CONSTRAINT "customer_charge_rows_customer_fk" FOREIGN KEY ("distributor_id","customer_org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_statuses" ADD CONSTRAINT "invoice_statuses_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_types" ADD CONSTRAINT "invoice_types_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_invoice_fk" FOREIGN KEY ("distributor_id","invoice_id") REFERENCES "public"."invoices"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_subscription_fk" FOREIGN KEY ("distributor_id","subscription_id") REFERENCES "public"."subscriptions"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_subscription_line_fk" FOREIGN KEY ("distributor_id","subscription_line_id") REFERENCES "public"."subscription_lines"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_product_fk" FOREIGN KEY ("distributor_id","product_id") REFERENCES "public"."products"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_items" ADD CONSTRAINT "invoice_items_end_customer_fk" FOREIGN KEY ("distributor_id","end_customer_org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_number_sequences" ADD CONSTRAINT "invoice_number_sequences_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_taxes" ADD CONSTRAINT "invoice_taxes_invoice_fk" FOREIGN KEY ("distributor_id","invoice_id") REFERENCES "public"."invoices"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_issuer_fk" FOREIGN KEY ("distributor_id","issuer_org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_end_customer_fk" FOREIGN KEY ("distributor_id","end_customer_org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_credited_fk" FOREIGN KEY ("distributor_id","credited_invoice_id") REFERENCES "public"."invoices"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_billing_run_fk" FOREIGN KEY ("distributor_id","billing_run_id") REFERENCES "public"."billing_runs"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_debit_invoice_fk" FOREIGN KEY ("distributor_id","debit_invoice_id") REFERENCES "public"."invoices"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_payment_fk" FOREIGN KEY ("distributor_id","payment_id") REFERENCES "public"."payments"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_credit_invoice_fk" FOREIGN KEY ("distributor_id","credit_invoice_id") REFERENCES "public"."invoices"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_reverses_fk" FOREIGN KEY ("distributor_id","reverses_allocation_id") REFERENCES "public"."allocations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_cash_desk_fk" FOREIGN KEY ("distributor_id","cash_desk_id") REFERENCES "public"."cash_desks"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_cash_desk_fk" FOREIGN KEY ("distributor_id","cash_desk_id") REFERENCES "public"."cash_desks"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_from_fk" FOREIGN KEY ("distributor_id","from_account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_to_fk" FOREIGN KEY ("distributor_id","to_account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_to_org_fk" FOREIGN KEY ("distributor_id","to_org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "write_offs" ADD CONSTRAINT "write_offs_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "write_offs" ADD CONSTRAINT "write_offs_invoice_fk" FOREIGN KEY ("distributor_id","invoice_id") REFERENCES "public"."invoices"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_list_assignments" ADD CONSTRAINT "price_list_assignments_list_fk" FOREIGN KEY ("distributor_id","price_list_id") REFERENCES "public"."price_lists"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_list_assignments" ADD CONSTRAINT "price_list_assignments_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_list_entries" ADD CONSTRAINT "price_list_entries_list_fk" FOREIGN KEY ("distributor_id","price_list_id") REFERENCES "public"."price_lists"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_list_entries" ADD CONSTRAINT "price_list_entries_product_fk" FOREIGN KEY ("distributor_id","product_id") REFERENCES "public"."products"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_lists" ADD CONSTRAINT "price_lists_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reseller_pricing_strategies" ADD CONSTRAINT "reseller_pricing_strategies_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reseller_pricing_strategies" ADD CONSTRAINT "reseller_pricing_strategies_product_fk" FOREIGN KEY ("distributor_id","product_id") REFERENCES "public"."products"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "special_prices" ADD CONSTRAINT "special_prices_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "special_prices" ADD CONSTRAINT "special_prices_product_fk" FOREIGN KEY ("distributor_id","product_id") REFERENCES "public"."products"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_profile_options" ADD CONSTRAINT "billing_profile_options_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_lines" ADD CONSTRAINT "subscription_lines_subscription_fk" FOREIGN KEY ("distributor_id","subscription_id") REFERENCES "public"."subscriptions"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_lines" ADD CONSTRAINT "subscription_lines_product_fk" FOREIGN KEY ("distributor_id","product_id") REFERENCES "public"."products"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_account_fk" FOREIGN KEY ("distributor_id","account_id") REFERENCES "public"."accounts"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_billing_profile_fk" FOREIGN KEY ("distributor_id","billing_profile_id") REFERENCES "public"."billing_profiles"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_taxes" ADD CONSTRAINT "product_taxes_product_fk" FOREIGN KEY ("distributor_id","product_id") REFERENCES "public"."products"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_taxes" ADD CONSTRAINT "product_taxes_definition_fk" FOREIGN KEY ("distributor_id","tax_definition_id") REFERENCES "public"."tax_definitions"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_definitions" ADD CONSTRAINT "tax_definitions_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tax_rates" ADD CONSTRAINT "tax_rates_definition_fk" FOREIGN KEY ("distributor_id","tax_definition_id") REFERENCES "public"."tax_definitions"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_org_fk" FOREIGN KEY ("distributor_id","org_id") REFERENCES "public"."organizations"("distributor_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_client_currency_key" ON "accounts" USING btree ("distributor_id","issuer_org_id","org_id","currency") WHERE "accounts"."parent_account_id" is null;--> statement-breakpoint
CREATE INDEX "accounts_org_idx" ON "accounts" USING btree ("distributor_id","org_id");--> statement-breakpoint
CREATE INDEX "accounts_parent_idx" ON "accounts" USING btree ("distributor_id","parent_account_id");--> statement-breakpoint
CREATE INDEX "audit_log_org_at_idx" ON "audit_log" USING btree ("distributor_id","org_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("distributor_id","entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "billing_profiles_account_idx" ON "billing_profiles" USING btree ("distributor_id","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_profiles_one_default" ON "billing_profiles" USING btree ("distributor_id","account_id") WHERE "billing_profiles"."is_default";--> statement-breakpoint
CREATE INDEX "billing_runs_date_idx" ON "billing_runs" USING btree ("distributor_id","org_id","run_date");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_invoice_number_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","invoice_number","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_invoice_date_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","invoice_date","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_customer_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","customer_name","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_description_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","description","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_start_date_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","start_date","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_end_date_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","end_date","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_quantity_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","quantity","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_product_type_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","product_type","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_product_name_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","product_name","invoice_item_id");--> statement-breakpoint
CREATE INDEX "customer_charge_rows_invoice_type_idx" ON "customer_charge_rows" USING btree ("distributor_id","org_id","invoice_type","invoice_item_id");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("distributor_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_items_line_key" ON "invoice_items" USING btree ("distributor_id","invoice_id","line_no");--> statement-breakpoint
CREATE INDEX "invoice_items_end_customer_idx" ON "invoice_items" USING btree ("distributor_id","end_customer_org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" USING btree ("distributor_id","issuer_org_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_generation_key" ON "invoices" USING btree ("distributor_id","issuer_org_id","generation_key") WHERE "invoices"."status" <> 'CANCELED';--> statement-breakpoint
CREATE INDEX "invoices_org_date_idx" ON "invoices" USING btree ("distributor_id","org_id","invoice_date");--> statement-breakpoint
CREATE INDEX "invoices_issuer_date_idx" ON "invoices" USING btree ("distributor_id","issuer_org_id","invoice_date");--> statement-breakpoint
CREATE INDEX "invoices_account_idx" ON "invoices" USING btree ("distributor_id","account_id","invoice_date");--> statement-breakpoint
CREATE INDEX "invoices_reseller_issued_idx" ON "invoices" USING btree ("distributor_id","reseller_id","issued_at");--> statement-breakpoint
CREATE INDEX "invoices_credited_idx" ON "invoices" USING btree ("distributor_id","credited_invoice_id");--> statement-breakpoint
CREATE INDEX "job_runs_org_idx" ON "job_runs" USING btree ("distributor_id","org_id","job_name","started_at");--> statement-breakpoint
CREATE INDEX "allocations_debit_invoice_idx" ON "allocations" USING btree ("distributor_id","debit_invoice_id");--> statement-breakpoint
CREATE INDEX "allocations_payment_idx" ON "allocations" USING btree ("distributor_id","payment_id");--> statement-breakpoint
CREATE INDEX "allocations_credit_invoice_idx" ON "allocations" USING btree ("distributor_id","credit_invoice_id");--> statement-breakpoint
CREATE INDEX "allocations_account_idx" ON "allocations" USING btree ("distributor_id","account_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_idx" ON "ledger_entries" USING btree ("distributor_id","account_id","entry_date","id");--> statement-breakpoint
CREATE INDEX "ledger_entries_document_idx" ON "ledger_entries" USING btree ("distributor_id","document_type","document_id");--> statement-breakpoint
CREATE INDEX "payments_account_idx" ON "payments" USING btree ("distributor_id","account_id","payment_date");--> statement-breakpoint
CREATE INDEX "payments_cash_desk_idx" ON "payments" USING btree ("distributor_id","cash_desk_id","payment_date");--> statement-breakpoint
CREATE INDEX "refunds_account_idx" ON "refunds" USING btree ("distributor_id","account_id","refund_date");--> statement-breakpoint
CREATE INDEX "transfers_from_idx" ON "transfers" USING btree ("distributor_id","from_account_id");--> statement-breakpoint
CREATE INDEX "transfers_to_idx" ON "transfers" USING btree ("distributor_id","to_account_id");--> statement-breakpoint
CREATE INDEX "write_offs_account_idx" ON "write_offs" USING btree ("distributor_id","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_id_key" ON "organizations" USING btree ("id");--> statement-breakpoint
CREATE INDEX "organizations_parent_idx" ON "organizations" USING btree ("distributor_id","parent_id");--> statement-breakpoint
CREATE INDEX "organizations_reseller_idx" ON "organizations" USING btree ("distributor_id","reseller_id");--> statement-breakpoint
CREATE INDEX "payment_methods_account_idx" ON "payment_methods" USING btree ("distributor_id","account_id");--> statement-breakpoint
CREATE INDEX "special_prices_reseller_idx" ON "special_prices" USING btree ("distributor_id","reseller_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku_key" ON "products" USING btree ("distributor_id","sku");--> statement-breakpoint
CREATE INDEX "products_type_name_idx" ON "products" USING btree ("distributor_id","type","name");--> statement-breakpoint
CREATE INDEX "subscription_lines_subscription_idx" ON "subscription_lines" USING btree ("distributor_id","subscription_id");--> statement-breakpoint
CREATE INDEX "subscriptions_account_idx" ON "subscriptions" USING btree ("distributor_id","account_id");--> statement-breakpoint
CREATE INDEX "subscriptions_org_idx" ON "subscriptions" USING btree ("distributor_id","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_one_default" ON "subscriptions" USING btree ("distributor_id","account_id") WHERE "subscriptions"."is_default";--> statement-breakpoint
CREATE INDEX "tax_definitions_code_idx" ON "tax_definitions" USING btree ("distributor_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "users_id_key" ON "users" USING btree ("id");--> statement-breakpoint
CREATE INDEX "users_org_idx" ON "users" USING btree ("distributor_id","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("distributor_id",lower("email"));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "accounts" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("accounts"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "accounts"."reseller_id" = current_setting('app.org_id', true))
  or "accounts"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("accounts"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "accounts"."reseller_id" = current_setting('app.org_id', true))
  or "accounts"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "audit_log" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("audit_log"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "audit_log"."reseller_id" = current_setting('app.org_id', true))
  or "audit_log"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("audit_log"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "audit_log"."reseller_id" = current_setting('app.org_id', true))
  or "audit_log"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "billing_profiles" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("billing_profiles"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "billing_profiles"."reseller_id" = current_setting('app.org_id', true))
  or "billing_profiles"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("billing_profiles"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "billing_profiles"."reseller_id" = current_setting('app.org_id', true))
  or "billing_profiles"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "billing_runs" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("billing_runs"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "billing_runs"."reseller_id" = current_setting('app.org_id', true))
  or "billing_runs"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("billing_runs"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "billing_runs"."reseller_id" = current_setting('app.org_id', true))
  or "billing_runs"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "cash_desks" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("cash_desks"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "cash_desks"."reseller_id" = current_setting('app.org_id', true))
  or "cash_desks"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("cash_desks"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "cash_desks"."reseller_id" = current_setting('app.org_id', true))
  or "cash_desks"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "customer_charge_rows" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("customer_charge_rows"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "customer_charge_rows"."reseller_id" = current_setting('app.org_id', true))
  or "customer_charge_rows"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("customer_charge_rows"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "customer_charge_rows"."reseller_id" = current_setting('app.org_id', true))
  or "customer_charge_rows"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "idempotency_keys" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("idempotency_keys"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "idempotency_keys"."reseller_id" = current_setting('app.org_id', true))
  or "idempotency_keys"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("idempotency_keys"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "idempotency_keys"."reseller_id" = current_setting('app.org_id', true))
  or "idempotency_keys"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_statuses" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("invoice_statuses"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_statuses"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_statuses"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("invoice_statuses"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_statuses"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_statuses"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_types" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("invoice_types"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_types"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_types"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("invoice_types"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_types"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_types"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_items" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("invoice_items"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_items"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_items"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("invoice_items"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_items"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_items"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_number_sequences" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("invoice_number_sequences"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_number_sequences"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_number_sequences"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("invoice_number_sequences"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_number_sequences"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_number_sequences"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoice_taxes" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("invoice_taxes"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_taxes"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_taxes"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("invoice_taxes"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoice_taxes"."reseller_id" = current_setting('app.org_id', true))
  or "invoice_taxes"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invoices" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("invoices"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoices"."reseller_id" = current_setting('app.org_id', true))
  or "invoices"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("invoices"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "invoices"."reseller_id" = current_setting('app.org_id', true))
  or "invoices"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "job_runs" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("job_runs"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "job_runs"."reseller_id" = current_setting('app.org_id', true))
  or "job_runs"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("job_runs"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "job_runs"."reseller_id" = current_setting('app.org_id', true))
  or "job_runs"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "allocations" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("allocations"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "allocations"."reseller_id" = current_setting('app.org_id', true))
  or "allocations"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("allocations"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "allocations"."reseller_id" = current_setting('app.org_id', true))
  or "allocations"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ledger_entries" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("ledger_entries"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "ledger_entries"."reseller_id" = current_setting('app.org_id', true))
  or "ledger_entries"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("ledger_entries"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "ledger_entries"."reseller_id" = current_setting('app.org_id', true))
  or "ledger_entries"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "payments" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("payments"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "payments"."reseller_id" = current_setting('app.org_id', true))
  or "payments"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("payments"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "payments"."reseller_id" = current_setting('app.org_id', true))
  or "payments"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "refunds" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("refunds"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "refunds"."reseller_id" = current_setting('app.org_id', true))
  or "refunds"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("refunds"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "refunds"."reseller_id" = current_setting('app.org_id', true))
  or "refunds"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "transfers" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("transfers"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "transfers"."reseller_id" = current_setting('app.org_id', true))
  or "transfers"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("transfers"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "transfers"."reseller_id" = current_setting('app.org_id', true))
  or "transfers"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "write_offs" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("write_offs"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "write_offs"."reseller_id" = current_setting('app.org_id', true))
  or "write_offs"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("write_offs"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "write_offs"."reseller_id" = current_setting('app.org_id', true))
  or "write_offs"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "organizations" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("organizations"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "organizations"."reseller_id" = current_setting('app.org_id', true))
  or "organizations"."id" = current_setting('app.org_id', true))) WITH CHECK ("organizations"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "organizations"."reseller_id" = current_setting('app.org_id', true))
  or "organizations"."id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "payment_methods" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("payment_methods"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "payment_methods"."reseller_id" = current_setting('app.org_id', true))
  or "payment_methods"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("payment_methods"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "payment_methods"."reseller_id" = current_setting('app.org_id', true))
  or "payment_methods"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "price_list_assignments" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("price_list_assignments"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "price_list_assignments"."reseller_id" = current_setting('app.org_id', true))
  or "price_list_assignments"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("price_list_assignments"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "price_list_assignments"."reseller_id" = current_setting('app.org_id', true))
  or "price_list_assignments"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "price_list_entries" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("price_list_entries"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "price_list_entries"."reseller_id" = current_setting('app.org_id', true))
  or "price_list_entries"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("price_list_entries"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "price_list_entries"."reseller_id" = current_setting('app.org_id', true))
  or "price_list_entries"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "price_lists" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("price_lists"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "price_lists"."reseller_id" = current_setting('app.org_id', true))
  or "price_lists"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("price_lists"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "price_lists"."reseller_id" = current_setting('app.org_id', true))
  or "price_lists"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "reseller_pricing_strategies" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("reseller_pricing_strategies"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "reseller_pricing_strategies"."reseller_id" = current_setting('app.org_id', true))
  or "reseller_pricing_strategies"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("reseller_pricing_strategies"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "reseller_pricing_strategies"."reseller_id" = current_setting('app.org_id', true))
  or "reseller_pricing_strategies"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "special_prices" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("special_prices"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "special_prices"."reseller_id" = current_setting('app.org_id', true))
  or "special_prices"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("special_prices"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "special_prices"."reseller_id" = current_setting('app.org_id', true))
  or "special_prices"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "products" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("products"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "products"."reseller_id" = current_setting('app.org_id', true))
  or "products"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("products"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "products"."reseller_id" = current_setting('app.org_id', true))
  or "products"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "marketplace_read" ON "products" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("products"."distributor_id" = current_setting('app.distributor_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "billing_profile_options" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("billing_profile_options"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "billing_profile_options"."reseller_id" = current_setting('app.org_id', true))
  or "billing_profile_options"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("billing_profile_options"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "billing_profile_options"."reseller_id" = current_setting('app.org_id', true))
  or "billing_profile_options"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "marketplace_read" ON "billing_profile_options" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("billing_profile_options"."distributor_id" = current_setting('app.distributor_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "subscription_lines" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("subscription_lines"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "subscription_lines"."reseller_id" = current_setting('app.org_id', true))
  or "subscription_lines"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("subscription_lines"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "subscription_lines"."reseller_id" = current_setting('app.org_id', true))
  or "subscription_lines"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "subscriptions" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("subscriptions"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "subscriptions"."reseller_id" = current_setting('app.org_id', true))
  or "subscriptions"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("subscriptions"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "subscriptions"."reseller_id" = current_setting('app.org_id', true))
  or "subscriptions"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "product_taxes" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("product_taxes"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "product_taxes"."reseller_id" = current_setting('app.org_id', true))
  or "product_taxes"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("product_taxes"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "product_taxes"."reseller_id" = current_setting('app.org_id', true))
  or "product_taxes"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "marketplace_read" ON "product_taxes" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("product_taxes"."distributor_id" = current_setting('app.distributor_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tax_definitions" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("tax_definitions"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "tax_definitions"."reseller_id" = current_setting('app.org_id', true))
  or "tax_definitions"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("tax_definitions"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "tax_definitions"."reseller_id" = current_setting('app.org_id', true))
  or "tax_definitions"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "marketplace_read" ON "tax_definitions" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("tax_definitions"."distributor_id" = current_setting('app.distributor_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tax_rates" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("tax_rates"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "tax_rates"."reseller_id" = current_setting('app.org_id', true))
  or "tax_rates"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("tax_rates"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "tax_rates"."reseller_id" = current_setting('app.org_id', true))
  or "tax_rates"."org_id" = current_setting('app.org_id', true)));--> statement-breakpoint
CREATE POLICY "marketplace_read" ON "tax_rates" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("tax_rates"."distributor_id" = current_setting('app.distributor_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "users" AS PERMISSIVE FOR ALL TO "cascade_app" USING ("users"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "users"."reseller_id" = current_setting('app.org_id', true))
  or "users"."org_id" = current_setting('app.org_id', true))) WITH CHECK ("users"."distributor_id" = current_setting('app.distributor_id', true) and (
  current_setting('app.org_kind', true) = 'DISTRIBUTOR'
  or (current_setting('app.org_kind', true) = 'RESELLER' and "users"."reseller_id" = current_setting('app.org_id', true))
  or "users"."org_id" = current_setting('app.org_id', true)));