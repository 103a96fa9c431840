-- The covering index of a chart's holders (0014) gains region_id, which holders of per-region
-- posts now carry (Holders.fetch). Without it the holders query could no longer be answered from
-- the index alone and the planner fell back to the GiST assignments_position: 29 ms instead of
-- 3 ms for the 250 seats of a 50-unit chart in the benchmark's big company (bench/org.sh).

CREATE INDEX assignments_position_holders_r ON assignments (tenant_id, position_id) INCLUDE (valid, person_id, kind, id, region_id);
DROP INDEX assignments_position_holders;
ALTER INDEX assignments_position_holders_r RENAME TO assignments_position_holders;
COMMENT ON INDEX assignments_position_holders IS
    'Holders of a set of positions (position_id = ANY): one index-only scan for the chart''s holders and filled counts; valid, person_id, kind, id and region_id are included so the heap is not read.';
