ALTER TABLE knowledge_sources ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_sources FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_sources TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON knowledge_sources AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
