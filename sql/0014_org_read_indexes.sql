-- B-tree indexes for the org-chart reads (tree, headcount, exports, holders).
--
-- Row-level security adds `tenant_id = orgd_current_tenant()` to every query, and Postgres only
-- lets a query's own conditions become index conditions under it when their operators are
-- leakproof: uuid equality is, ltree's `<@` and a range's `@>` are not. So the chart reads look
-- rows up by uuid (`position_id = ANY ($1)`, `unit_id = ANY ($1)`) and test the day afterwards.
-- The tenant-led btree_gist indexes from 0010 and 0012 answer such probes slowly (0.05–0.1 ms
-- each at 100,000 rows per tenant) and cannot take an array of ids in one index scan; a b-tree
-- can. The planner costs a GiST and a b-tree probe alike and keeps the older index on a tie, so
-- position_versions_unit (GiST, 0010) is replaced rather than joined: with both, generic plans
-- of `unit_id = ANY ($2)` went back to it (10 ms instead of 2 for a 50-unit chart). The GiST
-- indexes behind exclusion constraints stay; assignments_position stays too, since the covering
-- b-tree below wins for `position_id = ANY` (it needs no heap fetch).

CREATE INDEX assignments_position_holders ON assignments (tenant_id, position_id) INCLUDE (valid, person_id, kind, id);
COMMENT ON INDEX assignments_position_holders IS
    'Holders of a set of positions (position_id = ANY): one index-only scan for the chart''s holders and filled counts; valid, person_id, kind and id are included so the heap is not read.';

CREATE INDEX position_versions_unit_ids ON position_versions (tenant_id, unit_id);
COMMENT ON INDEX position_versions_unit_ids IS
    'Positions of a unit or a set of units (unit_id = ANY) for the chart reads; replaces the GiST position_versions_unit, which answered them a slow probe per unit.';
DROP INDEX position_versions_unit;
