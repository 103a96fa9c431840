-- Positions (岗位): seats in a unit with a grade, a headcount (编制), numbered duties (岗位职责),
-- deliverable forms, a kind and a reporting line. Effective-dated like units: `positions` is the
-- identity and revision, `position_versions` the state over ranges of days.

CREATE TABLE positions (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    revision    integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE positions IS 'A position''s identity; its state over time is in position_versions; revision is the ETag.';

CREATE TABLE position_versions (
    tenant_id        uuid NOT NULL,
    position_id      uuid NOT NULL,
    valid            daterange NOT NULL,
    unit_id          uuid NOT NULL,
    title            text NOT NULL CONSTRAINT position_versions_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    grade            text,
    headcount_kind   text NOT NULL CONSTRAINT position_versions_headcount_kind CHECK (headcount_kind IN ('exact', 'range', 'unbounded', 'per_region')),
    headcount_min    integer,
    headcount_max    integer,
    duties           jsonb NOT NULL DEFAULT '[]' CONSTRAINT position_versions_duties_array CHECK (jsonb_typeof(duties) = 'array'),
    forms            jsonb NOT NULL DEFAULT '[]' CONSTRAINT position_versions_forms_array CHECK (jsonb_typeof(forms) = 'array'),
    kind             text NOT NULL DEFAULT 'regular' CONSTRAINT position_versions_kind CHECK (kind IN ('regular', 'head', 'trainee')),
    reports_to       uuid,
    span_min         integer,
    span_max         integer,
    sort_order       integer NOT NULL DEFAULT 0,
    archived         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, position_id, valid),
    FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, reports_to) REFERENCES positions (tenant_id, id),
    CONSTRAINT position_versions_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT position_versions_headcount_shape CHECK (
        CASE headcount_kind
            WHEN 'exact' THEN headcount_min >= 0 AND headcount_max = headcount_min
            WHEN 'range' THEN headcount_min >= 0 AND headcount_max >= headcount_min
            WHEN 'unbounded' THEN headcount_min IS NULL AND headcount_max IS NULL
            WHEN 'per_region' THEN headcount_min >= 1 AND headcount_max = headcount_min
        END),
    CONSTRAINT position_versions_span CHECK (coalesce(span_min, 0) >= 0 AND (span_max IS NULL OR span_max >= coalesce(span_min, 0))),
    CONSTRAINT position_versions_not_own_manager CHECK (reports_to IS DISTINCT FROM position_id),
    CONSTRAINT position_versions_one_at_a_time EXCLUDE USING gist (tenant_id WITH =, position_id WITH =, valid WITH &&)
);
CREATE INDEX position_versions_unit ON position_versions USING gist (tenant_id, unit_id, valid);
CREATE INDEX position_versions_reports_to ON position_versions (tenant_id, reports_to) WHERE reports_to IS NOT NULL;
COMMENT ON TABLE position_versions IS 'What a position looked like over valid (lower inclusive, upper exclusive; open for the current state).';
COMMENT ON COLUMN position_versions.grade IS 'Grade text on the tenant''s ladder (A+1 … B+5 by default); validated by the server against the ladder in force.';
COMMENT ON COLUMN position_versions.headcount_min IS 'exact: n (max = n); range: the lower bound; per_region: seats per region covered (max = n); unbounded ("N名"): NULL.';
COMMENT ON COLUMN position_versions.reports_to IS 'The position this one reports to: a second tree beside the unit tree; the server refuses cycles.';
COMMENT ON CONSTRAINT position_versions_headcount_shape ON position_versions IS 'Headcounts are never negative and a range is never inverted; the shape fits the kind.';
COMMENT ON CONSTRAINT position_versions_span ON position_versions IS 'Span-of-control bounds (e.g. 15–20 direct reports) are not negative or inverted.';

CREATE FUNCTION orgd_split_position_versions(p_positions uuid[], p_on date) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v position_versions;
BEGIN
    FOR v IN SELECT * FROM position_versions WHERE position_id = ANY (p_positions) AND valid @> p_on AND lower(valid) < p_on FOR UPDATE LOOP
        UPDATE position_versions SET valid = daterange(lower(v.valid), p_on)
        WHERE tenant_id = v.tenant_id AND position_id = v.position_id AND valid = v.valid;
        v.valid := daterange(p_on, upper(v.valid));
        INSERT INTO position_versions SELECT v.*;
    END LOOP;
END
$$;
COMMENT ON FUNCTION orgd_split_position_versions(uuid[], date) IS 'Cuts the versions of these positions that straddle p_on into a part before and a part from p_on.';

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['positions', 'position_versions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;
