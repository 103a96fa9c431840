-- Privileges of orgd_app, the role the server connects as. It owns nothing, is not a superuser
-- and cannot bypass row-level security; the owner (who runs migrations) grants it exactly the
-- table rights it needs. Tables created by later migrations get read/write rights by default;
-- append-only tables (the audit log) revoke UPDATE and DELETE explicitly where they are made.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'orgd_app') THEN
        RAISE EXCEPTION 'role orgd_app is missing: create it first (see deploy/README.md)';
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO orgd_app;
GRANT SELECT ON orgd_migrations TO orgd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orgd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO orgd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO orgd_app;
