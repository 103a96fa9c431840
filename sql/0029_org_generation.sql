-- A generation number per tenant, raised in the same transaction as every change that can alter
-- an org-chart read (units, positions, people, assignments, regions, hand-offs, unit kinds, the
-- grade ladder, roles and grants; their versions too, so a back-dated change, which rewrites the
-- past, raises it like any other). The answer cache (docs/architecture.md, "The answer cache")
-- keys every cached read by it: an answer stored under generation g was read in a snapshot whose
-- generation was g, and any later change commits a higher one, so a reader that sees the new
-- generation can never be handed the old answer.
--
-- Raised by a trigger rather than by the server, so that no write path (the API, imports, admin
-- commands, scripts/tenant-copy.sh, a hand-run UPDATE) can forget it. Once per transaction and
-- tenant, not once per row: the first row marks the transaction (set_config(..., true), undone
-- with the transaction or its savepoint) and later rows only read that mark, so an import of
-- 20,000 units updates the counter once.
--
-- Deferred to the commit (constraint triggers, INITIALLY DEFERRED): writers of one tenant queue
-- on the counter's row lock from the moment they update it until they commit. Raised at the first
-- row, as a plain AFTER ROW trigger did, the lock was held through the rest of the transaction
-- (the audit row, the re-read): position updates of one tenant at 16 connections fell from 723 to
-- 446 a second (bench/org.sh --answer-cache, docs/performance.md, "Answer cache").

CREATE TABLE org_generations (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    generation  bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE org_generations IS 'The tenant''s org-chart generation: raised by trigger in the transaction of any change an org-chart read depends on; the answer cache keys cached answers by it. No row: generation 0.';

-- Row-level security enabled and forced, like every tenant table (ServingRoleCheck refuses to
-- serve otherwise). The server's role reads its own tenant's row only; the trigger function below
-- runs as the migrations' role (SECURITY DEFINER) and writes the counter of the changed row's
-- tenant even when the writing transaction set none (platform mode, admin commands), through a
-- policy of its own that the server's role does not match.
ALTER TABLE org_generations ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_generations FORCE ROW LEVEL SECURITY;
CREATE POLICY org_generations_tenant_isolation ON org_generations
    USING (tenant_id = orgd_current_tenant());
CREATE POLICY org_generations_raised_by_trigger ON org_generations TO CURRENT_USER
    USING (true) WITH CHECK (true);
REVOKE ALL ON org_generations FROM orgd_app;
GRANT SELECT ON org_generations TO orgd_app;

CREATE FUNCTION orgd_raise_org_generation() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    mark text := 'orgd.generation_raised_' || replace(tenant::text, '-', '');
BEGIN
    IF current_setting(mark, true) IS DISTINCT FROM 'on' THEN
        INSERT INTO org_generations AS g (tenant_id, generation) VALUES (tenant, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET generation = g.generation + 1;
        PERFORM set_config(mark, 'on', true);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION orgd_raise_org_generation() IS 'Trigger: raises org_generations.generation of the changed row''s tenant, once per transaction.';
REVOKE ALL ON FUNCTION orgd_raise_org_generation() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER units_raise_generation AFTER INSERT OR UPDATE OR DELETE ON units
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER unit_versions_raise_generation AFTER INSERT OR UPDATE OR DELETE ON unit_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER unit_kinds_raise_generation AFTER INSERT OR UPDATE OR DELETE ON unit_kinds
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER unit_handoffs_raise_generation AFTER INSERT OR UPDATE OR DELETE ON unit_handoffs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER positions_raise_generation AFTER INSERT OR UPDATE OR DELETE ON positions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER position_versions_raise_generation AFTER INSERT OR UPDATE OR DELETE ON position_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER people_raise_generation AFTER INSERT OR UPDATE OR DELETE ON people
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER person_versions_raise_generation AFTER INSERT OR UPDATE OR DELETE ON person_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER assignments_raise_generation AFTER INSERT OR UPDATE OR DELETE ON assignments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER regions_raise_generation AFTER INSERT OR UPDATE OR DELETE ON regions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER region_versions_raise_generation AFTER INSERT OR UPDATE OR DELETE ON region_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
-- The ladder names the grades headcount reports count by; roles and grants decide what a caller
-- sees of a chain, a report or an export (cached per caller, see docs/architecture.md).
CREATE CONSTRAINT TRIGGER grade_ladders_raise_generation AFTER INSERT OR UPDATE OR DELETE ON grade_ladders
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER roles_raise_generation AFTER INSERT OR UPDATE OR DELETE ON roles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
CREATE CONSTRAINT TRIGGER grants_raise_generation AFTER INSERT OR UPDATE OR DELETE ON grants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orgd_raise_org_generation();
