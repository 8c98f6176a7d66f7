-- Rate-limit counters are not tenant data: only app_system (through withSystem) reaches them.
ALTER TABLE rate_limits ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rate_limits FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO app_system;
--> statement-breakpoint
CREATE POLICY system_counters ON rate_limits AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
-- Owners can delete their workspace: deleting the tenant row cascades to all its data.
GRANT DELETE ON tenants TO app_tenant;
