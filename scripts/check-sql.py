#!/usr/bin/env python3
"""Refuses a SQL literal that would paste values into the statement text, and a row read by name.

`connection.query("… \\(value) …")` with no parameter array and no `\\(unescaped: …)` resolves to
the text API (`query(_ sql: String, _ params:)`), so `value` is written into the SQL itself, not
bound. Such a statement must be a PGQuery: annotate it (`as PGQuery`, `let q: PGQuery = …`) or
pass the values as parameters.

Outside the driver (Sources/Postgres), rows are decoded by position (PGRowDecodable,
`row.decode(...)`), which throws on a missing column or a wrong type; a by-name read
(`row.string("name")`, `result.int(0, "count")`) turns a mistyped name into a silent nil.

Scans Sources/**/*.swift; exit 1 with one line per offence.

Usage: scripts/check-sql.py [--self-test]
"""
import pathlib
import re
import sys

CALL = re.compile(r'\.query\((?:tenant: [^,]+, )?("""\n.*?\n\s*"""|"(?:[^"\\\n]|\\.)*")(\s*as PGQuery)?\s*(\)|,)', re.S)


def offences(text: str) -> list[int]:
    """Line numbers of calls that interpolate into a text-API literal without parameters."""
    lines = []
    for match in CALL.finditer(text):
        literal, annotated, end = match.groups()
        if "\\(" in literal and not annotated and "unescaped:" not in literal and end == ")":
            lines.append(text.count("\n", 0, match.start()) + 1)
    return lines


# `row.string("name")`, `$0.int("n")`, `result.string(0, "id")`: a value (not a type or an enum
# case such as JSONValue's `.string("x")`, nor JSONWriter's `json.string("x")`) read by column name.
BY_NAME = re.compile(r'(?:[\w)\]]|\$\d)(?<!\bjson)\.(?:string|int|bool|double|isNull)\((?:\d+, )?"')


def by_name(text: str) -> list[int]:
    """Line numbers of rows read by column name."""
    return [text.count("\n", 0, match.start()) + 1 for match in BY_NAME.finditer(text)]


def self_test() -> bool:
    bad = 'try await connection.query("SELECT * FROM t WHERE id = \\(id)")'
    good = [
        'try await connection.query("SELECT * FROM t WHERE id = \\(id)" as PGQuery)',
        'try await connection.query("SELECT \\(unescaped: columns) FROM t WHERE id = \\(id)")',
        'try await connection.query("SELECT \\(columns) FROM t WHERE id = $1", [id])',
        'try await connection.query("COMMIT")',
    ]
    named = ['let name = row.string("name")', 'ids = rows.map { $0.string("id")! }', 'x = result.string(0, "id")',
             'count = row.int("n") ?? 0']
    positional = ['let (id, n) = try row.decode(String.self, Int.self)', 'json.field("contact", .string(value))',
                  'values.append(.string("x"))', 'json.string("text")']
    ok = (offences(bad) == [1] and all(not offences(text) for text in good)
          and all(by_name(text) == [1] for text in named) and all(not by_name(text) for text in positional))
    if not ok:
        print("check-sql self-test failed", file=sys.stderr)
    return ok


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    if "--self-test" in sys.argv[1:] and not self_test():
        return 1
    found = []
    for path in sorted((root / "Sources").rglob("*.swift")):
        for line in offences(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(root)}:{line}: a value is interpolated into SQL text; make it a PGQuery or a parameter")
        if "Postgres" not in path.relative_to(root).parts:
            for line in by_name(path.read_text(encoding="utf-8")):
                found.append(f"{path.relative_to(root)}:{line}: a row read by column name; decode it by position (PGRowDecodable)")
    for line in found:
        print(line)
    if found:
        return 1
    print("check-sql: no value is pasted into SQL text and no row is read by name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
