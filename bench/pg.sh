#!/usr/bin/env bash
# Benchmarks the Postgres driver on this machine (bench/pg/, built in release mode in a
# throwaway package beside symlinks to Sources/Postgres and the targets it needs, so orgd's
# package gains no executable): round trips through the loop; a realistic result of 1,000 rows
# of 15 columns read by name (text accessors) and by position (PGRowReader) in text and in
# binary, decode alone and end to end; and the uuid-array parameter builder. With --baseline
# REV the cases older sources can compile also run against REV's Sources (git archive), for a
# before/after column. Each binary runs BENCH_ROUNDS times, alternating with the baseline, and
# every figure is the median of its rounds: the machine is shared, and load that comes and goes
# would otherwise land on one side. Rewrites the bench:pg block of docs/performance.md; raw
# outputs in bench/out/pg-<time>/. Starts a throwaway Postgres cluster and destroys it on exit.
#
# Usage: bench/pg.sh [--no-docs] [--baseline REV]
# Reads: BENCH_ROUNDS (3)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DOC="$ORGD_ROOT/docs/performance.md"
PG_CLUSTER="$ORGD_ROOT/scripts/pg-cluster.sh"
ROUNDS=${BENCH_ROUNDS:-3}

update_docs=1
baseline=""
tmp="" pgdata=""
out="$ORGD_ROOT/bench/out/pg-$(date -u +%Y%m%dT%H%M%SZ)"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $pgdata ]] && { "$PG_CLUSTER" destroy "$pgdata" || true; }
  [[ -n $tmp ]] && rm -rf -- "$tmp"
  exit "$rc"
}

parse_args() {
  while (($#)); do
    case $1 in
      --no-docs) update_docs=0 ;;
      --baseline) [[ $# -ge 2 ]] || die "--baseline needs a revision"; baseline=$2; shift ;;
      -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "pg.sh: unknown argument '$1'" ;;
    esac
    shift
  done
}

# build_bench DIR SOURCES [SWIFTC FLAG]: a package in DIR whose targets are symlinks into
# SOURCES and whose executable is bench/pg/.
build_bench() {
  local pkg=$1 sources=$2 flag=${3:-} t
  mkdir -p "$pkg/Sources"
  for t in CLinux CPostgres COpenSSL EventLoop Postgres; do ln -s "$sources/$t" "$pkg/Sources/$t"; done
  mkdir -p "$pkg/Sources/pg-bench"
  cp "$ORGD_ROOT"/bench/pg/*.swift "$pkg/Sources/pg-bench/"
  cat >"$pkg/Package.swift" <<'SWIFT'
// swift-tools-version: 6.1
import PackageDescription
let package = Package(name: "pg-bench", targets: [
    .target(name: "CLinux"),
    .systemLibrary(name: "CPostgres", pkgConfig: "libpq"),
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
    .target(name: "EventLoop", dependencies: ["CLinux"]),
    .target(name: "Postgres", dependencies: ["CPostgres", "COpenSSL", "EventLoop", "CLinux"]),
    .executableTarget(name: "pg-bench", dependencies: ["Postgres", "EventLoop"]),
], swiftLanguageModes: [.v6])
SWIFT
  log "building the Postgres benchmark${flag:+ ($flag)}: swift build -c release (throwaway package, $sources symlinked)"
  swift build -c release --package-path "$pkg" ${flag:+-Xswiftc "$flag"} >&2
}

# run_bench NAME BINARY ROUND
run_bench() {
  local name=$1 bin=$2 round=$3
  log "running $name, round $round of $ROUNDS"
  "$bin" "$ORGD_DATABASE_URL" | tee "$out/$name.$round.tsv" >&2
}

# The median of each figure (wall and CPU apart) over NAME's rounds, into NAME.tsv, in the
# order the figures were printed.
median_of_rounds() {
  local name=$1
  awk -F'\t' -v OFS='\t' '
    function median(list,    k, v, a, b, t) {
      k = split(substr(list, 2), v, " ")
      if (k == 0) return ""
      for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++) if (v[b] + 0 < v[a] + 0) { t = v[a]; v[a] = v[b]; v[b] = t }
      return v[int((k + 1) / 2)]
    }
    !($1 in seen) { seen[$1] = ++n; label[n] = $1; unit[n] = $4 }
    { i = seen[$1]; if ($2 != "") wall[i] = wall[i] " " $2; if ($3 != "") cpu[i] = cpu[i] " " $3 }
    END { for (i = 1; i <= n; i++) print label[i], median(wall[i]), median(cpu[i]), unit[i] }
  ' "$out/$name".[0-9]*.tsv >"$out/$name.tsv"
}

start_cluster() {
  eval "$("$PG_CLUSTER" --throwaway start "$tmp/pgdata")"
  pgdata=$ORGD_PGDATA
}

# Column COLUMN (2 wall, 3 CPU) of figure NAME in FILE, or "" when the file or line is missing.
figure() { [[ -f $3 ]] && awk -F'\t' -v n="$1" -v c="$2" '$1 == n {print $c; exit}' "$3" || true; }

report_block() {
  local mem swiftv pgv now=$out/current.tsv before=$out/baseline.tsv line name
  mem="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  swiftv="$(swift --version 2>&1 | grep -m1 -o 'Swift version [^ ]*' || echo unknown)"
  pgv="$("$ORGD_PG_BINDIR/postgres" --version 2>/dev/null || echo unknown)"
  echo '<!-- bench:pg:start -->'
  echo '## Typed rows and binary results (`bench/pg.sh`)'
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on:"
  echo
  printf -- '- cores (`nproc`): %s; CPU: %s; memory: %s; Debian %s\n' "$(nproc)" \
    "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)" "$mem" "$(cat /etc/debian_version 2>/dev/null || echo '?')"
  printf -- '- kernel: %s; %s; %s\n' "$(uname -sr)" "$swiftv" "$pgv"
  printf -- '- orgd: commit %s, release build; Postgres: throwaway cluster (fsync off), Unix socket, role orgd_app, one connection on one loop\n' \
    "$(git -C "$ORGD_ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
  echo
  echo 'The result: 1,000 rows of 15 columns (4 uuid, 2 of them NULL in a share of rows; 3 text with'
  echo 'Chinese; int4, int8, int4; 2 bool; 2 date, 1 of them sometimes NULL; a jsonb of ~80 bytes).'
  echo "Value bytes per row: $(figure 'value bytes per row, text' 2 "$now") as text, $(figure 'value bytes per row, binary' 2 "$now") in binary."
  echo "Each figure is the median of $ROUNDS rounds (run alternately with the baseline), each round's the median"
  echo 'of 7 timed runs after a warm-up; "decode" reads one fetched result 20 times, "end to end" runs the'
  echo 'query 50 times and reads each result once. Per row, or per call for round trips and parameters.'
  echo '"Wall" includes the server and waiting; "loop CPU" is the CPU time of the thread running the loop'
  echo "(libpq, copying, decoding: the client's own work), which moves far less with other load."
  echo
  if [[ -n $baseline ]]; then
    echo "| case | wall µs | loop CPU µs | wall µs at $baseline | loop CPU µs at $baseline |"
    echo '| --- | ---: | ---: | ---: | ---: |'
  else
    echo '| case | wall µs | loop CPU µs |'
    echo '| --- | ---: | ---: |'
  fi
  while IFS=$'\t' read -r name _ _ unit; do
    [[ $unit == µs ]] || continue
    line="| $name | $(figure "$name" 2 "$now") | $(figure "$name" 3 "$now")"
    [[ -n $baseline ]] && line+=" | $(figure "$name" 2 "$before") | $(figure "$name" 3 "$before")"
    echo "$line |"
  done <"$now"
  echo
  echo 'Commands:'
  echo
  echo '```'
  echo "BENCH_ROUNDS=$ROUNDS bench/pg.sh${baseline:+ --baseline $baseline}"
  echo "# each round: pg-bench \"\$ORGD_DATABASE_URL\"   (bench/pg/, swift build -c release; role orgd_app)"
  echo '```'
  echo '<!-- bench:pg:end -->'
}

main() {
  parse_args "$@"
  trap cleanup EXIT INT TERM
  tmp="$(mktemp -d)"
  chmod 755 "$tmp"     # the postgres user must reach the cluster's folder
  mkdir -p "$out"
  build_bench "$tmp/current" "$ORGD_ROOT/Sources"
  if [[ -n $baseline ]]; then
    mkdir -p "$tmp/baseline-src"
    git -C "$ORGD_ROOT" archive "$baseline" Sources | tar -x -C "$tmp/baseline-src"
    build_bench "$tmp/baseline" "$tmp/baseline-src/Sources" -DBASELINE
  fi
  start_cluster
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    run_bench current "$tmp/current/.build/release/pg-bench" "$round"
    if [[ -n $baseline ]]; then run_bench baseline "$tmp/baseline/.build/release/pg-bench" "$round"; fi
  done
  median_of_rounds current
  if [[ -n $baseline ]]; then median_of_rounds baseline; fi
  report_block >"$out/report.md"
  cat "$out/report.md" >&2
  if ((update_docs)); then replace_doc_block "$DOC" pg "$out/report.md"; fi
  log "raw outputs: $out"
}

main "$@"
