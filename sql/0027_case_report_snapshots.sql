-- The monthly quality report's summed groups, kept per tenant and month (GET
-- /v1/cases/reports/monthly without unit_id or region_id), so that asking again for a month whose
-- cases did not change costs one range scan of the month instead of summing it again.
--
-- Summing a month is CPU-bound: six grouping sets and a 90th percentile (a sort per group) over
-- every case of the month, a few µs a case: over the 200 ms goal for the 80,000-odd cases of a
-- month of a 1,000,000-case tenant (docs/performance.md, bench/cases.sh). The fingerprint is the
-- month's case count and the sum of a hash of each case row's xmin, the transaction that last
-- wrote it: any change to a case of the month (through orgd or not), a new case or a removed one
-- changes it, and reading it needs no sort. A snapshot whose fingerprint no longer matches is
-- summed again and replaced; a stale one is never served. Names (units, sites, regions,
-- subcategories) are not kept: they are joined when the report is answered.

CREATE TABLE case_report_snapshots (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    month        date NOT NULL CONSTRAINT case_report_snapshots_month_first CHECK (extract(day FROM month) = 1),
    fingerprint  text NOT NULL,
    groups       jsonb NOT NULL CONSTRAINT case_report_snapshots_groups_array CHECK (jsonb_typeof(groups) = 'array'),
    summed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, month)
);
COMMENT ON TABLE case_report_snapshots IS 'The monthly case report''s groups as last summed for a tenant''s month (the cases received in it, UTC), with the fingerprint of those cases; served only while the fingerprint matches.';
COMMENT ON COLUMN case_report_snapshots.fingerprint IS 'count(*) || '':'' || sum(hashtextextended(xmin::text, 0)) over the month''s cases when summed (CaseReportStore).';
COMMENT ON COLUMN case_report_snapshots.groups IS 'One object per group of the GROUPING SETS: set (GROUPING bits), category, subcategory, unit_id, site_id, region_id and the summed figures.';

ALTER TABLE case_report_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_report_snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY case_report_snapshots_tenant_isolation ON case_report_snapshots
    USING (tenant_id = orgd_current_tenant()) WITH CHECK (tenant_id = orgd_current_tenant());
