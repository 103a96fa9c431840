# EXPLAIN (ANALYZE, BUFFERS) of a statement exactly as orgd sends it, for the benchmarks (sourced
# after bench/lib.sh, not run): the statement and its parameters are taken from the server log of
# one request and run again as orgd_app with the tenant set, so row-level security applies as it
# does for orgd. Uses psql_owner, out, tmp, commands and ORGD_* from bench/lib.sh.
# shellcheck shell=bash

psql_super() { "$ORGD_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$ORGD_PG_SUPERUSER_URL" "$@"; }

# log_statements FILE CURL-ARGS...: the server log's lines for the moment of one request (curl
# -fsS CURL-ARGS), with every statement logged (log_min_duration_statement = 0, as the
# superuser, reset after), into FILE. Other sessions' statements of that moment are in it too.
log_statements() {
  local file=$1 log="$ORGD_PGDATA/server.log" from
  shift
  from="$(wc -l <"$log")"
  psql_super -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  curl -fsS -o /dev/null "$@"
  psql_super -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
  tail -n +"$((from + 1))" "$log" >"$file"
}

# explain_logged NAME MARKER TENANT URL TOKEN: logs every statement of one GET of URL
# (log_min_duration_statement = 0 for the moment of the request, as the superuser), takes the
# first executed statement whose text contains MARKER, its parameters and the SET LOCALs its
# session sent before it from the log, and runs it as a prepared statement like orgd's, in
# BEGIN … ROLLBACK as orgd_app: the SET LOCALs, five executions, then EXPLAIN (ANALYZE, BUFFERS)
# of a sixth. Writes $out/explain-NAME.sql and .txt; sets EXPLAIN_MS (the sixth's execution time).
explain_logged() {
  local name=$1 marker=$2 tenant=$3 url=$4 token=$5
  log_statements "$tmp/statements.log" -H "Authorization: Bearer $token" "$url"
  python3 - "$tmp/statements.log" "$tenant" "$marker" >"$out/explain-$name.sql" <<'PY' || die "no statement with '$marker' in the server log ($tmp/statements.log)"
import re, sys
log, tenant, marker = sys.argv[1:4]
# A log entry starts with the line prefix "%m [%p] %q%u@%d "; its further lines start with a tab.
entries, start = [], re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] ')
for line in open(log, encoding='utf-8'):
    if start.match(line) or not entries: entries.append(line)
    else: entries[-1] += line
pre = {}                # pid -> the SET LOCALs its session sent since its transaction began
for i, entry in enumerate(entries):
    pid = start.match(entry).group(1) if start.match(entry) else None
    s = re.search(r'LOG:  duration: [0-9.]+ ms  statement: (.*)', entry, re.S)
    for part in (x.strip() for x in (s.group(1).split(';') if s else [])):
        if part.upper().startswith(('BEGIN', 'COMMIT', 'ROLLBACK')): pre[pid] = []
        elif part.upper().startswith('SET LOCAL'): pre.setdefault(pid, []).append(part + ';')
    m = re.search(r'LOG:  duration: [0-9.]+ ms  execute [^:]+: (.*)', entry, re.S)
    if m and marker in m.group(1):
        sql = m.group(1).replace('\n\t', '\n').rstrip()
        detail = entries[i + 1] if i + 1 < len(entries) and 'DETAIL:  parameters: ' in entries[i + 1] else ''
        params = re.findall(r"\$\d+ = (NULL|'(?:[^']|'')*')", detail.replace('\n\t', '\n'))
        break
else:
    sys.exit(1)
args = '(' + ', '.join(params) + ')' if params else ''
print('BEGIN;')
print("SELECT set_config('orgd.tenant_id', '%s', true) \\g /dev/null" % tenant)
for line in pre.get(pid, []): print(line)
print('PREPARE logged AS\n' + sql + ';')
print('\\o /dev/null')
for _ in range(5): print('EXECUTE logged%s;' % args)
print('\\o')
print('EXPLAIN (ANALYZE, BUFFERS) EXECUTE logged%s;' % args)
print('ROLLBACK;')
PY
  "$ORGD_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 "$ORGD_DATABASE_URL" -f "$out/explain-$name.sql" >"$out/explain-$name.txt"
  commands+=("psql \"\$ORGD_DATABASE_URL\" -f bench/out/$(basename "$out")/explain-$name.sql   # as orgd_app, in BEGIN … ROLLBACK")
  EXPLAIN_MS="$(awk '/Execution Time:/ {print $3}' "$out/explain-$name.txt")"
  log "EXPLAIN of $name: $EXPLAIN_MS ms ($out/explain-$name.txt)"
}
