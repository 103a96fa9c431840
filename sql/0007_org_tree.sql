-- The two trees every scope hangs on: a tenant's regions and its units (单位/部门/室/组).
--
-- Units are effective-dated. `units` holds a unit's identity and its revision (the ETag);
-- `unit_versions` holds what the unit looked like over a range of days: name, code, parent,
-- ltree path, kind, tier, role label, numbered functions, region, sort order, archived. Exactly
-- one version covers any day from the unit's first day on (an exclusion constraint), so a read
-- "as of" a day is an equality-and-containment lookup. Paths are ltree labels made of unit ids
-- without dashes, root first, so a subtree is `path <@ ancestor_path` on a GiST index.
--
-- Regions are not effective-dated: a region's row is its state on every day.

CREATE TABLE regions (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    parent_id   uuid,
    name        text NOT NULL CONSTRAINT regions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    code        text NOT NULL CONSTRAINT regions_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    path        ltree NOT NULL,
    revision    integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES regions (tenant_id, id),
    CONSTRAINT regions_path_ends_with_id CHECK (ltree2text(subpath(path, -1)) = replace(id::text, '-', ''))
);
CREATE UNIQUE INDEX regions_code_unique ON regions (tenant_id, code);
CREATE INDEX regions_path ON regions USING gist (path);
COMMENT ON TABLE regions IS 'A tenant''s region tree (sales regions, provinces, cities): where regional offices, per-region posts and region-scoped grants apply. Not effective-dated.';
COMMENT ON COLUMN regions.path IS 'ltree of region ids without dashes, root first, ending with this region''s id.';
COMMENT ON CONSTRAINT regions_path_ends_with_id ON regions IS 'The path''s last label is the region itself, so a path always names its own node.';

CREATE TABLE units (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    revision    integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE units IS 'A unit''s identity (board, office, center, department, room, group, regional office). Its state over time is in unit_versions; revision is the ETag, raised by every change.';

CREATE TABLE unit_versions (
    tenant_id    uuid NOT NULL,
    unit_id      uuid NOT NULL,
    valid        daterange NOT NULL,
    parent_id    uuid,
    path         ltree NOT NULL,
    name         text NOT NULL CONSTRAINT unit_versions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    code         text NOT NULL CONSTRAINT unit_versions_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    kind         text NOT NULL,
    tier         text,
    role_label   text CONSTRAINT unit_versions_role_label CHECK (role_label IN ('decision', 'functional_management', 'functional', 'assistant', 'business')),
    functions    jsonb NOT NULL DEFAULT '[]' CONSTRAINT unit_versions_functions_array CHECK (jsonb_typeof(functions) = 'array'),
    region_id    uuid,
    sort_order   integer NOT NULL DEFAULT 0,
    archived     boolean NOT NULL DEFAULT false,
    merged_into  uuid,
    PRIMARY KEY (tenant_id, unit_id, valid),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, parent_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_into) REFERENCES units (tenant_id, id),
    CONSTRAINT unit_versions_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT unit_versions_path_ends_with_id CHECK (ltree2text(subpath(path, -1)) = replace(unit_id::text, '-', '')),
    CONSTRAINT unit_versions_one_at_a_time EXCLUDE USING gist (tenant_id WITH =, unit_id WITH =, valid WITH &&),
    CONSTRAINT unit_versions_code_unique EXCLUDE USING gist (tenant_id WITH =, code WITH =, valid WITH &&)
);
CREATE INDEX unit_versions_path ON unit_versions USING gist (tenant_id, path, valid);
CREATE INDEX unit_versions_parent ON unit_versions (tenant_id, parent_id);
COMMENT ON TABLE unit_versions IS 'What a unit looked like from lower(valid) (inclusive) to upper(valid) (exclusive; open for the current state). A change effective on day d cuts the version covering d at d.';
COMMENT ON COLUMN unit_versions.functions IS 'The unit''s numbered functions (部门职能), an ordered JSON array of strings; item 1 is the first.';
COMMENT ON COLUMN unit_versions.tier IS 'A ladder tier name (A+, A, a, B+ …) that ranks the unit; checked against the tenant''s ladder by the server.';
COMMENT ON COLUMN unit_versions.merged_into IS 'Set on the archived versions of a unit merged into another: where its positions, children and people went.';
COMMENT ON CONSTRAINT unit_versions_one_at_a_time ON unit_versions IS 'At most one version of a unit covers any day.';
COMMENT ON CONSTRAINT unit_versions_code_unique ON unit_versions IS 'A unit code names one unit of the tenant on any day (archived units keep theirs).';
COMMENT ON CONSTRAINT unit_versions_path_ends_with_id ON unit_versions IS 'The path''s last label is the unit itself.';

-- Paths as uuid arrays, root first: what the policy module's TreePath is built from, and what
-- grants.scope_path stores. Row-level security applies (they run as the caller).
CREATE FUNCTION orgd_ltree_ids(p_path ltree) RETURNS uuid[]
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT coalesce(array_agg(label::uuid ORDER BY n), '{}')
          FROM unnest(string_to_array(ltree2text(p_path), '.')) WITH ORDINALITY AS t (label, n) $$;
COMMENT ON FUNCTION orgd_ltree_ids(ltree) IS 'An ltree of dashless uuids as a uuid array, root first.';

CREATE FUNCTION orgd_uuid_label(p_id uuid) RETURNS ltree
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT text2ltree(replace(p_id::text, '-', '')) $$;
COMMENT ON FUNCTION orgd_uuid_label(uuid) IS 'A one-label ltree naming an id (the uuid without dashes).';

CREATE FUNCTION orgd_unit_path_on(p_unit uuid, p_on date) RETURNS uuid[]
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT orgd_ltree_ids(path) FROM unit_versions WHERE unit_id = p_unit AND valid @> p_on $$;
COMMENT ON FUNCTION orgd_unit_path_on(uuid, date) IS 'The unit''s path (root first, itself last) on a day; NULL when it did not exist that day or is another tenant''s.';

CREATE FUNCTION orgd_unit_path(p_unit uuid) RETURNS uuid[]
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT orgd_ltree_ids(path) FROM unit_versions WHERE unit_id = p_unit
          ORDER BY valid @> current_date DESC, upper_inf(valid) DESC LIMIT 1 $$;
COMMENT ON FUNCTION orgd_unit_path(uuid) IS 'The unit''s path today (root first, itself last); for a unit that starts in the future, its first path. NULL for an unknown or another tenant''s unit. Used to turn a unit scope id into grants.scope_path.';

CREATE FUNCTION orgd_region_path(p_region uuid) RETURNS uuid[]
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT orgd_ltree_ids(path) FROM regions WHERE id = p_region $$;
COMMENT ON FUNCTION orgd_region_path(uuid) IS 'The region''s path (root first, itself last); NULL for an unknown or another tenant''s region.';

-- Cutting versions at a day: the version covering p_on and starting before it becomes two,
-- [lower, p_on) and [p_on, upper). Afterwards a change effective on p_on updates the versions
-- with lower(valid) >= p_on and leaves the past alone.
CREATE FUNCTION orgd_split_unit_versions(p_units uuid[], p_on date) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v unit_versions;
BEGIN
    FOR v IN SELECT * FROM unit_versions WHERE unit_id = ANY (p_units) AND valid @> p_on AND lower(valid) < p_on FOR UPDATE LOOP
        UPDATE unit_versions SET valid = daterange(lower(v.valid), p_on)
        WHERE tenant_id = v.tenant_id AND unit_id = v.unit_id AND valid = v.valid;
        v.valid := daterange(p_on, upper(v.valid));
        INSERT INTO unit_versions SELECT v.*;
    END LOOP;
END
$$;
COMMENT ON FUNCTION orgd_split_unit_versions(uuid[], date) IS 'Cuts the versions of these units that straddle p_on into a part before and a part from p_on.';

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['regions', 'units', 'unit_versions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;
