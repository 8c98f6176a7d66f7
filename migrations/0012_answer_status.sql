ALTER TABLE "ai_personalities" ADD COLUMN "allow_general_knowledge" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_personalities" ADD COLUMN "fallback_message" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "answer_status" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "unanswered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_tenant_needs_answer_idx" ON "messages" USING btree ("tenant_id","created_at") WHERE "messages"."answer_status" in ('no_match', 'uncited') or "messages"."feedback" = -1;