-- Assignments: a person holds a position over a range of days, as their primary post, a
-- concurrent post (兼任) or acting. Vacancies are never stored: they are headcount minus holders.

CREATE TABLE assignments (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    person_id    uuid NOT NULL,
    position_id  uuid NOT NULL,
    kind         text NOT NULL CONSTRAINT assignments_kind CHECK (kind IN ('primary', 'concurrent', 'acting')),
    valid        daterange NOT NULL,
    region_id    uuid,
    revision     integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    CONSTRAINT assignments_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT assignments_acting_ends CHECK (kind <> 'acting' OR NOT upper_inf(valid)),
    CONSTRAINT assignments_one_primary EXCLUDE USING gist (tenant_id WITH =, person_id WITH =, valid WITH &&) WHERE (kind = 'primary'),
    CONSTRAINT assignments_seat_once EXCLUDE USING gist (tenant_id WITH =, person_id WITH =, position_id WITH =, valid WITH &&)
);
CREATE INDEX assignments_position ON assignments USING gist (tenant_id, position_id, valid);
CREATE INDEX assignments_person ON assignments (tenant_id, person_id);
COMMENT ON TABLE assignments IS 'A person in a position from lower(valid) to upper(valid) (exclusive; open-ended while held). Headcount is enforced by the server under a row lock on the position.';
COMMENT ON COLUMN assignments.region_id IS 'For posts whose headcount is per region: the region this holder covers.';
COMMENT ON CONSTRAINT assignments_one_primary ON assignments IS 'At most one primary post per person on any day.';
COMMENT ON CONSTRAINT assignments_seat_once ON assignments IS 'A person holds a given position at most once on any day.';
COMMENT ON CONSTRAINT assignments_acting_ends ON assignments IS 'Acting assignments have an end date, on which they end by themselves.';

ALTER TABLE assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY assignments_tenant_isolation ON assignments
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
