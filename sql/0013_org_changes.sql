-- The org chart's change history by effective date: what `GET /v1/org/changes?from=&to=` lists.
-- Append-only like the audit log (which records when a change was made and by whom); this table
-- records the day it takes effect, so a change entered today for next month is listed next month.

CREATE TABLE org_changes (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    effective_on   date NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid,
    action         text NOT NULL,          -- e.g. "unit.move", "assignment.create"
    resource_type  text NOT NULL,          -- unit, position, person, assignment, handoff, region
    resource_id    uuid NOT NULL,
    before         jsonb,
    after          jsonb,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX org_changes_effective ON org_changes (tenant_id, effective_on, id);
CREATE INDEX org_changes_resource ON org_changes (tenant_id, resource_type, resource_id);
COMMENT ON TABLE org_changes IS 'Every org-chart change with the day it takes effect, oldest first by (effective_on, id). Append-only: the server role may insert and read only.';

ALTER TABLE org_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY org_changes_tenant_isolation ON org_changes
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
REVOKE ALL ON org_changes FROM orgd_app;
GRANT SELECT, INSERT ON org_changes TO orgd_app;
