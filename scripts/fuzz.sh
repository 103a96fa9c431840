#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ with -sanitize=fuzzer,address (in .build-fuzz, apart
# from the normal build) and runs each for a set time from its seed corpus in Fuzz/corpus/.
# A finding (crash, sanitizer report, hang) stops that target, leaves the input in
# .build-fuzz/findings/ and makes the script exit non-zero. Ends with one line per target:
# runs, seconds, findings. See docs/security.md, "Fuzzing".
#
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
#   targets: FuzzHTTPParser FuzzHTTPConnection FuzzJSONBody (all by default)
# Reads: ORGD_FUZZ_JOBS_ARGS (extra libFuzzer arguments, e.g. -seed=1).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL_TARGETS=(FuzzHTTPParser FuzzHTTPConnection FuzzJSONBody)
SCRATCH="$ORGD_ROOT/.build-fuzz"
BIN="$SCRATCH/debug"
FINDINGS="$SCRATCH/findings"

# Compiles a target and the modules it uses with coverage and AddressSanitizer, then links
# it with libFuzzer's main (SwiftPM would give it a main of its own; see Package.swift).
build_target() {
  local target=$1 objects=() file
  ORGD_FUZZ=1 swift build -c debug --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer,address \
    --target "$target" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
  objects+=("$BIN/CLinux.build/shim.c.o")
  for file in "$ORGD_ROOT"/Sources/EventLoop/*.swift "$ORGD_ROOT"/Sources/HTTP/*.swift "$ORGD_ROOT/Fuzz/$target"/*.swift; do
    local module
    module="$(basename "$(dirname "$file")")"
    [[ $module == HTTP || $module == EventLoop ]] || module=$target
    objects+=("$BIN/$module.build/$(basename "$file").o")
  done
  for file in "${objects[@]}"; do [[ -f $file ]] || { log "build of $target left no $file"; return 1; }; done
  swiftc -sanitize=fuzzer,address "${objects[@]}" -o "$BIN/fuzz-$target" 2>&1 | grep -v 'Cannot export local symbol' >&2 || true
  [[ -x $BIN/fuzz-$target ]]
}

# Runs one target for SECONDS from a scratch copy of its corpus (new inputs stay out of the
# repository); prints "target runs seconds status".
run_target() {
  local target=$1 seconds=$2 work log rc=0 runs
  work="$(mktemp -d "${TMPDIR:-/tmp}/orgd-fuzz-XXXXXX")"
  log="$work/libfuzzer.log"
  mkdir -p "$FINDINGS" "$work/corpus"
  # -detect_leaks=0: the connection target's server lives for the whole run by design.
  # shellcheck disable=SC2086
  "$BIN/fuzz-$target" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=4096 \
    -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$FINDINGS/$target-" \
    ${ORGD_FUZZ_JOBS_ARGS:-} "$work/corpus" "$ORGD_ROOT/Fuzz/corpus/$target" >"$log" 2>&1 || rc=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  if ((rc != 0)); then
    log "$target: FINDING (libFuzzer exit $rc); the last lines of its log:"
    tail -n 40 "$log" >&2
    ls "$FINDINGS/$target-"* 2>/dev/null >&2 || true
  fi
  printf '%s runs=%s seconds=%s %s\n' "$target" "${runs:-?}" "$seconds" "$( ((rc == 0)) && echo 'findings=0' || echo 'FINDING')"
  rm -rf -- "$work"
  return "$rc"
}

main() {
  local seconds=${1:-60} targets=() target failed=0 lines=()
  (($# > 0)) && shift
  targets=("$@")
  ((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")
  cd "$ORGD_ROOT"
  for target in "${targets[@]}"; do
    log "fuzz: building $target"
    build_target "$target" || { lines+=("$target build FAILED"); failed=1; continue; }
  done
  for target in "${targets[@]}"; do
    [[ -x $BIN/fuzz-$target ]] || continue
    log "fuzz: running $target for ${seconds}s"
    lines+=("$(run_target "$target" "$seconds")") || failed=1
  done
  printf '%s\n' "${lines[@]}" | while read -r line; do log "fuzz: $line"; done
  return "$failed"
}

main "$@"
