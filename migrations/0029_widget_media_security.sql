-- Row-level security for the images visitors attach in the widget, as for every tenant-scoped
-- table (see 0002): enabled and forced, one tenant at a time for app_tenant. Attachments are
-- written once and deleted with their conversation: no UPDATE grant.
ALTER TABLE message_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE message_attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON message_attachments TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON message_attachments AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
