-- Grade ladders, roles and grants: what the policy module decides with. Each tenant has one
-- ladder (ordered tiers, each with numbered levels), its own roles (named permission sets with
-- an optional minimum grade) and grants (a role given to a user or API key over a scope).

CREATE TABLE grade_ladders (
    tenant_id        uuid PRIMARY KEY REFERENCES tenants (id),
    tiers            jsonb NOT NULL,       -- [{"tier": "A+", "levels": 9}, {"tier": "A", "levels": 2}, ...], highest first
    restructure_tier text NOT NULL DEFAULT 'A+',   -- the tier an actor needs to restructure the top of the tree
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT grade_ladders_tiers_array CHECK (jsonb_typeof(tiers) = 'array' AND jsonb_array_length(tiers) BETWEEN 1 AND 20)
);
COMMENT ON TABLE grade_ladders IS 'A tenant''s grade ladder. A+ outranks A outranks a outranks B+ in the default; inside a tier a smaller level outranks a larger.';

CREATE TABLE roles (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL DEFAULT gen_random_uuid(),
    name           text NOT NULL CONSTRAINT roles_name_length CHECK (length(name) BETWEEN 1 AND 100),
    description    text NOT NULL DEFAULT '',
    permissions    text[] NOT NULL,
    minimum_grade  text,
    builtin        boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX roles_name_unique ON roles (tenant_id, lower(name));
COMMENT ON TABLE roles IS 'Named permission sets of a tenant. Permission names come from orgd''s catalog (docs/permissions.md).';
COMMENT ON COLUMN roles.builtin IS 'Created with the tenant (administrator, hr, regional manager, auditor, viewer).';

CREATE TABLE grants (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    subject_kind  text NOT NULL CONSTRAINT grants_subject_kind CHECK (subject_kind IN ('user', 'api_key')),
    subject_id    uuid NOT NULL,
    role_id       uuid NOT NULL,
    scope_kind    text NOT NULL CONSTRAINT grants_scope_kind CHECK (scope_kind IN ('tenant', 'unit', 'region')),
    scope_id      uuid,                  -- the unit or region at the top of the scope
    scope_path    text[],                -- ids from the root down to scope_id, for the policy's prefix test
    expires_at    timestamptz,
    granted_by    uuid,                  -- the user who granted it; NULL for grants made at tenant creation
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id),
    CONSTRAINT grants_scope_shape CHECK ((scope_kind = 'tenant') = (scope_id IS NULL))
);
CREATE INDEX grants_subject ON grants (tenant_id, subject_id);
COMMENT ON TABLE grants IS 'A role given to a user or API key over the whole tenant, a unit subtree or a region subtree. Revoking deletes the row; the audit log keeps its history.';

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['grade_ladders', 'roles', 'grants'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;

-- Every change that can alter who may do what tells every orgd instance to drop that tenant's
-- cached principals: NOTIFY orgd_access with the tenant id. Delivered at commit, so a cache is
-- never refreshed from a transaction that then rolls back.
CREATE FUNCTION orgd_notify_access_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('orgd_access', coalesce(NEW.tenant_id, OLD.tenant_id)::text);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION orgd_notify_access_change() IS 'Cache invalidation across orgd instances: a tenant''s credentials, grants, roles or ladder changed.';

CREATE FUNCTION orgd_notify_tenant_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('orgd_access', NEW.id::text);
    RETURN NULL;
END
$$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'api_keys', 'grade_ladders', 'roles', 'grants'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION orgd_notify_access_change()',
                       t || '_notify_access', t);
    END LOOP;
END
$$;
CREATE TRIGGER grants_notify_insert AFTER INSERT ON grants FOR EACH ROW EXECUTE FUNCTION orgd_notify_access_change();
CREATE TRIGGER tenants_notify_access AFTER UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION orgd_notify_tenant_change();
