#!/usr/bin/env bash
# Customer-cases benchmark: a big tenant with 1,000,000 cases received over 12 months (more each
# month) and 60,000 just received, a small one with 20,000 and two more of 20,000 beside them,
# generated set-based as the owner role (bench/cases-generate.sql), then wrk against a release
# orgd: the overdue list of customer service and of one department, the monthly quality report
# of one month — tenant-wide (from its snapshot once summed) and narrowed to one region (summed on
# every request) — then case creation and one transition (classify). Then the report summed afresh
# (snapshot removed) and read again for each of the last 12 full months and for the small
# tenant, to show that its cost follows the month's cases; and EXPLAIN (ANALYZE, BUFFERS) of the
# report's statements and the overdue list as orgd sends them, run as orgd_app under row-level
# security (bench/explain.sh).
# Rewrites the bench:cases block of docs/performance.md; raw outputs in bench/out/cases-<time>/.
# Only 127.0.0.1 is loaded, for fixed durations; everything started here is stopped on exit.
# About 6 minutes after the release build, 2–3 of them generating.
#
# Usage: bench/cases.sh [--no-docs]
# Reads: what bench/lib.sh reads (BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_WARMUP,
#        BENCH_SINGLE_DURATION, BENCH_ORGD_BIN, BENCH_ORGD_COMMIT, BENCH_PGDATA, BENCH_KEEP_CLUSTER),
#        BENCH_CASES (1000000: the big tenant's year), BENCH_POOL (60000: the received cases the
#        transition classifies, one request each).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
BENCH_NAME=cases
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"
# shellcheck source=bench/explain.sh
source "$ORGD_ROOT/bench/explain.sh"

CASES=${BENCH_CASES:-1000000}
POOL=${BENCH_POOL:-60000}
SMALL_CASES=20000
TABLES="tenants, regions, region_versions, units, unit_versions, sites, site_versions, network_terms, case_settings, case_subcategories,
        product_warranties, case_sla_rules, case_numbers, cases, case_sla_breaches"
# The month the report is measured for: the sixth full month back, an average one of the ramp.
MONTH="$(date -u -d "$(date -u +%Y-%m-15) -6 months" +%Y-%m)"

main() {
  bench_args "$@"
  bench_start
  local b="http://127.0.0.1:$PORT"
  NOISE_BEFORE="$(noise)"

  create_tenant big; BIG=$T_ID BIG_TOKEN=$T_TOKEN
  create_tenant small; SMALL=$T_ID SMALL_TOKEN=$T_TOKEN
  log "generating $CASES cases in the big tenant, $SMALL_CASES in the small one and in 2 more"
  local started=$SECONDS
  psql_owner -v big="$BIG" -v small="$SMALL" <<SQL
\i $BENCH/cases-generate.sql
\i $BENCH/fillers.sql
BEGIN;
SELECT pg_temp.bench_cases(:'big', $CASES) \g /dev/null
COMMIT;
BEGIN;
SELECT pg_temp.bench_cases(:'small', $SMALL_CASES) \g /dev/null
SELECT pg_temp.bench_fillers(2, 'pg_temp.bench_cases(%L, $SMALL_CASES)') \g /dev/null
COMMIT;
SQL
  vacuum_tables "$TABLES"
  GEN_SECONDS=$((SECONDS - started))
  # Row-level security hides other tenants' rows even from the owner: count from the statistics.
  COUNTS="$(psql_owner -At -c "SELECT string_agg(reltuples::bigint::text, '|' ORDER BY relname DESC) FROM pg_class WHERE relname IN ('tenants', 'cases') AND relkind = 'r'")"
  BIG_CASES="$(tenant_sql "$BIG" "SELECT count(*) FROM cases")"
  log "generated in ${GEN_SECONDS}s: tenants|cases = $COUNTS (big tenant $BIG_CASES); ${VISIBLE}% of the pages all-visible"

  local service department region provinces
  service="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'CS'")"
  department="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'D1-1'")"
  region="$(tenant_sql "$BIG" "SELECT id FROM regions WHERE code = 'R1'")"
  provinces="$(tenant_sql "$BIG" "SELECT string_agg(id::text, ',') FROM regions WHERE parent_id IS NOT NULL")"
  local overdue="c.due_at < coalesce(c.paused_at, now()) AND c.state NOT IN ('closed', 'archived')"
  SERVICE_OVERDUE="$(tenant_sql "$BIG" "SELECT count(*) FROM cases c WHERE c.unit_id = '$service' AND $overdue")"
  DEPARTMENT_OVERDUE="$(tenant_sql "$BIG" "SELECT count(*) FROM cases c WHERE c.unit_id = '$department' AND $overdue")"
  MONTH_CASES="$(month_cases "$BIG" "$MONTH")"
  REGION_CASES="$(tenant_sql "$BIG" "SELECT count(*) FROM cases c JOIN regions g ON g.id = c.region_id
    WHERE g.path <@ (SELECT path FROM regions WHERE id = '$region') AND to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM') = '$MONTH'")"

  # Reads first, on the generated year alone; then the writes, whose new cases are all of this month.
  measure "overdue list, customer service" big "100 of $SERVICE_OVERDUE overdue" "$BIG_TOKEN" "$b/v1/cases?overdue=true&unit_id=$service"
  measure "overdue list, one department" big "100 of $DEPARTMENT_OVERDUE overdue" "$BIG_TOKEN" "$b/v1/cases?overdue=true&unit_id=$department"
  explain_logged overdue-service "ORDER BY c.number DESC" "$BIG" "$b/v1/cases?overdue=true&unit_id=$service" "$BIG_TOKEN"
  OVERDUE_MS=$EXPLAIN_MS
  explain_logged overdue-department "ORDER BY c.number DESC" "$BIG" "$b/v1/cases?overdue=true&unit_id=$department" "$BIG_TOKEN"
  OVERDUE_DEPARTMENT_MS=$EXPLAIN_MS
  measure "monthly report $MONTH, tenant (snapshot)" big "$MONTH_CASES cases summed" "$BIG_TOKEN" "$b/v1/cases/reports/monthly?month=$MONTH"
  measure "monthly report $MONTH, one region (summed)" big "$REGION_CASES cases summed" "$BIG_TOKEN" \
    "$b/v1/cases/reports/monthly?month=$MONTH&region_id=$region"
  BENCH_WRITE=1 BENCH_UNIT=$service BENCH_REGIONS=$provinces \
    measure "case create" big "1 case, its number, event, audit row" "$BIG_TOKEN" "$b/" "$BENCH/cases-create.lua"
  # The transition's pool: received now, so added only after the lists were measured.
  psql_owner -v big="$BIG" <<SQL
\i $BENCH/cases-generate.sql
BEGIN;
SELECT pg_temp.bench_pool(:'big', $POOL) \g /dev/null
COMMIT;
SQL
  tenant_sql "$BIG" "SELECT id FROM cases WHERE number LIKE 'CS-%-P%' ORDER BY number" >"$tmp/pool"
  rm -f "$tmp/pool.used"
  BENCH_WRITE=1 BENCH_IDS="$tmp/pool" BENCH_STRIDE=$THREADS \
    measure "classify (received → classified)" big "1 step: clock, event, audit row" "$BIG_TOKEN" "$b/" "$BENCH/cases-classify.lua"
  CLASSIFIED="$(cat "$tmp/pool.used")"
  NOISE_AFTER="$(noise)"

  # The report summed afresh and read again, month by month: the cost of the month's cases.
  local month
  GROWTH=()
  for month in $(months); do
    GROWTH+=("| big | $month | $(month_cases "$BIG" "$month") | $(report_ms "$BIG" "$BIG_TOKEN" "$b" "$month" cold) | $(report_ms "$BIG" "$BIG_TOKEN" "$b" "$month" warm) |")
  done
  GROWTH+=("| small | $MONTH | $(month_cases "$SMALL" "$MONTH") | $(report_ms "$SMALL" "$SMALL_TOKEN" "$b" "$MONTH" cold) | $(report_ms "$SMALL" "$SMALL_TOKEN" "$b" "$MONTH" warm) |")

  tenant_sql "$BIG" "DELETE FROM case_report_snapshots"
  explain_logged report-summed "GROUPING SETS" "$BIG" "$b/v1/cases/reports/monthly?month=$MONTH" "$BIG_TOKEN"
  SUMMED_MS=$EXPLAIN_MS
  explain_logged report-snapshot "jsonb_to_recordset" "$BIG" "$b/v1/cases/reports/monthly?month=$MONTH" "$BIG_TOKEN"
  SNAPSHOT_MS=$EXPLAIN_MS

  write_report
}

# CPU pressure (share of the last minute some task waited for a core) and the load average:
# other work on the machine, which the figures include.
noise() {
  printf 'CPU pressure %s%%, load %s' "$(awk '/^some/ {sub("avg60=", "", $3); print $3}' /proc/pressure/cpu 2>/dev/null || echo '?')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# The last 12 full months, oldest first (YYYY-MM).
months() {
  local i
  for i in 12 11 10 9 8 7 6 5 4 3 2 1; do date -u -d "$(date -u +%Y-%m-15) -$i months" +%Y-%m; done
}

# month_cases TENANT YYYY-MM: the cases the tenant received in that month (UTC).
month_cases() {
  tenant_sql "$1" "SELECT count(*) FROM cases WHERE received_at >= '$2-01T00:00:00Z' AND received_at < ('$2-01'::date + interval '1 month') AT TIME ZONE 'UTC'"
}

# report_ms TENANT TOKEN BASE MONTH cold|warm: the median of 3 GETs of the month's report, in ms
# (curl's total time); cold removes the snapshot before each, so each sums the month again.
report_ms() {
  local tenant=$1 token=$2 base=$3 month=$4 mode=$5 i times=()
  for i in 1 2 3; do
    [[ $mode == cold ]] && tenant_sql "$tenant" "DELETE FROM case_report_snapshots WHERE month = '$month-01'"
    times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$base/v1/cases/reports/monthly?month=$month")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk 'NR == 2 {printf "%.1f", $1 * 1000}'
}

report_block() {
  echo '<!-- bench:cases:start -->'
  echo '## Customer cases benchmark (`bench/cases.sh`)'
  echo
  machine_lines
  printf -- '- other work on the machine: %s before the wrk runs, %s after them (`/proc/pressure/cpu` some avg60, `/proc/loadavg`)\n' \
    "$NOISE_BEFORE" "$NOISE_AFTER"
  echo
  echo "Data (\`bench/cases-generate.sql\`, set-based as the owner role, then VACUUM (ANALYZE) leaving ${VISIBLE}% of the pages all-visible, ${GEN_SECONDS}s):"
  echo "tenants | cases = \`$COUNTS\`. The **big** tenant has $BIG_CASES cases received over the 365 days before the run,"
  echo "more each month (the oldest full month about 4 % of them, the newest about 12 %); 51 units (customer service and its"
  echo "intake group, 8 after-sales centres of 5 departments), 49 regions, 200 stations. Once the reads were measured, $POOL"
  echo "cases were received at the intake group for the transition (they are the newest, which the lists would pass)."
  echo "The **small** tenant and two more have $SMALL_CASES cases each, over the same year. Older cases are mostly archived or"
  echo "closed, the last week's spread over the flow; some older ones are stuck and overdue."
  echo "wrk -t$THREADS -c$CONNS, ${DURATION} after a ${WARMUP} warm-up, then -t1 -c1 for ${SINGLE} (\"alone\": one request at a time);"
  echo "wrk, orgd and Postgres share the cores. Creation posts a new case at customer service (\`bench/cases-create.lua\`);"
  echo "classify takes each of the just-received cases once ($CLASSIFIED of them over the three runs, \`bench/cases-classify.lua\`)."
  echo "The tenant-wide report is summed by the warm-up's first requests and read from its snapshot after that; the"
  echo "region's is summed on every request."
  echo
  table_rows tenant
  echo
  echo "The report of a month summed afresh (its snapshot removed first) and then read again from the snapshot: the"
  echo "median of three GETs each (curl, one at a time, ms):"
  echo
  echo '| tenant | month | cases received | summed ms | from the snapshot ms |'
  echo '| --- | --- | ---: | ---: | ---: |'
  for c in "${GROWTH[@]}"; do echo "$c"; done
  echo
  echo "EXPLAIN (ANALYZE, BUFFERS) as orgd sends them (from the server log), prepared and executed as \`orgd_app\` with the"
  echo "tenant set (row-level security applies), the sixth execution: the report's summing statement for $MONTH"
  echo "${SUMMED_MS} ms, its snapshot read ${SNAPSHOT_MS} ms; the overdue lists (before the writes) of customer service"
  echo "${OVERDUE_MS} ms and of the department ${OVERDUE_DEPARTMENT_MS} ms."
  echo "The summing statement's plan, without the name look-ups:"
  echo
  echo '```'
  awk '/(Group|Mixed|Hash)Aggregate  \(cost/ && !arrow { arrow = index($0, "->"); print; next }
       arrow && !done { if (match($0, /[^ ]/) <= arrow) done = 1; else print }
       /Planning Time|Execution Time/ { print }' "$out/explain-report-summed.txt" | cut -c1-200
  echo '```'
  echo
  commands_block
  echo '<!-- bench:cases:end -->'
}

main "$@"
