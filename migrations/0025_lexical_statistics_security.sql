-- BM25's per-tenant statistics (lib/knowledge/search.ts): chunk and token counts per tenant and
-- the number of chunks holding each lexeme, kept exact by triggers on knowledge_chunks in the
-- transaction that writes the chunks (ingestion's swap, re-index, delete, cascades alike).
ALTER TABLE knowledge_corpus_stats ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_corpus_stats TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON knowledge_corpus_stats AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE knowledge_term_stats ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_term_stats TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON knowledge_term_stats AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
-- Writers of one tenant's chunks take turns on its statistics (a transaction-scoped lock, taken
-- in tenant order), so two ingestions finishing together cannot deadlock on shared lexemes.
CREATE OR REPLACE FUNCTION app_lock_knowledge_stats(uuid[]) RETURNS void
  LANGUAGE sql VOLATILE
  AS $$ SELECT pg_advisory_xact_lock(hashtext('knowledge_stats'), hashtext(tenant_id::text)) FROM (SELECT DISTINCT unnest($1) AS tenant_id ORDER BY 1) t $$;
--> statement-breakpoint
-- Chunks are inserted and deleted in sets (a document's chunks are swapped in one transaction):
-- one statement trigger per set, fed by its transition table `changed_chunks`.
CREATE OR REPLACE FUNCTION app_knowledge_stats_after_write() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM app_lock_knowledge_stats(array(SELECT tenant_id FROM changed_chunks));
  IF TG_OP = 'INSERT' THEN
    INSERT INTO knowledge_corpus_stats AS s (tenant_id, chunk_count, token_count)
      SELECT tenant_id, count(*), sum(token_count) FROM changed_chunks GROUP BY tenant_id ORDER BY tenant_id
      ON CONFLICT (tenant_id) DO UPDATE SET chunk_count = s.chunk_count + excluded.chunk_count, token_count = s.token_count + excluded.token_count;
    INSERT INTO knowledge_term_stats AS s (tenant_id, lexeme, chunk_count)
      SELECT tenant_id, lexeme, count(*) FROM changed_chunks, unnest(tsvector_to_array(search_vector)) AS lexeme
      GROUP BY tenant_id, lexeme ORDER BY tenant_id, lexeme
      ON CONFLICT (tenant_id, lexeme) DO UPDATE SET chunk_count = s.chunk_count + excluded.chunk_count;
  ELSE
    UPDATE knowledge_corpus_stats s SET chunk_count = s.chunk_count - d.chunks, token_count = s.token_count - d.tokens
      FROM (SELECT tenant_id, count(*) AS chunks, sum(token_count) AS tokens FROM changed_chunks GROUP BY tenant_id) d
      WHERE s.tenant_id = d.tenant_id;
    DELETE FROM knowledge_corpus_stats s WHERE s.tenant_id IN (SELECT tenant_id FROM changed_chunks) AND s.chunk_count <= 0;
    UPDATE knowledge_term_stats s SET chunk_count = s.chunk_count - d.chunks
      FROM (
        SELECT tenant_id, lexeme, count(*) AS chunks FROM changed_chunks, unnest(tsvector_to_array(search_vector)) AS lexeme
        GROUP BY tenant_id, lexeme
      ) d
      WHERE s.tenant_id = d.tenant_id AND s.lexeme = d.lexeme;
    DELETE FROM knowledge_term_stats s
      USING (SELECT DISTINCT tenant_id, lexeme FROM changed_chunks, unnest(tsvector_to_array(search_vector)) AS lexeme) d
      WHERE s.tenant_id = d.tenant_id AND s.lexeme = d.lexeme AND s.chunk_count <= 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER knowledge_chunks_stats_insert AFTER INSERT ON knowledge_chunks
  REFERENCING NEW TABLE AS changed_chunks FOR EACH STATEMENT EXECUTE FUNCTION app_knowledge_stats_after_write();
--> statement-breakpoint
CREATE TRIGGER knowledge_chunks_stats_delete AFTER DELETE ON knowledge_chunks
  REFERENCING OLD TABLE AS changed_chunks FOR EACH STATEMENT EXECUTE FUNCTION app_knowledge_stats_after_write();
--> statement-breakpoint
-- The app never edits a chunk's text (it swaps sets), but an edit must not skew the statistics:
-- a row trigger on the columns the statistics depend on (statement triggers with transition
-- tables cannot name columns, and would fire on every filter or flag update).
CREATE OR REPLACE FUNCTION app_knowledge_stats_after_edit() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM app_lock_knowledge_stats(array[OLD.tenant_id, NEW.tenant_id]);
  UPDATE knowledge_corpus_stats SET chunk_count = chunk_count - 1, token_count = token_count - OLD.token_count WHERE tenant_id = OLD.tenant_id;
  UPDATE knowledge_term_stats SET chunk_count = chunk_count - 1
    WHERE tenant_id = OLD.tenant_id AND lexeme = ANY (tsvector_to_array(OLD.search_vector));
  INSERT INTO knowledge_corpus_stats AS s (tenant_id, chunk_count, token_count) VALUES (NEW.tenant_id, 1, NEW.token_count)
    ON CONFLICT (tenant_id) DO UPDATE SET chunk_count = s.chunk_count + 1, token_count = s.token_count + excluded.token_count;
  INSERT INTO knowledge_term_stats AS s (tenant_id, lexeme, chunk_count)
    SELECT NEW.tenant_id, lexeme, 1 FROM unnest(tsvector_to_array(NEW.search_vector)) AS lexeme ORDER BY lexeme
    ON CONFLICT (tenant_id, lexeme) DO UPDATE SET chunk_count = s.chunk_count + 1;
  DELETE FROM knowledge_corpus_stats WHERE tenant_id = OLD.tenant_id AND chunk_count <= 0;
  DELETE FROM knowledge_term_stats
    WHERE tenant_id = OLD.tenant_id AND lexeme = ANY (tsvector_to_array(OLD.search_vector)) AND chunk_count <= 0;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER knowledge_chunks_stats_edit AFTER UPDATE OF tenant_id, document_title, heading_path, content, token_count ON knowledge_chunks
  FOR EACH ROW
  WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector OR OLD.token_count IS DISTINCT FROM NEW.token_count OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION app_knowledge_stats_after_edit();
--> statement-breakpoint
-- Statistics of the chunks that exist already. The owner is itself subject to the forced
-- row-level security of the chunks, so forcing is lifted for this transaction (as in 0019).
ALTER TABLE knowledge_chunks NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO knowledge_corpus_stats (tenant_id, chunk_count, token_count)
  SELECT tenant_id, count(*), sum(token_count) FROM knowledge_chunks GROUP BY tenant_id;
--> statement-breakpoint
INSERT INTO knowledge_term_stats (tenant_id, lexeme, chunk_count)
  SELECT tenant_id, lexeme, count(*) FROM knowledge_chunks, unnest(tsvector_to_array(search_vector)) AS lexeme GROUP BY tenant_id, lexeme;
--> statement-breakpoint
ALTER TABLE knowledge_chunks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_corpus_stats FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_term_stats FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Row-level security keeps a query's own conditions from running before the policy unless their
-- functions are LEAKPROOF, and the full-text match (tsvector @@ tsquery) is not marked so: under
-- RLS the GIN index on search_vector could never be used and every search read all of a
-- tenant's chunks. The match reveals nothing but its boolean result (no errors or messages that
-- depend on the row), so it is marked LEAKPROOF. That takes a superuser: the embedded database
-- and the compose file's server run migrations as one; elsewhere this is skipped with a notice
-- (see the README's "Running on a real PostgreSQL").
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
  ELSE
    RAISE NOTICE 'Not a superuser: ts_match_vq stays non-LEAKPROOF; full-text search scans each tenant''s chunks. Run ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF as a superuser.';
  END IF;
END
$$;
