#!/usr/bin/env bash
# The README's run command: installs what is missing, builds orgd (release), starts a private
# PostgreSQL cluster in ./.orgd/pgdata (created on first run, reused after; or uses DATABASE_URL),
# migrates, loads the demo tenant on the cluster's first start, and serves on
# http://127.0.0.1:8080 until Ctrl-C, which stops orgd and then the private cluster.
#
# Usage: scripts/run.sh [orgd serve arguments...]
# Reads: DATABASE_URL, ORGD_DATABASE_URL, ORGD_ADMIN_DATABASE_URL (any set: no private cluster;
#        DATABASE_URL alone of a superuser or owner role migrates, and orgd serves as orgd_app),
#        ORGD_HOST (127.0.0.1), ORGD_PORT (8080), ORGD_LOOPS, ORGD_SQL_DIR (./sql),
#        ORGD_DOCS_DIR (./docs), ORGD_WEB_DIR (./web), ORGD_SEED_DEMO (1 with the private cluster, 0 with DATABASE_URL).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGDATA_REQ="$ORGD_ROOT/.orgd/pgdata"
ORGD_BIN="$ORGD_ROOT/.build/release/orgd"
SEED_OUT="$ORGD_ROOT/.orgd/demo-seed.txt"

orgd_pid=""
cluster_ours=0     # 1 when this script started the private cluster (and so stops it)
interrupted=0

cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM   # finish cleaning up even if Ctrl-C is pressed again
  if [[ -n $orgd_pid ]]; then
    log "stopping orgd (pid $orgd_pid)"
    stop_process "$orgd_pid" 20 || true
  fi
  if ((cluster_ours)); then
    "$ORGD_ROOT/scripts/pg-cluster.sh" stop "$PGDATA_REQ" || true
  fi
  exit "$rc"
}

build() {
  log "building orgd: swift build -c release"
  (cd "$ORGD_ROOT" && swift build -c release)
  [[ -x $ORGD_BIN ]] || die "build finished but $ORGD_BIN is missing"
}

# Point ORGD_DATABASE_URL / ORGD_ADMIN_DATABASE_URL at DATABASE_URL or the private cluster.
setup_database() {
  if [[ -n ${DATABASE_URL:-} || -n ${ORGD_DATABASE_URL:-} ]]; then
    export ORGD_ADMIN_DATABASE_URL="${ORGD_ADMIN_DATABASE_URL:-${DATABASE_URL:-$ORGD_DATABASE_URL}}"
    if [[ -z ${ORGD_DATABASE_URL:-} ]]; then
      ORGD_DATABASE_URL="$(serving_url "$DATABASE_URL")" || exit 1
      export ORGD_DATABASE_URL
    fi
    log "using the database from the environment (no private cluster)"
    SEED_DEMO=${ORGD_SEED_DEMO:-0}
    return
  fi
  mkdir -p "$ORGD_ROOT/.orgd"
  # Whoever holds this lock stops the cluster on exit; a second run.sh in the same checkout
  # shares the cluster and leaves it running.
  exec 8>"$ORGD_ROOT/.orgd/run.lock"
  if flock -n 8; then
    cluster_ours=1
  else
    log "another scripts/run.sh uses this checkout's cluster; it stays running when this one exits"
  fi
  local env_lines
  env_lines="$("$ORGD_ROOT/scripts/pg-cluster.sh" start "$PGDATA_REQ" 8>&-)"
  eval "$env_lines"
  SEED_DEMO=${ORGD_SEED_DEMO:-1}
}

# The URL to serve on when only DATABASE_URL is set. Row-level security does not bind a
# superuser, a BYPASSRLS role or the database's owner, and orgd refuses to serve as one (see
# docs/security.md): DATABASE_URL is then used to migrate, and orgd serves as orgd_app, created
# here with a generated password (kept in .orgd/orgd_app.password) when it does not exist yet.
# Prints the URL; fails with what to set when it cannot make one.
serving_url() {
  local url=$1 unsafe pw_file="$ORGD_ROOT/.orgd/orgd_app.password" pw="" exists
  local psql bindir
  bindir="$(pg_bindir)"
  psql="${bindir:+$bindir/psql}"
  [[ -x $psql ]] || psql="$(command -v psql)" || die "psql is needed to check DATABASE_URL's role (scripts/deps.sh installs it)"
  unsafe="$("$psql" -X -At -d "$url" -c "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, d.datdba, 'MEMBER')
      FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()")" ||
    die "cannot connect with DATABASE_URL"
  if [[ $unsafe != t ]]; then printf '%s' "$url"; return; fi
  [[ $url =~ ^(postgres(ql)?://)([^@/]*@)?(.*)$ ]] ||
    die "DATABASE_URL is not a postgresql:// URL: set ORGD_DATABASE_URL to the serving role orgd_app's URL (deploy/README.md)"
  local scheme=${BASH_REMATCH[1]} rest=${BASH_REMATCH[4]}
  exists="$("$psql" -X -At -d "$url" -c "SELECT count(*) FROM pg_roles WHERE rolname = 'orgd_app'")" || exit 1
  [[ -f $pw_file ]] && pw="$(<"$pw_file")"
  if [[ $exists == 0 ]]; then
    mkdir -p "$(dirname "$pw_file")"
    pw="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    (umask 077 && printf '%s' "$pw" >"$pw_file")
    log "DATABASE_URL's role bypasses row-level security: creating the serving role orgd_app (password in $pw_file)"
    "$psql" -X -q -v ON_ERROR_STOP=1 -d "$url" -v pw="$pw" >&2 <<'SQL' || die "could not create orgd_app"
CREATE ROLE orgd_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'pw';
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO orgd_app', current_database()) \gexec
SQL
  fi
  local serving="${scheme}orgd_app${pw:+:$pw}@$rest"
  "$psql" -X -At -d "$serving" -c 'SELECT 1' >/dev/null 2>&1 ||
    die "DATABASE_URL logs in as a role that bypasses row-level security, and orgd_app cannot log in without its password: set ORGD_DATABASE_URL to orgd_app's URL and DATABASE_URL (or ORGD_ADMIN_DATABASE_URL) to the owner's (deploy/README.md, \"Roles and database\")"
  log "serving as orgd_app; DATABASE_URL's role runs the migrations"
  printf '%s' "$serving"
}

# The demo tenant, once per cluster (a marker in its data folder); its output is kept.
seed_demo() {
  ((SEED_DEMO)) || return 0
  local marker="${ORGD_PGDATA:-}/orgd-demo-seeded"
  if [[ -n ${ORGD_PGDATA:-} && -e $marker ]]; then
    [[ -f $SEED_OUT ]] && log "demo tenant loaded earlier; its credentials: $SEED_OUT"
    return 0
  fi
  log "loading the demo tenant: orgd seed demo"
  mkdir -p "$(dirname "$SEED_OUT")"
  # The seed prints a curl line: give it the port `orgd serve "$@"` will listen on.
  local url
  url="$(serve_url "$@")"
  (umask 077 && ORGD_PORT="${url##*:}" "$ORGD_BIN" seed demo | tee "$SEED_OUT") || die "orgd seed demo failed"
  [[ -n ${ORGD_PGDATA:-} ]] && touch "$marker"
  return 0
}

# host:port that `orgd serve "$@"` will listen on, for the ready message.
serve_url() {
  local host=$ORGD_HOST port=$ORGD_PORT
  while (($#)); do
    case $1 in
      --host) host=${2:-$host}; shift ;;
      --host=*) host=${1#--host=} ;;
      --port) port=${2:-$port}; shift ;;
      --port=*) port=${1#--port=} ;;
    esac
    shift
  done
  [[ $host == *:* ]] && host="[$host]"
  printf 'http://%s:%s' "$host" "$port"
}

serve() {
  local url rc=0
  url="$(serve_url "$@")"
  "$ORGD_BIN" serve "$@" &
  orgd_pid=$!
  if wait_for_http "$url/healthz" "$orgd_pid" 60; then
    if ((cluster_ours)); then
      log "ready: $url  (Ctrl-C stops orgd and then its database)"
    else
      log "ready: $url  (Ctrl-C stops orgd)"
    fi
    log "console: $url/"
  fi
  # `wait` returns early when a trapped signal arrives; orgd itself ignores the terminal's
  # SIGINT (background job), so it is stopped here with SIGTERM.
  while ((!interrupted)); do
    rc=0
    wait "$orgd_pid" || rc=$?
    kill -0 "$orgd_pid" 2>/dev/null || { orgd_pid=""; break; }
  done
  if [[ -n $orgd_pid ]]; then
    log "stopping orgd (pid $orgd_pid)"
    rc=0
    stop_process "$orgd_pid" 20 || rc=$?
    orgd_pid=""
  else
    log "orgd exited with status $rc"
  fi
  return "$rc"
}

main() {
  cd "$ORGD_ROOT"
  trap cleanup EXIT
  trap 'interrupted=1' INT TERM
  "$ORGD_ROOT/scripts/deps.sh"
  build
  export ORGD_HOST="${ORGD_HOST:-127.0.0.1}" ORGD_PORT="${ORGD_PORT:-8080}"
  export ORGD_SQL_DIR="${ORGD_SQL_DIR:-$ORGD_ROOT/sql}" ORGD_DOCS_DIR="${ORGD_DOCS_DIR:-$ORGD_ROOT/docs}"
  export ORGD_WEB_DIR="${ORGD_WEB_DIR:-$ORGD_ROOT/web}"
  setup_database
  ((interrupted)) && exit 130
  log "migrating: orgd migrate"
  "$ORGD_BIN" migrate
  seed_demo "$@"
  ((interrupted)) && exit 130
  serve "$@"
}

main "$@"
