-- Tenants (one per company) and the platform keys that manage them.
--
-- Row-level security is on for every table here (not forced: the owner's SECURITY DEFINER
-- functions below must see them). The server's role sees a tenant row only while
-- its transaction has set orgd.tenant_id to that tenant, or orgd.platform to 'on' (a request
-- authenticated by a platform key). Sign-in, which must find a tenant by slug before it knows
-- who is asking, goes through the SECURITY DEFINER function orgd_tenant_by_slug.

CREATE FUNCTION orgd_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('orgd.tenant_id', true), '')::uuid $$;
COMMENT ON FUNCTION orgd_current_tenant() IS
    'The tenant the current transaction acts for (set_config(''orgd.tenant_id'', ..., true)); NULL when none.';

CREATE FUNCTION orgd_platform_mode() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('orgd.platform', true), '') = 'on' $$;
COMMENT ON FUNCTION orgd_platform_mode() IS
    'True inside a transaction run for a platform operator (tenant management only).';

CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE
                CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name        text NOT NULL CONSTRAINT tenants_name_length CHECK (length(name) BETWEEN 1 AND 200),
    status      text NOT NULL DEFAULT 'active' CONSTRAINT tenants_status CHECK (status IN ('active', 'suspended')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tenants IS 'One company. A suspended tenant keeps its data; its requests are refused with 403.';
COMMENT ON COLUMN tenants.slug IS 'The name users type at sign-in; lower case, digits and hyphens.';

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenants_visible ON tenants
    USING (orgd_platform_mode() OR id = orgd_current_tenant())
    WITH CHECK (orgd_platform_mode());

CREATE TABLE platform_keys (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    digest      bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
COMMENT ON TABLE platform_keys IS 'Keys of platform operators. Only the SHA-256 digest of a key is stored.';
ALTER TABLE platform_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY platform_keys_platform_only ON platform_keys USING (orgd_platform_mode());

-- Sign-in and token checks happen before the tenant is known to be the caller's; these two
-- functions answer exactly one narrow question each, as the owner, and nothing more.
CREATE FUNCTION orgd_tenant_by_slug(p_slug text) RETURNS TABLE (id uuid, status text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id, status FROM tenants WHERE slug = p_slug $$;
COMMENT ON FUNCTION orgd_tenant_by_slug(text) IS 'Sign-in: a tenant''s id and status from its slug.';

CREATE FUNCTION orgd_tenant_status(p_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT status FROM tenants WHERE id = p_id $$;
COMMENT ON FUNCTION orgd_tenant_status(uuid) IS 'Token checks: whether the token''s tenant exists and is active.';

CREATE FUNCTION orgd_platform_key(p_digest bytea) RETURNS TABLE (id uuid, name text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id, name FROM platform_keys WHERE digest = p_digest AND revoked_at IS NULL $$;
COMMENT ON FUNCTION orgd_platform_key(bytea) IS 'The live platform key with this digest, if any.';

REVOKE ALL ON FUNCTION orgd_tenant_by_slug(text), orgd_tenant_status(uuid), orgd_platform_key(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orgd_tenant_by_slug(text), orgd_tenant_status(uuid), orgd_platform_key(bytea) TO orgd_app;
