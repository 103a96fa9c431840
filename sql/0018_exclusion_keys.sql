-- Exclusion constraints keep their rules but stop competing with the b-trees for reads.
--
-- A version table's "one version at a time" rule is an exclusion constraint over
-- (tenant_id, id, valid), and its GiST index answered every lookup by id as well: under
-- row-level security only leakproof operators become index conditions (uuid equality is, a
-- range's @> is not), so the GiST and the b-tree primary key take exactly the same conditions,
-- the planner costs them alike, and it took the GiST. A GiST probe through btree_gist costs
-- 10–20 µs here against 2–3 µs for a b-tree; on the 4,004 holders of a 1,001-unit chart that
-- was 55–90 ms per lookup (bench/org.sh, big company, tables not yet all-visible).
--
-- Keyed on one text expression (`orgd_key(tenant_id, id)`, which no query writes; uuids print at
-- a fixed width, so distinct tuples never share a key), the constraints enforce the same rules,
-- their names and SQLSTATE are unchanged (the API maps 23P01 by name), and lookups by id go to
-- the b-trees. The GiST assignments_position, a plain index, is dropped:
-- assignments_position_holders (0016) answers every lookup it could.
--
-- Rebuilding the six GiST indexes locks their tables meanwhile: 46 s for the benchmark's 1,000
-- tenants (42,000 unit versions, 210,000 position and person versions, 168,000 assignments),
-- so migrate at a quiet hour. The version still running keeps working with the new
-- constraints: their names and rules are the same.
--
-- The code rules (unit_versions_code_unique, region_versions_code_unique) and unit_handoffs_once
-- stay as they are: for lookups by code or by source unit their GiST is the only index.

CREATE FUNCTION orgd_key(uuid, uuid) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT $1::text || '/' || $2::text $$;
CREATE FUNCTION orgd_key(uuid, uuid, uuid) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT $1::text || '/' || $2::text || '/' || $3::text $$;
COMMENT ON FUNCTION orgd_key(uuid, uuid) IS
    'One text key for a pair of uuids, for exclusion constraints that reads must not use as an index (sql/0018).';
COMMENT ON FUNCTION orgd_key(uuid, uuid, uuid) IS
    'One text key for three uuids, for exclusion constraints that reads must not use as an index (sql/0018).';

ALTER TABLE unit_versions
    DROP CONSTRAINT unit_versions_one_at_a_time,
    ADD CONSTRAINT unit_versions_one_at_a_time EXCLUDE USING gist (orgd_key(tenant_id, unit_id) WITH =, valid WITH &&);

ALTER TABLE position_versions
    DROP CONSTRAINT position_versions_one_at_a_time,
    ADD CONSTRAINT position_versions_one_at_a_time EXCLUDE USING gist (orgd_key(tenant_id, position_id) WITH =, valid WITH &&);

ALTER TABLE person_versions
    DROP CONSTRAINT person_versions_one_at_a_time,
    ADD CONSTRAINT person_versions_one_at_a_time EXCLUDE USING gist (orgd_key(tenant_id, person_id) WITH =, valid WITH &&);

ALTER TABLE region_versions
    DROP CONSTRAINT region_versions_one_at_a_time,
    ADD CONSTRAINT region_versions_one_at_a_time EXCLUDE USING gist (orgd_key(tenant_id, region_id) WITH =, valid WITH &&);

ALTER TABLE assignments
    DROP CONSTRAINT assignments_one_primary,
    ADD CONSTRAINT assignments_one_primary EXCLUDE USING gist (orgd_key(tenant_id, person_id) WITH =, valid WITH &&)
        WHERE (kind = 'primary'),
    DROP CONSTRAINT assignments_seat_once,
    ADD CONSTRAINT assignments_seat_once EXCLUDE USING gist (orgd_key(tenant_id, person_id, position_id) WITH =, valid WITH &&);

DROP INDEX assignments_position;
