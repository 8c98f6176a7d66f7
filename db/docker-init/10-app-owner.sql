-- Run once by the postgres image, as its superuser, when docker compose first creates the
-- database volume (files in /docker-entrypoint-initdb.d run in name order).
--
-- The app logs in as `assistant`: it owns the database and every table its migrations create,
-- but it is no superuser. So FORCE ROW LEVEL SECURITY applies even to it (a superuser bypasses
-- every policy), and a leaked app password cannot read other databases, load server-side
-- code or create roles. What needs a superuser is done here instead: the pgvector extension
-- and the two NOLOGIN roles the app switches to per transaction (see
-- migrations/0000_extensions_and_roles.sql, which finds them already there).
CREATE EXTENSION IF NOT EXISTS vector;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_tenant') THEN
    CREATE ROLE app_tenant NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_system') THEN
    CREATE ROLE app_system NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'assistant') THEN
    CREATE ROLE assistant LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;

-- SET ROLE app_tenant / app_system inside each transaction (db/withTenant.ts), without
-- inheriting their privileges or policies: as itself, the login role sees no row at all.
GRANT app_tenant, app_system TO assistant WITH INHERIT FALSE, SET TRUE;

-- Owning the database lets it create the schemas of its migrations and the job queue
-- (pgboss); in PostgreSQL 15+ the public schema belongs to the database owner.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I OWNER TO assistant', current_database());
END
$$;
