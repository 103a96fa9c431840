#!/usr/bin/env bash
# The web console's first paint: a tenant holding one company of 1,002 units (a board over a
# division of 1,001: 20 departments of 49 groups, 5 positions each, bench/org-generate.sql), then
# the org chart opened on the division (1,001 boxes, 5,005 posts) in headless Chromium, a few
# rounds after one warm-up, reading first-contentful-paint and the chart's own "drawn" mark from
# the Performance API (bench/console-paint.py). The goal is under 1 s; it is reported, not asserted.
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
  psql_owner -v t="$tenant" <<SQL
\i $BENCH/org-generate.sql
BEGIN;
SELECT pg_temp.bench_company(:'t', 1, 20, 49) \g /dev/null
COMMIT;
SQL
  vacuum_tables "units, unit_versions, positions, position_versions, people, person_versions, assignments"
  DIVISION="$(tenant_sql "$tenant" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  local cmd=(python3 bench/console-paint.py "http://127.0.0.1:$PORT" console admin "…" "$DIVISION" "$ROUNDS")
  commands+=("${cmd[*]}")
  log "measuring: ${cmd[*]}"
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
  machine_lines | sed "s/release build/$( [[ -n ${BENCH_ORGD_BIN:-} ]] && echo "binary $BENCH_ORGD_BIN" || echo "release build")/"
  echo "- browser: headless Chromium $(field chromium) (Debian), 1400×900, driven by Selenium; orgd serves web/ itself"
  echo
  echo "The org chart opened on a division of $(field units) units (each box with its 5 posts and their seats;"
  echo "$(field elements) DOM elements), signed in by cookie, $ROUNDS rounds after one warm-up, times in ms since navigation start:"
  echo
  echo '| measure | median ms | rounds ms |'
  echo '| --- | ---: | --- |'
  echo "| first-contentful-paint (the shell's first paint) | $(field median_fcp_ms) | $(rounds_list fcp) |"
  echo "| chart drawn (\`orgd-chart-drawn\` mark: tree fetched, 1,001 boxes in the DOM) | $(field median_drawn_ms) | $(rounds_list drawn) |"
  echo "| chart painted (the frame after the mark) | $(field median_painted_ms) | $(rounds_list painted) |"
  echo
  echo "Goal: a 1,000-unit subtree reaches first paint in under 1 s (reported, not asserted)."
  echo
  commands_block
  echo '<!-- bench:console:end -->'
}

main "$@"
