-- Extensions, roles and helper functions the schema and its row-level security rely on.
-- Roles are cluster-wide, so their creation is idempotent: a second database on the same
-- server (or a re-run) finds them already there.
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_tenant') THEN
    CREATE ROLE app_tenant NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_system') THEN
    CREATE ROLE app_system NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
--> statement-breakpoint
-- The login role that runs migrations (and the app) must be able to SET ROLE to both, without
-- inheriting their policies. A login role that is no superuser (docker compose:
-- db/docker-init) was made a member by an administrator beforehand, and could not grant
-- itself the roles anyway.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'app_tenant', 'SET') THEN
    GRANT app_tenant TO CURRENT_USER WITH INHERIT FALSE, SET TRUE;
  END IF;
  IF NOT pg_has_role(current_user, 'app_system', 'SET') THEN
    GRANT app_system TO CURRENT_USER WITH INHERIT FALSE, SET TRUE;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_tenant, app_system;
--> statement-breakpoint
-- The tenant bound by db/withTenant for this transaction, or NULL when none is set.
-- current_setting(..., true) returns NULL (or '' once reset) instead of raising when unset.
CREATE OR REPLACE FUNCTION app_current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
-- array_to_string is only STABLE; a generated tsvector column needs an IMMUTABLE expression.
CREATE OR REPLACE FUNCTION app_join_words(text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string($1, ' '), '') $$;
