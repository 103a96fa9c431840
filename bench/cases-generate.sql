-- Synthetic customer cases for bench/cases.sh, generated set-based as the owner role (row-level
-- security is forced even for the owner, so each tenant is written with its tenant set).
--
-- pg_temp.bench_cases(tenant, cases) gives a tenant the places cases need — 7 regions of
-- 6 provinces, a unit tree (board, customer service center CS with its intake group, 8
-- after-sales centers of 5 departments: 51 units), 200 authorised repair stations, 3 product
-- lines, subcategories, SLA
-- rules — and `cases` cases received over the 365 days before now, more each month (the density
-- rises linearly from 0.5 to 1.5 times the mean, so the oldest full month holds about 4 % of the
-- cases and the newest about 12 %: the report's cost can be read against the month's size).
-- Rows are inserted in the order received, as a live system would write them. Older cases are
-- mostly settled (archived, closed), the last week's spread over the flow; some older ones are
-- stuck and overdue. One case in ten breached once (with its case_sla_breaches row), one resolved
-- case in sixteen was reopened.
--
-- pg_temp.bench_pool(tenant, n) then receives n more cases at the intake group, unclassified, for
-- the transition benchmark to classify one request each. They are the newest, so they are added
-- only once the lists have been measured: a list in number order would otherwise pass them all.
-- Case histories (case_events) are not generated: no measured request reads them.

SET client_min_messages = warning;

CREATE FUNCTION pg_temp.bench_cases(p_tenant uuid, p_cases int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    provinces uuid[];       -- the 42 provinces, in code order
    departments uuid[];     -- the 40 departments
    stations uuid[];        -- the 200 stations
    service uuid;           -- customer service (CS)
BEGIN
    PERFORM set_config('orgd.tenant_id', p_tenant::text, true);
    DROP TABLE IF EXISTS g_regions, g_units, g_sites;

    -- Regions: R1…R7, each with provinces R1-1…R1-6.
    CREATE TEMP TABLE g_regions AS
        SELECT r AS n, NULL::int AS parent, gen_random_uuid() AS id, 'R' || r AS code, '大区' || r AS name FROM generate_series(1, 7) r
        UNION ALL
        SELECT 10 * r + p, r, gen_random_uuid(), 'R' || r || '-' || p, '省份' || r || '-' || p FROM generate_series(1, 7) r, generate_series(1, 6) p;
    INSERT INTO regions (tenant_id, id, parent_id, name, code, path)
    SELECT p_tenant, g.id, pg.id, g.name, g.code, CASE WHEN pg.id IS NULL THEN orgd_uuid_label(g.id) ELSE orgd_uuid_label(pg.id) || orgd_uuid_label(g.id) END
    FROM g_regions g LEFT JOIN g_regions pg ON pg.n = g.parent ORDER BY g.n;

    -- Units: U0 the board, CS customer service, C1…C8 after-sales centers, D1-1…D8-5 their departments.
    CREATE TEMP TABLE g_units AS
        SELECT 0 AS n, NULL::int AS parent, gen_random_uuid() AS id, 'U0' AS code, '总公司' AS name, 'board' AS kind
        UNION ALL SELECT 1, 0, gen_random_uuid(), 'CS', '客服中心', 'center'
        UNION ALL SELECT 2, 1, gen_random_uuid(), 'CS-IN', '受理组', 'group'
        UNION ALL SELECT 10 * c, 0, gen_random_uuid(), 'C' || c, '售后中心' || c, 'center' FROM generate_series(1, 8) c
        UNION ALL SELECT 10 * c + d, 10 * c, gen_random_uuid(), 'D' || c || '-' || d, '售后部' || c || '-' || d, 'department'
                  FROM generate_series(1, 8) c, generate_series(1, 5) d;
    INSERT INTO units (tenant_id, id) SELECT p_tenant, id FROM g_units;
    INSERT INTO unit_versions (tenant_id, unit_id, valid, parent_id, path, name, code, kind, sort_order)
    SELECT p_tenant, u.id, daterange('2024-01-01', NULL), p.id,
           CASE WHEN p.id IS NULL THEN orgd_uuid_label(u.id) ELSE orgd_uuid_label(p.id) || orgd_uuid_label(u.id) END,
           u.name, u.code, u.kind, u.n
    FROM g_units u LEFT JOIN g_units p ON p.n = u.parent;
    provinces := ARRAY(SELECT id FROM g_regions WHERE parent IS NOT NULL ORDER BY n);
    departments := ARRAY(SELECT id FROM g_units WHERE kind = 'department' ORDER BY n);
    service := (SELECT id FROM g_units WHERE code = 'CS');

    -- 200 authorised repair stations, spread over the provinces.
    INSERT INTO network_terms (tenant_id, vocabulary, code, name)
    VALUES (p_tenant, 'product_line', 'washer', '洗衣机'), (p_tenant, 'product_line', 'ac', '空调'), (p_tenant, 'product_line', 'fridge', '冰箱');
    CREATE TEMP TABLE g_sites AS SELECT s AS n, gen_random_uuid() AS id, provinces[1 + s % 42] AS region_id FROM generate_series(1, 200) s;
    stations := ARRAY(SELECT id FROM g_sites ORDER BY n);
    INSERT INTO sites (tenant_id, id, code, status, authorised_from)
    SELECT p_tenant, id, 'S' || lpad(n::text, 3, '0'), 'authorised', '2024-01-01' FROM g_sites;
    INSERT INTO site_versions (tenant_id, site_id, valid, kind, name, region_id, latitude, longitude, capabilities)
    SELECT p_tenant, id, daterange('2024-01-01', NULL), 'repair_station', '维修站' || n, region_id,
           20 + (n % 25), 100 + (n % 25), ARRAY['washer/repair', 'ac/repair', 'fridge/repair']
    FROM g_sites;

    -- The tenant's case settings.
    INSERT INTO case_settings (tenant_id, number_prefix) VALUES (p_tenant, 'CS');
    INSERT INTO case_subcategories (tenant_id, category, code, name)
    SELECT p_tenant, c, code, name FROM (VALUES
        ('equipment', 'noise', '噪音'), ('equipment', 'leak', '漏水'), ('equipment', 'no_power', '不通电'), ('equipment', 'door', '门锁故障'),
        ('equipment', 'display', '显示异常'), ('platform', 'login', '无法登录'), ('platform', 'payment', '支付失败'),
        ('platform', 'app_crash', '应用闪退'), ('other', 'consult', '咨询'), ('other', 'complaint', '投诉')) AS s(c, code, name);
    INSERT INTO product_warranties (tenant_id, product_line, warranty_months)
    VALUES (p_tenant, 'washer', 24), (p_tenant, 'ac', 36), (p_tenant, 'fridge', 24);
    INSERT INTO case_sla_rules (tenant_id, category, state, hours)
    SELECT p_tenant, NULL, s, h FROM (VALUES ('received', 2), ('classified', 24), ('forwarded', 48), ('warranty_decided', 8),
                                             ('owner_notified', 8), ('dispatched', 48), ('site_reported', 24), ('resolved', 72)) AS r(s, h)
    UNION ALL SELECT p_tenant, 'equipment', 'classified', 4;

    -- The cases. `t` is the receipt time as a fraction of the year (inverse of F(t) = (t + t²) / 2),
    -- `progress` how far along the flow (by age: the last week's are spread over it).
    INSERT INTO cases (tenant_id, number, state, category, subcategory, customer_name, customer_phone, product_line, model,
                       serial_no, purchase_date, description, channel, region_id, unit_id, site_id, forwarded, in_warranty,
                       in_warranty_computed, cause, charge, charge_amount, paused, paused_at, state_entered_at, due_at,
                       received_at, resolved_at, closed_at, satisfied, reopen_count, breaches, revision)
    SELECT p_tenant, 'CS-' || extract(year FROM received_at)::int || '-' || repeat('0', greatest(0, 6 - length(k::text))) || k,
           state, category, subcategory, '客户' || g, '138' || lpad((g % 100000000)::text, 8, '0'), line,
           CASE WHEN line IS NULL THEN '' ELSE upper(line) || '-' || (g % 90 + 10) END, CASE WHEN line IS NULL THEN '' ELSE 'SN' || g END,
           CASE WHEN line IS NULL THEN NULL ELSE (received_at - (r4 * 900)::int * interval '1 day')::date END,
           (ARRAY['洗衣机脱水时噪音很大，已经持续三天，希望尽快上门检查', '空调制冷效果差，室内温度降不下来',
                  '冰箱门关不严，冷藏室有积水', 'App 登录时提示密码错误，重置后仍然无法登录',
                  '付款后订单状态没有更新，请核实', '咨询延保服务的价格和办理流程'])[1 + g % 6],
           (ARRAY['phone', 'web', 'app', 'email', 'dealer', 'on_site'])[1 + g % 6],
           provinces[1 + g % 42], CASE WHEN forwarded THEN departments[1 + g % 40] ELSE service END,
           CASE WHEN category = 'equipment' AND progress >= 3 THEN stations[1 + g % 200] END,
           forwarded, warranty, warranty, CASE WHEN warranty IS NOT NULL THEN CASE WHEN r5 < 0.2 THEN 'human' ELSE 'non_human' END END,
           charge, CASE WHEN charge = 'charged' AND progress >= 4 THEN round((50 + r5 * 750)::numeric, 2)
                        WHEN charge = 'free' AND progress >= 4 THEN 0 END,
           paused, CASE WHEN paused IS NOT NULL THEN entered + interval '1 hour' END,
           entered, CASE WHEN state NOT IN ('closed', 'archived') THEN entered + hours * interval '1 hour' END,
           received_at, resolved_at, CASE WHEN state IN ('closed', 'archived') THEN resolved_at + interval '1 day' END,
           CASE WHEN state IN ('closed', 'archived') THEN true END, reopened, CASE WHEN r6 < 0.1 THEN 1 ELSE 0 END, 1 + progress
    FROM (
        SELECT g, received_at, category, progress, forwarded, r4, r5, r6, line,
               row_number() OVER (PARTITION BY extract(year FROM received_at) ORDER BY received_at) AS k,
               CASE WHEN r3 < 0.2 THEN NULL
                    WHEN category = 'equipment' THEN (ARRAY['noise', 'leak', 'no_power', 'door', 'display'])[1 + g % 5]
                    WHEN category = 'platform' THEN (ARRAY['login', 'payment', 'app_crash'])[1 + g % 3]
                    WHEN category = 'other' THEN (ARRAY['consult', 'complaint'])[1 + g % 2] END AS subcategory,
               state, resolved_at, reopened,
               CASE WHEN category = 'equipment' AND progress >= 2 THEN r4 < 0.7 END AS warranty,
               CASE WHEN category = 'equipment' AND progress >= 2 THEN CASE WHEN r5 < 0.6 THEN 'free' ELSE 'charged' END END AS charge,
               CASE WHEN state IN ('dispatched', 'classified') AND r6 > 0.98 THEN 'parts' END AS paused,
               coalesce(CASE WHEN state IN ('resolved', 'closed', 'archived') THEN resolved_at END,
                        least(received_at + progress * interval '3 hours', now())) AS entered,
               CASE state WHEN 'received' THEN 2 WHEN 'classified' THEN 24 WHEN 'forwarded' THEN 48 WHEN 'dispatched' THEN 48
                          WHEN 'site_reported' THEN 24 WHEN 'resolved' THEN 72 ELSE 8 END AS hours
        FROM (
            SELECT g, received_at, category, progress, r3, r4, r5, r6, CASE WHEN category = 'equipment' THEN line END AS line,
                   category IN ('platform', 'other') AND progress >= 2 AND r3 < 0.6 AS forwarded,
                   CASE progress WHEN 0 THEN 'received' WHEN 1 THEN 'classified'
                        WHEN 2 THEN CASE WHEN category = 'equipment' THEN CASE WHEN r3 < 0.5 THEN 'warranty_decided' ELSE 'owner_notified' END
                                         WHEN r3 < 0.6 THEN 'forwarded' ELSE 'classified' END
                        WHEN 3 THEN CASE WHEN category = 'equipment' THEN 'dispatched' WHEN r3 < 0.6 THEN 'forwarded' ELSE 'classified' END
                        WHEN 4 THEN CASE WHEN category = 'equipment' THEN 'site_reported' WHEN r3 < 0.6 THEN 'forwarded' ELSE 'classified' END
                        WHEN 5 THEN 'resolved' WHEN 6 THEN 'closed' ELSE 'archived' END AS state,
                   CASE WHEN progress >= 5 THEN received_at + exp(r4 * 5.3) * interval '1 hour' END AS resolved_at,
                   CASE WHEN progress >= 5 AND r6 > 0.94 THEN 1 ELSE 0 END AS reopened
            FROM (
                SELECT g, received_at, r3, r4, r5, r6,
                       CASE WHEN age < 0.01 AND r1 < 0.3 THEN NULL WHEN r1 < 0.5 THEN 'equipment' WHEN r1 < 0.85 THEN 'platform' ELSE 'other' END AS category,
                       CASE WHEN age < 0.01 AND r1 < 0.3 THEN 0
                            WHEN age > 7 THEN CASE WHEN r2 < 0.6 THEN 7 WHEN r2 < 0.92 THEN 6 WHEN r2 < 0.97 THEN 5 ELSE 3 END
                            ELSE 1 + floor(r2 * 7)::int END AS progress,
                       (ARRAY['washer', 'ac', 'fridge'])[1 + g % 3] AS line
                FROM (
                    SELECT g, r1, r2, r3, r4, r5, r6, received_at, extract(epoch FROM now() - received_at) / 86400 AS age
                    FROM (
                        SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6,
                               now() - interval '365 days' + (sqrt(0.25 + 2 * random()) - 0.5) * interval '365 days' AS received_at
                        FROM generate_series(1, p_cases) g
                    ) a
                ) b
            ) c
        ) d
    ) e
    ORDER BY received_at;
    INSERT INTO case_sla_breaches (tenant_id, case_id, state, due_at, left_at)
    SELECT p_tenant, id, 'classified', received_at + interval '1 day', received_at + interval '30 hours' FROM cases WHERE breaches > 0;
    INSERT INTO case_numbers (tenant_id, year, last)
    SELECT p_tenant, extract(year FROM received_at)::int, count(*) FROM cases GROUP BY 2;
    DROP TABLE g_regions, g_units, g_sites;
END
$$;

CREATE FUNCTION pg_temp.bench_pool(p_tenant uuid, p_cases int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    provinces uuid[];
    intake uuid;
BEGIN
    PERFORM set_config('orgd.tenant_id', p_tenant::text, true);   -- before reading: row-level security
    provinces := ARRAY(SELECT id FROM regions WHERE parent_id IS NOT NULL ORDER BY code);
    intake := (SELECT unit_id FROM unit_versions WHERE code = 'CS-IN');
    INSERT INTO cases (tenant_id, number, customer_name, customer_phone, description, channel, region_id, unit_id,
                       state_entered_at, due_at, received_at)
    SELECT p_tenant, 'CS-' || extract(year FROM now())::int || '-P' || lpad(g::text, 6, '0'), '客户P' || g, '13900000000',
           '洗衣机脱水时噪音很大', 'phone', provinces[1 + g % cardinality(provinces)], intake, now() - interval '1 hour' + g * interval '1 millisecond',
           now() + interval '1 hour' + g * interval '1 millisecond', now() - interval '1 hour' + g * interval '1 millisecond'
    FROM generate_series(1, p_cases) g;
END
$$;
