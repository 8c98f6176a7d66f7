ALTER TABLE "ai_personalities" ADD CONSTRAINT "ai_personalities_tenant_id_unique" UNIQUE("tenant_id","id");--> statement-breakpoint
CREATE TABLE "evaluation_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"set_id" uuid NOT NULL,
	"question" text NOT NULL,
	"expected_answer" text,
	"expected_sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"unanswerable" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"origin" text DEFAULT 'manual' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_questions_expectation" CHECK (("evaluation_questions"."unanswerable" and "evaluation_questions"."expected_answer" is null and jsonb_array_length("evaluation_questions"."expected_sources") = 0)
        or (not "evaluation_questions"."unanswerable" and ("evaluation_questions"."expected_answer" is not null or jsonb_array_length("evaluation_questions"."expected_sources") > 0)))
);
--> statement-breakpoint
CREATE TABLE "evaluation_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"question" text NOT NULL,
	"expected_answer" text,
	"expected_sources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"unanswerable" boolean NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"passages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"first_relevant_rank" integer,
	"answer" text,
	"answer_status" text,
	"judge" jsonb,
	"faithfulness" double precision,
	"citation_correctness" double precision,
	"answer_correctness" double precision,
	"retrieval_passed" boolean,
	"answer_passed" boolean,
	"passed" boolean,
	"error" text,
	"cost_usd" numeric(14, 8) DEFAULT '0' NOT NULL,
	"latency_ms" integer,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "evaluation_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"set_id" uuid NOT NULL,
	"personality_id" uuid,
	"personality_version_id" uuid,
	"personality_name" text NOT NULL,
	"version_number" integer NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"answer_model" text,
	"judge_model" text,
	"metrics" jsonb,
	"knowledge" jsonb,
	"cost_usd" numeric(14, 8) DEFAULT '0' NOT NULL,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "evaluation_runs_tenant_id_unique" UNIQUE("tenant_id","id"),
	CONSTRAINT "evaluation_runs_progress" CHECK ("evaluation_runs"."completed" between 0 and "evaluation_runs"."total")
);
--> statement-breakpoint
CREATE TABLE "evaluation_sets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"generation" jsonb,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_sets_tenant_id_unique" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "personality_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"personality_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"system_prompt" text NOT NULL,
	"temperature" numeric(3, 2) NOT NULL,
	"max_tokens" integer NOT NULL,
	"top_p" numeric(3, 2) NOT NULL,
	"frequency_penalty" numeric(3, 2) NOT NULL,
	"presence_penalty" numeric(3, 2) NOT NULL,
	"preferred_model" text,
	"allow_general_knowledge" boolean NOT NULL,
	"fallback_message" text,
	"note" text,
	"is_live" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "personality_versions_tenant_id_unique" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "evaluation_questions" ADD CONSTRAINT "evaluation_questions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_questions" ADD CONSTRAINT "evaluation_questions_tenant_id_set_id_evaluation_sets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","set_id") REFERENCES "public"."evaluation_sets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_results" ADD CONSTRAINT "evaluation_results_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_results" ADD CONSTRAINT "evaluation_results_tenant_id_run_id_evaluation_runs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."evaluation_runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_personality_id_ai_personalities_id_fk" FOREIGN KEY ("personality_id") REFERENCES "public"."ai_personalities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_personality_version_id_personality_versions_id_fk" FOREIGN KEY ("personality_version_id") REFERENCES "public"."personality_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_tenant_id_set_id_evaluation_sets_tenant_id_id_fk" FOREIGN KEY ("tenant_id","set_id") REFERENCES "public"."evaluation_sets"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_sets" ADD CONSTRAINT "evaluation_sets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_sets" ADD CONSTRAINT "evaluation_sets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personality_versions" ADD CONSTRAINT "personality_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personality_versions" ADD CONSTRAINT "personality_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "personality_versions" ADD CONSTRAINT "personality_versions_tenant_id_personality_id_ai_personalities_tenant_id_id_fk" FOREIGN KEY ("tenant_id","personality_id") REFERENCES "public"."ai_personalities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evaluation_questions_tenant_set_idx" ON "evaluation_questions" USING btree ("tenant_id","set_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_results_run_position_idx" ON "evaluation_results" USING btree ("tenant_id","run_id","position");--> statement-breakpoint
CREATE INDEX "evaluation_results_tenant_question_idx" ON "evaluation_results" USING btree ("tenant_id","question_id");--> statement-breakpoint
CREATE INDEX "evaluation_runs_tenant_set_created_idx" ON "evaluation_runs" USING btree ("tenant_id","set_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "evaluation_runs_tenant_created_idx" ON "evaluation_runs" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_sets_tenant_name_idx" ON "evaluation_sets" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "personality_versions_number_idx" ON "personality_versions" USING btree ("tenant_id","personality_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "personality_versions_one_live_idx" ON "personality_versions" USING btree ("tenant_id","personality_id") WHERE "personality_versions"."is_live";