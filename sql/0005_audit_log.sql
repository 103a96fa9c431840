-- The audit log: one append-only table for every mutation and every refused attempt.
-- orgd_app may INSERT and SELECT it and nothing else; no trigger or function of orgd updates
-- or deletes it. Rows of tenant actions carry the tenant; platform actions have tenant_id NULL
-- and are visible only in platform mode.

CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id      uuid,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_kind     text NOT NULL CONSTRAINT audit_log_actor_kind CHECK (actor_kind IN ('user', 'api_key', 'platform', 'anonymous', 'system')),
    actor_id       uuid,
    action         text NOT NULL,          -- e.g. "user.create", "auth.login"
    resource_type  text NOT NULL,
    resource_id    text,
    outcome        text NOT NULL CONSTRAINT audit_log_outcome CHECK (outcome IN ('ok', 'refused', 'failed')),
    reason         jsonb,                   -- why a refusal: the policy's code, rule and values
    before         jsonb,
    after          jsonb,
    request_id     text,
    client_addr    text,
    PRIMARY KEY (id)
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, id);
CREATE INDEX audit_log_tenant_resource ON audit_log (tenant_id, resource_type, resource_id, id);
CREATE INDEX audit_log_tenant_actor ON audit_log (tenant_id, actor_id, id);
COMMENT ON TABLE audit_log IS 'Append-only record of changes and refused attempts; the server role cannot update or delete it.';

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT
    USING (tenant_id = orgd_current_tenant() OR (tenant_id IS NULL AND orgd_platform_mode()));
CREATE POLICY audit_log_append ON audit_log FOR INSERT
    WITH CHECK (tenant_id = orgd_current_tenant() OR (tenant_id IS NULL AND orgd_platform_mode())
                OR (orgd_platform_mode() AND orgd_current_tenant() IS NULL));

-- Default privileges gave orgd_app UPDATE and DELETE: take them back.
REVOKE ALL ON audit_log FROM orgd_app;
GRANT SELECT, INSERT ON audit_log TO orgd_app;
