ALTER TABLE "ai_personalities" ADD COLUMN "allow_general_knowledge" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_personalities" ADD COLUMN "fallback_message" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "answer_status" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "unanswered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_tenant_needs_answer_idx" ON "messages" USING btree ("tenant_id","created_at") WHERE "messages"."answer_status" in ('no_match', 'uncited') or "messages"."feedback" = -1;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "document_title" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Existing chunks take their document's title. The owner is itself subject to the forced
-- row-level security, so forcing is lifted for the length of this migration's transaction.
ALTER TABLE "knowledge_chunks" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "knowledge_documents" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE "knowledge_chunks" c SET "document_title" = d."title"
  FROM "knowledge_documents" d WHERE d."tenant_id" = c."tenant_id" AND d."id" = c."document_id";--> statement-breakpoint
ALTER TABLE "knowledge_documents" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Title (A), heading path (B), body (D) and identifier forms (migration 0022). SET EXPRESSION
-- (PostgreSQL 17+) recomputes every row and keeps the GIN index on the column.
ALTER TABLE "knowledge_chunks" ALTER COLUMN "search_vector" SET EXPRESSION AS (setweight(to_tsvector('english', document_title), 'A') || setweight(to_tsvector('english', app_join_words(heading_path)), 'B') || to_tsvector('english', content) || app_identifier_tsvector(document_title || ' ' || app_join_words(heading_path) || ' ' || content));
