# Shared helpers of scripts/run, scripts/test and bench/run (sourced, not run).
# shellcheck shell=bash
#
# Environment knobs (all optional):
#   ODOO_PYTHON              Python interpreter that imports Odoo 18 (default: python3);
#                            when it does not, the project virtual environment
#                            $(key_account_cache_dir)/venv is used, which
#                            scripts/run creates (scripts/lib/odoo_venv.sh)
#   ODOO_SRC                 where scripts/run installs Odoo 18.0 from: a local
#                            checkout, an archive (.tar.gz, .zip) or a git URL
#                            (default: Odoo's official 18.0 branch on GitHub)
#   KEY_ACCOUNT_ADDONS_DIR   folder holding the key_account addon (default: the repository)
#   KEY_ACCOUNT_CACHE_DIR    cache folder: disposable PostgreSQL cluster, run-time data,
#                            the project virtual environment with Odoo
#                            (default: ~/.cache/key_account; /var/cache/key_account as root)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ODOO_PY="${ODOO_PYTHON:-python3}"
ADDONS_DIR="${KEY_ACCOUNT_ADDONS_DIR:-$REPO_ROOT}"

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}
is_root() { [ "$(id -u)" = "0" ]; }

key_account_cache_dir() {
    # As root the cluster runs as the "postgres" user, which cannot enter
    # /root: the cache then lives in /var/cache.
    if [ -n "${KEY_ACCOUNT_CACHE_DIR:-}" ]; then
        printf '%s\n' "$KEY_ACCOUNT_CACHE_DIR"
    elif is_root; then
        printf '%s\n' /var/cache/key_account
    else
        printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/key_account"
    fi
}

apt_install() {
    # apt_install PACKAGE...: install Debian packages; only possible as root.
    is_root || return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ -z "${KEY_ACCOUNT_APT_UPDATED:-}" ]; then
        say "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
        KEY_ACCOUNT_APT_UPDATED=1
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pip_install() {
    # pip_install PYTHON ARG...: pip install into that interpreter.
    local py="$1"
    shift
    if ! "$py" -m pip --version >/dev/null 2>&1; then
        "$py" -m ensurepip --upgrade >/dev/null 2>&1 || apt_install python3-pip \
            || die "pip is not available for $py"
    fi
    local out
    if out="$("$py" -m pip install -q --disable-pip-version-check "$@" 2>&1)"; then
        return 0
    fi
    if grep -q externally-managed-environment <<<"$out"; then
        "$py" -m pip install -q --disable-pip-version-check --break-system-packages "$@"
        return
    fi
    printf '%s\n' "$out" >&2
    return 1
}

odoo_importable() {
    # odoo_importable [PYTHON]: Odoo 18 imports from PYTHON (default $ODOO_PY).
    "${1:-$ODOO_PY}" -c 'import odoo.release, sys; sys.exit(0 if odoo.release.version_info[0] == 18 else 1)' \
        >/dev/null 2>&1
}

odoo_venv_dir() {
    # The project virtual environment with Odoo, which scripts/run creates
    # when $ODOO_PY has no Odoo 18 (never inside the repository).
    printf '%s/venv\n' "$(key_account_cache_dir)"
}

select_odoo_python() {
    # Keeps $ODOO_PY when it imports Odoo 18, else switches to the project
    # virtual environment when that one does; fails when neither does.
    odoo_importable && return 0
    local venv_py
    venv_py="$(odoo_venv_dir)/bin/python"
    if [ -x "$venv_py" ] && odoo_importable "$venv_py"; then
        ODOO_PY="$venv_py"
        return 0
    fi
    return 1
}

require_odoo() {
    select_odoo_python || die "Odoo 18 Community is importable neither from $ODOO_PY nor from $(odoo_venv_dir): scripts/run installs it there (from ODOO_SRC, else Odoo's 18.0 branch), or set ODOO_PYTHON to an interpreter that has it"
}

odoo_core_addons() {
    # The folders of Odoo's core addons, one a line. An installed or
    # released Odoo keeps them all in the odoo package's odoo/addons: that
    # folder, never a stale top-level addons/ beside it. A git checkout
    # keeps base there and the others in the addons/ folder beside the odoo
    # package: both, base's first.
    "$ODOO_PY" - <<'PY'
import os

import odoo
import odoo.addons


def holds(path, *names):
    return all(
        os.path.isfile(os.path.join(path, name, "__manifest__.py")) for name in names
    )


paths = list(odoo.addons.__path__)
both = [path for path in paths if holds(path, "base", "sale")]
if both:
    print(both[0])
else:
    beside = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "addons")
    base = next((path for path in paths if holds(path, "base")), None)
    sale = next((path for path in [*paths, beside] if holds(path, "sale")), None)
    if base and sale:
        print(base)
        print(sale)
PY
}

odoo_addons_path() {
    local core
    core="$(odoo_core_addons | paste -sd, -)"
    [ -n "$core" ] || die "cannot find Odoo's core addons (base, sale) in the odoo package of $ODOO_PY"
    [ -f "$ADDONS_DIR/key_account/__manifest__.py" ] || die "no key_account addon in $ADDONS_DIR"
    printf '%s,%s\n' "$core" "$ADDONS_DIR"
}

ensure_oca_wheels() {
    # OCA dependencies (requirements-oca.txt) into the Odoo interpreter, when
    # missing; --no-deps, else pip would reinstall Odoo and build psycopg2.
    local req addon missing=()
    while read -r req; do
        req="${req%%#*}"
        req="${req//[[:space:]]/}"
        [ -n "$req" ] || continue
        addon="${req%%[=<>!~]*}"
        addon="${addon#odoo-addon-}"
        addon="${addon//-/_}"
        if ! "$ODOO_PY" -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('odoo.addons.$addon') else 1)" >/dev/null 2>&1; then
            missing+=("$req")
        fi
    done <"$REPO_ROOT/requirements-oca.txt"
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing OCA wheels into $ODOO_PY: ${missing[*]}"
        pip_install "$ODOO_PY" --no-deps "${missing[@]}" || die "cannot install ${missing[*]}"
    fi
}

ensure_odoo_test_deps() {
    # websocket-client drives Chrome for the browser tours (Odoo skips them
    # without it); odoo-test-helper is imported by the OCA addons' tests,
    # which Odoo imports while collecting tests.
    local pair module package
    for pair in websocket:websocket-client odoo_test_helper:odoo-test-helper; do
        module="${pair%%:*}"
        package="${pair#*:}"
        if ! "$ODOO_PY" -c "import $module" >/dev/null 2>&1; then
            say "installing $package into $ODOO_PY"
            pip_install "$ODOO_PY" "$package" || die "cannot install $package into $ODOO_PY"
        fi
    done
}

ensure_odoo_python_deps() {
    ensure_oca_wheels
    ensure_odoo_test_deps
}

free_port() {
    "$ODOO_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
