#!/usr/bin/env python3
"""Migrations stay backward compatible for one release (docs/operations.md, "Upgrade with no
downtime"): during a rolling upgrade the schema is migrated first and the previous release keeps
serving on it. So a migration may add (tables, columns with defaults, indexes, functions,
constraints the data already meets) but not take away or reshape what the previous release reads
or writes. This check reads every sql/NNNN_*.sql and fails on a statement that can break the
release before, unless the migration's header says why it is safe here, in a line starting with
"-- Compatibility:" (e.g. which release stopped using the dropped column).

Not a parser: comments and string literals are dropped, then statements are matched by
pattern. Renaming or dropping an index or a constraint is not flagged (no query names them;
the API maps constraint errors by name, and a migration that renames one must keep the old name's
meaning: reviewed by hand).

Usage: scripts/check-migrations.py [--self-test] [SQL_DIR]
"""

import pathlib
import re
import sys

BREAKING = [
    (r"\bDROP\s+TABLE\b", "drops a table"),
    (r"\bDROP\s+COLUMN\b", "drops a column"),
    (r"\bRENAME\s+COLUMN\b", "renames a column"),
    (r"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?[\w.\"]+\s+RENAME\s+TO\b", "renames a table"),
    (r"\bALTER\s+(?:FUNCTION|VIEW)\s+[\w.\"]+(?:\([^)]*\))?\s+RENAME\s+TO\b", "renames a function or view"),
    (r"\bALTER\s+COLUMN\s+[\w\"]+\s+(?:SET\s+DATA\s+)?TYPE\b", "changes a column's type"),
    (r"\bALTER\s+COLUMN\s+[\w\"]+\s+SET\s+NOT\s+NULL\b", "makes a column NOT NULL (the previous release may insert without it)"),
    (r"\bADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?[\w\"]+\s+[^,;]*\bNOT\s+NULL\b(?![^,;]*\bDEFAULT\b)", "adds a NOT NULL column without a default"),
    (r"\bDROP\s+(?:FUNCTION|VIEW|TYPE|DOMAIN)\b", "drops a function, view or type"),
]

ALLOWED = re.compile(r"^--\s*Compatibility:", re.MULTILINE)


def code_only(text):
    """The SQL without comments and string literals (dollar-quoted bodies are kept: they are code)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"--[^\n]*", " ", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def problems(name, text):
    if ALLOWED.search(text):
        return []
    code = code_only(text)
    found = []
    for pattern, what in BREAKING:
        for match in re.finditer(pattern, code, flags=re.I):
            line = code.count("\n", 0, match.start()) + 1
            found.append(f"{name}:{line}: {what}, which can break the release still running during an upgrade; "
                         f"make it additive, or say why it is safe in a '-- Compatibility:' header line")
    return found


def self_test():
    cases = [
        ("ALTER TABLE units ADD COLUMN note text;", 0),
        ("ALTER TABLE units ADD COLUMN note text NOT NULL DEFAULT '';", 0),
        ("ALTER TABLE units ADD COLUMN note text NOT NULL;", 1),
        ("ALTER TABLE units DROP COLUMN note;", 1),
        ("ALTER TABLE units RENAME COLUMN note TO remark;", 1),
        ("ALTER TABLE units RENAME TO org_units;", 1),
        ("ALTER INDEX units_x RENAME TO units_y;", 0),
        ("ALTER TABLE units DROP CONSTRAINT units_check;", 0),
        ("ALTER TABLE units ALTER COLUMN code TYPE varchar(10);", 1),
        ("ALTER TABLE units ALTER COLUMN code SET NOT NULL;", 1),
        ("DROP TABLE old_things;", 1),
        ("DROP FUNCTION orgd_unit_path(uuid);", 1),
        ("-- DROP TABLE in a comment\nSELECT 'DROP TABLE in a string';", 0),
        ("-- Compatibility: the previous release stopped reading old_things\nDROP TABLE old_things;", 0),
    ]
    failed = 0
    for text, expected in cases:
        got = len(problems("case.sql", text))
        if got != expected:
            print(f"self-test: expected {expected} problem(s), got {got}: {text!r}", file=sys.stderr)
            failed += 1
    return failed == 0


def main(argv):
    args = [a for a in argv[1:] if a != "--self-test"]
    if "--self-test" in argv[1:] and not self_test():
        return 1
    directory = pathlib.Path(args[0] if args else pathlib.Path(__file__).resolve().parent.parent / "sql")
    files = sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))
    if not files:
        print(f"check-migrations: no migrations in {directory}", file=sys.stderr)
        return 1
    found = [p for f in files for p in problems(f.name, f.read_text(encoding="utf-8"))]
    for line in found:
        print(line, file=sys.stderr)
    if found:
        return 1
    print(f"check-migrations: {len(files)} migrations, each additive or saying why it is safe")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
