#!/usr/bin/env bash
# Checks for (and, as root, installs with apt-get) what building, running, testing and benching
# orgd needs: a PostgreSQL server and client, libpq and OpenSSL headers, pkg-config, curl;
# with --bench also wrk, nginx, haproxy and pgbench; with --fuzz also python3, pip, schemathesis
# and the contract check's openapi-spec-validator and openapi-python-client; with --browser also
# Debian's chromium and chromium-driver, CJK fonts, Selenium and pytest (Tests/browser/).
# Quiet when everything is present. Not root and something missing: says what to install, exits 1.
#
# Usage: scripts/deps.sh [--bench] [--fuzz] [--browser]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The schemathesis releases whose CLI scripts/test.sh is written against.
SCHEMATHESIS_SPEC='schemathesis>=4,<5'
# The releases Tests/contract/check.py (scripts/test.sh's contract stage) is written against.
CONTRACT_SPECS=('openapi-spec-validator>=0.7,<1' 'openapi-python-client>=0.29,<0.30')
# The Selenium and pytest releases Tests/browser/ is written against.
SELENIUM_SPECS=('selenium>=4.10,<5' 'pytest>=7')

want_bench=0
want_fuzz=0
want_browser=0
missing=()   # Debian package names to install

parse_args() {
  local a
  for a in "$@"; do
    case $a in
      --bench) want_bench=1 ;;
      --fuzz) want_fuzz=1 ;;
      --browser) want_browser=1 ;;
      -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "deps.sh: unknown argument '$a'" ;;
    esac
  done
}

need() { missing+=("$1"); }
have() { command -v "$1" >/dev/null 2>&1; }

# True when pkg-config knows MODULE, or (without pkg-config) when HEADER exists.
have_lib() {
  if have pkg-config; then pkg-config --exists "$1"; else [[ -e $2 ]]; fi
}

check_base() {
  local bindir ver
  have pkg-config || need pkg-config
  have curl || need curl
  have openssl || need openssl   # the TLS tests make their certificates with it
  have python3 || need python3
  bindir="$(pg_bindir)"
  if [[ -z $bindir || ! -x $bindir/postgres ]]; then
    need postgresql
  else
    # Debian ships the contrib extensions (ltree, cube, pgcrypto...) in a separate package on
    # some releases; ltree stands for all of them.
    ver="$(basename "$(dirname "$bindir")")"
    if [[ -d /usr/share/postgresql/$ver && ! -e /usr/share/postgresql/$ver/extension/ltree.control ]]; then
      need postgresql-contrib
    fi
  fi
  have psql || [[ -n $bindir && -x $bindir/psql ]] || need postgresql-client
  have_lib libpq /usr/include/postgresql/libpq-fe.h || need libpq-dev
  have_lib openssl /usr/include/openssl/ssl.h || need libssl-dev
}

check_bench() {
  local bindir
  have wrk || need wrk
  have haproxy || [[ -x /usr/sbin/haproxy ]] || need haproxy
  have nginx || [[ -x /usr/sbin/nginx ]] || need nginx
  bindir="$(pg_bindir)"
  have pgbench || [[ -n $bindir && -x $bindir/pgbench ]] || need postgresql-client
}

check_fuzz() {
  have python3 || need python3
  if have python3 && ! python3 -m pip --version >/dev/null 2>&1; then need python3-pip; fi
}

check_browser() {
  have python3 || need python3
  if have python3 && ! python3 -m pip --version >/dev/null 2>&1; then need python3-pip; fi
  have chromium || [[ -x /usr/bin/chromium ]] || need chromium
  have chromedriver || [[ -x /usr/bin/chromedriver ]] || need chromium-driver
  # CJK glyphs for the Chinese catalog (Debian's Noto CJK); without them names render as boxes.
  [[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]] || need fonts-noto-cjk
}

apt_install() {
  local pkgs=("$@") made_policy=0
  log "installing with apt-get: ${pkgs[*]}"
  # Keep package scripts from starting services (Debian's default Postgres cluster, nginx on :80).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
  } >&2 </dev/null || rc=$?
  if ((made_policy)); then rm -f /usr/sbin/policy-rc.d; fi
  ((rc == 0)) || die "apt-get install failed (exit $rc) for: ${pkgs[*]}"
}

install_missing() {
  ((${#missing[@]})) || return 0
  local uniq
  uniq="$(printf '%s\n' "${missing[@]}" | sort -u | paste -sd ' ')"
  if ! is_root; then
    log "missing packages: $uniq"
    log "install them with:  sudo apt-get update && sudo apt-get install -y $uniq"
    exit 1
  fi
  have apt-get || die "missing packages ($uniq) and no apt-get here; install them by hand"
  # shellcheck disable=SC2086
  apt_install $uniq
}

install_schemathesis() {
  local bin
  bin="$(find_schemathesis)"
  if [[ -z $bin ]]; then
    log "installing $SCHEMATHESIS_SPEC with pip"
    python3 -m pip install -q --disable-pip-version-check "$SCHEMATHESIS_SPEC" >&2 </dev/null ||
      python3 -m pip install -q --disable-pip-version-check --user --break-system-packages \
        "$SCHEMATHESIS_SPEC" >&2 </dev/null ||
      die "pip could not install $SCHEMATHESIS_SPEC"
    if have pyenv; then pyenv rehash >/dev/null 2>&1 || true; fi
    bin="$(find_schemathesis)"
  fi
  [[ -n $bin ]] || die "schemathesis installed but not found on PATH or in python's scripts folder"
  "$bin" --version >/dev/null 2>&1 || die "$bin --version failed"
}

# The contract check imports both packages (the generator's Python must also run the client).
install_contract_tools() {
  python3 -c 'import openapi_spec_validator, openapi_python_client' 2>/dev/null && return 0
  log "installing ${CONTRACT_SPECS[*]} with pip"
  python3 -m pip install -q --disable-pip-version-check "${CONTRACT_SPECS[@]}" >&2 </dev/null ||
    python3 -m pip install -q --disable-pip-version-check --user --break-system-packages \
      "${CONTRACT_SPECS[@]}" >&2 </dev/null ||
    die "pip could not install ${CONTRACT_SPECS[*]}"
  python3 -c 'import openapi_spec_validator, openapi_python_client' ||
    die "${CONTRACT_SPECS[*]} installed but python3 cannot import them"
}

install_selenium() {
  python3 -c 'import selenium, pytest' 2>/dev/null && return 0
  log "installing ${SELENIUM_SPECS[*]} with pip"
  python3 -m pip install -q --disable-pip-version-check "${SELENIUM_SPECS[@]}" >&2 </dev/null ||
    python3 -m pip install -q --disable-pip-version-check --user --break-system-packages \
      "${SELENIUM_SPECS[@]}" >&2 </dev/null ||
    die "pip could not install ${SELENIUM_SPECS[*]}"
  python3 -c 'import selenium, pytest' || die "${SELENIUM_SPECS[*]} installed but python3 cannot import them"
}

main() {
  parse_args "$@"
  check_base
  ((want_bench)) && check_bench
  ((want_fuzz)) && check_fuzz
  ((want_browser)) && check_browser
  install_missing
  ((want_fuzz)) && install_schemathesis
  ((want_fuzz)) && install_contract_tools
  ((want_browser)) && install_selenium
  return 0
}

main "$@"
