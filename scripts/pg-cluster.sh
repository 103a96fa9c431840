#!/usr/bin/env bash
# A private PostgreSQL cluster for orgd: creates it on first use (initdb), starts and stops it,
# and prints the libpq URLs of orgd's two roles for callers to `eval`.
#
# Usage: scripts/pg-cluster.sh [--throwaway] [--tcp | --port N] start DATADIR
#        scripts/pg-cluster.sh stop|status|env|destroy DATADIR
#
#   start    initdb on first use, start (pg_ctl -w), create the roles and the database if missing,
#            then print `export ...` lines (see env). Starting a running cluster only prints them.
#   stop     fast shutdown (immediate if that fails); a stopped cluster is left alone.
#   status   prints the state; exit 0 running, 3 stopped, 4 no cluster there.
#   env      prints the export lines: ORGD_DATABASE_URL (role orgd_app), ORGD_ADMIN_DATABASE_URL
#            (role orgd_owner, owner of database orgd), ORGD_PG_SUPERUSER_URL (role postgres),
#            ORGD_PGDATA (the data folder actually used), ORGD_PG_SOCKET_DIR, ORGD_PG_PORT,
#            ORGD_PG_BINDIR, and after start ORGD_PG_CREATED / ORGD_PG_STARTED (1 when this call
#            ran initdb / started the server).
#   destroy  stop, then delete the data folder and the socket folder.
#
#   --throwaway  fsync, synchronous_commit and full_page_writes off (test clusters only: a crash
#                loses data).
#   --tcp        also listen on 127.0.0.1 on a free port; --port N: on 127.0.0.1:N. Without them
#                the server listens on its Unix socket only (listen_addresses = '').
#
# The server only accepts connections on a Unix socket in a private folder
# /tmp/orgd-pg-<hash of the data folder> (mode 0700, trust authentication), so several clusters
# can run at once; when the socket's port number is held by a live server, the next free one is
# used. As root the server runs as the `postgres` user. When that user cannot reach DATADIR
# (a checkout under /root, say) the cluster lives in /tmp/orgd-<hash of DATADIR>/pgdata instead,
# and every command given the same DATADIR finds it there; ORGD_PGDATA says which one is used.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB_NAME=orgd
OWNER_ROLE=orgd_owner
APP_ROLE=orgd_app
DEFAULT_PORT=5432

throwaway=0
tcp=0
tcp_port=""
cmd=""
req_dir=""

# Set by resolve_cluster.
BINDIR="" PGDATA="" SOCKDIR="" PORT="" CREATED=0 STARTED=0

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit "${1:-2}"; }

parse_args() {
  while (($#)); do
    case $1 in
      --throwaway) throwaway=1 ;;
      --tcp) tcp=1 ;;
      --port) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || die "--port needs a number"
        tcp=1; tcp_port=$2; shift ;;
      -h | --help) usage 0 ;;
      start | stop | status | env | destroy)
        [[ -z $cmd ]] || usage; cmd=$1 ;;
      -*) die "pg-cluster.sh: unknown option '$1'" ;;
      *) [[ -z $req_dir ]] || usage; req_dir=$1 ;;
    esac
    shift
  done
  [[ -n $cmd && -n $req_dir ]] || usage
}

# --- locating the cluster -------------------------------------------------------------------

# True when the Postgres server user can create files in DIR.
pg_can_use() { (cd / && as_pg test -d "$1" -a -x "$1" -a -w "$1") 2>/dev/null; }

# A folder under /tmp that only the server user may use: created if missing, refused if it is
# a symlink or belongs to someone else (anyone can create names in /tmp).
private_tmp_dir() {
  local dir=$1 owner
  owner="$(pg_os_user)"
  if [[ ! -e $dir ]]; then
    mkdir -m 700 "$dir"
    is_root && chown "$owner": "$dir"
  fi
  [[ -d $dir && ! -L $dir ]] || die "$dir exists and is not a folder; remove it"
  [[ $(stat -c %U "$dir") == "$owner" ]] || die "$dir belongs to $(stat -c %U "$dir"), not $owner; remove it"
  chmod 700 "$dir"
}

# Decide the data folder actually used: the requested one, or the /tmp fallback when the server
# user cannot reach it. Creates folders only for `start`.
resolve_datadir() {
  local req fallback
  req="$(realpath -m -- "$req_dir")"
  fallback="/tmp/orgd-$(short_hash "$req")/pgdata"
  if [[ -f $req/PG_VERSION ]]; then PGDATA=$req; return; fi
  if [[ -f $fallback/PG_VERSION ]]; then PGDATA=$fallback; return; fi
  if [[ $cmd != start ]]; then PGDATA=$req; return; fi

  local made=0
  [[ -d $req ]] || { mkdir -p -- "$req"; made=1; }
  if is_root && [[ -z $(ls -A -- "$req") ]]; then chown postgres: "$req"; chmod 700 "$req"; fi
  if pg_can_use "$req"; then PGDATA=$req; return; fi

  if ((made)); then rmdir -- "$req" 2>/dev/null || true; fi
  log "the $(pg_os_user) user cannot reach $req; using $fallback instead"
  private_tmp_dir "$(dirname "$fallback")"
  [[ -d $fallback ]] || mkdir -m 700 "$fallback"
  is_root && chown "$(pg_os_user)": "$fallback"
  PGDATA=$fallback
}

resolve_cluster() {
  BINDIR="$(pg_bindir)"
  [[ -n $BINDIR ]] || die "no PostgreSQL server found (initdb, pg_ctl); run scripts/deps.sh"
  resolve_datadir
  SOCKDIR="/tmp/orgd-pg-$(short_hash "$PGDATA")"
  PORT="$(conf_value port)"
  PORT=${PORT:-$DEFAULT_PORT}
}

# A setting from the orgd.conf this script wrote into the data folder (empty if none).
conf_value() {
  [[ -f $PGDATA/orgd.conf ]] || return 0
  sed -n "s/^$1 = '\{0,1\}\([^']*\)'\{0,1\}.*/\1/p" "$PGDATA/orgd.conf" | tail -n1
}

# --- the postmaster ---------------------------------------------------------------------------

# True when PID is a live (not zombie) postgres process.
is_live_postgres() {
  local stat
  [[ $(cat "/proc/$1/comm" 2>/dev/null) == postgres ]] || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# PID of the postmaster serving PGDATA, or nothing. A postmaster.pid whose PID is gone or now
# belongs to some other process (PIDs are reused after a crash or reboot) is stale.
running_pid() {
  local pid
  [[ -f $PGDATA/postmaster.pid ]] || return 0
  pid="$(head -n1 "$PGDATA/postmaster.pid" 2>/dev/null || true)"
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  is_live_postgres "$pid" || return 0
  [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$(realpath "$PGDATA")" ]] || return 0
  printf '%s' "$pid"
}

remove_stale_pidfile() {
  if [[ -f $PGDATA/postmaster.pid && -z $(running_pid) ]]; then
    log "removing stale $PGDATA/postmaster.pid"
    rm -f "$PGDATA/postmaster.pid"
  fi
}

# True when a live postgres holds the socket lock for port $1 in SOCKDIR; removes a stale lock.
socket_port_taken() {
  local lock="$SOCKDIR/.s.PGSQL.$1.lock" pid
  [[ -f $lock ]] || return 1
  pid="$(head -n1 "$lock" 2>/dev/null || true)"
  if [[ $pid =~ ^[0-9]+$ ]] && is_live_postgres "$pid"; then return 0; fi
  log "removing stale socket lock $lock"
  rm -f "$lock" "$SOCKDIR/.s.PGSQL.$1"
  return 1
}

choose_port() {
  if ((tcp)); then
    if [[ -n $tcp_port ]]; then
      ! port_in_use "$tcp_port" || die "127.0.0.1:$tcp_port is already in use"
      PORT=$tcp_port
    else
      PORT="$(free_port)"
    fi
    return
  fi
  local p=$PORT i
  for ((i = 0; i < 50; i++)); do
    socket_port_taken "$p" || { PORT=$p; return; }
    p=$((p + 1))
  done
  die "no free socket port in $SOCKDIR from $PORT to $p"
}

initdb_cluster() {
  local locale=C
  locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8' && locale=C.UTF-8
  log "creating a PostgreSQL cluster in $PGDATA"
  local extra=()
  ((throwaway)) && extra+=(--no-sync)
  local out
  out="$(cd / && as_pg "$BINDIR/initdb" -D "$PGDATA" -U postgres --encoding=UTF8 \
    --locale="$locale" --auth-local=trust --auth-host=trust "${extra[@]}" 2>&1)" || {
    printf '%s\n' "$out" >&2
    die "initdb failed"
  }
  printf "\n# orgd: settings written by scripts/pg-cluster.sh\ninclude_if_exists = 'orgd.conf'\n" |
    as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
  CREATED=1
}

# Rewritten on each start: the flags of this start decide TCP and the throwaway settings.
write_conf() {
  local listen="''"
  ((tcp)) && listen="'127.0.0.1'"
  {
    printf '# Written by scripts/pg-cluster.sh at each start; edits are lost.\n'
    printf "port = %s\n" "$PORT"
    printf "listen_addresses = %s\n" "$listen"
    printf "unix_socket_directories = '%s'\n" "$SOCKDIR"
    # Test runs start many in-process orgd instances at once (six connections each).
    if ((throwaway)); then printf "max_connections = 500\n"; else printf "max_connections = 200\n"; fi
    printf "shared_buffers = 128MB\n"
    printf "log_line_prefix = '%%m [%%p] %%q%%u@%%d '\n"
    if ((throwaway)); then
      printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
    fi
  } | as_pg tee "$PGDATA/orgd.conf" >/dev/null
}

start_server() {
  local attempt
  for attempt in 1 2; do
    # setsid: a Ctrl-C in the caller's terminal must not reach the postmaster, so that the
    # caller can stop orgd first and the database after it.
    # 9<&-: the postmaster must not inherit (and so keep holding) this script's lock.
    if (cd / && as_pg setsid -w "$BINDIR/pg_ctl" start -D "$PGDATA" -l "$PGDATA/server.log" \
      -w -t 60 -s) >&2 9<&-; then
      STARTED=1
      return 0
    fi
    # After a crash, backends of the old postmaster may hold its shared memory for a moment.
    ((attempt == 1)) && { log "start failed; retrying in 2s"; sleep 2; }
  done
  tail -n 20 "$PGDATA/server.log" >&2 || true
  die "could not start PostgreSQL in $PGDATA (log: $PGDATA/server.log)"
}

psql_super() {
  "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PORT" -U postgres "$@"
}

# Roles and database, created if missing and their attributes enforced on every start.
setup_roles() {
  psql_super -d postgres >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER_ROLE') THEN
    CREATE ROLE $OWNER_ROLE;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE;
  END IF;
END \$\$;
ALTER ROLE $OWNER_ROLE LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS;
ALTER ROLE $APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
SELECT 'CREATE DATABASE $DB_NAME OWNER $OWNER_ROLE ENCODING ''UTF8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
REVOKE ALL ON DATABASE $DB_NAME FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE $DB_NAME TO $APP_ROLE;
\connect $DB_NAME
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
}

# --- commands --------------------------------------------------------------------------------

squote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

print_env() {
  local q="?host=$SOCKDIR&port=$PORT"
  printf 'export ORGD_DATABASE_URL=%s\n' "$(squote "postgresql://$APP_ROLE@/$DB_NAME$q")"
  printf 'export ORGD_ADMIN_DATABASE_URL=%s\n' "$(squote "postgresql://$OWNER_ROLE@/$DB_NAME$q")"
  printf 'export ORGD_PG_SUPERUSER_URL=%s\n' "$(squote "postgresql://postgres@/postgres$q")"
  printf 'export ORGD_PGDATA=%s\n' "$(squote "$PGDATA")"
  printf 'export ORGD_PG_SOCKET_DIR=%s\n' "$(squote "$SOCKDIR")"
  printf 'export ORGD_PG_PORT=%s\n' "$PORT"
  printf 'export ORGD_PG_BINDIR=%s\n' "$(squote "$BINDIR")"
  if [[ $cmd == start ]]; then
    printf 'export ORGD_PG_CREATED=%s\n' "$CREATED"
    printf 'export ORGD_PG_STARTED=%s\n' "$STARTED"
  fi
}

tcp_note() { if ((tcp)); then printf ', tcp 127.0.0.1:%s' "$PORT"; fi; }

have_cluster() { [[ -f $PGDATA/PG_VERSION ]]; }

cmd_start() {
  private_tmp_dir "$SOCKDIR"
  exec 9<"$SOCKDIR"
  flock -w 120 9 || die "timed out waiting for another pg-cluster.sh on $PGDATA"
  have_cluster || initdb_cluster
  if [[ -z $(running_pid) ]]; then
    remove_stale_pidfile
    choose_port
    write_conf
    start_server
    log "PostgreSQL started: $PGDATA, socket $SOCKDIR port $PORT$(tcp_note)"
  else
    PORT="$(sed -n 4p "$PGDATA/postmaster.pid")"
  fi
  setup_roles
  print_env
}

cmd_stop() {
  have_cluster || { log "no cluster in $PGDATA"; return 0; }
  if [[ -z $(running_pid) ]]; then
    remove_stale_pidfile
    return 0
  fi
  [[ -d $SOCKDIR ]] && { exec 9<"$SOCKDIR"; flock -w 120 9 || true; }
  if ! (cd / && as_pg "$BINDIR/pg_ctl" stop -D "$PGDATA" -m fast -w -t 60 -s) >&2; then
    log "fast shutdown failed; using immediate shutdown"
    (cd / && as_pg "$BINDIR/pg_ctl" stop -D "$PGDATA" -m immediate -w -t 30 -s) >&2
  fi
  log "PostgreSQL stopped: $PGDATA"
}

cmd_status() {
  have_cluster || { echo "no cluster in $PGDATA"; return 4; }
  local pid
  pid="$(running_pid)"
  if [[ -z $pid ]]; then
    echo "stopped: $PGDATA"
    return 3
  fi
  echo "running: pid $pid, data $PGDATA, socket $SOCKDIR port $(sed -n 4p "$PGDATA/postmaster.pid")"
}

cmd_env() {
  have_cluster || die "no cluster in $PGDATA (run: $0 start $req_dir)"
  [[ -n $(running_pid) ]] && PORT="$(sed -n 4p "$PGDATA/postmaster.pid")"
  print_env
}

cmd_destroy() {
  cmd_stop
  local parent
  parent="$(dirname "$PGDATA")"
  if have_cluster; then
    rm -rf -- "$PGDATA"
    log "deleted $PGDATA"
  fi
  # The /tmp fallback's own folder, when that is what was used.
  if [[ $parent == /tmp/orgd-* ]]; then rmdir -- "$parent" 2>/dev/null || true; fi
  rm -rf -- "$SOCKDIR"
}

main() {
  parse_args "$@"
  resolve_cluster
  case $cmd in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    destroy) cmd_destroy ;;
  esac
}

main "$@"
