#!/usr/bin/env python3
"""The API contract, proven usable by other tools (scripts/test.sh's `contract` stage).

1. docs/openapi.yaml passes openapi-spec-validator.
2. openapi-python-client generates a client from it, into a temp dir, with no warning.
3. That client runs a short flow against a live orgd: sign in, create a unit, read its tree,
   and decode a 4xx answer as the document's Problem.

Usage: check.py URL TENANT_SLUG LOGIN PASSWORD   (orgd already serving at URL, migrated)
Exits non-zero naming the step that failed. Needs the two PyPI packages (scripts/deps.sh --fuzz).
"""

import importlib
import os
import subprocess
import sys
import tempfile
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DOCUMENT = os.path.join(HERE, "..", "..", "docs", "openapi.yaml")


def fail(step, message):
    print(f"contract: {step}: {message}", file=sys.stderr)
    sys.exit(1)


def validate():
    from openapi_spec_validator import validate as validate_spec
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(DOCUMENT)
    try:
        validate_spec(spec)
    except Exception as error:  # the validator's own error names the path in the document
        fail("openapi-spec-validator", str(error).splitlines()[0])
    print("contract: docs/openapi.yaml is a valid OpenAPI document")


def generate(directory):
    """Generates the client package `orgd_client` into `directory`; fails on any warning."""
    output = os.path.join(directory, "orgd_client")
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", DOCUMENT, "--meta", "none",
         "--output-path", output, "--config", os.path.join(HERE, "client-config.yaml")],
        capture_output=True, text=True, timeout=300)
    text = result.stdout + result.stderr
    if result.returncode != 0 or "Warning" in text or "WARNING" in text or "Unable to" in text:
        fail("openapi-python-client", text.strip()[-4000:])
    print("contract: openapi-python-client generated a client with no warnings")


def flow(url, slug, login_name, password):
    from orgd_client import AuthenticatedClient, Client
    from orgd_client.api.auth import login
    from orgd_client.api.org_chart import create_unit, unit_tree
    from orgd_client.models import LoginRequest, LoginResponse, Problem, Unit, UnitCreate, UnitTree

    signed_in = login.sync_detailed(client=Client(base_url=url),
                                    body=LoginRequest(tenant=slug, login=login_name, password=password))
    if not isinstance(signed_in.parsed, LoginResponse):
        fail("sign in", f"{signed_in.status_code} {signed_in.content[:300]!r}")
    client = AuthenticatedClient(base_url=url, token=signed_in.parsed.token, raise_on_unexpected_status=True)

    code = "C" + uuid.uuid4().hex[:8].upper()
    created = create_unit.sync_detailed(client=client, body=UnitCreate(name="客服中心", code=code, kind="department"))
    if created.status_code != 201 or not isinstance(created.parsed, Unit):
        fail("create a unit", f"{created.status_code} {created.content[:300]!r}")
    unit = created.parsed

    tree = unit_tree.sync_detailed(unit.id, client=client)
    if not isinstance(tree.parsed, UnitTree) or tree.parsed.unit is None:
        fail("read the tree", f"{tree.status_code} {tree.content[:300]!r}")
    root = tree.parsed.unit.to_dict()
    if root.get("id") != str(unit.id) or root.get("name") != "客服中心":
        fail("read the tree", f"the tree's root is {root.get('id')} {root.get('name')!r}, not the unit created")

    again = create_unit.sync_detailed(client=client, body=UnitCreate(name="客服中心", code=code, kind="department"))
    problem = again.parsed
    if not isinstance(problem, Problem) or problem.status != again.status_code or not 400 <= problem.status < 500:
        fail("decode a problem", f"{again.status_code} {again.content[:300]!r}")
    if not problem.code or not problem.detail:
        fail("decode a problem", f"no code or detail in {problem.to_dict()}")
    print(f"contract: the generated client signed in, created unit {unit.id}, read its tree and decoded "
          f"{problem.status} {problem.code}")


def main():
    if len(sys.argv) != 5:
        fail("usage", "check.py URL TENANT_SLUG LOGIN PASSWORD")
    url, slug, login_name, password = sys.argv[1:]
    validate()
    with tempfile.TemporaryDirectory(prefix="orgd-contract-") as directory:
        generate(directory)
        sys.path.insert(0, directory)
        importlib.invalidate_caches()
        flow(url, slug, login_name, password)


if __name__ == "__main__":
    main()
