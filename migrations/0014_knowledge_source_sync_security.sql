-- Row-level security for knowledge sources, their pages, syncs and pending changes: enabled and
-- forced, one tenant at a time for app_tenant (see 0002).
ALTER TABLE sources ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sources FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sources TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sources AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE source_syncs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE source_syncs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON source_syncs TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON source_syncs AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE source_pages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE source_pages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON source_pages TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON source_pages AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE source_changes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE source_changes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON source_changes TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON source_changes AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
-- A page keeps its row (validators, miss count) when its document is deleted. SET NULL on the
-- document column only: a composite key's plain SET NULL would clear tenant_id too.
ALTER TABLE source_pages ADD CONSTRAINT source_pages_document_fk FOREIGN KEY (tenant_id, document_id)
  REFERENCES knowledge_documents (tenant_id, id) ON DELETE SET NULL (document_id);
--> statement-breakpoint
-- The stuck-work sweep (a job, across tenants) learns only which syncs and documents stopped
-- moving, never their content: ids through this function, not a read policy on the tables.
CREATE OR REPLACE FUNCTION app_stalled_work(sync_stalled_after interval, document_stalled_after interval, queued_after interval)
RETURNS TABLE (kind text, tenant_id uuid, id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT 'sync', s.tenant_id, s.id FROM source_syncs s
   WHERE (s.status = 'running' AND coalesce(s.heartbeat_at, s.created_at) < now() - sync_stalled_after)
      OR (s.status = 'queued' AND s.created_at < now() - queued_after)
  UNION ALL
  SELECT 'document', d.tenant_id, d.id FROM knowledge_documents d
   WHERE (d.status = 'processing' AND d.updated_at < now() - document_stalled_after)
      OR (d.status = 'queued' AND d.updated_at < now() - queued_after)
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app_stalled_work(interval, interval, interval) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_stalled_work(interval, interval, interval) TO app_system;
--> statement-breakpoint
-- Keeps that sweep an index scan over the few documents in flight, whatever the table's size.
CREATE INDEX knowledge_documents_in_flight_idx ON knowledge_documents (status, updated_at)
  WHERE status IN ('queued', 'processing');
