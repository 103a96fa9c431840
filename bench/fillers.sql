-- Filler tenants for the bench generators (bench/org-generate.sql, bench/network-generate.sql):
-- pg_temp.bench_fillers(count, call) creates the tenants filler-1 … filler-<count> and runs
-- `SELECT <call>` for each, the tenant's id put in place of %L (format()): the generator itself
-- sets the tenant, as row-level security is forced even for the owner.

CREATE FUNCTION pg_temp.bench_fillers(p_count int, p_call text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE t uuid;
BEGIN
    PERFORM set_config('orgd.platform', 'on', true);
    FOR t IN
        INSERT INTO tenants (slug, name) SELECT 'filler-' || g, '填充公司' || g FROM generate_series(1, p_count) g RETURNING id
    LOOP
        EXECUTE format('SELECT ' || p_call, t);
    END LOOP;
END
$$;
