#!/usr/bin/env bash
# orgd beside its ceilings, in interleaved rounds on the same data (issue 14 item 4): each request
# through orgd with the answer cache on (warm) and off, and pgbench running orgd's own SQL for it
# (taken from the server log of one real request, bench/logged-pgbench.py, so it cannot drift from
# what orgd sends); /healthz beside nginx `return 200`. Reports medians over the rounds, the
# ratios, and the CPU each request cost orgd (or nginx) and Postgres, read from /proc. This is how
# later performance claims are made: a ratio to a ceiling measured minutes apart on the same
# shared cores says more than an absolute figure, which moves ±30 % with the machine's load.
# Rewrites the bench:compare block of docs/performance.md; raw outputs in bench/out/compare-<time>/.
# Only 127.0.0.1 is loaded, for fixed durations; everything started here is stopped on exit.
#
# Data: bench/org-generate.sql as bench/org.sh makes it (1,000 tenants), requests in the big
# company (20,021 units): a unit by id (U2, a 50-unit department's root), the tree of that
# department (112 KB) and of its division U1 (1,001 units, 2.25 MB), a position update with its
# audit row (bench/org-update.lua; pgbench picks its position the same way, see
# bench/logged-pgbench.py --random-id), and GET /healthz at 16 and at 64 connections.
#
# Usage: bench/compare.sh [--no-docs]
# Reads: BENCH_DURATION (10s), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16: all but /healthz at 64),
#        BENCH_THREADS (2: wrk -t, pgbench -j), BENCH_WARMUP (2s: before every run, not counted),
#        BENCH_ORGD_BIN (use this orgd binary, skip the release build), BENCH_ORGD_COMMIT (the
#        commit that binary was built from, for the report),
#        BENCH_PGDATA (/tmp/bench-compare-pg; a cluster already there is destroyed first, and this
#        one on exit unless BENCH_KEEP_CLUSTER=1).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_NAME=compare
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"
# shellcheck source=bench/explain.sh
source "$ORGD_ROOT/bench/explain.sh"
# shellcheck source=bench/nginx.sh
source "$ORGD_ROOT/bench/nginx.sh"

ROUNDS=${BENCH_ROUNDS:-3}
HZ="$(getconf CLK_TCK)"     # /proc/PID/stat counts CPU time in these ticks (100 a second here)
IDS=2000                    # positions the update picks from, as bench/org.sh
nginx_pid="" postmaster=""
BYTES=()                    # KEY=bytes of the answer, for the report

main() {
  bench_args "$@"
  bench_start
  serve_uncached_orgd
  start_nginx
  extra_pids+=("$nginx_pid")
  org_generate
  postmaster="$(head -n1 "$ORGD_PGDATA/postmaster.pid")"

  # U1 is a division (1,001 units), U2 its first department (50 units).
  DIV="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U1'")"
  DEP="$(tenant_sql "$BIG" "SELECT unit_id FROM unit_versions WHERE code = 'U2'")"
  # The update's positions: a file for wrk, the same list as a table for pgbench (no row-level
  # security on these tables; orgd_app may only read them). Dropped with the throwaway cluster.
  psql_owner <<SQL
BEGIN;
SELECT set_config('orgd.tenant_id', '$BIG', true) \g /dev/null
CREATE TABLE compare_position_ids AS
  SELECT row_number() OVER ()::int AS n, id::text AS id
  FROM (SELECT position_id AS id FROM position_versions ORDER BY random() LIMIT $IDS) s;
ALTER TABLE compare_position_ids ADD PRIMARY KEY (n);
GRANT SELECT ON compare_position_ids TO orgd_app;
-- Parameters too long for pgbench -D (bench/logged-pgbench.py).
CREATE TABLE compare_values (name text PRIMARY KEY, value text NOT NULL);
GRANT SELECT ON compare_values TO orgd_app;
COMMIT;
SQL
  psql_owner -At -c "SELECT id FROM compare_position_ids ORDER BY n" >"$tmp/ids"

  ON="http://127.0.0.1:$PORT" OFF="http://127.0.0.1:$OFF_PORT"
  local auth=(-H "Authorization: Bearer $BIG_TOKEN") first_id
  first_id="$(head -n1 "$tmp/ids")"
  # Every loop keeps its own callers and answers: a second of load first, so each has the caller
  # (and the cached orgd the answer) and the statements logged are those of every later request.
  local url
  for url in "$OFF/v1/units/$DEP" "$ON/v1/units/$DEP"; do
    BENCH_TOKEN=$BIG_TOKEN wrk -t"$THREADS" -c"$CONNS" -d1s -s "$BENCH/org-get.lua" "$url" >/dev/null
  done
  logged_script unit "${auth[@]}" "$OFF/v1/units/$DEP"
  logged_script hit "${auth[@]}" "$ON/v1/units/$DEP"
  logged_script tree50 "${auth[@]}" "$OFF/v1/units/$DEP/tree"
  logged_script tree1001 "${auth[@]}" "$OFF/v1/units/$DIV/tree"
  BENCH_RANDOM_ID=$first_id logged_script update "${auth[@]}" -X PATCH -H 'Content-Type: application/json' \
    -d '{"title":"岗位-0"}' "$OFF/v1/positions/$first_id"

  local key path
  for key in unit tree50 tree1001; do
    BYTES+=("$key=$(curl -fsS -o /dev/null -w '%{size_download}' "${auth[@]}" "$ON$(request_path "$key")")")
  done
  printf 'round\trequest\ttarget\treq/s\tp50 ms\tp99 ms\tavg ms\trequests\tserver CPU ms/req\tPostgres CPU ms/req\terrors\n' >"$out/runs.tsv"
  local round started=$SECONDS
  for ((round = 1; round <= ROUNDS; round++)); do
    log "round $round of $ROUNDS"
    run_wrk "$round" healthz16 nginx "$nginx_pid" "http://127.0.0.1:$NGINX_PORT_BENCH/" 16
    run_wrk "$round" healthz16 orgd "$orgd_pid" "$ON/healthz" 16
    run_wrk "$round" healthz64 nginx "$nginx_pid" "http://127.0.0.1:$NGINX_PORT_BENCH/" 64
    run_wrk "$round" healthz64 orgd "$orgd_pid" "$ON/healthz" 64
    for key in unit tree50 tree1001; do
      path="$(request_path "$key")"
      run_wrk "$round" "$key" on "$orgd_pid" "$ON$path" "$CONNS" "$BENCH/org-get.lua"
      run_wrk "$round" "$key" off "$off_pid" "$OFF$path" "$CONNS" "$BENCH/org-get.lua"
      run_pgbench "$round" "$key" pgbench "$key"
    done
    run_pgbench "$round" unit pgbench-hit hit
    BENCH_IDS="$tmp/ids" run_wrk "$round" update on "$orgd_pid" "$ON/" "$CONNS" "$BENCH/org-update.lua"
    run_pgbench "$round" update pgbench update
  done
  RUN_SECONDS=$((SECONDS - started))
  AUDIT_ROWS="$(tenant_sql "$BIG" "SELECT count(*) FROM audit_log WHERE action = 'position.update'")"
  write_report
}

request_path() {
  case $1 in
    unit) echo "/v1/units/$DEP" ;;
    tree50) echo "/v1/units/$DEP/tree" ;;
    tree1001) echo "/v1/units/$DIV/tree" ;;
  esac
}

# logged_script NAME CURL-ARGS...: the statements of one request (logged by Postgres, run once
# with curl) as a pgbench script $out/NAME.pgbench.sql with its variables in $out/NAME.vars.
# With BENCH_RANDOM_ID, that position id is replaced by one picked at random per transaction.
logged_script() {
  local name=$1 try f
  shift
  local pick=()
  [[ -n ${BENCH_RANDOM_ID:-} ]] && pick=(--random-id "$BENCH_RANDOM_ID" "$IDS" compare_position_ids)
  f="$out/$name.pgbench.sql"
  # A request that loaded its caller (a loop's entry expired after 60 s) or, on the cached orgd,
  # missed is not the one measured: take another, at most three.
  for try in 1 2 3; do
    log_statements "$out/$name.log" "$@"
    python3 "$BENCH/logged-pgbench.py" "$out/$name.log" "$f" "$out/$name.vars" "${pick[@]}"
    grep -q 'FROM sessions s' "$f" || { [[ $name == hit ]] && grep -q '^BEGIN' "$f"; } || break
    ((try < 3)) || die "three requests of $name loaded their caller or missed the cache ($f)"
  done
  psql_owner -c "\\copy compare_values FROM '$out/$name.vars.csv' CSV"
  log "pgbench script of $name: $(grep -c ';$' "$out/$name.pgbench.sql") statements ($out/$name.pgbench.sql)"
}

# cpu_ticks PID: the CPU time (user + system, in 1/HZ s) of PID, of its children alive now and of
# those it has reaped (cutime, cstime). For the postmaster that is every backend, including
# pgbench's, which connect after the first reading and are gone by the second.
cpu_ticks() {
  proc_stats | awk -v root="$1" '{
    pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
    # after "pid (comm) ": f[1] state, f[2] ppid, f[12] utime, f[13] stime, f[14] cutime, f[15] cstime
    if (pid == root || f[2] == root) t += f[12] + f[13] + f[14] + f[15]
  } END { print t + 0 }'
}

pg_children() { proc_stats | awk -v root="$postmaster" '{ line = $0; sub(/^.*\) /, "", line); split(line, f, " "); if (f[2] == root) n++ } END { print n + 0 }'; }

# Every process's /proc/PID/stat line; one that exits meanwhile (the machine is shared) is skipped.
proc_stats() { cat /proc/[0-9]*/stat 2>/dev/null || true; }

# per_request TICKS REQUESTS: milliseconds of CPU a request.
per_request() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { if (n + 0 == 0) print "–"; else printf "%.3f", t * 1000 / hz / n }'; }

# run_wrk ROUND REQUEST TARGET SERVER_PID URL CONNECTIONS [LUA]: a warm-up, then the measured run
# between two CPU readings of the server and of Postgres; one line of runs.tsv.
run_wrk() {
  local round=$1 request=$2 target=$3 server=$4 url=$5 conns=$6 lua=${7:-} f="$out/r$1-$2-$3.wrk.txt"
  local script=()
  [[ -n $lua ]] && script=(-s "$lua")
  BENCH_TOKEN=$BIG_TOKEN wrk -t"$THREADS" -c"$conns" -d"$WARMUP" "${script[@]}" "$url" >/dev/null
  local cmd=(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --timeout 10s --latency "${script[@]}" "$url")
  ((round == 1)) && commands+=("${lua:+BENCH_TOKEN=… }${cmd[*]/$ORGD_ROOT\//}")
  local s0 p0
  s0="$(cpu_ticks "$server")" p0="$(cpu_ticks "$postmaster")"
  BENCH_TOKEN=$BIG_TOKEN "${cmd[@]}" >"$f"
  local s1 p1
  s1="$(cpu_ticks "$server")" p1="$(cpu_ticks "$postmaster")"
  local rps p50 p99 avg n bad
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' "$f")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")"
  avg="$(to_ms "$(awk '$1 == "Latency" {print $2; exit}' "$f")")"
  n="$(awk '/ requests in / {print $1}' "$f")"
  bad="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$f")"
  record "$round" "$request" "$target" "$rps" "$p50" "$p99" "$avg" "$n" "$(per_request $((s1 - s0)) "$n")" \
    "$(per_request $((p1 - p0)) "$n")" "$bad"
}

# run_pgbench ROUND REQUEST TARGET SCRIPT: pgbench -M prepared of $out/SCRIPT.pgbench.sql as orgd_app
# on orgd's socket, with as many clients as wrk has connections; a warm-up, then the measured run.
run_pgbench() {
  local round=$1 request=$2 target=$3 name=$4 f="$out/r$1-$2-$3.pgbench.txt" pgbench="$ORGD_PG_BINDIR/pgbench"
  [[ -x $pgbench ]] || pgbench="$(command -v pgbench)"
  local vars=() line
  while IFS= read -r line; do vars+=(-D "$line"); done <"$out/$name.vars"
  local base=(-n -M prepared -c "$CONNS" -j "$THREADS" -f "$out/$name.pgbench.sql" -h "$ORGD_PG_SOCKET_DIR" -p "$ORGD_PG_PORT" -U orgd_app)
  "$pgbench" "${base[@]}" -T "$(seconds "$WARMUP")" "${vars[@]}" orgd >/dev/null 2>&1 || die "pgbench of $name failed (warm-up)"
  local cmd=("$pgbench" "${base[@]}" -T "$(seconds "$DURATION")")
  ((round == 1)) && commands+=("${cmd[*]/$ORGD_ROOT\//} -D p1=… orgd   # $((${#vars[@]} / 2)) variables: the lines of $name.vars")
  local children p0 p1 i
  children="$(pg_children)" p0="$(cpu_ticks "$postmaster")"
  "${cmd[@]}" "${vars[@]}" orgd >"$f" 2>&1 || { cat "$f" >&2; die "pgbench of $name failed"; }
  # Its backends exit after it does: wait (≤ 2 s) until the postmaster has reaped them.
  for ((i = 0; i < 20 && $(pg_children) > children; i++)); do sleep 0.1; done
  p1="$(cpu_ticks "$postmaster")"
  local tps n avg bad
  tps="$(awk -F'= ' '/^tps = / {split($2, a, " "); printf "%.2f", a[1]}' "$f" | tail -n1)"
  n="$(awk -F': ' '/^number of transactions actually processed/ {split($2, a, "/"); print a[1] + 0}' "$f")"
  avg="$(awk -F'= ' '/^latency average/ {split($2, a, " "); printf "%.2f", a[1]}' "$f")"
  bad="$(awk -F': ' '/^number of failed transactions/ {split($2, a, " "); print a[1] + 0}' "$f")"
  record "$round" "$request" "$target" "$tps" – – "$avg" "$n" – "$(per_request $((p1 - p0)) "$n")" "${bad:-0}"
}

seconds() { awk -v d="$1" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; print int(n) }'; }

record() {
  (IFS=$'\t'; echo "$*") >>"$out/runs.tsv"
  printf 'r%s %-9s %-12s %10s req/s  p50 %7s  p99 %8s  avg %7s ms  CPU/req server %6s  pg %6s ms  errors %s\n' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$9" "${10}" "${11}" >&2
}

# The report's tables (medians over the rounds) from runs.tsv.
tables() {
  python3 - "$out/runs.tsv" "$CONNS" "${BYTES[@]}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8'), delimiter='\t'))
conns = sys.argv[2]
size = dict(a.split('=') for a in sys.argv[3:])
num = lambda v: float(v) if v not in ('', '–') else None
def runs(req, target): return [r for r in rows if r['request'] == req and r['target'] == target]
def med(req, target, col):
    v = [num(r[col]) for r in runs(req, target) if num(r[col]) is not None]
    return statistics.median(v) if v else None
def per_round(req, a, b, col='req/s'):
    """a ÷ b for each round, both measured minutes apart in it."""
    A = {r['round']: num(r[col]) for r in runs(req, a)}
    B = {r['round']: num(r[col]) for r in runs(req, b)}
    return [A[k] / B[k] for k in A if k in B and A[k] is not None and B[k]]
def fmt(v, d=2): return '–' if v is None else (f'{v:,.0f}' if d == 0 else f'{v:,.{d}f}')
def ratio(req, a, b, col='req/s'):
    r = per_round(req, a, b, col)
    if not r: return '–', None
    m = statistics.median(r)
    spread = f' ({min(r):.2f}–{max(r):.2f})' if len(r) > 1 else ''
    return f'{m:.2f}{spread}', m
names = {'healthz16': 'GET /healthz, 16 connections', 'healthz64': 'GET /healthz, 64 connections',
         'unit': f"unit by id ({int(size['unit']):,} B)", 'tree50': f"tree, 50-unit subtree ({int(size['tree50']):,} B)",
         'tree1001': f"tree, 1,001-unit subtree ({int(size['tree1001']):,} B)", 'update': 'position update + audit row'}
targets = {'on': 'orgd, cache on (warm)', 'off': 'orgd, cache off', 'orgd': 'orgd', 'nginx': 'nginx `return 200`',
           'pgbench': "pgbench, orgd's SQL for it (cold)", 'pgbench-hit': "pgbench, a cache hit's SQL"}
order = [('healthz16', 'orgd'), ('healthz16', 'nginx'), ('healthz64', 'orgd'), ('healthz64', 'nginx'),
         ('unit', 'on'), ('unit', 'off'), ('unit', 'pgbench'), ('unit', 'pgbench-hit'),
         ('tree50', 'on'), ('tree50', 'off'), ('tree50', 'pgbench'),
         ('tree1001', 'on'), ('tree1001', 'off'), ('tree1001', 'pgbench'),
         ('update', 'on'), ('update', 'pgbench')]
print('| request | target | req/s or tps | p50 ms | p99 ms | avg ms | server CPU ms/req | Postgres CPU ms/req | errors |')
print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for req, t in order:
    if not runs(req, t): continue
    errors = sum(int(num(r['errors']) or 0) for r in runs(req, t))
    label = {'on': 'orgd (cache on)', 'pgbench': "pgbench, orgd's statements for it"}.get(t) if req == 'update' else targets[t]
    print(f"| {names[req]} | {label} | {fmt(med(req, t, 'req/s'), 0)} | {fmt(med(req, t, 'p50 ms'))} | "
          f"{fmt(med(req, t, 'p99 ms'))} | {fmt(med(req, t, 'avg ms'))} | {fmt(med(req, t, 'server CPU ms/req'), 3)} | "
          f"{fmt(med(req, t, 'Postgres CPU ms/req'), 3)} | {errors} |")
print()
print("| request | ratio | median of the rounds' ratios (range) |")
print('| --- | --- | ---: |')
ratios = [('healthz16', 'orgd', 'nginx', 'req/s', 'orgd ÷ nginx, req/s'), ('healthz16', 'orgd', 'nginx', 'p99 ms', 'orgd ÷ nginx, p99'),
          ('healthz64', 'orgd', 'nginx', 'req/s', 'orgd ÷ nginx, req/s'), ('healthz64', 'orgd', 'nginx', 'p99 ms', 'orgd ÷ nginx, p99'),
          ('unit', 'on', 'off', 'req/s', 'cache on ÷ off'), ('unit', 'off', 'pgbench', 'req/s', 'cache off ÷ pgbench of its SQL'),
          ('unit', 'on', 'pgbench-hit', 'req/s', "cache on ÷ pgbench of a hit's SQL"),
          ('tree50', 'on', 'off', 'req/s', 'cache on ÷ off'), ('tree50', 'off', 'pgbench', 'req/s', 'cache off ÷ pgbench of its SQL'),
          ('tree1001', 'on', 'off', 'req/s', 'cache on ÷ off'), ('tree1001', 'off', 'pgbench', 'req/s', 'cache off ÷ pgbench of its SQL'),
          ('update', 'on', 'pgbench', 'req/s', 'orgd ÷ pgbench of its statements'),
          ('unit', 'off', 'pgbench', 'Postgres CPU ms/req', 'Postgres CPU a request, orgd (off) ÷ pgbench'),
          ('tree50', 'off', 'pgbench', 'Postgres CPU ms/req', 'Postgres CPU a request, orgd (off) ÷ pgbench'),
          ('update', 'on', 'pgbench', 'Postgres CPU ms/req', 'Postgres CPU a request, orgd ÷ pgbench')]
for req, a, b, col, label in ratios:
    print(f'| {names[req]} | {label} | {ratio(req, a, b, col)[0]} |')
print()
def goal(text, rounds, shown, ok):
    """Met or missed in every round, or in some: a range that straddles the goal is the noise's."""
    k = sum(1 for x in rounds if ok(x))
    verdict = '–' if not rounds else 'met' if k == len(rounds) else 'missed' if k == 0 else f'met in {k} of {len(rounds)} rounds'
    print(f'| {text} | {shown} | {verdict} |')
def values(req, target, col='req/s'): return [num(r[col]) for r in runs(req, target) if num(r[col]) is not None]
def spread(v): return f' ({min(v):,.0f}–{max(v):,.0f})' if len(v) > 1 else ''
print('| goal (issue 14) | measured: median (range of the rounds) | verdict |')
print('| --- | --- | --- |')
for req, t, floor, text in (('tree50', 'on', 2000, f'50-unit tree warm ≥ 2,000 req/s at c{conns}'),
                            ('tree50', 'off', 600, '50-unit tree cold (cache off) ≥ 600 req/s'),
                            ('unit', 'on', 20000, 'unit by id warm ≥ 20,000 req/s')):
    v = values(req, t)
    goal(text, v, f'{fmt(med(req, t, "req/s"), 0)}{spread(v)} req/s', lambda x, f=floor: x >= f)
for req, a, b, col, floor, text in (('unit', 'off', 'pgbench', 'req/s', 0.8, 'unit by id cold ≥ 0.8× pgbench of its SQL'),
                                    ('update', 'on', 'pgbench', 'req/s', 0.85, 'position update + audit ≥ 0.85× pgbench of its statements'),
                                    ('healthz16', 'orgd', 'nginx', 'req/s', 0.9, '/healthz ≥ 0.9× nginx at 16 connections'),
                                    ('healthz16', 'orgd', 'nginx', 'p99 ms', -2, "/healthz p99 within 2× nginx's at 16 connections"),
                                    ('healthz64', 'orgd', 'nginx', 'req/s', 0.9, '/healthz ≥ 0.9× nginx at 64 connections'),
                                    ('healthz64', 'orgd', 'nginx', 'p99 ms', -2, "/healthz p99 within 2× nginx's at 64 connections")):
    ok = (lambda x, f=floor: x >= f) if floor > 0 else (lambda x, f=-floor: x <= f)
    goal(text, per_round(req, a, b, col), f'{ratio(req, a, b, col)[0]}×', ok)
PY
}

# shellcheck disable=SC2016 # backquotes here are markdown, not expansions
report_block() {
  echo '<!-- bench:compare:start -->'
  echo '### Interleaved rounds (`bench/compare.sh`)'
  echo
  machine_lines
  printf -- '- baselines: %s, `return 200 "ok"`, %s workers, access log off; pgbench %s -M prepared, role orgd_app, the same Unix socket\n' \
    "$(nginx -v 2>&1 | sed 's/^nginx version: //')" "$(nproc)" "$("$ORGD_PG_BINDIR/pgbench" --version | awk '{print $3}')"
  echo
  echo "$ROUNDS rounds in ${RUN_SECONDS}s; each figure is the median of its rounds, each ratio the median of the rounds' ratios (with their range)."
  echo "Data as bench/org.sh makes it (\`bench/org-generate.sql\`, ${GEN_SECONDS}s; tenants | unit versions | position versions | people |"
  echo "assignments = \`$COUNTS\`), requests in the big company (20,021 units). Each round runs, one after"
  echo "the other: /healthz on nginx and orgd at 16 and 64 connections, then for each read orgd with its answer cache"
  echo "on (warm from the warm-up), a second orgd on the same cluster with ORGD_ANSWER_CACHE_BYTES=0, and pgbench of"
  echo "the statements orgd sent for it (its \`*.pgbench.sql\`, from the server log of one request); then the update on"
  echo "orgd and on pgbench. wrk -t$THREADS and pgbench -j$THREADS with $CONNS connections (clients) unless named, ${DURATION} each after"
  echo "a ${WARMUP} warm-up of the same. wrk, the servers and Postgres share the cores. CPU: utime + stime from"
  echo "/proc/PID/stat of orgd (or nginx's master and workers), and of the postmaster with its children alive and"
  echo "reaped (every backend, pgbench's included, and the background processes), before and after the run,"
  echo "divided by the requests (transactions) it completed. pgbench gives no percentiles, only its average latency."
  echo "The updates wrote $AUDIT_ROWS \`position.update\` audit rows."
  echo
  tables
  echo
  commands_block
  echo '<!-- bench:compare:end -->'
}

main "$@"
