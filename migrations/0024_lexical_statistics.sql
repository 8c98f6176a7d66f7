CREATE TABLE "knowledge_corpus_stats" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"chunk_count" integer NOT NULL,
	"token_count" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_term_stats" (
	"tenant_id" uuid NOT NULL,
	"lexeme" text NOT NULL,
	"chunk_count" integer NOT NULL,
	CONSTRAINT "knowledge_term_stats_tenant_id_lexeme_pk" PRIMARY KEY("tenant_id","lexeme")
);
--> statement-breakpoint
ALTER TABLE "knowledge_corpus_stats" ADD CONSTRAINT "knowledge_corpus_stats_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_term_stats" ADD CONSTRAINT "knowledge_term_stats_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;