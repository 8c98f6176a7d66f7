-- Row-level security for meeting participants and processed LiveKit webhook ids, as for every
-- tenant-scoped table (see 0002): enabled and forced, one tenant at a time for app_tenant.
-- Webhooks, guest links and the reconciler resolve a meeting to its tenant through the
-- existing app_system read policy on meetings, then work inside that tenant's scope.
ALTER TABLE meeting_participants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meeting_participants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON meeting_participants TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON meeting_participants AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE livekit_webhook_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE livekit_webhook_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON livekit_webhook_events TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON livekit_webhook_events AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
-- The reconciler lists running and recently ended meetings across tenants (then works inside
-- each meeting's tenant): exactly those columns, nothing else (0015 took the rest away).
GRANT SELECT (id, tenant_id, started_at, ended_at) ON meetings TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON meetings AS PERMISSIVE FOR SELECT TO app_system USING (true);
