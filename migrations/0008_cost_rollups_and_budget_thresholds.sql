CREATE TABLE "budget_thresholds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"amount_usd" numeric(12, 2) NOT NULL,
	"period" text NOT NULL,
	"severity" text DEFAULT 'warning' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_thresholds_amount_positive" CHECK ("budget_thresholds"."amount_usd" > 0)
);
--> statement-breakpoint
CREATE TABLE "cost_rollup_watermarks" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"rolled_up_to" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cost_summaries" ADD COLUMN "by_model" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_thresholds" ADD CONSTRAINT "budget_thresholds_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_thresholds" ADD CONSTRAINT "budget_thresholds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_rollup_watermarks" ADD CONSTRAINT "cost_rollup_watermarks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "budget_thresholds_tenant_period_amount_idx" ON "budget_thresholds" USING btree ("tenant_id","period","amount_usd");