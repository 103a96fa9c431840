#!/usr/bin/env bash
# Follows docs/operations.md as written: runs every shell block marked `<!-- walkthrough -->`
# there, in order, in one bash shell, against a throwaway PostgreSQL cluster standing in for the
# database server and a temporary prefix standing in for /opt/orgd; then checks what the page
# promises: the restored database is at the migration level, and the demo tenant copied into
# the other database serves the same org chart, byte for byte, as the original.
#
# Blocks marked `<!-- walkthrough: build -->` build orgd in release; with ORGD_WALKTHROUGH_BIN set
# (the README's test command sets it to its debug build) they are skipped and BIN is that binary,
# which the log says.
#
# Usage: deploy/walkthrough.sh
# Reads: ORGD_WALKTHROUGH_BIN (skip the build blocks, use this binary).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

DOC="$ORGD_ROOT/docs/operations.md"
PG_CLUSTER="$ORGD_ROOT/scripts/pg-cluster.sh"
tmp="" pgdata="" served_pid=""

cleanup() {
  local rc=$?
  trap - EXIT
  [[ -n $served_pid ]] && { stop_process "$served_pid" 15 || true; }
  # The walk-through's own orgd, if a block failed before stopping it.
  if [[ -s $tmp/walk.pid ]] && kill -0 "$(cat "$tmp/walk.pid")" 2>/dev/null; then
    stop_process "$(cat "$tmp/walk.pid")" 15 || true
  fi
  [[ -n $pgdata ]] && { "$PG_CLUSTER" destroy "$pgdata" || true; }
  [[ -n $tmp ]] && rm -rf -- "$tmp"
  exit "$rc"
}

# The marked blocks of the page, as one script: each block's text after a line saying which, and
# after each block the pid of the orgd the page started (if any), for cleanup should a later
# block fail.
extract_blocks() {
  awk -v skip="$1" '
    /^<!-- walkthrough(: build)? -->$/ { marked = 1; build = ($0 ~ /: build/); next }
    marked && /^```sh$/ {
      inblock = 1; marked = 0; n++; skipping = build && skip
      if (skipping) printf "echo \"walkthrough: block %d (build) skipped: BIN=$BIN\"\n", n
      else printf "echo \"walkthrough: block %d\"\n", n
      next }
    inblock && /^```$/ { inblock = 0; print "[[ -z ${ORGD_PID:-} ]] || echo \"$ORGD_PID\" >\"$WALK_TMP/walk.pid\""; next }
    inblock { if (!skipping) print; next }
    { marked = 0 }
  ' "$DOC"
}

main() {
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  tmp="$(mktemp -d /tmp/orgd-walkthrough-XXXXXX)"
  chmod 755 "$tmp"
  pgdata="$tmp/pgdata"
  local env_lines
  env_lines="$("$PG_CLUSTER" --throwaway start "$pgdata")"
  eval "$env_lines"
  export PATH="$ORGD_PG_BINDIR:$PATH"      # psql, pg_dump, pg_restore of the cluster's version

  local skip_build=0 script="$tmp/walkthrough.sh"
  if [[ -n ${ORGD_WALKTHROUGH_BIN:-} ]]; then
    skip_build=1
    log "walkthrough: using $ORGD_WALKTHROUGH_BIN instead of the page's release build"
  fi
  {
    echo 'set -euo pipefail'
    extract_blocks "$skip_build"
  } >"$script"
  [[ $(grep -c '^echo "walkthrough: block' "$script") -ge 8 ]] || die "found too few walkthrough blocks in $DOC"

  log "walkthrough: following docs/operations.md ($(grep -c '^echo "walkthrough: block' "$script") blocks)"
  local port
  port="$(free_port)"
  (
    cd "$ORGD_ROOT"
    export WALK_TMP="$tmp" REPO="$ORGD_ROOT" PREFIX="$tmp/opt/orgd" PORT="$port" BACKUPS="$tmp/backups"
    export OWNER_URL="$ORGD_ADMIN_DATABASE_URL" APP_URL="$ORGD_DATABASE_URL" SUPERUSER_URL="$ORGD_PG_SUPERUSER_URL"
    [[ -n ${ORGD_WALKTHROUGH_BIN:-} ]] && export BIN="$ORGD_WALKTHROUGH_BIN"
    bash "$script"
  )

  check_restored
  check_copied_tenant "$port"
  log "walkthrough: docs/operations.md followed as written; the restore and the tenant copy check out"
}

# The restored database is at the migration level of the original.
check_restored() {
  local original restored
  original="$(psql -X -At "$ORGD_ADMIN_DATABASE_URL" -c 'SELECT max(version) FROM orgd_migrations')"
  restored="$(psql -X -At "${ORGD_ADMIN_DATABASE_URL/\/orgd\?//orgd_restored?}" -c 'SELECT max(version) FROM orgd_migrations')"
  [[ $original == "$restored" ]] || die "restored database at migration $restored, the original at $original"
}

# Serve both databases; the demo tenant's root tree, read through orgd as its administrator,
# must be the same bytes on both.
check_copied_tenant() {
  local port=$1 other_port password a b
  local bin="$tmp/opt/orgd/bin/orgd"
  password="$(sed -n 's/.*"password":"\([^"]*\)".*/\1/p' "$tmp/opt/orgd/demo.txt" | head -n1)"
  [[ -n $password ]] || die "the demo seed printed no password"
  ORGD_DATABASE_URL="$ORGD_DATABASE_URL" "$bin" serve --port "$port" --sql-dir "$ORGD_ROOT/sql" >"$tmp/a.log" 2>&1 &
  served_pid=$!
  wait_for_http "http://127.0.0.1:$port/readyz" "$served_pid" 30 || die "orgd on the original did not start"
  a="$(tree_of "$port" "$password")"
  stop_process "$served_pid" 15; served_pid=""
  other_port="$(free_port)"
  ORGD_DATABASE_URL="${ORGD_DATABASE_URL/\/orgd\?//orgd_other?}" "$bin" serve --port "$other_port" --sql-dir "$ORGD_ROOT/sql" >"$tmp/b.log" 2>&1 &
  served_pid=$!
  wait_for_http "http://127.0.0.1:$other_port/readyz" "$served_pid" 30 || die "orgd on the other database did not start"
  b="$(tree_of "$other_port" "$password")"
  stop_process "$served_pid" 15; served_pid=""
  [[ -n $a && $a == "$b" ]] || die "the copied tenant's org chart differs from the original's"
  log "walkthrough: the copied demo tenant serves the same org chart ($(printf '%s' "$a" | wc -c) bytes)"
}

# tree_of PORT PASSWORD: the demo tenant's first root unit's tree, as served.
tree_of() {
  local url="http://127.0.0.1:$1" token root
  token="$(curl -fsS "$url/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"tenant\":\"demo\",\"login\":\"admin\",\"password\":\"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  root="$(curl -fsS "$url/v1/units?limit=200" -H "Authorization: Bearer $token" |
    python3 -c 'import json,sys; print(next(u["id"] for u in json.load(sys.stdin)["items"] if not u.get("parent_id")))')"
  curl -fsS "$url/v1/units/$root/tree" -H "Authorization: Bearer $token"
}

main "$@"
