-- Row-level security. The app never queries tenant data as its login role (which owns the
-- tables and, if superuser, bypasses RLS even when forced). db/withTenant switches to
-- app_tenant for one transaction and binds app.tenant_id; db/withSystem switches to
-- app_system, which only has the narrow cross-tenant policies granted below.

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ai_personalities ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ai_personalities FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE widgets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE widgets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meetings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meetings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_documents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_documents FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_chunks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE knowledge_chunks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cost_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cost_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cost_summaries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cost_summaries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE budget_alerts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE budget_alerts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auth_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE verification_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE verification_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- ==================== app_tenant: one tenant at a time ====================
GRANT SELECT, UPDATE ON tenants TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants AS PERMISSIVE FOR ALL TO app_tenant
  USING (id = app_current_tenant_id()) WITH CHECK (id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON memberships AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON invitations AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_keys AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_personalities TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON ai_personalities AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON widgets TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON widgets AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON meetings TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON meetings AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sessions AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON messages TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON messages AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_documents TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON knowledge_documents AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON knowledge_chunks TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON knowledge_chunks AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON cost_events TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cost_events AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON cost_summaries TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON cost_summaries AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON budget_alerts TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON budget_alerts AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
-- Teammates' names and emails, nothing more: users who are members of the bound tenant.
GRANT SELECT ON users TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_members ON users AS PERMISSIVE FOR SELECT TO app_tenant
  USING (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.tenant_id = app_current_tenant_id()));
--> statement-breakpoint

-- ==================== app_system: the few cross-tenant paths ====================
-- Auth.js adapter: identities, linked accounts, sessions and verification tokens.
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO app_system;
--> statement-breakpoint
CREATE POLICY system_identity ON users AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON accounts TO app_system;
--> statement-breakpoint
CREATE POLICY system_identity ON accounts AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_sessions TO app_system;
--> statement-breakpoint
CREATE POLICY system_identity ON auth_sessions AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON verification_tokens TO app_system;
--> statement-breakpoint
CREATE POLICY system_identity ON verification_tokens AS PERMISSIVE FOR ALL TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
-- Onboarding creates a tenant; public routes resolve a publishable key; jobs list tenants.
GRANT SELECT ON tenants TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON tenants AS PERMISSIVE FOR SELECT TO app_system USING (true);
--> statement-breakpoint
GRANT INSERT ON tenants TO app_system;
--> statement-breakpoint
CREATE POLICY system_create ON tenants AS PERMISSIVE FOR INSERT TO app_system WITH CHECK (true);
--> statement-breakpoint
-- Sign-in finds which tenants a user belongs to.
GRANT SELECT ON memberships TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON memberships AS PERMISSIVE FOR SELECT TO app_system USING (true);
--> statement-breakpoint
-- Accepting an invitation link looks it up by token hash before the tenant is known.
GRANT SELECT ON invitations TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON invitations AS PERMISSIVE FOR SELECT TO app_system USING (true);
--> statement-breakpoint
GRANT UPDATE ON invitations TO app_system;
--> statement-breakpoint
CREATE POLICY system_accept ON invitations AS PERMISSIVE FOR UPDATE TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
-- Public widget routes resolve a widget id to its tenant.
GRANT SELECT ON widgets TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON widgets AS PERMISSIVE FOR SELECT TO app_system USING (true);
--> statement-breakpoint
-- Secret API keys resolve to their tenant by hash, and record last use.
GRANT SELECT ON api_keys TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON api_keys AS PERMISSIVE FOR SELECT TO app_system USING (true);
--> statement-breakpoint
GRANT UPDATE ON api_keys TO app_system;
--> statement-breakpoint
CREATE POLICY system_touch ON api_keys AS PERMISSIVE FOR UPDATE TO app_system USING (true) WITH CHECK (true);
--> statement-breakpoint
-- LiveKit webhooks resolve a room to its tenant.
GRANT SELECT ON meetings TO app_system;
--> statement-breakpoint
CREATE POLICY system_read ON meetings AS PERMISSIVE FOR SELECT TO app_system USING (true);
