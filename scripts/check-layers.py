#!/usr/bin/env python3
"""orgd's layering rule, checked from the sources: a target may import only targets below it.

Reads every `import X` of Sources/<target>/**/*.swift and refuses any import of one of our own
targets that the table below does not allow. System modules (Foundation, Glibc, ...) are free.
Exit 0 when every import is allowed; 1 with one line per offending import otherwise.

Usage: scripts/check-layers.py [--self-test]
  --self-test  also shows that the check refuses an upward, a sideways and an unknown import.
"""
import pathlib
import re
import sys

# Lowest first. Each target lists what it may import; a target's list only names targets above
# it in this table, so the graph has no cycles by construction.
ALLOWED = {
    "CLinux": set(),
    "CPostgres": set(),
    "COpenSSL": set(),
    "EventLoop": {"CLinux"},
    "HTTP": {"EventLoop", "CLinux", "COpenSSL"},             # not Postgres: siblings
    "Postgres": {"EventLoop", "CPostgres", "COpenSSL", "CLinux"},   # not HTTP
    "Policy": set(),                                         # pure: nothing with I/O
    "CaseFlow": set(),                                       # pure: the customer-issue flow
    "ChartRender": {"Policy"},                               # pure rendering: no database, no sockets
    "App": {"EventLoop", "HTTP", "Postgres", "Policy", "COpenSSL", "CPostgres", "CLinux"},
}
ALLOWED["Tenancy"] = {"App"} | ALLOWED["App"]
ALLOWED["Access"] = {"Tenancy"} | ALLOWED["Tenancy"]
ALLOWED["OrgChart"] = {"Access", "ChartRender"} | ALLOWED["Access"]
ALLOWED["Network"] = {"OrgChart"} | ALLOWED["OrgChart"]
ALLOWED["Cases"] = {"Network", "CaseFlow"} | ALLOWED["Network"]
ALLOWED["OrgdApp"] = {"Cases"} | ALLOWED["Cases"]
ALLOWED["orgd"] = {"OrgdApp"}

IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+|@preconcurrency\s+)*import\s+(?:(?:struct|class|enum|func|var|let|protocol|typealias)\s+)?(\w+)", re.M)


def violations(sources: dict[str, dict[str, str]]) -> list[str]:
    """`sources` maps target -> {file: text}; returns one message per forbidden import."""
    ours = set(ALLOWED)
    found = []
    for target, files in sorted(sources.items()):
        if target not in ALLOWED:
            found.append(f"{target}: not in scripts/check-layers.py's table; place it in the layers first")
            continue
        for path, text in sorted(files.items()):
            for name in IMPORT.findall(text):
                if name in ours and name != target and name not in ALLOWED[target]:
                    found.append(f"{path}: {target} imports {name}, which is beside or above it")
    return found


def read_sources(root: pathlib.Path) -> dict[str, dict[str, str]]:
    sources: dict[str, dict[str, str]] = {}
    for target_dir in sorted((root / "Sources").iterdir()):
        if target_dir.is_dir():
            sources[target_dir.name] = {
                str(path.relative_to(root)): path.read_text(encoding="utf-8")
                for path in target_dir.rglob("*.swift")
            }
    return sources


def self_test() -> bool:
    cases = {
        "upward": {"Tenancy": {"t.swift": "import App\nimport Access\n"}},
        "sideways": {"Postgres": {"p.swift": "import EventLoop\nimport HTTP\n"}},
        "unknown target": {"Gadgets": {"g.swift": "import App\n"}},
    }
    ok = True
    for name, sources in cases.items():
        if not violations(sources):
            print(f"check-layers self-test: the {name} import was not refused", file=sys.stderr)
            ok = False
    if violations({"OrgChart": {"o.swift": "import Foundation\nimport Access\n@testable import App\n"}}):
        print("check-layers self-test: an allowed import was refused", file=sys.stderr)
        ok = False
    return ok


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    if "--self-test" in sys.argv[1:] and not self_test():
        return 1
    found = violations(read_sources(root))
    for line in found:
        print(line)
    if found:
        return 1
    print(f"check-layers: every import of {len(ALLOWED)} targets goes downwards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
