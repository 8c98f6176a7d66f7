-- Row-level security for spend reservations, as for every tenant-scoped table (see 0002):
-- enabled and forced, one tenant at a time for app_tenant.
ALTER TABLE spend_reservations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE spend_reservations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON spend_reservations TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON spend_reservations AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
