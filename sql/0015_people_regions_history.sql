-- People and regions become effective-dated like units and positions: a person's name and
-- archived flag, and a region's name, code and parent, are kept over ranges of days.
--
-- `people` keeps what identifies a person (employee number), what is private and current-state
-- only (contact: private data is kept as it is now and never copied into history, so a
-- correction or an erasure request reaches every day at once), the revision (ETag) and the home
-- unit. `person_versions` holds the dated name and archived flag.
--
-- `regions` keeps the region's identity, revision and its ltree `path` in today's tree, which is
-- what region-scoped grants and the policy test against; `region_versions` holds the dated name,
-- code and parent, from which a read "as of" a day derives that day's path. A move therefore
-- takes effect on the day it is recorded for access (the server refuses moves dated after today,
-- so `regions.path` never runs ahead of the dated tree).
--
-- The name/archived columns of `people` and name/code/parent_id of `regions` stay as a
-- convenience mirror of the latest (open-ended) version. Writers that know the effective day
-- change the versions and then the mirror; a writer that changes only the mirror (the CSV
-- import, seeding) is dated today by a trigger. (A deferred check that the mirror equals the
-- latest version was tried and dropped: at commit it runs under whichever tenant was set last,
-- so row-level security hid other tenants' rows from it in multi-tenant owner scripts.)

CREATE FUNCTION orgd_today() RETURNS date
    LANGUAGE sql STABLE
    AS $$ SELECT (now() AT TIME ZONE 'UTC')::date $$;
COMMENT ON FUNCTION orgd_today() IS 'Today in UTC, the server''s default effective date and as_of (OrgDate.today).';

-- People ------------------------------------------------------------------------------------

ALTER TABLE people ADD COLUMN home_unit_id uuid;
ALTER TABLE people ADD CONSTRAINT people_home_unit_fk FOREIGN KEY (tenant_id, home_unit_id) REFERENCES units (tenant_id, id);
COMMENT ON COLUMN people.home_unit_id IS 'The unit that looks after a person while they hold no primary post (a new hire, someone between posts): their location for access decisions then. NULL: tenant-wide. Current-state, like contact.';
COMMENT ON COLUMN people.name IS 'Mirror of the latest person_versions.name (the open-ended version); reads as of a day use person_versions.';
COMMENT ON COLUMN people.archived IS 'Mirror of the latest person_versions.archived; reads as of a day use person_versions.';
COMMENT ON COLUMN people.contact IS 'Private contact fields (phone, email, address …) as a JSON object; returned only to callers with people.read_private. Current-state on purpose: private data is not copied into history.';
COMMENT ON TABLE people IS 'Staff of a tenant: identity (employee number), private contact, home unit and revision (the ETag). Name and archived over time are in person_versions; when they hold which post is in assignments.';

CREATE TABLE person_versions (
    tenant_id   uuid NOT NULL,
    person_id   uuid NOT NULL,
    valid       daterange NOT NULL,
    name        text NOT NULL CONSTRAINT person_versions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    archived    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, person_id, valid),
    FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT person_versions_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT person_versions_one_at_a_time EXCLUDE USING gist (tenant_id WITH =, person_id WITH =, valid WITH &&)
);
CREATE INDEX person_versions_name ON person_versions (tenant_id, name);
CREATE INDEX person_versions_by_start ON person_versions (tenant_id, person_id, lower(valid) DESC) INCLUDE (name, archived, valid);
COMMENT ON INDEX person_versions_by_start IS
    'A person''s versions latest first, covering: a chart names its holders with one index-only scan of person_id = ANY (PersonRoutes.heldNames), which the exclusion constraint''s GiST cannot answer.';
COMMENT ON TABLE person_versions IS 'A person''s name and archived flag from lower(valid) (inclusive) to upper(valid) (exclusive; open for the latest). Versions of a person tile [first day, infinity): archiving is a flag from the day they left, never an end of the range.';
COMMENT ON COLUMN person_versions.archived IS 'True from the day the person left: as_of before that day shows them active.';
COMMENT ON CONSTRAINT person_versions_one_at_a_time ON person_versions IS 'At most one version of a person covers any day.';

-- Backfill: one version from the day the row was created; an archived person becomes active up
-- to the effective day of their last person.archive change (else the day the row last changed)
-- and archived from then on. The owner runs migrations without BYPASSRLS, so forced row-level
-- security is lifted for the backfill and restored at the end of this file.
ALTER TABLE people NO FORCE ROW LEVEL SECURITY;
ALTER TABLE org_changes NO FORCE ROW LEVEL SECURITY;
WITH p AS (
    SELECT pe.tenant_id, pe.id, pe.name, pe.archived, (pe.created_at AT TIME ZONE 'UTC')::date AS first_day,
           CASE WHEN pe.archived THEN coalesce(
               (SELECT max(c.effective_on) FROM org_changes c
                WHERE c.tenant_id = pe.tenant_id AND c.resource_type = 'person' AND c.resource_id = pe.id AND c.action = 'person.archive'),
               (pe.updated_at AT TIME ZONE 'UTC')::date) END AS left_on
    FROM people pe
)
INSERT INTO person_versions (tenant_id, person_id, valid, name, archived)
SELECT tenant_id, id, daterange(first_day, CASE WHEN left_on > first_day THEN left_on END), name, archived AND NOT left_on > first_day
FROM p
UNION ALL
SELECT tenant_id, id, daterange(left_on, NULL), name, true FROM p WHERE left_on > first_day;

CREATE FUNCTION orgd_split_person_versions(p_people uuid[], p_on date) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v person_versions;
BEGIN
    FOR v IN SELECT * FROM person_versions WHERE person_id = ANY (p_people) AND valid @> p_on AND lower(valid) < p_on FOR UPDATE LOOP
        UPDATE person_versions SET valid = daterange(lower(v.valid), p_on)
        WHERE tenant_id = v.tenant_id AND person_id = v.person_id AND valid = v.valid;
        v.valid := daterange(p_on, upper(v.valid));
        INSERT INTO person_versions SELECT v.*;
    END LOOP;
END
$$;
COMMENT ON FUNCTION orgd_split_person_versions(uuid[], date) IS 'Cuts the versions of these people that straddle p_on into a part before and a part from p_on.';

CREATE FUNCTION orgd_person_version_from_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO person_versions (tenant_id, person_id, valid, name, archived)
    VALUES (NEW.tenant_id, NEW.id, daterange((NEW.created_at AT TIME ZONE 'UTC')::date, NULL), NEW.name, NEW.archived);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION orgd_person_version_from_insert() IS 'A new person''s first version, from the day the row is created; a writer with another first day moves lower(valid) in the same transaction.';
CREATE TRIGGER people_first_version AFTER INSERT ON people FOR EACH ROW EXECUTE FUNCTION orgd_person_version_from_insert();

CREATE FUNCTION orgd_person_version_from_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    latest person_versions;
    today date := orgd_today();
BEGIN
    SELECT * INTO latest FROM person_versions v WHERE v.tenant_id = NEW.tenant_id AND v.person_id = NEW.id AND upper_inf(v.valid);
    IF NOT FOUND OR (latest.name = NEW.name AND latest.archived = NEW.archived) THEN
        RETURN NEW;
    END IF;
    PERFORM orgd_split_person_versions(ARRAY[NEW.id], today);
    UPDATE person_versions v
    SET name = CASE WHEN NEW.name IS DISTINCT FROM latest.name THEN NEW.name ELSE v.name END,
        archived = CASE WHEN NEW.archived IS DISTINCT FROM latest.archived THEN NEW.archived ELSE v.archived END
    WHERE v.tenant_id = NEW.tenant_id AND v.person_id = NEW.id AND (lower(v.valid) >= today OR upper_inf(v.valid));
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION orgd_person_version_from_update() IS 'A change written to people.name or people.archived alone (not first to person_versions) takes effect today: the versions from today on take the changed fields.';
CREATE TRIGGER people_follow_mirror BEFORE UPDATE OF name, archived ON people FOR EACH ROW EXECUTE FUNCTION orgd_person_version_from_update();


-- Regions -----------------------------------------------------------------------------------

COMMENT ON TABLE regions IS 'A tenant''s region tree (sales regions, provinces, cities): where regional offices, per-region posts and region-scoped grants apply. Identity, revision (the ETag) and today''s path; name, code and parent over time are in region_versions.';
COMMENT ON COLUMN regions.path IS 'ltree of region ids without dashes, root first, ending with this region''s id, in today''s tree: what region scopes and the policy test against. A move rewrites it for the whole subtree when recorded (moves are never dated after today).';
COMMENT ON COLUMN regions.name IS 'Mirror of the latest region_versions.name; reads as of a day use region_versions.';
COMMENT ON COLUMN regions.code IS 'Mirror of the latest region_versions.code.';
COMMENT ON COLUMN regions.parent_id IS 'Mirror of the latest region_versions.parent_id, which is also today''s parent (moves are not dated after today).';

CREATE TABLE region_versions (
    tenant_id   uuid NOT NULL,
    region_id   uuid NOT NULL,
    valid       daterange NOT NULL,
    parent_id   uuid,
    name        text NOT NULL CONSTRAINT region_versions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    code        text NOT NULL CONSTRAINT region_versions_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    PRIMARY KEY (tenant_id, region_id, valid),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, parent_id) REFERENCES regions (tenant_id, id),
    CONSTRAINT region_versions_valid_not_empty CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    CONSTRAINT region_versions_not_own_parent CHECK (parent_id IS DISTINCT FROM region_id),
    CONSTRAINT region_versions_one_at_a_time EXCLUDE USING gist (tenant_id WITH =, region_id WITH =, valid WITH &&),
    CONSTRAINT region_versions_code_unique EXCLUDE USING gist (tenant_id WITH =, code WITH =, valid WITH &&)
);
CREATE INDEX region_versions_parent ON region_versions (tenant_id, parent_id);
COMMENT ON TABLE region_versions IS 'A region''s name, code and parent from lower(valid) (inclusive) to upper(valid) (exclusive; open for the latest). Versions of a region tile [first day, infinity). A day''s path is derived by walking parents on that day (orgd_region_path_on).';
COMMENT ON CONSTRAINT region_versions_one_at_a_time ON region_versions IS 'At most one version of a region covers any day.';
COMMENT ON CONSTRAINT region_versions_code_unique ON region_versions IS 'A region code names one region of the tenant on any day.';
COMMENT ON CONSTRAINT region_versions_not_own_parent ON region_versions IS 'A region is never its own parent; deeper cycles are refused by the server, which checks every day from the move on.';

ALTER TABLE regions NO FORCE ROW LEVEL SECURITY;
INSERT INTO region_versions (tenant_id, region_id, valid, parent_id, name, code)
SELECT tenant_id, id, daterange((created_at AT TIME ZONE 'UTC')::date, NULL), parent_id, name, code FROM regions;

CREATE FUNCTION orgd_split_region_versions(p_regions uuid[], p_on date) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v region_versions;
BEGIN
    FOR v IN SELECT * FROM region_versions WHERE region_id = ANY (p_regions) AND valid @> p_on AND lower(valid) < p_on FOR UPDATE LOOP
        UPDATE region_versions SET valid = daterange(lower(v.valid), p_on)
        WHERE tenant_id = v.tenant_id AND region_id = v.region_id AND valid = v.valid;
        v.valid := daterange(p_on, upper(v.valid));
        INSERT INTO region_versions SELECT v.*;
    END LOOP;
END
$$;
COMMENT ON FUNCTION orgd_split_region_versions(uuid[], date) IS 'Cuts the versions of these regions that straddle p_on into a part before and a part from p_on.';

CREATE FUNCTION orgd_region_path_on(p_region uuid, p_on date) RETURNS uuid[]
    LANGUAGE sql STABLE STRICT
    AS $$ WITH RECURSIVE up (id, parent_id, depth) AS (
              SELECT v.region_id, v.parent_id, 1 FROM region_versions v WHERE v.region_id = p_region AND v.valid @> p_on
              UNION ALL
              SELECT v.region_id, v.parent_id, up.depth + 1
              FROM up JOIN region_versions v ON v.region_id = up.parent_id AND v.valid @> p_on
              WHERE up.depth < 64)
          SELECT array_agg(id ORDER BY depth DESC) FROM up $$;
COMMENT ON FUNCTION orgd_region_path_on(uuid, date) IS 'The region''s path on a day from the dated parents (root first, itself last); NULL when it did not exist that day or is another tenant''s.';

CREATE FUNCTION orgd_region_version_from_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO region_versions (tenant_id, region_id, valid, parent_id, name, code)
    VALUES (NEW.tenant_id, NEW.id, daterange((NEW.created_at AT TIME ZONE 'UTC')::date, NULL), NEW.parent_id, NEW.name, NEW.code);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION orgd_region_version_from_insert() IS 'A new region''s first version, from the day the row is created; a writer with another first day moves lower(valid) in the same transaction.';
CREATE TRIGGER regions_first_version AFTER INSERT ON regions FOR EACH ROW EXECUTE FUNCTION orgd_region_version_from_insert();

CREATE FUNCTION orgd_region_version_from_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    latest region_versions;
    today date := orgd_today();
BEGIN
    SELECT * INTO latest FROM region_versions v WHERE v.tenant_id = NEW.tenant_id AND v.region_id = NEW.id AND upper_inf(v.valid);
    IF NOT FOUND OR (latest.name = NEW.name AND latest.code = NEW.code AND latest.parent_id IS NOT DISTINCT FROM NEW.parent_id) THEN
        RETURN NEW;
    END IF;
    PERFORM orgd_split_region_versions(ARRAY[NEW.id], today);
    UPDATE region_versions v
    SET name = CASE WHEN NEW.name IS DISTINCT FROM latest.name THEN NEW.name ELSE v.name END,
        code = CASE WHEN NEW.code IS DISTINCT FROM latest.code THEN NEW.code ELSE v.code END,
        parent_id = CASE WHEN NEW.parent_id IS DISTINCT FROM latest.parent_id THEN NEW.parent_id ELSE v.parent_id END
    WHERE v.tenant_id = NEW.tenant_id AND v.region_id = NEW.id AND (lower(v.valid) >= today OR upper_inf(v.valid));
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION orgd_region_version_from_update() IS 'A change written to regions.name, code or parent_id alone (not first to region_versions) takes effect today.';
CREATE TRIGGER regions_follow_mirror BEFORE UPDATE OF name, code, parent_id ON regions FOR EACH ROW EXECUTE FUNCTION orgd_region_version_from_update();


-- Row-level security: restored on the backfilled tables, added on the new ones.
ALTER TABLE people FORCE ROW LEVEL SECURITY;
ALTER TABLE org_changes FORCE ROW LEVEL SECURITY;
ALTER TABLE regions FORCE ROW LEVEL SECURITY;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['person_versions', 'region_versions'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant())',
                       t || '_tenant_isolation', t);
    END LOOP;
END
$$;
