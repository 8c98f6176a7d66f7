-- Row-level security for the cost rollup watermark and the custom budget thresholds, as for
-- every tenant-scoped table (see 0002): enabled and forced, one tenant at a time for app_tenant.
ALTER TABLE cost_rollup_watermarks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cost_rollup_watermarks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON cost_rollup_watermarks TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cost_rollup_watermarks AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE budget_thresholds ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE budget_thresholds FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON budget_thresholds TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON budget_thresholds AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
