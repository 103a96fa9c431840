#!/usr/bin/env bash
# Benchmarks access decisions on this machine: decide() in process (bench/access-decide.swift,
# built in release mode in a throwaway package beside a symlink to Sources/Policy, so orgd's
# package gains no executable), then POST /v1/access/check on a release orgd under wrk — one
# check, a batch of 100 tenant-wide checks (decided from the cache alone) and a batch of 100
# checks on users (one query resolves them). Rewrites the bench:access block of
# docs/performance.md and keeps raw outputs in bench/out/. Only 127.0.0.1 is loaded; everything
# started here is stopped on exit.
#
# Usage: bench/access.sh [--no-docs]
# Reads: BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_THREADS (2), BENCH_WARMUP (2s),
#        BENCH_DECISIONS (2000000 per case), ORGD_LOOPS, BENCH_ORGD_BIN (skip the orgd build),
#        BENCH_ORGD_COMMIT (the commit BENCH_ORGD_BIN was built from, for the report).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2s}
DECISIONS=${BENCH_DECISIONS:-2000000}
DOC="$ORGD_ROOT/docs/performance.md"
PG_CLUSTER="$ORGD_ROOT/scripts/pg-cluster.sh"

update_docs=1
tmp="" pgdata="" orgd_pid=""
out=""
commands=()

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $orgd_pid ]] && { stop_process "$orgd_pid" 15 || true; }
  [[ -n $pgdata ]] && { "$PG_CLUSTER" destroy "$pgdata" || true; }
  [[ -n $tmp ]] && rm -rf -- "$tmp"
  exit "$rc"
}

# --- decide() in process ----------------------------------------------------------------------

run_decide() {
  local pkg="$tmp/decide"
  mkdir -p "$pkg/Sources/decide-bench"
  ln -s "$ORGD_ROOT/Sources/Policy" "$pkg/Sources/Policy"
  cp "$ORGD_ROOT/bench/access-decide.swift" "$pkg/Sources/decide-bench/main.swift"
  cat >"$pkg/Package.swift" <<'EOF'
// swift-tools-version: 6.1
import PackageDescription
let package = Package(name: "decide-bench", targets: [
    .target(name: "Policy"),
    .executableTarget(name: "decide-bench", dependencies: ["Policy"]),
], swiftLanguageModes: [.v6])
EOF
  log "building the decide() benchmark: swift build -c release (throwaway package, Sources/Policy symlinked)"
  swift build -c release --package-path "$pkg" >&2
  commands+=("decide-bench $DECISIONS   # bench/access-decide.swift, swift build -c release")
  "$pkg/.build/release/decide-bench" "$DECISIONS" | tee "$out/decide.tsv" >&2
}

# --- orgd under wrk ---------------------------------------------------------------------------

build_orgd() {
  if [[ -n ${BENCH_ORGD_BIN:-} ]]; then ORGD_BIN=$BENCH_ORGD_BIN; return; fi
  log "building orgd: swift build -c release"
  (cd "$ORGD_ROOT" && swift build -c release) >&2
  ORGD_BIN="$ORGD_ROOT/.build/release/orgd"
}

start_orgd() {
  eval "$("$PG_CLUSTER" --throwaway start "$tmp/pgdata")"
  pgdata=$ORGD_PGDATA
  export ORGD_SQL_DIR="$ORGD_ROOT/sql" ORGD_DOCS_DIR="$ORGD_ROOT/docs" ORGD_ACCESS_LOG=false
  (cd "$ORGD_ROOT" && "$ORGD_BIN" migrate) >&2
  local created
  created="$("$ORGD_BIN" tenant create --slug bench --name Bench 2>&1)"
  SECRET="$(printf '%s\n' "$created" | awk -F': ' '/setup secret/ {print $NF}')"
  PORT="$(free_port)"
  "$ORGD_BIN" serve --host 127.0.0.1 --port "$PORT" >"$out/orgd.log" 2>&1 &
  orgd_pid=$!
  wait_for_http "http://127.0.0.1:$PORT/readyz" "$orgd_pid" 60 || die "orgd did not start (log: $out/orgd.log)"
  TOKEN="$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"tenant\":\"bench\",\"login\":\"admin\",\"password\":\"$SECRET\"}" \
    "http://127.0.0.1:$PORT/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')"
  [[ $TOKEN == orgd_* ]] || die "could not sign in to the bench tenant"
  USER_IDS=()
  for n in 1 2 3 4 5 6 7 8 9 10; do
    USER_IDS+=("$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"login\":\"bench$n\",\"display_name\":\"Bench $n\",\"grade\":\"B+$(( (n % 5) + 1 ))\"}" \
      "http://127.0.0.1:$PORT/v1/users" | sed -E 's/.*"id":"([^"]+)".*/\1/')")
  done
}

# lua NAME BODY: a wrk script posting BODY to /v1/access/check with the token.
lua() {
  cat >"$tmp/$1.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '$2'
EOF
  cp "$tmp/$1.lua" "$out/$1.lua"
}

make_scripts() {
  local actions=(user.read user.update grant.read role.read ladder.read audit.read unit.read person.read tenant.update api_key.read)
  lua single '{"action":"user.update","target":{"kind":"tenant","grade":"B+3"}}'
  local items=() i
  for ((i = 0; i < 100; i++)); do
    items+=("{\"action\":\"${actions[i % 10]}\",\"target\":{\"kind\":\"tenant\"}}")
  done
  lua batch100 "{\"checks\":[$(IFS=,; echo "${items[*]}")]}"
  items=()
  for ((i = 0; i < 100; i++)); do
    items+=("{\"action\":\"${actions[i % 3]}\",\"target\":{\"kind\":\"user\",\"id\":\"${USER_IDS[i % 10]}\"}}")
  done
  lua batch100users "{\"checks\":[$(IFS=,; echo "${items[*]}")]}"
}

to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

# run_wrk NAME: sets R_RPS, R_P50, R_P99 (ms), R_BAD.
run_wrk() {
  local name=$1 f="$out/$1.wrk.txt" url="http://127.0.0.1:$PORT/v1/access/check"
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$tmp/$name.lua" "$url" >/dev/null
  local cmd=(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$name.lua" "$url")
  commands+=("${cmd[*]}")
  log "measuring $name: ${cmd[*]}"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$tmp/$name.lua" "$url" >"$f"
  cat "$f" >&2
  R_RPS="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
  R_P50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")"
  R_P99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")"
  R_BAD="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$f")"
}

# --- report -----------------------------------------------------------------------------------

report_block() {
  echo '<!-- bench:access:start -->'
  echo "### Access decisions ($(date -u +%Y-%m-%d), bench/access.sh)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo); orgd at commit $(bench_commit)."
  echo "Target: decide() under 2 µs for a typical actor (a few grants, a six-level tree)."
  echo
  echo '**decide() in process** (release build; one A2 actor with three grants; latencies timed one'
  echo "decision at a time, including about $(awk -F'\t' '$1 == "clock_overhead_ns" {print $2}' "$out/decide.tsv") ns of clock reading):"
  echo
  echo '| case | decisions/s | mean ns | p50 ns | p99 ns |'
  echo '| --- | ---: | ---: | ---: | ---: |'
  awk -F'\t' '$1 != "clock_overhead_ns" && NF == 5 {printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5}' "$out/decide.tsv"
  echo
  echo "**POST /v1/access/check under wrk** ($THREADS threads, $CONNS connections, $DURATION, keep-alive;"
  echo "orgd ${ORGD_LOOPS:+with $ORGD_LOOPS loops }on the same machine as wrk and Postgres):"
  echo
  echo '| request | requests/s | decisions/s | p50 ms | p99 ms | errors |'
  echo '| --- | ---: | ---: | ---: | ---: | ---: |'
  echo "| one check (tenant-wide target, cache only) | $SINGLE_RPS | $SINGLE_RPS | $SINGLE_P50 | $SINGLE_P99 | $SINGLE_BAD |"
  echo "| batch of 100 (tenant-wide targets, cache only) | $BATCH_RPS | $(awk -v r="$BATCH_RPS" 'BEGIN {printf "%d", r * 100}') | $BATCH_P50 | $BATCH_P99 | $BATCH_BAD |"
  echo "| batch of 100 on 10 users (one query) | $USERS_RPS | $(awk -v r="$USERS_RPS" 'BEGIN {printf "%d", r * 100}') | $USERS_P50 | $USERS_P99 | $USERS_BAD |"
  echo
  echo 'Commands:'
  echo
  echo '```'
  printf '%s\n' "${commands[@]}"
  echo '```'
  echo '<!-- bench:access:end -->'
}

write_docs() {
  local block="$tmp/block.md"
  report_block >"$block"
  replace_doc_block "$DOC" access "$block"
}

main() {
  [[ ${1:-} == --no-docs ]] && update_docs=0
  "$ORGD_ROOT/scripts/deps.sh" --bench   # wrk: installed when missing
  trap cleanup EXIT INT TERM
  tmp="$(mktemp -d)"
  out="$ORGD_ROOT/bench/out/access-$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$out"
  run_decide
  build_orgd
  start_orgd
  make_scripts
  run_wrk single;        SINGLE_RPS=$R_RPS SINGLE_P50=$R_P50 SINGLE_P99=$R_P99 SINGLE_BAD=$R_BAD
  run_wrk batch100;      BATCH_RPS=$R_RPS BATCH_P50=$R_P50 BATCH_P99=$R_P99 BATCH_BAD=$R_BAD
  run_wrk batch100users; USERS_RPS=$R_RPS USERS_P50=$R_P50 USERS_P99=$R_P99 USERS_BAD=$R_BAD
  report_block | tee "$out/report.md" >&2
  ((update_docs)) && write_docs
  log "raw outputs: $out"
}

main "$@"
