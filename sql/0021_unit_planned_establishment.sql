-- A unit's planned establishment (满额配置, e.g. "满额配置: 21人" for a call center): the staff it
-- is planned to have when full, stated by the unit itself rather than summed from its posts. It
-- is dated like the unit's other fields; the headcount report sets it against the sum of the
-- posts' establishments and the holders.

ALTER TABLE unit_versions ADD COLUMN planned_establishment integer
    CONSTRAINT unit_versions_planned_establishment CHECK (planned_establishment BETWEEN 0 AND 1000000);
COMMENT ON COLUMN unit_versions.planned_establishment IS 'The planned full establishment of the unit and its sub-units (满额配置), NULL when not stated.';
COMMENT ON CONSTRAINT unit_versions_planned_establishment ON unit_versions IS 'A planned establishment is a count: not negative, at most 1,000,000.';
