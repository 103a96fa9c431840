-- Hand-off links between units (对接部门): "operations hands work to photography". Directed,
-- separate from the tree, effective-dated like units: a link holds over `valid`.

CREATE TABLE unit_handoffs (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    from_unit_id  uuid NOT NULL,
    to_unit_id    uuid NOT NULL,
    note          text NOT NULL DEFAULT '' CONSTRAINT unit_handoffs_note_length CHECK (length(note) <= 500),
    valid         daterange NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, from_unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, to_unit_id) REFERENCES units (tenant_id, id),
    CONSTRAINT unit_handoffs_not_self CHECK (from_unit_id <> to_unit_id),
    CONSTRAINT unit_handoffs_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT unit_handoffs_once EXCLUDE USING gist (tenant_id WITH =, from_unit_id WITH =, to_unit_id WITH =, valid WITH &&)
);
CREATE INDEX unit_handoffs_to ON unit_handoffs (tenant_id, to_unit_id);
COMMENT ON TABLE unit_handoffs IS 'Directed hand-off links (对接部门) from one unit to another, holding over valid; removing a link ends its range, so past charts keep it.';
COMMENT ON CONSTRAINT unit_handoffs_once ON unit_handoffs IS 'One link per ordered pair of units on any day.';
COMMENT ON CONSTRAINT unit_handoffs_not_self ON unit_handoffs IS 'A unit does not hand work to itself.';

ALTER TABLE unit_handoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_handoffs FORCE ROW LEVEL SECURITY;
CREATE POLICY unit_handoffs_tenant_isolation ON unit_handoffs
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
