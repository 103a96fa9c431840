-- Reorganisation scenarios: a named draft of org-chart changes with an effective date, owned by
-- its author, that no live read sees. A scenario is read by replaying its changes, in order,
-- through the live write statements inside a savepoint that is rolled back (OrgChart/Scenario*),
-- so `?scenario=ID` shows the org as it would be; applying it replays them once more and commits.
--
-- The lifecycle: draft ─► submitted ─► approved ─► applied, or ─► rejected (a rejected or applied
-- scenario is final). An approved scenario whose day has not come waits for the scheduler
-- (every minute on loop 0) or `orgd scenarios apply-due`; both claim it with FOR UPDATE SKIP
-- LOCKED, so exactly one instance applies it. A conflict at apply leaves it approved with
-- last_error set and nothing changed.
--
-- Sizes: a scenario is hand-drafted (tens of changes; the benchmark's 500 is the large case), a
-- tenant keeps tens of them: the primary keys and the one due index below are all reads need.

CREATE TABLE scenarios (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    name            text NOT NULL CONSTRAINT scenarios_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description     text NOT NULL DEFAULT '' CONSTRAINT scenarios_description_length CHECK (length(description) <= 5000),
    effective_date  date NOT NULL,
    state           text NOT NULL DEFAULT 'draft'
                    CONSTRAINT scenarios_state CHECK (state IN ('draft', 'submitted', 'approved', 'rejected', 'applied')),
    author_id       uuid NOT NULL,              -- the user who drafted it
    approver_id     uuid,                       -- the user who approved or rejected it
    decision_note   text NOT NULL DEFAULT '' CONSTRAINT scenarios_decision_note_length CHECK (length(decision_note) <= 2000),
    last_error      jsonb,                      -- the problem of the last failed apply (a conflict), cleared by a good one
    applied_at      timestamptz,
    revision        integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- The scheduler's question, across tenants (it runs as each tenant in turn): approved and due.
CREATE INDEX scenarios_due ON scenarios (effective_date) WHERE state = 'approved';
COMMENT ON TABLE scenarios IS 'A named draft of org-chart changes effective on one day: invisible to live reads until applied; revision is its ETag (the scenario and its changes).';

CREATE TABLE scenario_changes (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    scenario_id  uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    seq          integer NOT NULL,              -- the order they are replayed in
    type         text NOT NULL CONSTRAINT scenario_changes_type CHECK (type IN ('unit.create', 'unit.update', 'unit.move',
                 'unit.merge', 'unit.archive', 'position.create', 'position.update', 'position.move', 'position.archive',
                 'assignment.create', 'assignment.end', 'handoff.create')),
    target_id    uuid,                          -- the unit, position or assignment changed; NULL for a creation
    body         jsonb NOT NULL CONSTRAINT scenario_changes_body_object CHECK (jsonb_typeof(body) = 'object'),
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, scenario_id) REFERENCES scenarios (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX scenario_changes_order ON scenario_changes (tenant_id, scenario_id, seq);
COMMENT ON TABLE scenario_changes IS 'One change of a scenario: the live endpoint''s type, its target and its JSON body (without effective_date: the scenario''s day is used), replayed in seq order.';

CREATE TABLE scenario_settings (
    tenant_id            uuid PRIMARY KEY REFERENCES tenants (id),
    allow_self_approval  boolean NOT NULL DEFAULT false,
    revision             integer NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE scenario_settings IS 'A tenant''s scenario rules; no row means the default (an author may not approve their own scenario).';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['scenarios', 'scenario_changes', 'scenario_settings'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO orgd_app', t);
    END LOOP;
END
$$;

-- The scheduler's one question across tenants: which tenants are active, to look for due
-- scenarios as each in turn (scenarios are under forced RLS, so it cannot look across them).
CREATE FUNCTION orgd_active_tenants() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id FROM tenants WHERE status = 'active' ORDER BY id $$;
COMMENT ON FUNCTION orgd_active_tenants() IS 'The scenario scheduler: the ids of active tenants, nothing else.';
REVOKE ALL ON FUNCTION orgd_active_tenants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION orgd_active_tenants() TO orgd_app;
