#!/usr/bin/env bash
# Reorganisation-scenario benchmark: the org benchmark's big company (20,021 units, 100,105
# positions and people, bench/org-generate.sql, beside 998 small tenants) and one approved
# scenario of 500 changes — 150 group moves to another department (unit.move, first), 300 group
# renames (unit.update) and 50 position moves (position.move) — against a release orgd. Measured one request
# at a time (the median of BENCH_RUNS curl runs): the validation, the impact, and the tree of a
# 50-unit department with ?scenario= (each replays all 500 changes and rolls them back); then the
# apply, one transaction, and how long a live unit move of an unrelated unit started during it
# waits (apply holds the tenant's unit-tree lock, which moves and merges take, until it commits).
# Rewrites the bench:scenarios block of docs/performance.md; raw outputs in bench/out/scenarios-<time>/.
#
# Usage: bench/scenarios.sh [--no-docs]
# Reads: BENCH_RUNS (7), BENCH_ORGD_BIN, BENCH_ORGD_COMMIT, BENCH_PGDATA, BENCH_KEEP_CLUSTER (bench/lib.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_NAME=scenarios
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"
RUNS=${BENCH_RUNS:-7}

# median_ms URL [METHOD]: the median wall time in ms of RUNS requests, one at a time; dies on a
# non-2xx. Run in $(…), so the caller records the command (note_command).
median_ms() {
  local url=$1 method=${2:-GET} i status t times=()
  for ((i = 0; i < RUNS; i++)); do
    read -r status t < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X "$method" -H "Authorization: Bearer $BIG_TOKEN" "$url")
    [[ $status == 2* ]] || die "$method $url answered $status"
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] * 1000}'
}

# note_command URL [METHOD]: the request median_ms sends, for the report's commands.
note_command() {
  commands+=("curl -s -X ${2:-GET} -H 'Authorization: Bearer …' '${1/http:\/\/127.0.0.1:$PORT/\$B}'   # $RUNS times, one at a time")
}

main() {
  bench_args "$@"
  bench_start

  create_tenant big; BIG=$T_ID BIG_TOKEN=$T_TOKEN
  log "generating 998 small companies and the big one (20 divisions)"
  local started=$SECONDS
  psql_owner -v big="$BIG" <<SQL
\i $BENCH/org-generate.sql
BEGIN;
SELECT pg_temp.bench_company(:'big', 20, 20, 49) \g /dev/null
COMMIT;
SQL
  vacuum_tables "tenants, units, unit_versions, positions, position_versions, people, person_versions, assignments"
  GEN_SECONDS=$((SECONDS - started))

  log "drafting the 500-change scenario"
  SCENARIO="$(tenant_sql "$BIG" "
    WITH s AS (
      INSERT INTO scenarios (tenant_id, name, effective_date, state, author_id, approver_id)
      SELECT '$BIG', '500 项调整', current_date + 30, 'approved', id, id FROM users ORDER BY created_at LIMIT 1
      RETURNING id, author_id),
    g AS (SELECT unit_id, parent_id, name, row_number() OVER (ORDER BY sort_order) AS n FROM unit_versions
          WHERE kind = 'group' AND upper_inf(valid)),
    target AS (SELECT parent_id AS dept, unit_id AS group1 FROM g WHERE n = 1),
    p AS (SELECT DISTINCT ON (g.n) v.position_id, g.n FROM g JOIN position_versions v ON v.unit_id = g.unit_id AND upper_inf(v.valid)
          WHERE g.n BETWEEN 451 AND 500 AND v.kind = 'regular' ORDER BY g.n, v.position_id),
    c AS (
      SELECT g.n, 'unit.update' AS type, g.unit_id AS target, jsonb_build_object('name', g.name || ' 新') AS body FROM g WHERE g.n <= 300
      UNION ALL
      SELECT g.n, 'unit.move', g.unit_id, jsonb_build_object('parent_id', target.dept) FROM g, target WHERE g.n BETWEEN 301 AND 450
      UNION ALL
      SELECT p.n, 'position.move', p.position_id, jsonb_build_object('unit_id', target.group1) FROM p, target)
    INSERT INTO scenario_changes (tenant_id, scenario_id, seq, type, target_id, body, created_by)
    SELECT '$BIG', s.id, row_number() OVER (ORDER BY c.type <> 'unit.move', c.n), c.type, c.target, c.body, s.author_id FROM c, s
    RETURNING scenario_id" | head -n1)"
  CHANGES="$(tenant_sql "$BIG" "SELECT count(*) FROM scenario_changes WHERE scenario_id = '$SCENARIO'")"
  ((CHANGES == 500)) || die "the scenario has $CHANGES changes, not 500"
  local dep far
  dep="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U2'")"
  far="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE kind = 'group' ORDER BY sort_order DESC LIMIT 1")"
  local b="http://127.0.0.1:$PORT"

  log "measuring validation, impact, tree?scenario= ($RUNS runs each)"
  note_command "$b/v1/scenarios/$SCENARIO/validation"
  VALIDATION_MS="$(median_ms "$b/v1/scenarios/$SCENARIO/validation")"
  curl -s -H "Authorization: Bearer $BIG_TOKEN" "$b/v1/scenarios/$SCENARIO/validation" >"$out/validation.json"
  VALID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["valid"])' "$out/validation.json")"
  note_command "$b/v1/scenarios/$SCENARIO/impact"
  IMPACT_MS="$(median_ms "$b/v1/scenarios/$SCENARIO/impact")"
  note_command "$b/v1/units/$dep/tree?scenario=$SCENARIO"
  TREE_MS="$(median_ms "$b/v1/units/$dep/tree?scenario=$SCENARIO")"
  note_command "$b/v1/units/$dep/tree"
  LIVE_TREE_MS="$(median_ms "$b/v1/units/$dep/tree")"

  log "applying it, with a live move of an unrelated unit started 0.3 s in"
  tenant_sql "$BIG" "UPDATE scenarios SET effective_date = current_date WHERE id = '$SCENARIO'" >/dev/null
  commands+=("curl -s -X POST -H 'Authorization: Bearer …' \$B/v1/scenarios/$SCENARIO/apply   # after effective_date = today")
  curl -s -o "$out/apply.json" -w '%{http_code} %{time_total}\n' -X POST -H "Authorization: Bearer $BIG_TOKEN" \
    "$b/v1/scenarios/$SCENARIO/apply" >"$out/apply.txt" &
  local apply_pid=$!
  sleep 0.3
  curl -s -o "$out/move.json" -w '%{http_code} %{time_total}\n' -X POST -H "Authorization: Bearer $BIG_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"parent_id\": \"$dep\"}" "$b/v1/units/$far/move" >"$out/move.txt"
  wait "$apply_pid"
  read -r APPLY_STATUS APPLY_S <"$out/apply.txt"
  read -r MOVE_STATUS MOVE_S <"$out/move.txt"
  [[ $APPLY_STATUS == 200 ]] || die "apply answered $APPLY_STATUS: $(cat "$out/apply.json")"
  APPLY_MS="$(awk -v s="$APPLY_S" 'BEGIN {printf "%.0f", s * 1000}')"
  MOVE_MS="$(awk -v s="$MOVE_S" 'BEGIN {printf "%.0f", s * 1000}')"
  log "validation $VALIDATION_MS ms, impact $IMPACT_MS ms, tree?scenario $TREE_MS ms (live $LIVE_TREE_MS ms), apply $APPLY_MS ms, concurrent move $MOVE_STATUS in $MOVE_MS ms"
  write_report
}

report_block() {
  echo '<!-- bench:scenarios:start -->'
  echo '## Reorganisation-scenario benchmark (`bench/scenarios.sh`)'
  echo
  machine_lines
  echo
  echo "Data: the org benchmark's big company (\`bench/org-generate.sql\`: 20,021 units, 100,105 positions and people,"
  echo "beside 998 small tenants; ${GEN_SECONDS}s with VACUUM) and one approved scenario of $CHANGES changes: 150 group"
  echo "moves to another department (first), 300 group renames, 50 position moves (validation: valid = $VALID)."
  echo "Each read replays all 500 changes through the live endpoints under a savepoint and rolls them back;"
  echo "one request at a time, the median of $RUNS. Run as \`BENCH_RUNS=$RUNS bench/scenarios.sh\`."
  echo
  echo '| request | p50 ms (alone) |'
  echo '| --- | ---: |'
  echo "| GET /v1/scenarios/{id}/validation (500 changes, each decided and under its own savepoint) | $VALIDATION_MS |"
  echo "| GET /v1/scenarios/{id}/impact (two snapshots of the 20,021-unit company and the replay) | $IMPACT_MS |"
  echo "| GET /v1/units/{id}/tree?scenario= (50-unit department) | $TREE_MS |"
  echo "| GET /v1/units/{id}/tree, live, for comparison | $LIVE_TREE_MS |"
  echo
  echo "Apply (POST /v1/scenarios/{id}/apply, one transaction): $APPLY_MS ms. From its first unit move to its commit it"
  echo "holds the tenant's unit-tree lock that every unit move and merge takes (\`OrgChange.lockTree\`), and a row lock on"
  echo "every unit and position it changes and on the scenario: a live move of an unrelated unit sent 0.3 s into the"
  echo "apply answered $MOVE_STATUS after $MOVE_MS ms (it waited for the commit). Reads, and writes other than unit moves"
  echo "and merges and changes of the same rows, do not wait; other tenants never do."
  echo
  commands_block
  echo '<!-- bench:scenarios:end -->'
}

main "$@"
