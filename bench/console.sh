#!/usr/bin/env bash
# The web console's first paint: a tenant holding one company of 1,002 units (a board over a
# division of 1,001: 20 departments of 49 groups, 5 positions each, bench/org-generate.sql), then
# the org chart opened on the division in headless Chromium, a few rounds after one warm-up,
# reading first-contentful-paint and the chart's own "drawn" and "painted" marks from the
# Performance API (bench/console-paint.py). The goal is under 1 s; it is reported, not asserted.
# Rewrites the bench:console block of docs/performance.md; raw outputs in bench/out/console-<time>/.
#
# Usage: bench/console.sh [--no-docs]
# Reads: BENCH_ROUNDS (5), BENCH_ORGD_BIN (use this orgd binary, skip the release build),
#        BENCH_ORGD_COMMIT, BENCH_PGDATA (/tmp/bench-console-pg), BENCH_KEEP_CLUSTER.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_NAME=console
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}

main() {
  bench_args "$@"
  "$ORGD_ROOT/scripts/deps.sh" --browser   # chromium, chromium-driver, selenium
  export ORGD_WEB_DIR="$ORGD_ROOT/web"
  bench_start
  local text tenant secret
  text="$("$ORGD_BIN" tenant create --slug console --name console)"
  tenant="$(sed -n 's/.*created (id \(.*\))$/\1/p' <<<"$text")"
  secret="$(sed -n 's/^setup secret.*: //p' <<<"$text")"
  log "generating one company: a board over a division of 1,001 units"
  # Only the company function of org-generate.sql: the 998 filler tenants after it are
  # bench/org.sh's concern and would take minutes here.
  sed '/^-- The 998 small companies/,$d' "$BENCH/org-generate.sql" >"$tmp/company.sql"
  psql_owner -v t="$tenant" <<SQL
\i $tmp/company.sql
BEGIN;
SELECT pg_temp.bench_company(:'t', 1, 20, 49) \g /dev/null
COMMIT;
SQL
  vacuum_tables "units, unit_versions, positions, position_versions, people, person_versions, assignments"
  DIVISION="$(tenant_sql "$tenant" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  local cmd=(python3 bench/console-paint.py "http://127.0.0.1:$PORT" console admin "…" "$DIVISION" "$ROUNDS")
  commands+=("${cmd[*]}")
  log "measuring: ${cmd[*]}"
  LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$ORGD_ROOT" && python3 bench/console-paint.py "http://127.0.0.1:$PORT" console admin "$secret" "$DIVISION" "$ROUNDS") >"$out/paint.json"
  RESULT="$(cat "$out/paint.json")"
  log "result: $RESULT"
  write_report
}

field() { python3 -c "import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(round(v) if isinstance(v, float) else v)" "$RESULT" "$1"; }
rounds_list() { python3 -c "import json,sys; print(', '.join(str(round(r[sys.argv[2]])) for r in json.loads(sys.argv[1])['rounds']))" "$RESULT" "$1"; }

report_block() {
  echo '<!-- bench:console:start -->'
  echo '## Web console first paint (`bench/console.sh`)'
  echo
  local build="release build"
  [[ -n ${BENCH_ORGD_BIN:-} ]] && build="binary ${BENCH_ORGD_BIN#"$ORGD_ROOT"/}"
  machine_lines | sed "s|release build|$build|"
  echo "- browser: headless Chromium $(field chromium) (Debian), 1400×900, driven by Selenium; orgd serves web/ itself"
  echo "- load average (1, 5, 15 min) when the measurement started: $LOAD_BEFORE (other work shares the machine)"
  echo
  echo "The org chart opened on the division of 1,001 units (\`#/chart?unit=…\`), signed in by cookie, $ROUNDS rounds"
  echo "after one warm-up. The chart asks for the division and its children first (\`tree?depth=1\`) and draws"
  echo "them at once: $(field units) boxes, each with its 5 posts and their seats ($(field elements) DOM elements); the 980 groups"
  echo "load when a department is opened (or on \"expand all\"). Times in ms since navigation start:"
  echo
  echo '| measure | median ms | rounds ms |'
  echo '| --- | ---: | --- |'
  echo "| first-contentful-paint (the shell's first paint) | $(field median_fcp_ms) | $(rounds_list fcp) |"
  echo "| chart drawn (\`orgd-chart-drawn\` mark: first tree answer in, boxes in the DOM) | $(field median_drawn_ms) | $(rounds_list drawn) |"
  echo "| chart painted (\`orgd-chart-painted\`: the frame with the boxes painted) | $(field median_painted_ms) | $(rounds_list painted) |"
  echo
  echo "Goal: a 1,000-unit subtree reaches first paint in under 1 s (reported, not asserted). Drawing all"
  echo "1,001 boxes at once (the first version of the page) took 4.7 s to the drawn mark on this machine with a"
  echo "debug orgd: 2.2 MB of tree JSON (1.3–2.6 s to serve under load) and 44,000 DOM elements; hence the steps."
  echo
  commands_block
  echo '<!-- bench:console:end -->'
}

main "$@"
