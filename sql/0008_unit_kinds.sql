-- The tenant's own words for kinds of unit, beyond the defaults every tenant has (board, office,
-- center, department, room, group, regional_office): e.g. "alliance", "secretariat", "substation".

CREATE TABLE unit_kinds (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    name        text NOT NULL CONSTRAINT unit_kinds_name_format CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    label       text NOT NULL DEFAULT '' CONSTRAINT unit_kinds_label_length CHECK (length(label) <= 100),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
COMMENT ON TABLE unit_kinds IS 'Kinds of unit a tenant adds to the defaults (board, office, center, department, room, group, regional_office); unit_versions.kind must be a default or one of these (checked by the server).';
COMMENT ON COLUMN unit_kinds.label IS 'How the tenant writes the kind, e.g. 分站 for "substation".';

ALTER TABLE unit_kinds ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_kinds FORCE ROW LEVEL SECURITY;
CREATE POLICY unit_kinds_tenant_isolation ON unit_kinds
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
