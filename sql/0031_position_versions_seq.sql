-- A position version carries its position's creation order (positions.seq, 0022), so the org
-- chart's seats are read from position_versions alone.
--
-- The tree lists a unit's posts by sort order, title, then creation order. With the order only on
-- positions, every chart read joined each position version to its identity row: for a 50-unit
-- subtree (250 posts) 250 primary-key probes and 1,000 of the statement's 1,400 buffer hits,
-- 0.45 ms of its 1.0 ms (pgbench of orgd's statement, one client, docs/performance.md, "The cold
-- path"). seq never changes once a position exists, so the copy cannot go stale.
--
-- Filled by trigger, like the generation (0029), so no write path (the API, imports, scenario
-- rehearsals, scripts/tenant-copy.sh) can forget it. The lookup runs as the inserting role under
-- row-level security: any role that may insert a version of tenant T sees T's positions (the
-- insert's own policy demands the same tenant), and a superuser sees them all. pg_restore loads
-- data before it creates triggers, so a restore keeps the dumped values; a copy into another
-- deployment (tenant-copy.sh) takes that deployment's seq, since the trigger always overwrites.

ALTER TABLE position_versions ADD COLUMN position_seq bigint;
COMMENT ON COLUMN position_versions.position_seq IS 'The position''s creation order (positions.seq), copied by trigger so chart reads order posts without reading positions.';

-- The backfill reads and writes every tenant's rows, which forced row-level security hides from
-- the migrations' role too: it is lifted for the backfill and restored right after, in this
-- migration's transaction, as 0015 does.
ALTER TABLE positions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE position_versions NO FORCE ROW LEVEL SECURITY;
UPDATE position_versions v SET position_seq = p.seq FROM positions p WHERE p.tenant_id = v.tenant_id AND p.id = v.position_id;
-- The update queued the deferred generation triggers (0029), and a table with queued trigger
-- events cannot be altered: run them now (each tenant's generation rises once; cached answers
-- are read again, which is all that happens).
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE positions FORCE ROW LEVEL SECURITY;
ALTER TABLE position_versions FORCE ROW LEVEL SECURITY;

CREATE FUNCTION orgd_position_version_seq() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public
    AS $$
BEGIN
    NEW.position_seq := (SELECT p.seq FROM positions p WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.position_id);
    RETURN NEW;
END $$;
COMMENT ON FUNCTION orgd_position_version_seq() IS 'Trigger: copies positions.seq into the new or changed position version.';

CREATE TRIGGER position_versions_seq BEFORE INSERT OR UPDATE OF position_id, position_seq ON position_versions
    FOR EACH ROW EXECUTE FUNCTION orgd_position_version_seq();
