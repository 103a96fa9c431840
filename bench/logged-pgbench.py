#!/usr/bin/env python3
"""A pgbench script that replays one orgd request's SQL as the server log recorded it.

For bench/compare.sh: so the database ceiling it reports is measured on exactly the statements
orgd sent (text, parameters, order, transaction shape), taken from the log of one real request
(log_min_duration_statement = 0, bench/explain.sh's log_statements) rather than written again
by hand, where it would drift from orgd's SQL.

Usage: logged-pgbench.py LOG SCRIPT VARS [--random-id ID N TABLE]

Writes the pgbench script to SCRIPT and its variables to VARS, one `name=value` a line, for
pgbench -D (pgbench's \\set takes no strings). The statements are those of role orgd_app's session
that sent the most; exits 1 with a message when there are none, or when a statement holds a
`:name` that pgbench would take for a variable.

Round trips are kept as orgd makes them (Sources/Postgres/PGPool+Transaction.swift):
  - an executed BEGIN, the set_config after it and the transaction's first statement are one
    pipeline (orgd defers a transaction's opening to its first statement);
  - a simple-protocol `BEGIN…; SELECT set_config(…)` (one message, orgd before the deferred
    opening) becomes a pipeline of both;
  - `set_config` executed outside a transaction block, and the statement after it, are one
    pipeline (PGPool.query(tenant:): one implicit transaction, one round trip);
  - every other execute is its own round trip, in order, COMMIT included.
Parameters: NULL is written as the literal NULL (pgbench cannot bind one); any other value
becomes a variable, so the statement is still prepared with parameters (pgbench -M prepared).
A value over 8,000 bytes (the 1,001-unit tree's 5,005 position ids are 185 KB) cannot be passed
with -D (Linux takes at most 128 KB in one argument): it goes to VARS.csv (name, value) for the
caller to load into the table compare_values (name text PRIMARY KEY, value text), and each
client reads it into its variable once, in its first transaction (\gset), then binds it like
the others.

--random-id ID N TABLE: each transaction picks a row of TABLE (n 1..N, id text) at random
(`\\set`), and every parameter equal to ID, or to the array '{ID}', reads that row's id in a
scalar subquery instead: the same round trips as orgd with another target each time (orgd's
bench/org-update.lua picks from the same kind of list). Values that only contain ID (the
audit row's before/after JSON) are replayed as logged.
"""
import csv
import os
import re
import sys

START = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[(\d+)\] (\S+)@(\S+) ')
STATEMENT = re.compile(r'LOG:  duration: [0-9.]+ ms  statement: (.*)', re.S)
EXECUTE = re.compile(r'LOG:  duration: [0-9.]+ ms  execute [^:]+: (.*)', re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
SET_CONFIG = "SELECT set_config('orgd.tenant_id', $1, true)"
LONG = 8000                 # bytes: a longer value is read from compare_values, not given with -D


def entries(path):
    """The log's entries (a prefixed line and its tab-led continuation lines) as (pid, user, text)."""
    out = []
    for line in open(path, encoding='utf-8'):
        m = START.match(line)
        if m:
            out.append([m.group(1), m.group(2), line[m.end():]])
        elif out:
            out[-1][2] += line
    return [(pid, user, text.replace('\n\t', '\n').rstrip('\n')) for pid, user, text in out]


def statements(path):
    """Per orgd_app session, its statements in order: ('simple', sql, {}) or ('execute', sql, params)."""
    sessions = {}
    items = entries(path)
    for i, (pid, user, text) in enumerate(items):
        if user != 'orgd_app':
            continue
        if m := STATEMENT.search(text):
            sessions.setdefault(pid, []).append(('simple', m.group(1).strip(), {}))
        elif m := EXECUTE.search(text):
            params = {}
            if i + 1 < len(items) and items[i + 1][0] == pid and 'DETAIL:  parameters: ' in items[i + 1][2]:
                params = {int(n): v for n, v in PARAM.findall(items[i + 1][2])}
            sessions.setdefault(pid, []).append(('execute', m.group(1).strip(), params))
    return max(sessions.values(), key=len) if sessions else []


def main(argv):
    if len(argv) not in (4, 8) or (len(argv) == 8 and argv[4] != '--random-id'):
        sys.exit(__doc__.split('\n\n')[2])
    log, script_path, vars_path = argv[1:4]
    random_id = argv[5:8] if len(argv) == 8 else None
    logged = statements(log)
    if not logged:
        sys.exit('logged-pgbench.py: no statement of role orgd_app in ' + log)
    variables, lines, in_transaction, pipeline_next, opening = [], [], False, False, False
    if random_id:
        lines.append('\\set r random(1, %d)' % int(random_id[1]))
        lookup = '(SELECT id FROM %s WHERE n = :r)' % random_id[2]

    def bind(sql, params):
        for n in sorted(params, reverse=True):     # $12 before $1
            value = params[n]
            if value == 'NULL':
                text = 'NULL'
            elif random_id and value == "'%s'" % random_id[0]:
                text = lookup
            elif random_id and value == "'{%s}'" % random_id[0]:
                text = "('{' || %s || '}')" % lookup
            else:
                variables.append(value[1:-1].replace("''", "'"))
                text = ':p%d' % len(variables)
            sql = re.sub(r'\$%d(?!\d)' % n, lambda _: text, sql)
        return sql

    for kind, sql, params in logged:
        if re.search(r'(?<!:):[A-Za-z_]', re.sub(r"'(?:[^']|'')*'", "''", sql)):
            sys.exit('logged-pgbench.py: pgbench would read a variable in: ' + sql)
        if kind == 'simple':
            parts = [p.strip() for p in sql.split(';') if p.strip()]
            if parts[0].upper().startswith('BEGIN'):
                in_transaction = True
            elif parts[-1].upper() in ('COMMIT', 'ROLLBACK'):
                in_transaction = False
            lines += ['\\startpipeline'] + [p + ';' for p in parts] + ['\\endpipeline'] if len(parts) > 1 else [parts[0] + ';']
            continue
        text = bind(sql, params) + ';'
        upper = sql.upper()
        if upper.startswith('BEGIN'):
            in_transaction = True
        elif upper in ('COMMIT', 'ROLLBACK'):
            in_transaction = False
        if upper.startswith('BEGIN'):
            lines += ['\\startpipeline', text]
            opening = True
        elif opening and sql == SET_CONFIG:
            lines.append(text)
        elif opening:
            lines += [text, '\\endpipeline']
            opening = False
        elif sql == SET_CONFIG and not in_transaction:
            lines += ['\\startpipeline', text]
            pipeline_next = True
        elif pipeline_next:
            lines += [text, '\\endpipeline']
            pipeline_next = False
        else:
            lines.append(text)
    if pipeline_next or opening:
        lines.append('\\endpipeline')
    tag = os.path.basename(script_path).split('.')[0]
    long = {'p%d' % i: v for i, v in enumerate(variables, 1) if len(v.encode()) > LONG}
    if long:
        reads = ', '.join("(SELECT value FROM compare_values WHERE name = '%s.%s') AS %s" % (tag, k, k) for k in long)
        lines[:0] = ['\\if :loaded = 0', 'SELECT %s \\gset' % reads, '\\set loaded 1', '\\endif']
    with open(script_path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    with open(vars_path + '.csv', 'w', encoding='utf-8', newline='') as f:
        csv.writer(f).writerows(('%s.%s' % (tag, k), v) for k, v in long.items())
    with open(vars_path, 'w', encoding='utf-8') as f:
        if long:
            f.write('loaded=0\n')
        for i, value in enumerate(variables, 1):
            if 'p%d' % i in long:
                continue
            if '\n' in value:
                sys.exit('logged-pgbench.py: a parameter spans lines; pgbench -D cannot pass it')
            f.write('p%d=%s\n' % (i, value))


if __name__ == '__main__':
    main(sys.argv)
