-- Row-level security for personality versions and the evaluation tables, as for every
-- tenant-scoped table (see 0002): enabled and forced, one tenant at a time for app_tenant.
ALTER TABLE personality_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE personality_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON personality_versions TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON personality_versions AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE evaluation_sets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_sets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON evaluation_sets TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON evaluation_sets AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE evaluation_questions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_questions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON evaluation_questions TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON evaluation_questions AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE evaluation_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_runs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON evaluation_runs TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON evaluation_runs AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
ALTER TABLE evaluation_results ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_results FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON evaluation_results TO app_tenant;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON evaluation_results AS PERMISSIVE FOR ALL TO app_tenant
  USING (tenant_id = app_current_tenant_id()) WITH CHECK (tenant_id = app_current_tenant_id());
--> statement-breakpoint
-- Every personality has a live version 1 from the moment it exists, whichever path inserts it
-- (dashboard, onboarding, seed). The trigger runs as the inserting role, so the version row
-- passes the same tenant policy as the personality.
CREATE OR REPLACE FUNCTION app_personality_first_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO personality_versions (tenant_id, personality_id, version, system_prompt, temperature, max_tokens, top_p,
    frequency_penalty, presence_penalty, preferred_model, allow_general_knowledge, fallback_message, is_live, published_at)
  VALUES (NEW.tenant_id, NEW.id, 1, NEW.system_prompt, NEW.temperature, NEW.max_tokens, NEW.top_p,
    NEW.frequency_penalty, NEW.presence_penalty, NEW.preferred_model, NEW.allow_general_knowledge, NEW.fallback_message, true, now());
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ai_personalities_first_version AFTER INSERT ON ai_personalities
  FOR EACH ROW EXECUTE FUNCTION app_personality_first_version();
--> statement-breakpoint
-- Existing personalities get their current settings as live version 1. The owner is itself
-- subject to the forced row-level security, so forcing is lifted for this transaction.
ALTER TABLE ai_personalities NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE personality_versions NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO personality_versions (tenant_id, personality_id, version, system_prompt, temperature, max_tokens, top_p,
  frequency_penalty, presence_penalty, preferred_model, allow_general_knowledge, fallback_message, is_live, published_at, created_at)
SELECT tenant_id, id, 1, system_prompt, temperature, max_tokens, top_p, frequency_penalty, presence_penalty,
  preferred_model, allow_general_knowledge, fallback_message, true, updated_at, updated_at
FROM ai_personalities;
--> statement-breakpoint
ALTER TABLE personality_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ai_personalities FORCE ROW LEVEL SECURITY;
