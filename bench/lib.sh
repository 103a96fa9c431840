# Shared by the benchmarks that load a release orgd holding generated tenants with wrk
# (bench/org.sh, bench/network.sh, bench/compare.sh, …); sourced after scripts/lib.sh, not run.
# It starts and stops everything (orgd, a throwaway cluster, servers added to extra_pids), makes
# bench/org.sh's data set (org_generate), signs tenants in, runs wrk for fixed durations against
# 127.0.0.1 only, and collects the report's table rows and the commands as run.
#
# The caller sets BENCH_NAME (org, network) before sourcing: raw outputs go to
# bench/out/NAME-<time>/ (`out`), the cluster to /tmp/bench-NAME-pg, the report to the
# bench:NAME block of docs/performance.md. State kept here: tmp, pgdata, orgd_pid, PORT, ORGD_BIN,
# commands (as run), rows (report table rows), VISIBLE (after vacuum_tables), update_docs.
# Reads: BENCH_DURATION (10s), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_WARMUP (2s),
#        BENCH_SINGLE_DURATION (5s: the one-connection run after each),
#        BENCH_ORGD_BIN (use this orgd binary, skip the release build), BENCH_ORGD_COMMIT (the
#        commit that binary was built from, for the report),
#        BENCH_PGDATA (/tmp/bench-NAME-pg; a cluster already there is destroyed first, and this
#        one on exit unless BENCH_KEEP_CLUSTER=1).
# shellcheck shell=bash disable=SC2034

DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2s}
SINGLE=${BENCH_SINGLE_DURATION:-5s}
DOC="$ORGD_ROOT/docs/performance.md"
PG_CLUSTER="$ORGD_ROOT/scripts/pg-cluster.sh"
BENCH="$ORGD_ROOT/bench"

tmp="" pgdata="" orgd_pid=""
extra_pids=()   # more servers started here (a second orgd, nginx): stopped on exit
commands=()
rows=()
out="$BENCH/out/$BENCH_NAME-$(date -u +%Y%m%dT%H%M%SZ)"
update_docs=1

# bench_args "$@": --no-docs leaves docs/performance.md alone (the report is still in `out`).
bench_args() {
  case ${1:-} in
    "") ;;
    --no-docs) update_docs=0 ;;
    *) die "usage: bench/$BENCH_NAME.sh [--no-docs]" ;;
  esac
}

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM
  [[ -n $orgd_pid ]] && { stop_process "$orgd_pid" 15 || true; }
  local pid
  for pid in "${extra_pids[@]}"; do stop_process "$pid" 15 || true; done
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

# measure NAME TENANT ANSWER TOKEN URL [LUA]: warm up, run wrk, add a report row. The answer's
# bytes are those of a GET of URL, or "–" when BENCH_WRITE=1 (the script writes; URL only names
# the server). The lua scripts read BENCH_TOKEN and whatever else the caller exports.
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
  # the 16 connections above measure throughput on 2 shared cores (p50 ≈ 16 / req/s). Requests
  # wrk left queued in orgd (slow ones) would delay it: one request first waits them out.
  curl -s -o /dev/null --max-time 60 -H "Authorization: Bearer $token" "$url" || true
  local single=(wrk -t1 -c1 -d"$SINGLE" --timeout 10s --latency -s "$lua" "$url") p50_one
  commands+=("BENCH_TOKEN=… ${single[*]/$ORGD_ROOT\//}")
  BENCH_TOKEN=$token "${single[@]}" >"$out/$1, $2.c1.wrk.txt"
  p50_one="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out/$1, $2.c1.wrk.txt")")"
  bad=$((bad + $(awk '/Non-2xx or 3xx responses:/ {n += $NF} END {print n + 0}' "$out/$1, $2.c1.wrk.txt")))
  [[ ${BENCH_WRITE:-0} == 1 ]] && bytes="–"
  rows+=("| $name | $company | $answer | $bytes | $rps | $p50 | $p99 | $p50_one | $bad |")
  printf '%-34s %-6s %10s req/s  p50 %8s ms  p99 %8s ms  alone p50 %8s ms  errors %s\n' "$name" "$company" "$rps" "$p50" "$p99" "$p50_one" "$bad" >&2
}

# Installs what is missing, builds orgd in release (unless BENCH_ORGD_BIN), starts a throwaway
# cluster, migrates it and serves orgd on a free port of 127.0.0.1. Sets the traps first.
bench_start() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  "$ORGD_ROOT/scripts/deps.sh" --bench   # wrk, pgbench: installed when missing
  mkdir -p "$out"
  tmp="$(mktemp -d)"
  if [[ -n ${BENCH_ORGD_BIN:-} ]]; then ORGD_BIN=$BENCH_ORGD_BIN; else
    log "building orgd: swift build -c release --scratch-path .build-bench --product orgd"
    (cd "$ORGD_ROOT" && swift build -c release --scratch-path .build-bench --product orgd) >&2
    ORGD_BIN="$ORGD_ROOT/.build-bench/release/orgd"
  fi
  pgdata="${BENCH_PGDATA:-/tmp/bench-$BENCH_NAME-pg}"
  # A cluster left there by an earlier run (BENCH_KEEP_CLUSTER=1, a killed run) would hold its
  # tenants: every run starts from an empty one.
  local status=0
  "$PG_CLUSTER" status "$pgdata" >/dev/null 2>&1 || status=$?
  if ((status != 4)); then log "destroying the cluster an earlier run left in $pgdata"; "$PG_CLUSTER" destroy "$pgdata"; fi
  eval "$("$PG_CLUSTER" --throwaway start "$pgdata")"
  pgdata=$ORGD_PGDATA
  export ORGD_SQL_DIR="$ORGD_ROOT/sql" ORGD_DOCS_DIR="$ORGD_ROOT/docs" ORGD_ACCESS_LOG=false
  "$ORGD_BIN" migrate >&2
  PORT="$(free_port)"
  commands+=("ORGD_ACCESS_LOG=false orgd serve --host 127.0.0.1 --port $PORT &")
  "$ORGD_BIN" serve --host 127.0.0.1 --port "$PORT" >"$out/orgd.log" 2>&1 &
  orgd_pid=$!
  wait_for_http "http://127.0.0.1:$PORT/readyz" "$orgd_pid" 60 || die "orgd did not start (log: $out/orgd.log)"
}

# serve_uncached_orgd: a second orgd on the same cluster with the answer cache off
# (ORGD_ANSWER_CACHE_BYTES=0), stopped on exit; sets OFF_PORT and off_pid.
serve_uncached_orgd() {
  OFF_PORT="$(free_port)"
  commands+=("ORGD_ACCESS_LOG=false ORGD_ANSWER_CACHE_BYTES=0 orgd serve --host 127.0.0.1 --port $OFF_PORT &")
  ORGD_ANSWER_CACHE_BYTES=0 "$ORGD_BIN" serve --host 127.0.0.1 --port "$OFF_PORT" >"$out/orgd-cache-off.log" 2>&1 &
  off_pid=$!
  extra_pids+=("$off_pid")
  wait_for_http "http://127.0.0.1:$OFF_PORT/readyz" "$off_pid" 60 || die "orgd (cache off) did not start (log: $out/orgd-cache-off.log)"
}

# org_generate: the org-chart data set of bench/org.sh (bench/org-generate.sql): tenants big
# (20 divisions: 20,021 units) and small (1 division), then 998 of 21 units, vacuumed. Sets BIG,
# BIG_TOKEN, SMALL, SMALL_TOKEN, GEN_SECONDS and COUNTS (tenants|units|positions|people|assignments).
org_generate() {
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
  vacuum_tables "tenants, units, unit_versions, positions, position_versions, people, person_versions, assignments"
  GEN_SECONDS=$((SECONDS - started))
  # Row-level security hides other tenants' rows even from the owner: count from the statistics.
  COUNTS="$(psql_owner -At -c "SELECT string_agg(reltuples::bigint::text, '|' ORDER BY array_position(ARRAY['tenants','unit_versions','position_versions','people','assignments'], relname::text)) FROM pg_class WHERE relname IN ('tenants','unit_versions','position_versions','people','assignments') AND relkind = 'r'")"
  log "generated in ${GEN_SECONDS}s: tenants|units|positions|people|assignments = $COUNTS; ${VISIBLE}% of their pages all-visible"
}

# vacuum_tables "t1, t2, ...": vacuumed tables are the steady state (visibility maps set, as
# autovacuum leaves them). The VACUUM right after a load has been seen to mark no page
# all-visible (0 of 2,896), while a second one marked them all, so vacuum until nine pages in ten
# are, at most three times; sets VISIBLE (%). The checkpoint writes the pages VACUUM dirtied
# before anything is measured.
vacuum_tables() {
  local tables=$1 round
  for round in 1 2 3; do
    psql_owner -c "VACUUM (ANALYZE) $tables"
    VISIBLE="$(psql_owner -At -c "SELECT round(100.0 * sum(relallvisible) / greatest(sum(relpages), 1)) FROM pg_class WHERE relname = ANY (string_to_array(replace('$tables', ' ', ''), ',')) AND relkind = 'r'")"
    log "VACUUM round $round: $VISIBLE% of the pages all-visible"
    (( VISIBLE >= 90 )) && break
    sleep 2
  done
  "$ORGD_PG_BINDIR/psql" -X -q "$ORGD_PG_SUPERUSER_URL" -c CHECKPOINT
}

# The report's "Measured … on:" lines: the time, the machine, the versions and the build.
machine_lines() {
  local mem swiftv pgv
  mem="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  swiftv="$(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo unknown)"
  pgv="$("$ORGD_PG_BINDIR/postgres" --version 2>/dev/null || echo unknown)"
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on:"
  echo
  printf -- '- cores (`nproc`): %s; CPU: %s; memory: %s\n' "$(nproc)" "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)" "$mem"
  printf -- '- kernel: %s; %s; %s; %s\n' "$(uname -sr)" "$swiftv" "$pgv" "$(wrk -v 2>&1 | head -n1 | awk '{print "wrk " $2}')"
  printf -- '- orgd: commit %s, release build, default loops; Postgres: throwaway cluster (fsync off), Unix socket, role orgd_app\n' \
    "$(bench_commit)"
}

# table_rows WHO: the table's header (WHO names the second column: company, tenant) and rows.
table_rows() {
  local c
  echo "| request | $1 | answer | bytes | req/s | p50 ms | p99 ms | alone p50 ms | non-2xx or errors |"
  echo '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |'
  for c in "${rows[@]}"; do echo "$c"; done
}

# The commands as run, in a fenced block.
commands_block() {
  local c
  echo 'Commands, as run:'
  echo
  echo '```sh'
  for c in "${commands[@]}"; do echo "$c"; done
  echo '```'
}

# The caller's report_block into `out`, and into the bench:NAME block of the doc unless --no-docs.
write_report() {
  report_block >"$out/report.md"
  if ((update_docs)); then replace_doc_block "$DOC" "$BENCH_NAME" "$out/report.md"; fi
  log "raw outputs and the report: $out"
}
