-- Users of a tenant and their credentials: passwords (scrypt), bearer tokens and API keys.
-- Secrets are never stored: passwords as scrypt hashes with their parameters, tokens and keys
-- as SHA-256 digests of 256 random bits. Every table carries tenant_id in its primary key and
-- is guarded by row-level security keyed on orgd.tenant_id.

CREATE TABLE users (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    login           text NOT NULL CONSTRAINT users_login_format CHECK (login ~ '^[^\s:]{1,64}$'),
    display_name    text NOT NULL CONSTRAINT users_display_name_length CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash   text,          -- "scrypt$N$r$p$salt_b64$hash_b64"; NULL: may not sign in with a password
    grade           text,          -- the user's grade on the tenant's ladder when not derived from a post
    person_id       uuid,          -- the org-chart person this account belongs to, if any
    is_founder      boolean NOT NULL DEFAULT false,  -- created with the tenant: ranks above every grade, so someone can create the top posts
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_login_unique ON users (tenant_id, lower(login));
COMMENT ON TABLE users IS 'Accounts of one tenant. Logins are unique within a tenant, case-insensitively; the same login may exist in every tenant.';
COMMENT ON COLUMN users.password_hash IS 'scrypt with a per-user salt; the parameters are stored beside the hash so they can be raised later.';

CREATE TABLE sessions (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL,
    digest      bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    client_addr text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id) WHERE revoked_at IS NULL;
COMMENT ON TABLE sessions IS 'Bearer tokens issued at sign-in; only the SHA-256 digest of a token is kept.';

CREATE TABLE api_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    name         text NOT NULL CONSTRAINT api_keys_name_length CHECK (length(name) BETWEEN 1 AND 100),
    digest       bytea NOT NULL UNIQUE,
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_name_unique ON api_keys (tenant_id, lower(name)) WHERE revoked_at IS NULL;
COMMENT ON TABLE api_keys IS 'Keys for integrations, named, optionally expiring, revocable; the secret is shown once.';

CREATE TABLE sign_in_failures (
    throttle_key text NOT NULL,          -- hex SHA-256 of "account:<tenant>:<login>" or "client:<address>"
    failed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_recent ON sign_in_failures (throttle_key, failed_at);
COMMENT ON TABLE sign_in_failures IS 'Recent failed sign-ins, for throttling across every orgd instance. Keys are digests, so the table names no login.';

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'api_keys'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;
