-- Synthetic org charts for bench/org.sh, generated set-based as the owner role. Row-level
-- security is forced even for the owner, so each company is written with its tenant set.
-- A company is a root (board) with `divisions` centers, each with `departments` departments of
-- `groups` groups: a division of 20 × (1 + 49) + 1 = 1,001 units, a department of 50. Every unit
-- has 5 positions (a head reporting to the parent's head, 4 posts reporting to the head; the
-- last has 3 seats) and 5 people, 4 of them appointed: every unit has 1 vacant post and 2
-- vacant seats of the 3-seat post.

SET client_min_messages = warning;

CREATE FUNCTION pg_temp.bench_company(p_tenant uuid, p_divisions int, p_departments int, p_groups int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    division_size int := 1 + p_departments * (1 + p_groups);
BEGIN
    PERFORM set_config('orgd.tenant_id', p_tenant::text, true);
    DROP TABLE IF EXISTS g_units, g_positions;
    CREATE TEMP TABLE g_units AS
        SELECT 0 AS n, NULL::int AS parent, 1 AS level, gen_random_uuid() AS id
        UNION ALL
        SELECT 1 + d * division_size, 0, 2, gen_random_uuid() FROM generate_series(0, p_divisions - 1) d
        UNION ALL
        SELECT 2 + d * division_size + j * (1 + p_groups), 1 + d * division_size, 3, gen_random_uuid()
        FROM generate_series(0, p_divisions - 1) d, generate_series(0, p_departments - 1) j
        UNION ALL
        SELECT 3 + d * division_size + j * (1 + p_groups) + g, 2 + d * division_size + j * (1 + p_groups), 4, gen_random_uuid()
        FROM generate_series(0, p_divisions - 1) d, generate_series(0, p_departments - 1) j, generate_series(0, p_groups - 1) g;
    ALTER TABLE g_units ADD COLUMN path ltree;
    CREATE INDEX ON g_units (n);
    ANALYZE g_units;
    UPDATE g_units SET path = orgd_uuid_label(id) WHERE level = 1;
    FOR l IN 2..4 LOOP
        UPDATE g_units c SET path = p.path || orgd_uuid_label(c.id) FROM g_units p WHERE c.level = l AND p.n = c.parent;
    END LOOP;
    INSERT INTO units (tenant_id, id) SELECT p_tenant, id FROM g_units;
    INSERT INTO unit_versions (tenant_id, unit_id, valid, parent_id, path, name, code, kind, sort_order)
    SELECT p_tenant, u.id, daterange('2024-01-01', NULL), p.id, u.path,
           CASE u.level WHEN 1 THEN '总公司' WHEN 2 THEN '事业部' || u.n WHEN 3 THEN '部门' || u.n ELSE '小组' || u.n END,
           'U' || u.n, CASE u.level WHEN 1 THEN 'board' WHEN 2 THEN 'center' WHEN 3 THEN 'department' ELSE 'group' END, u.n
    FROM g_units u LEFT JOIN g_units p ON p.n = u.parent;

    CREATE TEMP TABLE g_positions AS
        SELECT u.n, u.parent, k, gen_random_uuid() AS id, u.id AS unit_id, gen_random_uuid() AS person_id
        FROM g_units u, generate_series(0, 4) k;
    CREATE INDEX ON g_positions (n, k);
    ANALYZE g_positions;
    INSERT INTO positions (tenant_id, id) SELECT p_tenant, id FROM g_positions;
    INSERT INTO position_versions (tenant_id, position_id, valid, unit_id, title, grade, headcount_kind, headcount_min,
                                   headcount_max, kind, reports_to, sort_order)
    SELECT p_tenant, g.id, daterange('2024-01-01', NULL), g.unit_id, CASE g.k WHEN 0 THEN '负责人' ELSE '岗位' || g.k END,
           'B+' || (g.k + 1), 'exact', CASE WHEN g.k = 4 THEN 3 ELSE 1 END, CASE WHEN g.k = 4 THEN 3 ELSE 1 END,
           CASE WHEN g.k = 0 THEN 'head' ELSE 'regular' END, CASE WHEN g.k = 0 THEN ph.id ELSE h.id END, g.k
    FROM g_positions g JOIN g_positions h ON h.n = g.n AND h.k = 0
    LEFT JOIN g_positions ph ON ph.n = g.parent AND ph.k = 0;
    INSERT INTO people (tenant_id, id, employee_no, name)
    SELECT p_tenant, person_id, 'E' || n || '-' || k, '员工' || n || '-' || k FROM g_positions;
    INSERT INTO assignments (tenant_id, person_id, position_id, kind, valid)
    SELECT p_tenant, person_id, id, 'primary', daterange('2024-01-01', NULL) FROM g_positions WHERE k <> 3;
    DROP TABLE g_units, g_positions;
END
$$;

-- The 998 small companies: 21 units each (a root, a center, a department of 18 groups).
\ir fillers.sql
DO $$ BEGIN PERFORM pg_temp.bench_fillers(998, 'pg_temp.bench_company(%L, 1, 1, 18)'); END $$;
