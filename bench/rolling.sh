#!/usr/bin/env bash
# Rolling restarts under load, on loopback: two orgd behind HAProxy (deploy/haproxy.cfg.example,
# with only its addresses replaced), wrk through the balancer, and mid-run each orgd restarted in
# turn with SIGTERM — then, in a second run, one orgd killed with SIGKILL. Reports the requests
# that failed in each run (the goal for SIGTERM: none) and rewrites the bench:rolling block of
# docs/performance.md. Only 127.0.0.1 is loaded, for fixed durations; everything started here
# is stopped on exit.
#
# Why nothing is lost on SIGTERM: orgd runs with --shutdown-delay, so it first answers /readyz
# with 503 while still serving; HAProxy's health check (every 2 s, down after 2 failures) takes
# it out of rotation; only then does orgd stop accepting and drain. A request that races the
# close of a keep-alive connection comes back empty and HAProxy retries it on the other server
# (`retry-on conn-failure empty-response`), which is safe for the GETs measured here.
#
# Usage: bench/rolling.sh [--no-docs]
# Reads: BENCH_ROLLING_DURATION (60: seconds of load per run), BENCH_CONNECTIONS (16),
#        BENCH_THREADS (2), BENCH_ORGD_BIN (use this orgd binary, skip the release build),
#        BENCH_ORGD_COMMIT, BENCH_PGDATA (see bench/lib.sh).
set -euo pipefail
BENCH_NAME=rolling
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=bench/lib.sh
source "$ORGD_ROOT/bench/lib.sh"

SECONDS_PER_RUN=${BENCH_ROLLING_DURATION:-60}
SHUTDOWN_DELAY=6     # > HAProxy's detection time: inter 2 s × fall 2, plus one interval of slack
haproxy_pid="" second_pid="" PORT2="" HAPORT="" STATSPORT=""
results=()           # report rows

rolling_cleanup() {
  local rc=$?
  [[ -n $haproxy_pid ]] && { stop_process "$haproxy_pid" 5 || true; }
  [[ -n $second_pid ]] && { stop_process "$second_pid" 15 || true; }
  (exit "$rc")
  cleanup
}

# start_orgd PIDVAR PORT: an orgd on PORT with the shutdown delay, a child of this shell (so it
# can be waited for); its pid goes into PIDVAR.
start_orgd() {
  "$ORGD_BIN" serve --host 127.0.0.1 --port "$2" --shutdown-delay "$SHUTDOWN_DELAY" >>"$out/orgd-$2.log" 2>&1 &
  printf -v "$1" '%s' $!
}

# The shipped HAProxy config with loopback addresses: the frontend on HAPORT, the two orgd as the
# servers, the stats page on a free port, and a global maxconn that fits this shell's file limit
# (50,000 needs 100,000 descriptors). Everything else (checks, timeouts, retries) as shipped.
haproxy_config() {
  sed -e "s|^    bind :80$|    bind 127.0.0.1:$HAPORT|" \
      -e "s|^    bind 127.0.0.1:8404$|    bind 127.0.0.1:$STATSPORT|" \
      -e "/^    server orgd-3 /d" \
      -e "s|^    server orgd-1 .*|    server orgd-1 127.0.0.1:$PORT|" \
      -e "s|^    server orgd-2 .*|    server orgd-2 127.0.0.1:$PORT2|" \
      -e "s|^    log stdout format raw local0$|    log stdout format raw local0 err|" \
      -e "s|^    maxconn 50000$|    maxconn 4000|" \
      "$ORGD_ROOT/deploy/haproxy.cfg.example"
}

# wait_until_ready PORT PID: until the orgd on PORT answers /readyz with 200.
wait_until_ready() {
  wait_for_http "http://127.0.0.1:$1/readyz" "$2" 60 || die "orgd on port $1 did not come back"
}

# restart PIDVAR PORT: SIGTERM, wait for the clean exit, start again on the same port.
restart() {
  local pidvar=$1 port=$2 pid rc=0
  pid=${!pidvar}
  log "SIGTERM to the orgd on port $port (pid $pid)"
  kill -TERM "$pid"
  wait "$pid" || rc=$?
  ((rc == 0)) || log "orgd on port $port exited with status $rc"
  start_orgd "$pidvar" "$port"
  wait_until_ready "$port" "${!pidvar}"
  log "orgd on port $port is back (pid ${!pidvar})"
}

# The requests HAProxy has sent again so far (retries plus redispatches, its backend's wretr and
# wredis), from its stats page's CSV.
haproxy_retries() {
  curl -fsS "http://127.0.0.1:$STATSPORT/;csv" | awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) { sub(/^# /, "", $i); col[$i] = i }; next }
    $1 == "orgd" && $2 == "BACKEND" { print $col["wretr"] + $col["wredis"] }'
}

# load NAME ACTION…: wrk through HAProxy for SECONDS_PER_RUN while ACTION runs in the background
# of this shell; adds a report row with the requests and the failures.
load() {
  local name=$1 f="$out/$1.wrk.txt"
  shift
  local cmd=(wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_PER_RUN}s" --timeout 10s --latency -s "$BENCH/org-get.lua"
             "http://127.0.0.1:$HAPORT/v1/units/$UNIT")
  commands+=("BENCH_TOKEN=… ${cmd[*]/$ORGD_ROOT\//}   # during: $name")
  local retried
  retried="$(haproxy_retries)"
  BENCH_TOKEN=$T_TOKEN "${cmd[@]}" >"$f" &
  local wrk_pid=$!
  "$@"
  wait "$wrk_pid"
  retried=$(($(haproxy_retries) - retried))
  local total rps bad p99
  total="$(awk '/requests in/ {print $1}' "$f")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' "$f")")"
  bad="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$f")"
  results+=("| $name | $total | $rps | $p99 | $bad | $retried |")
  log "$name: $total requests, $bad failed, $retried sent again by HAProxy"
}

# Each restart ends when the new process is ready; HAProxy needs rise 2 × inter 2 s more to send
# it requests again, so the pause before the next restart is longer than that.
rolling_restart() {
  sleep 5
  restart orgd_pid "$PORT"
  sleep 8
  restart second_pid "$PORT2"
}

kill_one() {
  sleep 5
  log "SIGKILL to the orgd on port $PORT (pid $orgd_pid)"
  kill -KILL "$orgd_pid"
  wait "$orgd_pid" 2>/dev/null || true
  sleep 3
  start_orgd orgd_pid "$PORT"
  wait_until_ready "$PORT" "$orgd_pid"
}

report_block() {
  local r
  echo '<!-- bench:rolling:start -->'
  echo '## Rolling restarts behind HAProxy (bench/rolling.sh)'
  echo
  echo "Two orgd (\`--shutdown-delay $SHUTDOWN_DELAY\`) behind HAProxy $(haproxy -v 2>/dev/null | head -n1 | awk '{print $3}') with deploy/haproxy.cfg.example"
  echo "(addresses replaced), wrk through the balancer for ${SECONDS_PER_RUN} s per run: \`GET /v1/units/{id}\`."
  echo "In the first run each orgd is restarted in turn with SIGTERM (each restart: delay, drain, exit, start,"
  echo "health checks up again); in the second, one orgd is killed with SIGKILL and started again."
  echo
  machine_lines
  echo
  echo '| run | requests | req/s | p99 ms | failed (non-2xx or socket errors) | sent again by HAProxy (retry-on) |'
  echo '| --- | ---: | ---: | ---: | ---: | ---: |'
  for r in "${results[@]}"; do echo "$r"; done
  echo
  echo "\"Sent again\" counts HAProxy's retries and redispatches: after a SIGKILL, every request it sends"
  echo "to the dead server until the health check marks it down (up to inter × fall = 4 s; \`leastconn\`"
  echo "favours a server with no connections) is refused and sent to the other server instead."
  echo
  commands_block
  echo '<!-- bench:rolling:end -->'
}

main() {
  bench_args "$@"
  bench_start
  trap rolling_cleanup EXIT
  command -v haproxy >/dev/null || die "haproxy is missing (scripts/deps.sh --bench installs it)"
  # The first orgd was started by bench_start without the delay: start it again with it.
  stop_process "$orgd_pid" 15 || true
  commands=()
  start_orgd orgd_pid "$PORT"
  wait_until_ready "$PORT" "$orgd_pid"
  PORT2="$(free_port)"
  start_orgd second_pid "$PORT2"
  wait_until_ready "$PORT2" "$second_pid"
  commands+=("orgd serve --host 127.0.0.1 --port $PORT --shutdown-delay $SHUTDOWN_DELAY &   # and the same on port $PORT2")

  create_tenant rolling
  UNIT="$(curl -fsS "http://127.0.0.1:$PORT/v1/units" -H "Authorization: Bearer $T_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"售后服务部","code":"AS","kind":"department"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"

  HAPORT="$(free_port)"
  STATSPORT="$(free_port)"
  haproxy_config >"$tmp/haproxy.cfg"
  haproxy -c -f "$tmp/haproxy.cfg" >&2
  haproxy -f "$tmp/haproxy.cfg" >"$out/haproxy.log" 2>&1 &
  haproxy_pid=$!
  commands+=("haproxy -f haproxy.cfg   # deploy/haproxy.cfg.example, loopback addresses")
  wait_for_http "http://127.0.0.1:$HAPORT/healthz" "$haproxy_pid" 30 || die "haproxy did not start"
  sleep 5   # both servers up (rise 2 × inter 2 s)

  load "SIGTERM to each orgd in turn" rolling_restart
  sleep 5
  load "SIGKILL to one orgd, then restart" kill_one
  write_report
}

main "$@"
