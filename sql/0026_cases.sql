-- Customer cases (客户问题/工单): the source document's issue flow from receipt to the follow-up
-- call (回访), with the warranty decision, dispatch to a site of the service network, SLA clocks
-- that pause, and the monthly quality report. Every table is a tenant table under forced RLS.

-- The tenant's case settings: the number prefix, and the lowest tier that may decide a free
-- repair of a human-caused fault (NULL: the ladder's second tier, A on the standard ladder).
CREATE TABLE case_settings (
    tenant_id            uuid PRIMARY KEY REFERENCES tenants (id),
    number_prefix        text NOT NULL DEFAULT 'CS' CONSTRAINT case_settings_prefix_format CHECK (number_prefix ~ '^[A-Z][A-Z0-9]{0,7}$'),
    free_repair_tier     text,
    revision             integer NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE case_settings IS 'A tenant''s case rules; no row means the defaults (prefix CS, free repair of a human fault from the ladder''s second tier).';

-- Subcategories of the three categories, the tenant's vocabulary.
CREATE TABLE case_subcategories (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    category     text NOT NULL CONSTRAINT case_subcategories_category CHECK (category IN ('platform', 'equipment', 'other')),
    code         text NOT NULL CONSTRAINT case_subcategories_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name         text NOT NULL CONSTRAINT case_subcategories_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    PRIMARY KEY (tenant_id, category, code)
);
COMMENT ON TABLE case_subcategories IS 'The tenant''s subcategories of platform, equipment and other issues.';

-- Warranty months per product line (a product line of the network's vocabulary).
CREATE TABLE product_warranties (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    product_line     text NOT NULL,
    warranty_months  integer NOT NULL CONSTRAINT product_warranties_months_range CHECK (warranty_months BETWEEN 0 AND 240),
    PRIMARY KEY (tenant_id, product_line)
);
COMMENT ON TABLE product_warranties IS 'How many months from purchase a product line is under warranty; a line without a row has none.';

-- SLA: how long a case may stay in a state, per category (NULL: before it is classified, or for
-- every category without its own rule).
CREATE TABLE case_sla_rules (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    category     text CONSTRAINT case_sla_rules_category CHECK (category IN ('platform', 'equipment', 'other')),
    state        text NOT NULL CONSTRAINT case_sla_rules_state CHECK (state IN ('received', 'classified', 'forwarded',
                 'warranty_decided', 'owner_notified', 'dispatched', 'site_reported', 'resolved')),
    hours        numeric(7, 2) NOT NULL CONSTRAINT case_sla_rules_hours_range CHECK (hours > 0 AND hours <= 8760),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX case_sla_rules_once ON case_sla_rules (tenant_id, coalesce(category, ''), state);
COMMENT ON TABLE case_sla_rules IS 'The time a case may spend in a state (per category, or for all when category is NULL); the clock pauses while the case waits.';

-- The flow's moves: a case's state changes only along a row (trigger below); CaseFlow holds the same.
CREATE TABLE case_state_moves (
    from_state  text NOT NULL,
    to_state    text NOT NULL,
    PRIMARY KEY (from_state, to_state)
);
INSERT INTO case_state_moves VALUES
    ('received', 'classified'),
    ('classified', 'resolved'), ('classified', 'forwarded'), ('classified', 'warranty_decided'),
    ('forwarded', 'resolved'),
    ('warranty_decided', 'owner_notified'), ('owner_notified', 'dispatched'), ('dispatched', 'site_reported'),
    ('site_reported', 'resolved'),
    ('resolved', 'closed'), ('resolved', 'dispatched'), ('resolved', 'forwarded'), ('resolved', 'classified'),
    ('closed', 'archived');
COMMENT ON TABLE case_state_moves IS 'The customer-issue flow (CaseFlow in the sources): the only changes of state a case may make. Shared by every tenant, read-only to orgd.';
REVOKE ALL ON case_state_moves FROM orgd_app;
GRANT SELECT ON case_state_moves TO orgd_app;

-- Human-readable numbers, per tenant and year: CS-2026-000123. The counter row is locked while a
-- case is created, so numbers are unique; a rolled-back creation leaves a gap, which is allowed.
CREATE TABLE case_numbers (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    year        integer NOT NULL,
    last        integer NOT NULL,
    PRIMARY KEY (tenant_id, year)
);
COMMENT ON TABLE case_numbers IS 'The last case number given per tenant and year.';

CREATE TABLE cases (
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    id                   uuid NOT NULL DEFAULT gen_random_uuid(),
    number               text NOT NULL,
    state                text NOT NULL DEFAULT 'received' CONSTRAINT cases_state CHECK (state IN ('received', 'classified',
                         'forwarded', 'warranty_decided', 'owner_notified', 'dispatched', 'site_reported', 'resolved', 'closed', 'archived')),
    category             text CONSTRAINT cases_category CHECK (category IN ('platform', 'equipment', 'other')),
    subcategory          text,
    customer_name        text NOT NULL CONSTRAINT cases_customer_name_length CHECK (length(btrim(customer_name)) BETWEEN 1 AND 200),
    customer_phone       text NOT NULL CONSTRAINT cases_customer_phone_format CHECK (customer_phone ~ '^\+?[0-9][0-9 -]{3,30}$'),
    customer_account     text NOT NULL DEFAULT '' CONSTRAINT cases_customer_account_length CHECK (length(customer_account) <= 100),
    product_line         text,
    model                text NOT NULL DEFAULT '' CONSTRAINT cases_model_length CHECK (length(model) <= 100),
    serial_no            text NOT NULL DEFAULT '' CONSTRAINT cases_serial_length CHECK (length(serial_no) <= 100),
    purchase_date        date,
    description          text NOT NULL CONSTRAINT cases_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 5000),
    channel              text NOT NULL CONSTRAINT cases_channel CHECK (channel IN ('phone', 'web', 'app', 'email', 'dealer', 'on_site', 'other')),
    region_id            uuid,
    latitude             double precision CONSTRAINT cases_latitude_range CHECK (latitude BETWEEN -90 AND 90),
    longitude            double precision CONSTRAINT cases_longitude_range CHECK (longitude BETWEEN -180 AND 180),
    unit_id              uuid NOT NULL,             -- the unit the case belongs to: customer service, or the department it went to
    assignee_person_id   uuid,
    site_id              uuid,                      -- the site it was dispatched to, last
    forwarded            boolean NOT NULL DEFAULT false,   -- it went to a department (an unsatisfied follow-up returns it there)
    -- the warranty decision (equipment)
    in_warranty          boolean,
    in_warranty_computed boolean,
    warranty_override    text,
    cause                text CONSTRAINT cases_cause CHECK (cause IN ('human', 'non_human')),
    charge               text CONSTRAINT cases_charge CHECK (charge IN ('charged', 'free')),
    charge_amount        numeric(12, 2) CONSTRAINT cases_charge_amount CHECK (charge_amount >= 0),
    -- clocks
    paused               text CONSTRAINT cases_paused CHECK (paused IN ('customer', 'parts')),
    paused_at            timestamptz,
    state_entered_at     timestamptz NOT NULL DEFAULT now(),
    due_at               timestamptz,
    received_at          timestamptz NOT NULL DEFAULT now(),
    resolved_at          timestamptz,
    closed_at            timestamptz,
    satisfied            boolean,
    reopen_count         integer NOT NULL DEFAULT 0,
    breaches             integer NOT NULL DEFAULT 0,
    revision             integer NOT NULL DEFAULT 1,
    created_by           uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    FOREIGN KEY (tenant_id, unit_id) REFERENCES units (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_person_id) REFERENCES people (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    CONSTRAINT cases_point_whole CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CONSTRAINT cases_paused_whole CHECK ((paused IS NULL) = (paused_at IS NULL)),
    CONSTRAINT cases_warranty_equipment CHECK (in_warranty IS NULL OR category = 'equipment')
);
CREATE UNIQUE INDEX cases_number_unique ON cases (tenant_id, number);
CREATE INDEX cases_received ON cases (tenant_id, received_at);
CREATE INDEX cases_open_due ON cases (tenant_id, due_at) WHERE due_at IS NOT NULL AND state NOT IN ('closed', 'archived');
CREATE INDEX cases_unit ON cases (tenant_id, unit_id, state);
CREATE INDEX cases_site ON cases (tenant_id, site_id) WHERE site_id IS NOT NULL;
COMMENT ON TABLE cases IS 'A customer''s issue from receipt to archive; state moves only along case_state_moves. due_at is the SLA deadline of the current state, pushed back by the time spent paused.';

-- The flow's guard: sql/0025's orgd_refuse_unlisted_move over case_state_moves.
CREATE TRIGGER cases_state_flow BEFORE UPDATE OF state ON cases FOR EACH ROW EXECUTE FUNCTION orgd_refuse_unlisted_move('case_state_moves', 'state');

-- Attachments are metadata only: orgd stores no files.
CREATE TABLE case_attachments (
    tenant_id   uuid NOT NULL,
    case_id     uuid NOT NULL,
    position    integer NOT NULL,
    name        text NOT NULL CONSTRAINT case_attachments_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 255),
    size_bytes  bigint NOT NULL CONSTRAINT case_attachments_size CHECK (size_bytes >= 0),
    sha256      text NOT NULL CONSTRAINT case_attachments_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (tenant_id, case_id, position),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE case_attachments IS 'A file''s name, size and SHA-256, as the client gave them; the file itself lives elsewhere.';

-- The case's history: every step with its actor, time, note and what it set.
CREATE TABLE case_events (
    tenant_id    uuid NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    case_id      uuid NOT NULL,
    step         text NOT NULL,
    from_state   text NOT NULL,
    to_state     text NOT NULL,
    actor_id     uuid,
    at           timestamptz NOT NULL DEFAULT now(),
    note         text NOT NULL DEFAULT '' CONSTRAINT case_events_note_length CHECK (length(note) <= 2000),
    data         jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_events_case ON case_events (tenant_id, case_id, id);
COMMENT ON TABLE case_events IS 'Every step of a case: who, when, the note, and the facts it set (data). Append-only.';
REVOKE ALL ON case_events FROM orgd_app;
GRANT SELECT, INSERT ON case_events TO orgd_app;

-- Parts a site used, from a warehouse of the network.
CREATE TABLE case_parts (
    tenant_id          uuid NOT NULL,
    case_id            uuid NOT NULL,
    position           integer NOT NULL,
    part               text NOT NULL CONSTRAINT case_parts_part_length CHECK (length(btrim(part)) BETWEEN 1 AND 200),
    quantity           integer NOT NULL CONSTRAINT case_parts_quantity CHECK (quantity BETWEEN 1 AND 10000),
    warehouse_site_id  uuid,
    PRIMARY KEY (tenant_id, case_id, position),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, warehouse_site_id) REFERENCES sites (tenant_id, id)
);
COMMENT ON TABLE case_parts IS 'Parts a site reported using on a case, and the warehouse they came from.';

-- SLA breaches, recorded when a case leaves a state after its deadline.
CREATE TABLE case_sla_breaches (
    tenant_id    uuid NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    case_id      uuid NOT NULL,
    state        text NOT NULL,
    due_at       timestamptz NOT NULL,
    left_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX case_sla_breaches_case ON case_sla_breaches (tenant_id, case_id);
COMMENT ON TABLE case_sla_breaches IS 'A state a case left after its deadline (paused time excluded).';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['case_settings', 'case_subcategories', 'product_warranties', 'case_sla_rules', 'case_numbers', 'cases',
                             'case_attachments', 'case_events', 'case_parts', 'case_sla_breaches'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;
