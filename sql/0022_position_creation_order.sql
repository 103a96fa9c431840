-- Positions in creation order: a unit may hold several posts of one title (two 客服专员 with
-- different grades), which files tell apart by their number among that title ("title_no":
-- the 1st, 2nd … by sort order, then creation order). A random id cannot order them the same way
-- in another tenant an export is imported into; this sequence, filled as rows are created (and
-- an import creates them in file order), can.

ALTER TABLE positions ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX positions_seq ON positions (tenant_id, seq);
COMMENT ON COLUMN positions.seq IS 'Creation order within the deployment; orders posts of the same title in a unit (after sort_order) for their title_no in exports and imports.';
