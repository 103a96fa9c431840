-- Synthetic service networks for bench/network.sh, generated set-based as the owner role. Row-level
-- security is forced even for the owner, so each tenant is written with its tenant set.
--
-- pg_temp.bench_network(tenant, sites, technicians, regions, provinces, cities) writes:
--   - 5 product lines (network_terms: ac, fridge, washer, tv, hvac) beside the built-in service
--     types;
--   - a region tree of `regions` regions × `provinces` provinces × `cities` cities, laid over
--     China's bounding box (latitude 20–45, longitude 100–125): a region is a band of longitude,
--     a province a band of latitude within it, a city one cell of a grid within the province;
--   - `sites` sites, site n in city n mod (number of cities), its point uniform in the city's
--     cell; its traits follow h = n + n / (number of cities), so each city has every mix. Opened
--     (first version, authorisation, postings) 700 - h mod 600 days ago. h mod 20: 0 suspended,
--     1 probation, 2 authorised but expired 30 days ago, 3 authorised until next year, else
--     authorised with no end. h mod 10: 0 dealer, 1 after-sales station, else repair station;
--     5 covers its province (else its own city). h mod 5 = 0: an 80 km service radius.
--     h mod 100 = 7: archived. Capabilities: two product lines (h mod 4 and another) × repair and
--     maintenance, installation for even h, parts supply for h mod 3 = 0, so each of the four
--     lines is offered by half of the sites; and hvac/installation, first, for h mod 40 = 13
--     (1 site in 40, all authorised);
--   - `technicians` technicians, technician m posted at site m mod `sites` (m mod 25 = 0: the
--     posting ended 10 days ago), with 2 certifications for two of the site's capabilities (one
--     in six expired 60 days ago, one technician in 97 had them revoked).
-- Dates are relative to current_date, so the data means the same on any day it is generated.
-- Random points are drawn after setseed, so a rerun draws the same ones.

SET client_min_messages = warning;

CREATE FUNCTION pg_temp.bench_network(p_tenant uuid, p_sites int, p_technicians int, p_regions int, p_provinces int,
                                      p_cities int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    since date := current_date - 700;
    grid int := ceil(sqrt(p_cities));          -- a province's cities: a grid of `grid` columns
    grid_rows int := ceil(p_cities::numeric / ceil(sqrt(p_cities)));
    cities int := p_regions * p_provinces * p_cities;
    lines text[] := ARRAY['ac', 'fridge', 'washer', 'tv'];
BEGIN
    PERFORM set_config('orgd.tenant_id', p_tenant::text, true);
    PERFORM setseed(0.42);
    INSERT INTO network_terms (tenant_id, vocabulary, code, name)
    SELECT p_tenant, 'product_line', code, name
    FROM unnest(lines || 'hvac'::text, ARRAY['空调', '冰箱', '洗衣机', '电视', '中央空调']) AS t (code, name);

    DROP TABLE IF EXISTS g_regions, g_sites, g_technicians;
    -- Every region with its cell: level 1 (r), 2 (r, p) or 3 (r, p, c).
    CREATE TEMP TABLE g_regions AS
        SELECT 1 AS level, r, NULL::int AS p, NULL::int AS c, gen_random_uuid() AS id,
               20.0::float8 AS lat0, 45.0::float8 AS lat1, 100 + 25.0 * r / p_regions AS lon0, 100 + 25.0 * (r + 1) / p_regions AS lon1
        FROM generate_series(0, p_regions - 1) r
        UNION ALL
        SELECT 2, r, p, NULL, gen_random_uuid(), 20 + 25.0 * p / p_provinces, 20 + 25.0 * (p + 1) / p_provinces,
               100 + 25.0 * r / p_regions, 100 + 25.0 * (r + 1) / p_regions
        FROM generate_series(0, p_regions - 1) r, generate_series(0, p_provinces - 1) p
        UNION ALL
        SELECT 3, r, p, c, gen_random_uuid(),
               20 + 25.0 * (p + (c / grid)::float8 / grid_rows) / p_provinces,
               20 + 25.0 * (p + (c / grid + 1)::float8 / grid_rows) / p_provinces,
               100 + 25.0 * (r + (c % grid)::float8 / grid) / p_regions,
               100 + 25.0 * (r + (c % grid + 1)::float8 / grid) / p_regions
        FROM generate_series(0, p_regions - 1) r, generate_series(0, p_provinces - 1) p, generate_series(0, p_cities - 1) c;
    ALTER TABLE g_regions ADD COLUMN parent uuid, ADD COLUMN path ltree, ADD COLUMN city int;
    UPDATE g_regions g SET parent = u.id FROM g_regions u
    WHERE (g.level = 2 AND u.level = 1 AND u.r = g.r) OR (g.level = 3 AND u.level = 2 AND u.r = g.r AND u.p = g.p);
    UPDATE g_regions SET path = orgd_uuid_label(id) WHERE level = 1;
    UPDATE g_regions g SET path = u.path || orgd_uuid_label(g.id) FROM g_regions u WHERE g.level = 2 AND u.id = g.parent;
    UPDATE g_regions g SET path = u.path || orgd_uuid_label(g.id) FROM g_regions u WHERE g.level = 3 AND u.id = g.parent;
    UPDATE g_regions SET city = (r * p_provinces + p) * p_cities + c WHERE level = 3;
    CREATE INDEX ON g_regions (city);
    ANALYZE g_regions;
    INSERT INTO regions (tenant_id, id, parent_id, name, code, path)
    SELECT p_tenant, id, parent,
           CASE level WHEN 1 THEN '大区' || r + 1 WHEN 2 THEN '省' || r + 1 || '-' || p + 1 ELSE '市' || r + 1 || '-' || p + 1 || '-' || c + 1 END,
           'R' || concat_ws('-', r + 1, p + 1, c + 1), path
    FROM g_regions;

    -- Site n is in city n mod cities; its traits follow h = n + n / cities, so that a city's
    -- sites (n, n + cities, ...) take every value in turn: read off n, with 420 cities (a
    -- multiple of 4, 10 and 20), they would be the same for a whole city.
    CREATE TEMP TABLE g_sites AS
        SELECT n, x.h, gen_random_uuid() AS id, g.id AS city_id, g.parent AS province_id,
               g.lat0 + random() * (g.lat1 - g.lat0) AS lat, g.lon0 + random() * (g.lon1 - g.lon0) AS lon,
               ARRAY[lines[1 + x.h % 4], lines[1 + (x.h % 4 + 1 + (x.h / 4) % 3) % 4]] AS site_lines, since + x.h % 600 AS opened
        FROM generate_series(0, p_sites - 1) n CROSS JOIN LATERAL (SELECT n + n / cities AS h) x
        JOIN g_regions g ON g.city = n % cities;
    ALTER TABLE g_sites ADD COLUMN capabilities text[];
    UPDATE g_sites SET capabilities = CASE WHEN h % 40 = 13 THEN ARRAY['hvac/installation'] ELSE '{}' END || ARRAY(
        SELECT l || '/' || t FROM unnest(site_lines) l,
            unnest(ARRAY['repair', 'maintenance'] || CASE WHEN h % 2 = 0 THEN ARRAY['installation'] ELSE '{}' END
                   || CASE WHEN h % 3 = 0 THEN ARRAY['parts_supply'] ELSE '{}' END) t);
    CREATE INDEX ON g_sites (n);
    ANALYZE g_sites;
    INSERT INTO sites (tenant_id, id, code, status, authorised_from, authorised_until)
    SELECT p_tenant, id, 'S' || n,
           CASE h % 20 WHEN 0 THEN 'suspended' WHEN 1 THEN 'probation' ELSE 'authorised' END,
           opened, CASE h % 20 WHEN 2 THEN current_date - 30 WHEN 3 THEN current_date + 365 END
    FROM g_sites;
    INSERT INTO site_versions (tenant_id, site_id, valid, kind, name, region_id, address, latitude, longitude, contact_name,
                               contact_phone, capabilities, covers, service_radius_km, archived)
    SELECT p_tenant, id, daterange(opened, NULL),
           CASE h % 10 WHEN 0 THEN 'dealer' WHEN 1 THEN 'after_sales_station' ELSE 'repair_station' END,
           '服务站' || n, city_id, '服务路' || n || '号', lat, lon, '站长' || n, '400-' || lpad(n::text, 7, '0'), capabilities,
           CASE WHEN h % 10 = 5 THEN ARRAY[province_id] ELSE '{}' END, CASE WHEN h % 5 = 0 THEN 80 END, h % 100 = 7
    FROM g_sites;

    CREATE TEMP TABLE g_technicians AS
        SELECT m, gen_random_uuid() AS id, s.id AS site_id, s.capabilities, s.opened
        FROM generate_series(0, p_technicians - 1) m JOIN g_sites s ON s.n = m % p_sites;
    INSERT INTO technicians (tenant_id, id, name, phone) SELECT p_tenant, id, '技师' || m, '139' || lpad(m::text, 8, '0') FROM g_technicians;
    INSERT INTO technician_postings (tenant_id, technician_id, site_id, valid)
    SELECT p_tenant, id, site_id, daterange(opened, CASE WHEN m % 25 = 0 THEN current_date - 10 END)
    FROM g_technicians;
    -- Technician m is the (m / sites)-th of its site: its certifications take the site's
    -- capabilities 2j and 2j + 1 (cyclically), so the first four cover up to 8 of them.
    INSERT INTO certifications (tenant_id, technician_id, capability, issued_on, expires_on, issuer, revoked_on)
    SELECT p_tenant, id, capabilities[1 + (2 * (m / p_sites) + k) % cardinality(capabilities)], since,
           CASE WHEN (m + k) % 6 = 0 THEN current_date - 60 ELSE current_date + 700 END, '厂家培训中心',
           CASE WHEN m % 97 = 0 THEN current_date - 5 END
    FROM g_technicians, generate_series(0, 1) k;
    DROP TABLE g_regions, g_sites, g_technicians;
END
$$;

-- For the inspection-create measurement (bench/network.sh, off until the endpoint exists): a
-- checklist of 5 items of 10 points (weight 20 each, the first mandatory) and an inspector's
-- position in a one-unit org chart, held since yesterday (the endpoint records who held it on the
-- day). Returns the template's and the position's ids.
CREATE FUNCTION pg_temp.bench_inspection_fixtures(p_tenant uuid, OUT template_id uuid, OUT position_id uuid)
LANGUAGE plpgsql AS $$
DECLARE
    unit uuid := gen_random_uuid();
    inspector uuid := gen_random_uuid();
    since date := current_date - 700;
BEGIN
    PERFORM set_config('orgd.tenant_id', p_tenant::text, true);
    template_id := gen_random_uuid();
    position_id := gen_random_uuid();
    INSERT INTO inspection_templates (tenant_id, id, name) VALUES (p_tenant, template_id, '服务站年度检查');
    INSERT INTO inspection_template_items (tenant_id, template_id, key, position, title, weight, max_score, mandatory)
    SELECT p_tenant, template_id, 'i' || k, k, '检查项' || k, 20, 10, k = 1 FROM generate_series(1, 5) k;
    INSERT INTO units (tenant_id, id) VALUES (p_tenant, unit);
    INSERT INTO unit_versions (tenant_id, unit_id, valid, parent_id, path, name, code, kind, sort_order)
    VALUES (p_tenant, unit, daterange(since, NULL), NULL, orgd_uuid_label(unit), '售后服务部', 'AS', 'board', 0);
    INSERT INTO positions (tenant_id, id) VALUES (p_tenant, position_id);
    INSERT INTO position_versions (tenant_id, position_id, valid, unit_id, title, grade, headcount_kind, headcount_min,
                                   headcount_max, kind, sort_order)
    VALUES (p_tenant, position_id, daterange(since, NULL), unit, '巡检员', 'B+1', 'exact', 1, 1, 'head', 0);
    INSERT INTO people (tenant_id, id, employee_no, name) VALUES (p_tenant, inspector, 'INS-1', '巡检员甲');
    INSERT INTO assignments (tenant_id, person_id, position_id, kind, valid)
    VALUES (p_tenant, inspector, position_id, 'primary', daterange(current_date - 1, NULL));
END
$$;

-- The 1,000 other tenants: 4 sites each in a tree of one region, one province and two cities,
-- 8 technicians.
\ir fillers.sql
DO $$ BEGIN PERFORM pg_temp.bench_fillers(1000, 'pg_temp.bench_network(%L, 4, 8, 1, 1, 2)'); END $$;
