-- Row-level security for verified visitors, their signing keys, human handoffs, the
-- conversation audit trail and support settings, as for every tenant-scoped table (see 0002):
-- enabled and forced, one tenant at a time for app_tenant. No app_system policy: public
-- routes reach these tables only after the widget has named its tenant (withTenantId).
ALTER TABLE visitors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE visitors FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON visitors TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON visitors AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE visitor_signing_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE visitor_signing_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON visitor_signing_keys TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON visitor_signing_keys AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE handoffs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE handoffs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON handoffs TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON handoffs AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE conversation_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE conversation_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- An audit trail: written once, never edited or removed by the application.
GRANT SELECT, INSERT ON conversation_events TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON conversation_events AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE support_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE support_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON support_settings TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON support_settings AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
-- Public widget routes read which visitors a widget accepts before any tenant is bound (see 0015).
GRANT SELECT (identity_mode) ON widgets TO app_system;
