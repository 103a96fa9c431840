-- The service network (服务网络): the after-sales department's sites — regional offices, authorised
-- repair stations, dealers, after-sales stations, parts warehouses — with an authorisation
-- lifecycle the database enforces, the technicians who work at them and their certifications,
-- and scored inspections. Every table is a tenant table: (tenant_id, id) keys, foreign keys that
-- include tenant_id, row-level security forced.

-- The tenant's network settings: the inspection threshold under which an authorised site goes on
-- probation, whether probation still dispatches, the "expiring" window, and the ladder tiers that
-- may inspect, suspend and terminate (NULL: the ladder's default, Policy.NetworkRule).
CREATE TABLE network_settings (
    tenant_id             uuid PRIMARY KEY REFERENCES tenants (id),
    probation_threshold   numeric(5, 2) NOT NULL DEFAULT 60
        CONSTRAINT network_settings_threshold_range CHECK (probation_threshold BETWEEN 0 AND 100),
    probation_eligible    boolean NOT NULL DEFAULT false,
    expiring_days         integer NOT NULL DEFAULT 30
        CONSTRAINT network_settings_expiring_range CHECK (expiring_days BETWEEN 1 AND 3660),
    inspect_tier          text,
    suspend_tier          text,
    terminate_tier        text,
    revision              integer NOT NULL DEFAULT 1,
    updated_at            timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE network_settings IS 'A tenant''s service-network rules; no row means the defaults (threshold 60, probation not eligible, 30 days, the ladder''s default tiers).';

-- The tenant's own vocabulary beside orgd's built-in site kinds and service types (Network's
-- NetworkVocabulary): product lines are the tenant's alone.
CREATE TABLE network_terms (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    vocabulary   text NOT NULL CONSTRAINT network_terms_vocabulary CHECK (vocabulary IN ('site_kind', 'product_line', 'service_type')),
    code         text NOT NULL CONSTRAINT network_terms_code_format CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name         text NOT NULL CONSTRAINT network_terms_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, vocabulary, code)
);
COMMENT ON TABLE network_terms IS 'Site kinds, product lines and service types a tenant adds to orgd''s built-in ones. A capability is product_line/service_type.';

-- A point on the sphere as a 3-D cube (kilometres from the earth's centre), so that the cube
-- GiST index orders sites by straight-line (chord) distance, which orders them exactly as the
-- great-circle distance does. earthdistance is not a trusted extension, hence these two functions.
CREATE FUNCTION orgd_earth_point(p_lat double precision, p_lon double precision) RETURNS cube
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = public
    AS $$ SELECT cube(ARRAY[6371.0088 * cos(radians(p_lat)) * cos(radians(p_lon)),
                             6371.0088 * cos(radians(p_lat)) * sin(radians(p_lon)),
                             6371.0088 * sin(radians(p_lat))]) $$;
COMMENT ON FUNCTION orgd_earth_point(double precision, double precision) IS 'WGS84 latitude/longitude as a point on a sphere of the mean earth radius (6371.0088 km), for the GiST index of site_versions.geo.';

CREATE FUNCTION orgd_distance_km(p_lat1 double precision, p_lon1 double precision, p_lat2 double precision, p_lon2 double precision)
    RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT 2 * 6371.0088 * asin(least(1, sqrt(
              sin(radians(p_lat2 - p_lat1) / 2) ^ 2
              + cos(radians(p_lat1)) * cos(radians(p_lat2)) * sin(radians(p_lon2 - p_lon1) / 2) ^ 2))) $$;
COMMENT ON FUNCTION orgd_distance_km(double precision, double precision, double precision, double precision) IS 'Great-circle (haversine) distance in km on the mean earth radius.';

-- The authorisation lifecycle: the only moves there are. A site's status changes only along a row
-- of this table (trigger below), and every transition row names one (foreign key).
CREATE TABLE site_status_moves (
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO site_status_moves VALUES
    ('planned', 'onboarding'), ('onboarding', 'authorised'),
    ('authorised', 'probation'), ('probation', 'authorised'),
    ('authorised', 'suspended'), ('probation', 'suspended'), ('suspended', 'authorised'),
    ('planned', 'terminated'), ('onboarding', 'terminated'), ('authorised', 'terminated'),
    ('probation', 'terminated'), ('suspended', 'terminated');
COMMENT ON TABLE site_status_moves IS 'The authorisation lifecycle: planned → onboarding → authorised ↔ probation, authorised/probation → suspended → authorised, any → terminated (final). Shared by every tenant, read-only to orgd.';
REVOKE ALL ON site_status_moves FROM orgd_app;
GRANT SELECT ON site_status_moves TO orgd_app;

CREATE TABLE sites (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    code               text NOT NULL CONSTRAINT sites_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    status             text NOT NULL DEFAULT 'planned'
        CONSTRAINT sites_status CHECK (status IN ('planned', 'onboarding', 'authorised', 'probation', 'suspended', 'terminated')),
    authorised_from    date,
    authorised_until   date,
    revision           integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT sites_authorisation_order CHECK (authorised_until IS NULL OR authorised_from IS NULL OR authorised_until >= authorised_from)
);
CREATE UNIQUE INDEX sites_code_unique ON sites (tenant_id, lower(code));
CREATE INDEX sites_authorised_until ON sites (tenant_id, authorised_until) WHERE authorised_until IS NOT NULL;
COMMENT ON TABLE sites IS 'A site''s identity, code (unique per tenant), status in the authorisation lifecycle and authorisation period; revision is the ETag. Its dated state is in site_versions.';
COMMENT ON COLUMN sites.authorised_until IS 'Last day of the authorisation; from the day after, the site is ineligible whatever its status, with nobody acting.';

-- One guard for every lifecycle a table of moves describes (sites here, cases in 0026): the
-- trigger's arguments name the moves table and the column; the table has from_<column> and
-- to_<column>. The refusal names the trigger as its constraint.
CREATE FUNCTION orgd_refuse_unlisted_move() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    before text := to_jsonb(OLD) ->> TG_ARGV[1];
    after text := to_jsonb(NEW) ->> TG_ARGV[1];
    listed boolean;
BEGIN
    IF after IS DISTINCT FROM before THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1 AND %I = $2)', TG_ARGV[0], 'from_' || TG_ARGV[1], 'to_' || TG_ARGV[1])
            INTO listed USING before, after;
        IF NOT listed THEN
            RAISE EXCEPTION '% moves from % only along %, not to %', TG_TABLE_NAME, before, TG_ARGV[0], after
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_NAME;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION orgd_refuse_unlisted_move() IS 'Refuses a change of the column TG_ARGV[1] that is not a row of the moves table TG_ARGV[0].';
CREATE TRIGGER sites_status_lifecycle BEFORE UPDATE OF status ON sites FOR EACH ROW EXECUTE FUNCTION orgd_refuse_unlisted_move('site_status_moves', 'status');

CREATE TABLE site_versions (
    tenant_id                uuid NOT NULL,
    site_id                  uuid NOT NULL,
    valid                    daterange NOT NULL,
    kind                     text NOT NULL CONSTRAINT site_versions_kind_format CHECK (kind ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name                     text NOT NULL CONSTRAINT site_versions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    region_id                uuid NOT NULL,
    address                  text NOT NULL DEFAULT '' CONSTRAINT site_versions_address_length CHECK (length(address) <= 500),
    latitude                 double precision CONSTRAINT site_versions_latitude_range CHECK (latitude BETWEEN -90 AND 90),
    longitude                double precision CONSTRAINT site_versions_longitude_range CHECK (longitude BETWEEN -180 AND 180),
    geo                      cube,
    contact_name             text NOT NULL DEFAULT '' CONSTRAINT site_versions_contact_name_length CHECK (length(contact_name) <= 200),
    contact_phone            text NOT NULL DEFAULT '' CONSTRAINT site_versions_contact_phone_length CHECK (length(contact_phone) <= 50),
    contact_email            text NOT NULL DEFAULT '' CONSTRAINT site_versions_contact_email_length CHECK (length(contact_email) <= 200),
    responsible_position_id  uuid,
    capabilities             text[] NOT NULL DEFAULT '{}',
    covers                   uuid[] NOT NULL DEFAULT '{}',
    service_radius_km        double precision CONSTRAINT site_versions_radius_range CHECK (service_radius_km > 0 AND service_radius_km <= 20000),
    archived                 boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, site_id, valid),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    FOREIGN KEY (tenant_id, responsible_position_id) REFERENCES positions (tenant_id, id),
    CONSTRAINT site_versions_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT site_versions_point_whole CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CONSTRAINT site_versions_capabilities_size CHECK (cardinality(capabilities) <= 200),
    CONSTRAINT site_versions_covers_size CHECK (cardinality(covers) <= 200),
    CONSTRAINT site_versions_no_overlap EXCLUDE USING gist (tenant_id WITH =, site_id WITH =, valid WITH &&)
);
-- Nearest first: a KNN scan of this index (`geo <-> point`) walks the tenant's sites outwards.
-- Under row-level security a query's own non-leakproof conditions cannot become index conditions
-- (docs/performance.md), but an ORDER BY distance is not a condition: it stays an index ordering,
-- and tenant_id (uuid equality, leakproof) is the index condition. See bench/network.sh.
CREATE INDEX site_versions_geo ON site_versions USING gist (tenant_id, geo);
CREATE INDEX site_versions_region ON site_versions (tenant_id, region_id);
COMMENT ON TABLE site_versions IS 'A site''s state over ranges of days: kind, name, region, address, point, contact, responsible position, capabilities (product_line/service_type), the regions it covers and its service radius.';
COMMENT ON COLUMN site_versions.geo IS 'orgd_earth_point(latitude, longitude), kept by a trigger; NULL without coordinates.';
COMMENT ON COLUMN site_versions.covers IS 'Regions (of this tenant, checked by a trigger) the site serves, each with its subtree.';

CREATE FUNCTION orgd_site_version_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.geo := CASE WHEN NEW.latitude IS NULL THEN NULL ELSE orgd_earth_point(NEW.latitude, NEW.longitude) END;
    IF cardinality(NEW.covers) > 0 AND (SELECT count(*) FROM regions r WHERE r.tenant_id = NEW.tenant_id AND r.id = ANY (NEW.covers))
                                        <> (SELECT count(DISTINCT c) FROM unnest(NEW.covers) c) THEN
        RAISE EXCEPTION 'a site covers only regions of its own tenant'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'site_versions_covers_regions';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION orgd_site_version_check() IS 'Keeps site_versions.geo and refuses a covered region that is not the tenant''s (arrays cannot carry foreign keys).';
CREATE TRIGGER site_versions_check BEFORE INSERT OR UPDATE ON site_versions FOR EACH ROW EXECUTE FUNCTION orgd_site_version_check();

CREATE FUNCTION orgd_split_site_versions(p_sites uuid[], p_on date) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v site_versions;
BEGIN
    FOR v IN SELECT * FROM site_versions WHERE site_id = ANY (p_sites) AND valid @> p_on AND lower(valid) < p_on FOR UPDATE LOOP
        UPDATE site_versions SET valid = daterange(lower(v.valid), p_on)
        WHERE tenant_id = v.tenant_id AND site_id = v.site_id AND valid = v.valid;
        v.valid := daterange(p_on, upper(v.valid));
        INSERT INTO site_versions SELECT v.*;
    END LOOP;
END
$$;
COMMENT ON FUNCTION orgd_split_site_versions(uuid[], date) IS 'Cuts the versions of these sites that straddle p_on into a part before and a part from p_on.';

-- Every status change, with its reason, actor and day: the site's history, and its status on a
-- past day (the last transition effective on or before it; `planned` before the first).
CREATE TABLE site_transitions (
    tenant_id           uuid NOT NULL,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id             uuid NOT NULL,
    from_status         text NOT NULL,
    to_status           text NOT NULL,
    effective_on        date NOT NULL,
    reason              text NOT NULL CONSTRAINT site_transitions_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    actor_id            uuid,
    inspection_id       uuid,
    authorised_from     date,
    authorised_until    date,
    recorded_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (from_status, to_status) REFERENCES site_status_moves (from_status, to_status)
);
CREATE INDEX site_transitions_site ON site_transitions (tenant_id, site_id, effective_on, recorded_at);
COMMENT ON TABLE site_transitions IS 'A site''s authorisation history: each move along site_status_moves with its reason, actor, day, and the inspection that caused it when automatic.';

CREATE TABLE technicians (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    name          text NOT NULL CONSTRAINT technicians_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    phone         text NOT NULL DEFAULT '' CONSTRAINT technicians_phone_length CHECK (length(phone) <= 50),
    email         text NOT NULL DEFAULT '' CONSTRAINT technicians_email_length CHECK (length(email) <= 200),
    notes         text NOT NULL DEFAULT '' CONSTRAINT technicians_notes_length CHECK (length(notes) <= 2000),
    archived      boolean NOT NULL DEFAULT false,
    revision      integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE technicians IS 'People working at sites (a station''s own staff, not the tenant''s employees): never mixed with the org chart''s people.';

CREATE TABLE technician_postings (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    technician_id   uuid NOT NULL,
    site_id         uuid NOT NULL,
    valid           daterange NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, technician_id) REFERENCES technicians (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    CONSTRAINT technician_postings_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT technician_postings_one_site EXCLUDE USING gist (tenant_id WITH =, technician_id WITH =, valid WITH &&)
);
CREATE INDEX technician_postings_site ON technician_postings (tenant_id, site_id) INCLUDE (technician_id, valid);
COMMENT ON TABLE technician_postings IS 'Which site a technician works at over time; one site at a time, moves keep the history.';

CREATE TABLE certifications (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    technician_id   uuid NOT NULL,
    capability      text NOT NULL CONSTRAINT certifications_capability_format CHECK (capability ~ '^[a-z0-9][a-z0-9_-]{0,39}/[a-z0-9][a-z0-9_-]{0,39}$'),
    issued_on       date NOT NULL,
    expires_on      date NOT NULL,
    issuer          text NOT NULL CONSTRAINT certifications_issuer_length CHECK (length(btrim(issuer)) BETWEEN 1 AND 200),
    revoked_on      date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, technician_id) REFERENCES technicians (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT certifications_dates_order CHECK (expires_on >= issued_on)
);
CREATE INDEX certifications_technician ON certifications (tenant_id, technician_id) INCLUDE (capability, issued_on, expires_on, revoked_on);
CREATE INDEX certifications_expiry ON certifications (tenant_id, expires_on);
COMMENT ON TABLE certifications IS 'A technician''s certification for one capability (product_line/service_type), valid from issued_on through expires_on unless revoked.';

CREATE TABLE trainings (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    technician_id   uuid NOT NULL,
    course          text NOT NULL CONSTRAINT trainings_course_length CHECK (length(btrim(course)) BETWEEN 1 AND 200),
    taken_on        date NOT NULL,
    result          text NOT NULL CONSTRAINT trainings_result CHECK (result IN ('passed', 'failed', 'attended')),
    notes           text NOT NULL DEFAULT '' CONSTRAINT trainings_notes_length CHECK (length(notes) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, technician_id) REFERENCES technicians (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX trainings_technician ON trainings (tenant_id, technician_id, taken_on);
COMMENT ON TABLE trainings IS 'Courses a technician took, with the day and the result.';

-- Inspection checklists. A template is never edited once created (past totals must stay
-- explainable); a new version is a new template, an old one is archived.
CREATE TABLE inspection_templates (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    name          text NOT NULL CONSTRAINT inspection_templates_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    archived      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE inspection_templates IS 'A checklist of weighted, scored items; immutable once created, archived when superseded.';

CREATE TABLE inspection_template_items (
    tenant_id     uuid NOT NULL,
    template_id   uuid NOT NULL,
    key           text NOT NULL CONSTRAINT inspection_template_items_key_format CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    position      integer NOT NULL,
    title         text NOT NULL CONSTRAINT inspection_template_items_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    weight        numeric(6, 2) NOT NULL CONSTRAINT inspection_template_items_weight_range CHECK (weight > 0 AND weight <= 1000),
    max_score     integer NOT NULL CONSTRAINT inspection_template_items_max_range CHECK (max_score BETWEEN 1 AND 1000),
    mandatory     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, template_id, key),
    FOREIGN KEY (tenant_id, template_id) REFERENCES inspection_templates (tenant_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE inspection_template_items IS 'One item of a checklist: scored 0..max_score, counted with weight; a mandatory item must be scored.';

CREATE TABLE inspections (
    tenant_id              uuid NOT NULL,
    id                     uuid NOT NULL DEFAULT gen_random_uuid(),
    site_id                uuid NOT NULL,
    template_id            uuid NOT NULL,
    inspected_on           date NOT NULL,
    inspector_position_id  uuid NOT NULL,
    inspector_person_id    uuid,
    total                  numeric(5, 2) NOT NULL CONSTRAINT inspections_total_range CHECK (total BETWEEN 0 AND 100),
    threshold              numeric(5, 2) NOT NULL,
    findings               text NOT NULL DEFAULT '' CONSTRAINT inspections_findings_length CHECK (length(findings) <= 5000),
    recorded_by            uuid,
    recorded_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id),
    FOREIGN KEY (tenant_id, template_id) REFERENCES inspection_templates (tenant_id, id),
    FOREIGN KEY (tenant_id, inspector_position_id) REFERENCES positions (tenant_id, id),
    FOREIGN KEY (tenant_id, inspector_person_id) REFERENCES people (tenant_id, id)
);
CREATE INDEX inspections_site ON inspections (tenant_id, site_id, inspected_on);
CREATE INDEX inspections_day ON inspections (tenant_id, inspected_on);
COMMENT ON TABLE inspections IS 'An inspection of a site against a template. total (0–100) is computed by orgd from the scores, never sent by a client; threshold is the tenant''s at the time.';

CREATE TABLE inspection_scores (
    tenant_id       uuid NOT NULL,
    inspection_id   uuid NOT NULL,
    template_id     uuid NOT NULL,
    item_key        text NOT NULL,
    score           integer NOT NULL CONSTRAINT inspection_scores_not_negative CHECK (score >= 0),
    note            text NOT NULL DEFAULT '' CONSTRAINT inspection_scores_note_length CHECK (length(note) <= 1000),
    PRIMARY KEY (tenant_id, inspection_id, item_key),
    FOREIGN KEY (tenant_id, inspection_id) REFERENCES inspections (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, template_id, item_key) REFERENCES inspection_template_items (tenant_id, template_id, key)
);
COMMENT ON TABLE inspection_scores IS 'The score of one template item in one inspection; the item must be on the inspection''s template (foreign key).';

CREATE TABLE corrective_actions (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    inspection_id   uuid NOT NULL,
    site_id         uuid NOT NULL,
    description     text NOT NULL CONSTRAINT corrective_actions_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 1000),
    owner           text NOT NULL CONSTRAINT corrective_actions_owner_length CHECK (length(btrim(owner)) BETWEEN 1 AND 200),
    due_on          date NOT NULL,
    done_on         date,
    revision        integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, inspection_id) REFERENCES inspections (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
CREATE INDEX corrective_actions_open ON corrective_actions (tenant_id, due_on) WHERE done_on IS NULL;
CREATE INDEX corrective_actions_inspection ON corrective_actions (tenant_id, inspection_id);
COMMENT ON TABLE corrective_actions IS 'What an inspection asks a site to fix, by whom and by when; overdue while done_on is NULL after due_on.';

CREATE FUNCTION orgd_corrective_action_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    inspected date;
BEGIN
    SELECT inspected_on INTO inspected FROM inspections WHERE tenant_id = NEW.tenant_id AND id = NEW.inspection_id;
    IF NEW.due_on < inspected THEN
        RAISE EXCEPTION 'a corrective action is due on or after its inspection (%)', inspected
            USING ERRCODE = 'check_violation', CONSTRAINT = 'corrective_actions_due_after_inspection';
    END IF;
    IF NEW.done_on IS NOT NULL AND NEW.done_on < inspected THEN
        RAISE EXCEPTION 'a corrective action is done on or after its inspection (%)', inspected
            USING ERRCODE = 'check_violation', CONSTRAINT = 'corrective_actions_done_after_inspection';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER corrective_actions_check BEFORE INSERT OR UPDATE ON corrective_actions FOR EACH ROW EXECUTE FUNCTION orgd_corrective_action_check();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['network_settings', 'network_terms', 'sites', 'site_versions', 'site_transitions', 'technicians',
                             'technician_postings', 'certifications', 'trainings', 'inspection_templates',
                             'inspection_template_items', 'inspections', 'inspection_scores', 'corrective_actions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;

-- Transitions are history: the server may add and read them, never rewrite them.
REVOKE ALL ON site_transitions FROM orgd_app;
GRANT SELECT, INSERT ON site_transitions TO orgd_app;

-- The network's change feed by effective date (GET /v1/network/changes), beside org_changes:
-- each change filed under its site, so a regional reader sees only the changes of sites in
-- regions they can read. Append-only like org_changes.
CREATE TABLE network_changes (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             bigint GENERATED ALWAYS AS IDENTITY,
    effective_on   date NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid,
    action         text NOT NULL,          -- e.g. "site.transition", "inspection.create"
    resource_type  text NOT NULL,          -- site, technician, certification, training, inspection, corrective_action, ...
    resource_id    uuid,
    site_id        uuid,                   -- the site the change is filed under; NULL for tenant-wide reference data
    before         jsonb,
    after          jsonb,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX network_changes_effective ON network_changes (tenant_id, effective_on, id);
CREATE INDEX network_changes_site ON network_changes (tenant_id, site_id, effective_on);
COMMENT ON TABLE network_changes IS 'Every service-network change with the day it takes effect and the site it concerns. Append-only: the server role may insert and read only.';
ALTER TABLE network_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE network_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY network_changes_tenant_isolation ON network_changes
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
REVOKE ALL ON network_changes FROM orgd_app;
GRANT SELECT, INSERT ON network_changes TO orgd_app;
