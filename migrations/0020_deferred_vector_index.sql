DROP INDEX "knowledge_chunks_embedding_idx";--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding_indexed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_chunks_pending_idx" ON "knowledge_chunks" USING btree ("tenant_id") WHERE not "knowledge_chunks"."embedding_indexed";--> statement-breakpoint
CREATE INDEX "knowledge_chunks_embedding_idx" ON "knowledge_chunks" USING hnsw ("embedding" vector_cosine_ops) WITH (m=16,ef_construction=64) WHERE "knowledge_chunks"."embedding_indexed";