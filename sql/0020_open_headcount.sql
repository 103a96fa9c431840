-- "At least n" headcounts (2名以上, e.g. board members): a range without a maximum. The shape
-- check said so only by accident (a NULL max made the CHECK unknown, which passes); it now says
-- it on purpose, and still refuses an inverted range.

ALTER TABLE position_versions DROP CONSTRAINT position_versions_headcount_shape;
ALTER TABLE position_versions ADD CONSTRAINT position_versions_headcount_shape CHECK (
    CASE headcount_kind
        WHEN 'exact' THEN headcount_min >= 0 AND headcount_max = headcount_min
        WHEN 'range' THEN headcount_min >= 0 AND (headcount_max IS NULL OR headcount_max >= headcount_min)
        WHEN 'unbounded' THEN headcount_min IS NULL AND headcount_max IS NULL
        WHEN 'per_region' THEN headcount_min >= 1 AND headcount_max = headcount_min
    END IS TRUE);
COMMENT ON CONSTRAINT position_versions_headcount_shape ON position_versions IS 'Headcounts are never negative and a range is never inverted; the shape fits the kind. A range without a maximum is "at least headcount_min" (n+, 2名以上).';
COMMENT ON COLUMN position_versions.headcount_max IS 'exact and per_region: = headcount_min; range: the upper bound, NULL for "at least headcount_min" (n+); unbounded: NULL.';
