#!/usr/bin/env bash
# The answer cache's memory bound under load (issue 14: "RSS under load and with a full cache
# within the configured bound + 64 MiB"). On bench/org.sh's data, a release orgd with the cache
# bounded to BENCH_CACHE_BYTES is driven by wrk over more distinct org-chart answers than fit
# (the tree of every division and of every department of the big company, at two depths: well
# over the bound), long enough to fill the cache and evict from it; then its resident memory
# (now, and the peak, VmHWM) is set beside the bound and the cache's own byte count from /metrics.
# Rewrites the bench:cache-memory block of docs/performance.md; raw outputs in bench/out/.
# Only 127.0.0.1 is loaded, for fixed durations; everything started here is stopped on exit.
#
# Usage: bench/cache-memory.sh [--no-docs]
# Reads: BENCH_CACHE_BYTES (67108864, orgd's default), BENCH_DURATION (30s), BENCH_CONNECTIONS
#        (16), BENCH_THREADS (2), BENCH_ORGD_BIN, BENCH_ORGD_COMMIT, BENCH_PGDATA, BENCH_KEEP_CLUSTER
#        (as bench/lib.sh says).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_NAME=cache-memory
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"

BOUND=${BENCH_CACHE_BYTES:-67108864}
FILL=${BENCH_DURATION:-30s}

main() {
  bench_args "$@"
  export ORGD_ANSWER_CACHE_BYTES=$BOUND
  bench_start
  org_generate
  rss_start="$(rss_kib VmRSS)"

  # Every division (a 'center' of 1,001 units: 2.25 MB an answer) and department (50 units,
  # 112 KB) of the big company, each at depth 10 and depth 2: 840 keys, ~150 MB of answers.
  tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE kind IN ('center', 'department') ORDER BY code" \
    | awk '{print "/v1/units/" $1 "/tree"; print "/v1/units/" $1 "/tree?depth=2"}' >"$tmp/paths"
  local count
  count="$(wc -l <"$tmp/paths")"
  log "filling the cache (bound $BOUND bytes) with $count distinct trees for $FILL"
  commands+=("ORGD_ANSWER_CACHE_BYTES=$BOUND orgd serve …   # bench_start")
  commands+=("BENCH_TOKEN=… BENCH_PATHS=paths wrk -t$THREADS -c$CONNS -d$FILL -s bench/paths-get.lua http://127.0.0.1:$PORT")
  BENCH_TOKEN=$BIG_TOKEN BENCH_PATHS="$tmp/paths" wrk -t"$THREADS" -c"$CONNS" -d"$FILL" --timeout 30s \
    -s "$BENCH/paths-get.lua" "http://127.0.0.1:$PORT" >"$out/fill.txt" 2>&1
  rss_after="$(rss_kib VmRSS)"
  rss_peak="$(rss_kib VmHWM)"
  curl -fsS "http://127.0.0.1:$PORT/metrics" >"$out/metrics.txt"
  cached="$(metric orgd_answer_cache_bytes)"
  evictions="$(metric orgd_answer_cache_evictions_total)"
  hits="$(metric orgd_answer_cache_hits_total)"
  misses="$(metric orgd_answer_cache_misses_total)"
  requests="$(awk '/requests in/ {print $1}' "$out/fill.txt")"
  errors="$(awk '/Non-2xx|Socket errors/' "$out/fill.txt" | tr '\n' ' ')"
  write_report
}

# rss_kib FIELD: VmRSS (now) or VmHWM (the peak) of orgd, in KiB.
rss_kib() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$orgd_pid/status"; }

# metric NAME: its value in the /metrics text, as an integer.
metric() { awk -v n="$1" '$1 == n {printf "%.0f", $2}' "$out/metrics.txt"; }

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

report_block() {
  local limit_kib=$((BOUND / 1024 + 65536)) verdict
  if ((rss_peak <= limit_kib)); then verdict="within"; else verdict="over"; fi
  echo '<!-- bench:cache-memory:start -->'
  echo '### A full answer cache and resident memory (`bench/cache-memory.sh`)'
  echo
  machine_lines
  echo
  echo "Data as bench/org.sh makes it (\`bench/org-generate.sql\`, ${GEN_SECONDS}s). One orgd with ORGD_ANSWER_CACHE_BYTES=$BOUND,"
  echo "wrk -t$THREADS -c$CONNS for $FILL over $count distinct tree answers of the big company (every division and"
  echo "department, at depth 10 and depth 2), each wrk thread walking the list from its own offset."
  echo
  echo '| figure | value |'
  echo '| --- | ---: |'
  echo "| requests (wrk) | $requests${errors:+ ($errors)} |"
  echo "| cache hits / misses | $hits / $misses |"
  echo "| bytes cached at the end (/metrics) | $(mib $((cached / 1024))) MiB |"
  echo "| evictions | $evictions |"
  echo "| RSS after start, before any request | $(mib "$rss_start") MiB |"
  echo "| RSS after the fill | $(mib "$rss_after") MiB |"
  echo "| peak RSS (VmHWM) | $(mib "$rss_peak") MiB |"
  echo "| the issue's limit: bound + 64 MiB | $(mib "$limit_kib") MiB |"
  echo
  echo "Peak resident memory is $verdict the limit."
  echo
  commands_block
  echo '<!-- bench:cache-memory:end -->'
}

main "$@"
