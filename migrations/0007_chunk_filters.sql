ALTER TABLE "knowledge_chunks" ADD COLUMN "category" text;--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_tags_idx" ON "knowledge_chunks" USING gin ("tags");--> statement-breakpoint
-- Backfill from the documents. The owner is itself subject to the forced row-level security,
-- so forcing is lifted for the length of this migration's transaction only.
ALTER TABLE "knowledge_chunks" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "knowledge_documents" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
UPDATE "knowledge_chunks" c SET "category" = d."category", "tags" = d."tags"
  FROM "knowledge_documents" d WHERE d."tenant_id" = c."tenant_id" AND d."id" = c."document_id";
--> statement-breakpoint
ALTER TABLE "knowledge_documents" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "knowledge_chunks" FORCE ROW LEVEL SECURITY;
