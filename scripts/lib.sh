# Shared helpers for orgd's scripts (sourced, not run): logging, the checkout root, Postgres
# binaries, running a command as the Postgres server user, free ports and waiting for a URL.
# shellcheck shell=bash disable=SC2034

ORGD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

log() { printf 'orgd: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Short stable hash of a string (used to name per-checkout and per-cluster folders under /tmp).
short_hash() { printf '%s' "$1" | sha256sum | cut -c1-10; }

is_root() { [[ $(id -u) -eq 0 ]]; }

# The newest installed PostgreSQL server's bin folder (Debian keeps them in
# /usr/lib/postgresql/<ver>/bin); falls back to initdb on PATH. Prints nothing when absent.
pg_bindir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl ]] || continue
    if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n1) == "$d" ]]; then
      best=$d
    fi
  done
  if [[ -z $best ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    best="$(dirname "$(command -v initdb)")"
  fi
  printf '%s' "$best"
}

# The OS user the Postgres server runs as: `postgres` when we are root (Postgres refuses root),
# otherwise ourselves.
pg_os_user() { if is_root; then printf postgres; else id -un; fi; }

# Run a command as the Postgres server user.
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice).
# bench_commit: the commit a benchmark's orgd was built from, for its report: BENCH_ORGD_COMMIT
# when given (with BENCH_ORGD_BIN, the checkout's HEAD need not be the binary's), else HEAD.
bench_commit() {
  if [[ -n ${BENCH_ORGD_COMMIT:-} ]]; then printf '%s' "$BENCH_ORGD_COMMIT"; return; fi
  local head
  head="$(git -C "$ORGD_ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
  if [[ -n ${BENCH_ORGD_BIN:-} ]]; then printf '%s? (given binary %s)' "$head" "$BENCH_ORGD_BIN"; else printf '%s' "$head"; fi
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Wait until URL answers 200, while process PID lives; fails after SECONDS.
wait_for_http() {
  local url=$1 pid=$2 secs=${3:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "process $pid exited while waiting for $url"
      return 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "timed out after ${secs}s waiting for $url"
  return 1
}

# Stop a background process: SIGTERM, wait up to SECONDS, then SIGKILL. Returns its exit code.
stop_process() {
  local pid=$1 secs=${2:-15} i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "process $pid did not stop within ${secs}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}

# Where schemathesis is (PATH, this python's scripts folder, or the user scripts folder);
# prints nothing when it is not installed.
find_schemathesis() {
  local d
  if command -v schemathesis >/dev/null 2>&1; then command -v schemathesis; return; fi
  for d in "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null)" \
    "$(python3 -m site --user-base 2>/dev/null)/bin"; do
    [[ -n $d && -x $d/schemathesis ]] && { printf '%s' "$d/schemathesis"; return; }
  done
  return 0
}

# Puts BLOCKFILE (which starts with `<!-- bench:NAME:start -->` and ends with its end marker)
# into DOC in place of the block of the same name, or at the end when DOC has none; creates DOC
# with its heading first. Used by every bench script, so each rewrites only its own block.
replace_doc_block() {
  local doc=$1 name=$2 block=$3 tmpdoc
  if [[ ! -f $doc ]]; then
    mkdir -p "$(dirname "$doc")"
    printf '# Performance\n\nThe figures in the marked blocks are written by the bench scripts; rerun them rather\nthan editing the blocks by hand.\n\n' >"$doc"
  fi
  if grep -q "<!-- bench:$name:start -->" "$doc" && grep -q "<!-- bench:$name:end -->" "$doc"; then
    tmpdoc="$(mktemp)"
    awk -v blockfile="$block" -v start="<!-- bench:$name:start -->" -v end="<!-- bench:$name:end -->" '
      $0 == start { while ((getline l < blockfile) > 0) print l; skip = 1; next }
      $0 == end { skip = 0; next }
      !skip { print }' "$doc" >"$tmpdoc"
    cat "$tmpdoc" >"$doc"
    rm -f "$tmpdoc"
  else
    { echo; cat "$block"; } >>"$doc"
  fi
  log "updated $doc"
}
