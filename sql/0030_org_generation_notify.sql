-- The generation trigger (0029_org_generation) also announces the tenant's new generation with
-- pg_notify on the channel orgd_org_generation, payload '<tenant uuid> <generation>', so that an
-- orgd running with --answer-cache-generation notify can keep every tenant's generation in memory
-- and serve a cached read with no round trip at all (docs/architecture.md, "The answer cache",
-- "Two ways to know the generation"). Without that mode nobody LISTENs and a NOTIFY costs the
-- writer one queue entry at commit.
--
-- Once per transaction and tenant, as the raise itself: the function notifies only where it
-- raises, behind the same set_config mark, so an import of 20,000 units sends one notification.
-- NOTIFY is delivered at commit (never for a rolled-back transaction), and Postgres delivers one
-- transaction's notifications to each listener in commit order; the raise holds the counter's row
-- lock until the commit, so one tenant's notifications arrive in the order of their generations.
-- The listener still keeps the highest it has heard (GenerationBoard), whatever the order.
--
-- The notification is sent from inside the deferred trigger, with the value the UPDATE returned:
-- the generation that commits is exactly the one announced.

CREATE OR REPLACE FUNCTION orgd_raise_org_generation() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
DECLARE
    tenant uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    mark text := 'orgd.generation_raised_' || replace(tenant::text, '-', '');
    raised bigint;
BEGIN
    IF current_setting(mark, true) IS DISTINCT FROM 'on' THEN
        INSERT INTO org_generations AS g (tenant_id, generation) VALUES (tenant, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET generation = g.generation + 1
            RETURNING g.generation INTO raised;
        PERFORM set_config(mark, 'on', true);
        PERFORM pg_notify('orgd_org_generation', tenant::text || ' ' || raised::text);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION orgd_raise_org_generation() IS 'Trigger: raises org_generations.generation of the changed row''s tenant, once per transaction, and announces it on orgd_org_generation (payload: tenant id, space, generation).';
REVOKE ALL ON FUNCTION orgd_raise_org_generation() FROM PUBLIC;
