#!/usr/bin/env bash
# Org-chart benchmark: 1,000 tenants — a big company (20,021 units, 100,105 positions and people),
# a small one (1,002 units) and 998 of 21 units — generated set-based as the owner role
# (bench/org-generate.sql), then wrk against a release orgd: the tree of a 50-unit subtree and of
# a 1,001-unit one, the headcount report over both, the JSON and SVG exports and the vacancy list
# of the 50-unit one, and a position update with its audit row, each in both companies (the SVG
# in the big one), to show that latency follows the size of the answer, not of the company.
# Rewrites the bench:org block of docs/performance.md; raw outputs in bench/out/org-<time>/.
# Only 127.0.0.1 is loaded, for fixed durations; everything started here is stopped on exit.
#
# With --answer-cache, instead: the tree of the 50-unit and the 1,001-unit subtree and a unit by
# id in the big company, each through a second orgd with the answer cache off
# (ORGD_ANSWER_CACHE_BYTES=0) and then through the first, with it on (default size, warm after
# the warm-up run), the unit and the 50-unit tree also through a third with the generation kept
# in memory (ORGD_ANSWER_CACHE_GENERATION=notify), then the position update with the generation triggers and without them;
# rewrites the bench:org-cache block.
#
# Usage: bench/org.sh [--answer-cache] [--no-docs]
# Reads: BENCH_DURATION (10s), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_WARMUP (2s),
#        BENCH_SINGLE_DURATION (5s: the one-connection run after each),
#        BENCH_ORGD_BIN (use this orgd binary, skip the release build), BENCH_ORGD_COMMIT (the
#        commit that binary was built from, for the report),
#        BENCH_PGDATA (/tmp/bench-org-pg; a cluster already there is destroyed first, and this one
#        on exit unless BENCH_KEEP_CLUSTER=1).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_NAME=org
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"

cache_mode=0

main() {
  if [[ ${1:-} == --answer-cache ]]; then cache_mode=1; shift; fi
  bench_args "$@"
  bench_start

  org_generate

  # U1 is a division (1,001 units), U2 its first department (50 units), in both companies.
  local b_div b_dep s_div s_dep
  b_div="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  b_dep="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U2'")"
  s_div="$(tenant_sql "$SMALL" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  s_dep="$(tenant_sql "$SMALL" "SELECT unit_id FROM unit_versions WHERE code = 'U2'")"
  tenant_sql "$BIG" "SELECT position_id FROM position_versions ORDER BY random() LIMIT 2000" >"$tmp/big-ids"
  tenant_sql "$SMALL" "SELECT position_id FROM position_versions ORDER BY random() LIMIT 2000" >"$tmp/small-ids"

  if ((cache_mode)); then measure_answer_cache "$b_dep" "$b_div"; return; fi
  local b="http://127.0.0.1:$PORT"
  measure "tree, 50-unit subtree" big "50 units, 250 seats" "$BIG_TOKEN" "$b/v1/units/$b_dep/tree"
  measure "tree, 50-unit subtree" small "50 units, 250 seats" "$SMALL_TOKEN" "$b/v1/units/$s_dep/tree"
  measure "tree, 1,001-unit subtree" big "1,001 units, 5,005 seats" "$BIG_TOKEN" "$b/v1/units/$b_div/tree"
  measure "tree, 1,001-unit subtree" small "1,001 units, 5,005 seats" "$SMALL_TOKEN" "$b/v1/units/$s_div/tree"
  measure "headcount, 1,001-unit subtree" big "1,001 units" "$BIG_TOKEN" "$b/v1/units/$b_div/headcount"
  measure "headcount, 1,001-unit subtree" small "1,001 units" "$SMALL_TOKEN" "$b/v1/units/$s_div/headcount"
  measure "headcount, 50-unit subtree" big "50 units" "$BIG_TOKEN" "$b/v1/units/$b_dep/headcount"
  measure "headcount, 50-unit subtree" small "50 units" "$SMALL_TOKEN" "$b/v1/units/$s_dep/headcount"
  measure "export JSON, 50-unit subtree" big "50 units, 250 seats" "$BIG_TOKEN" "$b/v1/units/$b_dep/export?format=json"
  measure "export JSON, 50-unit subtree" small "50 units, 250 seats" "$SMALL_TOKEN" "$b/v1/units/$s_dep/export?format=json"
  measure "export SVG, 50-unit subtree" big "50 units, 250 seats" "$BIG_TOKEN" "$b/v1/units/$b_dep/export?format=svg"
  measure "vacancies, 50-unit subtree" big "50 vacant posts" "$BIG_TOKEN" "$b/v1/org/vacancies?unit_id=$b_dep"
  measure "vacancies, 50-unit subtree" small "50 vacant posts" "$SMALL_TOKEN" "$b/v1/org/vacancies?unit_id=$s_dep"
  BENCH_WRITE=1 BENCH_IDS="$tmp/big-ids" measure "position update + audit row" big "1 position" "$BIG_TOKEN" "$b/" "$BENCH/org-update.lua"
  BENCH_WRITE=1 BENCH_IDS="$tmp/small-ids" measure "position update + audit row" small "1 position" "$SMALL_TOKEN" "$b/" "$BENCH/org-update.lua"
  AUDIT_ROWS=$(( $(tenant_sql "$BIG" "SELECT count(*) FROM audit_log WHERE action = 'position.update'") \
    + $(tenant_sql "$SMALL" "SELECT count(*) FROM audit_log WHERE action = 'position.update'") ))

  write_report
}

# measure_answer_cache DEPARTMENT DIVISION: each read with the cache off, then on.
measure_answer_cache() {
  local dep=$1 div=$2 on="http://127.0.0.1:$PORT" off notify_port notify notify_pid
  serve_uncached_orgd
  off="http://127.0.0.1:$OFF_PORT"
  # A third orgd, cache on with the generation kept in memory by LISTEN/NOTIFY (no round trip on a hit).
  notify_port="$(free_port)"
  notify="http://127.0.0.1:$notify_port"
  commands+=("ORGD_ACCESS_LOG=false ORGD_ANSWER_CACHE_GENERATION=notify orgd serve --host 127.0.0.1 --port $notify_port &")
  ORGD_ANSWER_CACHE_GENERATION=notify "$ORGD_BIN" serve --host 127.0.0.1 --port "$notify_port" >"$out/orgd-cache-notify.log" 2>&1 &
  notify_pid=$!
  extra_pids+=("$notify_pid")
  wait_for_http "$notify/readyz" "$notify_pid" 60 || die "orgd (notify) did not start (log: $out/orgd-cache-notify.log)"
  local name path
  for name in "tree, 50-unit subtree" "tree, 1,001-unit subtree" "unit by id"; do
    case $name in
      "tree, 50-unit subtree") path="/v1/units/$dep/tree" ;;
      "tree, 1,001-unit subtree") path="/v1/units/$div/tree" ;;
      *) path="/v1/units/$dep" ;;
    esac
    measure "$name" "cache off" "big company" "$BIG_TOKEN" "$off$path"
    measure "$name" "cache on" "big company" "$BIG_TOKEN" "$on$path"
    if [[ $name != "tree, 1,001-unit subtree" ]]; then
      measure "$name" "cache on, generation by notify" "big company" "$BIG_TOKEN" "$notify$path"
    fi
  done
  curl -s "$notify/metrics" | grep '^orgd_answer_cache' >"$out/answer-cache-notify-metrics.txt" || true
  NOTIFY_METRICS="$(tr '\n' ' ' <"$out/answer-cache-notify-metrics.txt")"
  # What the generation triggers (sql/*_org_generation.sql) cost a write: the same update with them, then
  # without them (disabled by the owner for this run only, enabled again after).
  BENCH_WRITE=1 BENCH_IDS="$tmp/big-ids" measure "position update + audit row" "generation triggers on" "1 position" \
    "$BIG_TOKEN" "$on/" "$BENCH/org-update.lua"
  generation_triggers DISABLE
  BENCH_WRITE=1 BENCH_IDS="$tmp/big-ids" measure "position update + audit row" "generation triggers off" "1 position" \
    "$BIG_TOKEN" "$on/" "$BENCH/org-update.lua"
  generation_triggers ENABLE
  curl -s "$on/metrics" | grep '^orgd_answer_cache' >"$out/answer-cache-metrics.txt" || true
  CACHE_METRICS="$(tr '\n' ' ' <"$out/answer-cache-metrics.txt")"
  RSS_ON="$(ps -o rss= -p "$orgd_pid" | awk '{printf "%.0f MiB", $1 / 1024}')"
  RSS_OFF="$(ps -o rss= -p "$off_pid" | awk '{printf "%.0f MiB", $1 / 1024}')"
  BENCH_NAME=org-cache write_report
}

# generation_triggers ENABLE|DISABLE: every *_raise_generation trigger.
generation_triggers() {
  psql_owner -At -c "SELECT format('ALTER TABLE %I $1 TRIGGER %I;', c.relname, t.tgname) FROM pg_trigger t
                      JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE '%raise_generation'" | psql_owner
}

# The --answer-cache report.
cache_report_block() {
  echo '<!-- bench:org-cache:start -->'
  echo '### Answer cache on and off (`bench/org.sh --answer-cache`)'
  echo
  machine_lines
  echo
  echo "Data as in the org-chart benchmark above (\`bench/org-generate.sql\`, ${GEN_SECONDS}s), the big company (20,021 units)."
  echo "Two orgd processes on the same cluster: one with ORGD_ANSWER_CACHE_BYTES=0, one with the default (64 MiB);"
  echo "each request is measured on the first, then on the second (warm after the warm-up run); the unit and the 50-unit tree"
  echo "also on a third with ORGD_ANSWER_CACHE_GENERATION=notify (the generation from memory, kept by LISTEN/NOTIFY)."
  echo "wrk -t$THREADS -c$CONNS, ${DURATION} after a ${WARMUP} warm-up, then -t1 -c1 for ${SINGLE} (\"alone\")."
  echo
  table_rows cache
  echo
  echo "The cached orgd's counters afterwards: \`$CACHE_METRICS\`"
  echo "The notify orgd's, after its reads: \`$NOTIFY_METRICS\`"
  echo "Resident memory afterwards (\`ps -o rss\`): cache on $RSS_ON, cache off $RSS_OFF."
  echo
  commands_block
  echo '<!-- bench:org-cache:end -->'
}

report_block() {
  if ((cache_mode)); then cache_report_block; return; fi
  echo '<!-- bench:org:start -->'
  echo '## Org-chart benchmark (`bench/org.sh`)'
  echo
  machine_lines
  echo
  echo "Data (\`bench/org-generate.sql\`, set-based as the owner role, then VACUUM (ANALYZE) leaving ${VISIBLE}% of the pages all-visible, ${GEN_SECONDS}s): tenants | unit versions |"
  echo "position versions | people | assignments = \`$COUNTS\`. The **big** company has 20,021 units and"
  echo "100,105 positions and people; the **small** one 1,002 units; 998 more have 21 units each."
  echo "Subtrees: a department (50 units) and a division (1,001 units); every unit has 5 positions, 4 held."
  echo "wrk -t$THREADS -c$CONNS, ${DURATION} after a ${WARMUP} warm-up, then -t1 -c1 for ${SINGLE} (\"alone\": one request at a time);"
  echo "wrk, orgd and Postgres share the cores."
  echo
  table_rows company
  echo
  echo "Position updates wrote $AUDIT_ROWS \`position.update\` audit rows (each with an org_changes row and a new version)."
  echo
  commands_block
  echo '<!-- bench:org:end -->'
}

main "$@"
