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
# Usage: bench/org.sh [--no-docs]
# Reads: BENCH_DURATION (10s), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_WARMUP (2s),
#        BENCH_SINGLE_DURATION (5s: the one-connection run after each),
#        BENCH_ORGD_BIN (use this orgd binary, skip the release build), BENCH_ORGD_COMMIT (the
#        commit that binary was built from, for the report),
#        BENCH_PGDATA (/tmp/bench-org-pg; destroyed on exit unless BENCH_KEEP_CLUSTER=1).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2s}
SINGLE=${BENCH_SINGLE_DURATION:-5s}
DOC="$ORGD_ROOT/docs/performance.md"
PG_CLUSTER="$ORGD_ROOT/scripts/pg-cluster.sh"
BENCH="$ORGD_ROOT/bench"

update_docs=1
[[ ${1:-} == --no-docs ]] && update_docs=0
tmp="" pgdata="" orgd_pid=""
out="$BENCH/out/org-$(date -u +%Y%m%dT%H%M%SZ)"
commands=()
rows=()          # report table rows

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM
  [[ -n $orgd_pid ]] && { stop_process "$orgd_pid" 15 || true; }
  if [[ -n $pgdata && ${BENCH_KEEP_CLUSTER:-0} != 1 ]]; then "$PG_CLUSTER" destroy "$pgdata" || true; fi
  [[ -n $tmp ]] && rm -rf -- "$tmp"
  exit "$rc"
}

psql_owner() { "$ORGD_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$ORGD_ADMIN_DATABASE_URL" "$@"; }

# Runs SQL as the owner with a tenant set (row-level security is forced); prints unaligned rows.
tenant_sql() {
  psql_owner -At <<SQL
BEGIN;
SELECT set_config('orgd.tenant_id', '$1', true) \g /dev/null
$2;
COMMIT;
SQL
}

# create_tenant SLUG: orgd tenant create; sets T_ID and T_TOKEN (signed in as its administrator).
create_tenant() {
  local slug=$1 text secret
  text="$("$ORGD_BIN" tenant create --slug "$slug" --name "$slug")"
  T_ID="$(sed -n 's/.*created (id \(.*\))$/\1/p' <<<"$text")"
  secret="$(sed -n 's/^setup secret.*: //p' <<<"$text")"
  T_TOKEN="$(curl -fsS "http://127.0.0.1:$PORT/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"tenant\":\"$slug\",\"login\":\"admin\",\"password\":\"$secret\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
}

to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# measure NAME COMPANY ANSWER TOKEN URL [LUA]: warm up, run wrk, add a report row.
measure() {
  local name=$1 company=$2 answer=$3 token=$4 url=$5 lua=${6:-$BENCH/org-get.lua} f="$out/$1, $2.wrk.txt" bytes
  bytes="$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" "$url")"
  BENCH_TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$lua" "$url" >/dev/null
  local cmd=(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 10s --latency -s "$lua" "$url")
  commands+=("BENCH_TOKEN=… ${cmd[*]/$ORGD_ROOT\//}")
  log "measuring $name: ${cmd[*]}"
  BENCH_TOKEN=$token "${cmd[@]}" >"$f"
  local rps p50 p99 bad
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")"
  bad="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$f")"
  # One connection: the latency of one request alone, which is what follows the answer's size;
  # the 16 connections above measure throughput on 2 shared cores (p50 ≈ 16 / req/s).
  local single=(wrk -t1 -c1 -d"$SINGLE" --timeout 10s --latency -s "$lua" "$url") p50_one
  commands+=("BENCH_TOKEN=… ${single[*]/$ORGD_ROOT\//}")
  BENCH_TOKEN=$token "${single[@]}" >"$out/$1, $2.c1.wrk.txt"
  p50_one="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out/$1, $2.c1.wrk.txt")")"
  bad=$((bad + $(awk '/Non-2xx or 3xx responses:/ {n += $NF} END {print n + 0}' "$out/$1, $2.c1.wrk.txt")))
  [[ $lua == "$BENCH/org-update.lua" ]] && bytes="–"
  rows+=("| $name | $company | $answer | $bytes | $rps | $p50 | $p99 | $p50_one | $bad |")
  printf '%-34s %-6s %10s req/s  p50 %8s ms  p99 %8s ms  alone p50 %8s ms  errors %s\n' "$name" "$company" "$rps" "$p50" "$p99" "$p50_one" "$bad" >&2
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  "$ORGD_ROOT/scripts/deps.sh" --bench   # wrk, pgbench: installed when missing
  mkdir -p "$out"
  tmp="$(mktemp -d)"
  if [[ -n ${BENCH_ORGD_BIN:-} ]]; then ORGD_BIN=$BENCH_ORGD_BIN; else
    log "building orgd: swift build -c release --scratch-path .build-bench"
    (cd "$ORGD_ROOT" && swift build -c release --scratch-path .build-bench) >&2
    ORGD_BIN="$ORGD_ROOT/.build-bench/release/orgd"
  fi
  pgdata="${BENCH_PGDATA:-/tmp/bench-org-pg}"
  eval "$("$PG_CLUSTER" --throwaway start "$pgdata")"
  pgdata=$ORGD_PGDATA
  export ORGD_SQL_DIR="$ORGD_ROOT/sql" ORGD_DOCS_DIR="$ORGD_ROOT/docs" ORGD_ACCESS_LOG=false
  "$ORGD_BIN" migrate >&2
  PORT="$(free_port)"
  commands+=("ORGD_ACCESS_LOG=false orgd serve --host 127.0.0.1 --port $PORT &")
  "$ORGD_BIN" serve --host 127.0.0.1 --port "$PORT" >"$out/orgd.log" 2>&1 &
  orgd_pid=$!
  wait_for_http "http://127.0.0.1:$PORT/readyz" "$orgd_pid" 60 || die "orgd did not start (log: $out/orgd.log)"

  create_tenant big; BIG=$T_ID BIG_TOKEN=$T_TOKEN
  create_tenant small; SMALL=$T_ID SMALL_TOKEN=$T_TOKEN
  log "generating 998 small companies, the big one (20 divisions) and the small one (1 division)"
  local started=$SECONDS
  psql_owner -v big="$BIG" -v small="$SMALL" <<SQL
\i $BENCH/org-generate.sql
BEGIN;
SELECT pg_temp.bench_company(:'big', 20, 20, 49) \g /dev/null
COMMIT;
BEGIN;
SELECT pg_temp.bench_company(:'small', 1, 20, 49) \g /dev/null
COMMIT;
SQL
  # Vacuumed tables are the steady state (visibility maps set, as autovacuum leaves them). The
  # VACUUM right after the load has been seen to mark no page all-visible (0 of 2,896), while a
  # second one marked them all, so vacuum until nine pages in ten are, at most three times. The
  # checkpoint writes the pages VACUUM dirtied before anything is measured.
  local tables="tenants, units, unit_versions, positions, position_versions, people, person_versions, assignments"
  local round
  for round in 1 2 3; do
    psql_owner -c "VACUUM (ANALYZE) $tables"
    VISIBLE="$(psql_owner -At -c "SELECT round(100.0 * sum(relallvisible) / greatest(sum(relpages), 1)) FROM pg_class WHERE relname = ANY (string_to_array(replace('$tables', ' ', ''), ',')) AND relkind = 'r'")"
    log "VACUUM round $round: $VISIBLE% of the pages all-visible"
    (( VISIBLE >= 90 )) && break
    sleep 2
  done
  "$ORGD_PG_BINDIR/psql" -X -q "$ORGD_PG_SUPERUSER_URL" -c CHECKPOINT
  GEN_SECONDS=$((SECONDS - started))
  # Row-level security hides other tenants' rows even from the owner: count from the statistics.
  COUNTS="$(psql_owner -At -c "SELECT string_agg(reltuples::bigint::text, '|' ORDER BY array_position(ARRAY['tenants','unit_versions','position_versions','people','assignments'], relname::text)) FROM pg_class WHERE relname IN ('tenants','unit_versions','position_versions','people','assignments') AND relkind = 'r'")"
  log "generated in ${GEN_SECONDS}s: tenants|units|positions|people|assignments = $COUNTS; ${VISIBLE}% of their pages all-visible"

  # U1 is a division (1,001 units), U2 its first department (50 units), in both companies.
  local b_div b_dep s_div s_dep
  b_div="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  b_dep="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U2'")"
  s_div="$(tenant_sql "$SMALL" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  s_dep="$(tenant_sql "$SMALL" "SELECT unit_id FROM unit_versions WHERE code = 'U2'")"
  tenant_sql "$BIG" "SELECT position_id FROM position_versions ORDER BY random() LIMIT 2000" >"$tmp/big-ids"
  tenant_sql "$SMALL" "SELECT position_id FROM position_versions ORDER BY random() LIMIT 2000" >"$tmp/small-ids"

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
  BENCH_IDS="$tmp/big-ids" measure "position update + audit row" big "1 position" "$BIG_TOKEN" "$b/" "$BENCH/org-update.lua"
  BENCH_IDS="$tmp/small-ids" measure "position update + audit row" small "1 position" "$SMALL_TOKEN" "$b/" "$BENCH/org-update.lua"
  AUDIT_ROWS=$(( $(tenant_sql "$BIG" "SELECT count(*) FROM audit_log WHERE action = 'position.update'") \
    + $(tenant_sql "$SMALL" "SELECT count(*) FROM audit_log WHERE action = 'position.update'") ))

  if ((update_docs)); then write_docs; fi
}

report_block() {
  local mem swiftv pgv c
  mem="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  swiftv="$(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo unknown)"
  pgv="$("$ORGD_PG_BINDIR/postgres" --version 2>/dev/null || echo unknown)"
  echo '<!-- bench:org:start -->'
  echo '## Org-chart benchmark (`bench/org.sh`)'
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on:"
  echo
  printf -- '- cores (`nproc`): %s; CPU: %s; memory: %s\n' "$(nproc)" "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)" "$mem"
  printf -- '- kernel: %s; %s; %s; %s\n' "$(uname -sr)" "$swiftv" "$pgv" "$(wrk -v 2>&1 | head -n1 | awk '{print "wrk " $2}')"
  printf -- '- orgd: commit %s, release build, default loops; Postgres: throwaway cluster (fsync off), Unix socket, role orgd_app\n' \
    "$(bench_commit)"
  echo
  echo "Data (\`bench/org-generate.sql\`, set-based as the owner role, then VACUUM (ANALYZE) leaving ${VISIBLE}% of the pages all-visible, ${GEN_SECONDS}s): tenants | unit versions |"
  echo "position versions | people | assignments = \`$COUNTS\`. The **big** company has 20,021 units and"
  echo "100,105 positions and people; the **small** one 1,002 units; 998 more have 21 units each."
  echo "Subtrees: a department (50 units) and a division (1,001 units); every unit has 5 positions, 4 held."
  echo "wrk -t$THREADS -c$CONNS, ${DURATION} after a ${WARMUP} warm-up, then -t1 -c1 for ${SINGLE} (\"alone\": one request at a time);"
  echo "wrk, orgd and Postgres share the cores."
  echo
  echo '| request | company | answer | bytes | req/s | p50 ms | p99 ms | alone p50 ms | non-2xx or errors |'
  echo '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'
  for c in "${rows[@]}"; do echo "$c"; done
  echo
  echo "Position updates wrote $AUDIT_ROWS \`position.update\` audit rows (each with an org_changes row and a new version)."
  echo
  echo 'Commands, as run:'
  echo
  echo '```sh'
  for c in "${commands[@]}"; do echo "$c"; done
  echo '```'
  echo '<!-- bench:org:end -->'
}

write_docs() {
  local block="$tmp/block.md"
  report_block >"$block"
  cp "$block" "$out/report.md"
  replace_doc_block "$DOC" org "$block"
}

main "$@"
