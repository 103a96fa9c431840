#!/usr/bin/env bash
# Benchmarks orgd on this machine in one run with the same load settings: orgd's /healthz
# against nginx answering `return 200` (wrk), and orgd's database-backed /readyz against pgbench
# running the same SQL through the same Unix socket and role. Prints the ratios and latencies,
# keeps the raw outputs in bench/out/, and rewrites the bench:http block of docs/performance.md.
# Only 127.0.0.1 is loaded, for fixed durations; everything started here is stopped on exit.
#
# Usage: bench/http.sh [--no-docs]
# Reads: BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_WARMUP (2s),
#        ORGD_LOOPS (orgd's default when unset), ORGD_ACCESS_LOG (false here, as nginx's is off),
#        BENCH_ORGD_BIN (use this orgd binary, skip the build), BENCH_ORGD_COMMIT (its commit).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=bench/nginx.sh
source "$ORGD_ROOT/bench/nginx.sh"

# The query /readyz runs once per request (Sources/OrgdApp/SystemRoutes.swift); pgbench runs
# the same one. The script warns when the sources no longer contain it.
READYZ_SQL='SELECT coalesce(max(version), 0) AS version FROM orgd_migrations'

DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2s}
DOC="$ORGD_ROOT/docs/performance.md"
PG_CLUSTER="$ORGD_ROOT/scripts/pg-cluster.sh"

update_docs=1
tmp="" pgdata="" orgd_pid="" nginx_pid=""
out=""          # bench/out/<timestamp>: raw outputs
commands=()     # the measured commands, as run

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM   # finish cleaning up even if Ctrl-C is pressed again
  [[ -n $orgd_pid ]] && { stop_process "$orgd_pid" 15 || true; }
  [[ -n $nginx_pid ]] && { stop_process "$nginx_pid" 10 || true; }
  [[ -n $pgdata ]] && { "$PG_CLUSTER" destroy "$pgdata" || true; }
  [[ -n $tmp ]] && rm -rf -- "$tmp"
  exit "$rc"
}

# --- setup ------------------------------------------------------------------------------------

build_orgd() {
  if [[ -n ${BENCH_ORGD_BIN:-} ]]; then ORGD_BIN=$BENCH_ORGD_BIN; return; fi
  log "building orgd: swift build -c release"
  (cd "$ORGD_ROOT" && swift build -c release) >&2
  ORGD_BIN="$ORGD_ROOT/.build/release/orgd"
}

start_cluster() {
  pgdata="$tmp/pgdata"   # set first: cleanup destroys whatever a failed start left running
  local env_lines
  env_lines="$("$PG_CLUSTER" --throwaway start "$pgdata")"
  eval "$env_lines"
  pgdata=$ORGD_PGDATA
  export ORGD_SQL_DIR="${ORGD_SQL_DIR:-$ORGD_ROOT/sql}" ORGD_DOCS_DIR="${ORGD_DOCS_DIR:-$ORGD_ROOT/docs}"
}

start_orgd() {
  ORGD_PORT_BENCH="$(free_port)"
  (cd "$ORGD_ROOT" && "$ORGD_BIN" migrate) >&2
  # Like nginx's `access_log off`: the figures measure serving, not log writing.
  export ORGD_ACCESS_LOG="${ORGD_ACCESS_LOG:-false}"
  commands+=("${ORGD_LOOPS:+ORGD_LOOPS=$ORGD_LOOPS }ORGD_ACCESS_LOG=$ORGD_ACCESS_LOG orgd serve --host 127.0.0.1 --port $ORGD_PORT_BENCH &")
  "$ORGD_BIN" serve --host 127.0.0.1 --port "$ORGD_PORT_BENCH" >"$out/orgd.log" 2>&1 &
  orgd_pid=$!
  wait_for_http "http://127.0.0.1:$ORGD_PORT_BENCH/healthz" "$orgd_pid" 60 || die "orgd did not start (log: $out/orgd.log)"
  wait_for_http "http://127.0.0.1:$ORGD_PORT_BENCH/readyz" "$orgd_pid" 30 || die "orgd /readyz is not 200"
}

# --- measuring --------------------------------------------------------------------------------

# wrk latency figure (e.g. 612.00us, 1.50ms, 1.02s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

# run_wrk NAME URL: warm up, measure, and set R_RPS, R_AVG, R_P50, R_P99 (ms) and R_BAD
# (non-2xx responses plus socket errors).
run_wrk() {
  local name=$1 url=$2 f="$out/$1.wrk.txt"
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$url" >/dev/null
  local cmd=(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$url")
  commands+=("${cmd[*]}")
  log "measuring $name: ${cmd[*]}"
  "${cmd[@]}" >"$f"
  cat "$f" >&2
  R_RPS="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
  R_AVG="$(to_ms "$(awk '$1 == "Latency" {print $2; exit}' "$f")")"
  R_P50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")"
  R_P99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")"
  R_BAD="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$f")"
}

# Set R_TPS, R_AVG (ms) and R_BAD. No percentiles: pgbench's per-transaction log (-l) reads a
# clock cached per event-loop pass, so sub-millisecond transactions are logged as 0 us.
run_pgbench() {
  local sqlfile="$tmp/readyz.sql" f="$out/pgbench.txt" pgbench secs
  printf '%s;\n' "$READYZ_SQL" >"$sqlfile"
  cp "$sqlfile" "$out/readyz.sql"
  pgbench="$ORGD_PG_BINDIR/pgbench"
  [[ -x $pgbench ]] || pgbench="$(command -v pgbench)"
  secs=${DURATION%s}
  local cmd=("$pgbench" -n -c "$CONNS" -j "$THREADS" -T "$secs" -f "$sqlfile" -M prepared -h "$ORGD_PG_SOCKET_DIR" -p "$ORGD_PG_PORT" -U orgd_app orgd)
  commands+=("${cmd[*]}")
  log "measuring pgbench: ${cmd[*]}"
  "${cmd[@]}" >"$f" 2>&1 || { cat "$f" >&2; die "pgbench failed"; }
  cat "$f" >&2
  R_TPS="$(awk -F'= ' '/^tps = / {split($2, a, " "); printf "%.2f", a[1]}' "$f" | tail -n1)"
  R_AVG="$(awk -F'= ' '/^latency average/ {split($2, a, " "); print a[1]}' "$f")"
  R_BAD="$(awk -F': ' '/^number of failed transactions/ {split($2, a, " "); print a[1]}' "$f")"
  R_BAD=${R_BAD:-0}
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

# --- report -----------------------------------------------------------------------------------

machine_lines() {
  local mem swiftv pgv
  mem="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  swiftv="$(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo unknown)"
  pgv="$("$ORGD_PG_BINDIR/postgres" --version 2>/dev/null || echo unknown)"
  printf -- '- cores (`nproc`): %s; CPU: %s; memory: %s\n' "$(nproc)" \
    "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)" "$mem"
  printf -- '- kernel: %s; %s; %s; %s; %s\n' "$(uname -sr)" "$swiftv" "$pgv" \
    "$(nginx -v 2>&1 | sed 's/^nginx version: //')" "$(wrk -v 2>&1 | head -n1 | awk '{print "wrk " $2}')"
  printf -- '- orgd: commit %s, release build, ORGD_LOOPS=%s; Postgres: throwaway cluster, Unix socket, role orgd_app\n' \
    "$(bench_commit)" "${ORGD_LOOPS:-default}, ORGD_ACCESS_LOG=$ORGD_ACCESS_LOG"
}

# The markdown block between the bench:http markers.
report_block() {
  local c
  echo '<!-- bench:http:start -->'
  echo '## HTTP and database benchmark (`bench/http.sh`)'
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on:"
  echo
  machine_lines
  echo
  echo "wrk, the server under test and (for \`/readyz\` and pgbench) Postgres share these cores."
  echo "Each wrk run follows a ${WARMUP} warm-up with the same settings. pgbench reports no percentiles"
  echo "(its per-transaction log is too coarse below a millisecond), only its average latency."
  echo
  echo '| target | load | req/s or tps | avg ms | p50 ms | p99 ms | non-2xx or errors |'
  echo '| --- | --- | ---: | ---: | ---: | ---: | ---: |'
  echo "| nginx \`return 200\` | wrk | $NGINX_RPS | $NGINX_AVG | $NGINX_P50 | $NGINX_P99 | $NGINX_BAD |"
  echo "| orgd \`GET /healthz\` | wrk | $HEALTH_RPS | $HEALTH_AVG | $HEALTH_P50 | $HEALTH_P99 | $HEALTH_BAD |"
  echo "| orgd \`GET /readyz\` (one query) | wrk | $READY_RPS | $READY_AVG | $READY_P50 | $READY_P99 | $READY_BAD |"
  echo "| Postgres, same query | pgbench | $PGB_TPS | $PGB_AVG | – | – | $PGB_BAD |"
  echo
  echo '| ratio | value | target |'
  echo '| --- | ---: | --- |'
  echo "| orgd \`/healthz\` ÷ nginx (req/s) | $RATIO_HTTP | ≥ 0.8 |"
  echo "| orgd \`/readyz\` ÷ pgbench (req/s ÷ tps) | $RATIO_DB | |"
  echo "| orgd \`/healthz\` p99 at $CONNS connections | $HEALTH_P99 ms | < 5 ms |"
  echo
  echo "The query: \`$READYZ_SQL\`. Commands, as run:"
  echo
  echo '```sh'
  for c in "${commands[@]}"; do echo "$c"; done
  echo '```'
  echo '<!-- bench:http:end -->'
}

# Replace the marked block in docs/performance.md (append it when absent; create the file).
write_docs() {
  local block="$tmp/block.md"
  report_block >"$block"
  replace_doc_block "$DOC" http "$block"
}

print_summary() {
  printf '\n'
  local fmt='%-28s %12s %8s %8s %8s %7s\n'
  printf "$fmt" target 'req/s|tps' 'avg ms' 'p50 ms' 'p99 ms' errors
  printf "$fmt" 'nginx return 200 (wrk)' "$NGINX_RPS" "$NGINX_AVG" "$NGINX_P50" "$NGINX_P99" "$NGINX_BAD"
  printf "$fmt" 'orgd /healthz (wrk)' "$HEALTH_RPS" "$HEALTH_AVG" "$HEALTH_P50" "$HEALTH_P99" "$HEALTH_BAD"
  printf "$fmt" 'orgd /readyz (wrk)' "$READY_RPS" "$READY_AVG" "$READY_P50" "$READY_P99" "$READY_BAD"
  printf "$fmt" 'pgbench same query' "$PGB_TPS" "$PGB_AVG" - - "$PGB_BAD"
  printf '\nratio orgd/nginx (/healthz req/s): %s   (target >= 0.8)\n' "$RATIO_HTTP"
  printf 'ratio orgd/pgbench (/readyz req/s / tps): %s\n' "$RATIO_DB"
  printf 'orgd /healthz p99: %s ms   (target < 5 ms)\n' "$HEALTH_P99"
  printf 'raw outputs: %s\n' "$out"
}

main() {
  case ${1:-} in
    --no-docs) update_docs=0 ;;
    "") ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "bench/http.sh: unknown argument '$1'" ;;
  esac
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$ORGD_ROOT/scripts/deps.sh" --bench
  grep -rqF "$READYZ_SQL" "$ORGD_ROOT/Sources" ||
    log "warning: /readyz's query in Sources/ differs from READYZ_SQL; update bench/http.sh"
  build_orgd
  tmp="$(mktemp -d /tmp/orgd-bench-XXXXXX)"
  chmod 755 "$tmp"
  out="$ORGD_ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$out"
  start_cluster
  start_orgd
  start_nginx

  run_wrk nginx "http://127.0.0.1:$NGINX_PORT_BENCH/"
  NGINX_RPS=$R_RPS NGINX_AVG=$R_AVG NGINX_P50=$R_P50 NGINX_P99=$R_P99 NGINX_BAD=$R_BAD
  run_wrk orgd-healthz "http://127.0.0.1:$ORGD_PORT_BENCH/healthz"
  HEALTH_RPS=$R_RPS HEALTH_AVG=$R_AVG HEALTH_P50=$R_P50 HEALTH_P99=$R_P99 HEALTH_BAD=$R_BAD
  run_wrk orgd-readyz "http://127.0.0.1:$ORGD_PORT_BENCH/readyz"
  READY_RPS=$R_RPS READY_AVG=$R_AVG READY_P50=$R_P50 READY_P99=$R_P99 READY_BAD=$R_BAD
  run_pgbench
  PGB_TPS=$R_TPS PGB_AVG=$R_AVG PGB_BAD=$R_BAD

  RATIO_HTTP="$(ratio "$HEALTH_RPS" "$NGINX_RPS")"
  RATIO_DB="$(ratio "$READY_RPS" "$PGB_TPS")"
  print_summary
  ((READY_BAD == 0 && HEALTH_BAD == 0)) || log "warning: orgd answered non-2xx or had socket errors; see $out"
  ((update_docs)) && write_docs
  report_block >"$out/report.md"
  return 0
}

main "$@"
