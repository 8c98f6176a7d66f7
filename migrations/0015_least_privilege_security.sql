-- Least privilege for the application roles: each gets the columns its queries use, and the
-- policies nothing uses are dropped. tests/db/expected-access.ts lists the result, table by
-- table; tests/db/catalog.test.ts fails on any grant or policy not listed there.

-- ==================== app_tenant ====================
-- Teammates' names, emails and pictures; never password hashes, session versions or dates.
REVOKE SELECT ON users FROM app_tenant;
--> statement-breakpoint
GRANT SELECT (id, name, email, image) ON users TO app_tenant;
--> statement-breakpoint
-- A workspace edits its own settings (and rotates its publishable key); its plan and billing
-- ids are not the workspace's to change.
REVOKE UPDATE ON tenants FROM app_tenant;
--> statement-breakpoint
GRANT UPDATE (name, allowed_domains, monthly_spend_cap_usd, publishable_key, updated_at) ON tenants TO app_tenant;
--> statement-breakpoint

-- ==================== app_system ====================
-- Jobs list tenants; public routes read a widget's workspace domains; onboarding creates a
-- tenant and reads back only its id (db/withTenant.ts reads the rest as app_tenant).
REVOKE SELECT ON tenants FROM app_system;
--> statement-breakpoint
GRANT SELECT (id, name, allowed_domains) ON tenants TO app_system;
--> statement-breakpoint
-- Sign-in and the workspace switcher list a user's workspaces.
REVOKE SELECT ON memberships FROM app_system;
--> statement-breakpoint
GRANT SELECT (tenant_id, user_id, role, created_at) ON memberships TO app_system;
--> statement-breakpoint
-- An invitation is looked up by its token hash across tenants, but accepted as app_tenant in
-- the invitation's own tenant: app_system never changes one.
REVOKE UPDATE ON invitations FROM app_system;
--> statement-breakpoint
DROP POLICY system_accept ON invitations;
--> statement-breakpoint
-- Public widget routes resolve a widget to its tenant, look and allowed origins.
REVOKE SELECT ON widgets FROM app_system;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, personality_id, name, allowed_origins, settings, is_active) ON widgets TO app_system;
--> statement-breakpoint
-- The usage API resolves a secret key by its hash and records its last use; a revoked key is
-- never touched.
REVOKE SELECT, UPDATE ON api_keys FROM app_system;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, key_hash, revoked_at) ON api_keys TO app_system;
--> statement-breakpoint
GRANT UPDATE (last_used_at) ON api_keys TO app_system;
--> statement-breakpoint
DROP POLICY system_touch ON api_keys;
--> statement-breakpoint
CREATE POLICY system_touch ON api_keys AS PERMISSIVE FOR UPDATE TO app_system
  USING (revoked_at IS NULL) WITH CHECK (revoked_at IS NULL);
--> statement-breakpoint
-- Nothing reads meetings across tenants (yet): a webhook that resolves a room to its tenant
-- adds back exactly the columns it needs.
REVOKE SELECT ON meetings FROM app_system;
--> statement-breakpoint
DROP POLICY system_read ON meetings;
--> statement-breakpoint
-- The Auth.js adapter updates profile fields (its updateUser sets the id it is given, too) and
-- "sign out everywhere" bumps session_version; nothing updates a password hash.
REVOKE UPDATE ON users FROM app_system;
--> statement-breakpoint
GRANT UPDATE (id, name, email, email_verified, image, session_version, updated_at) ON users TO app_system;
