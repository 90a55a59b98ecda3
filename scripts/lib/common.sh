# Shared helpers of scripts/run, scripts/test and bench/run (sourced, not run).
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ODOO_PY="${ODOO_PYTHON:-python3}"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = "0" ]; }

apt_install() {
    # apt_install PACKAGE...: install Debian packages when running as root.
    is_root || return 1
    if [ -z "${KA_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && KA_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

odoo_importable() {
    "$ODOO_PY" - <<'PY' >/dev/null 2>&1
import sys
import odoo.release
sys.exit(0 if odoo.release.version_info[0] == 18 else 1)
PY
}

odoo_core_addons() {
    # The odoo/addons folder holding base and sale (never a stale top-level addons/).
    "$ODOO_PY" - <<'PY'
import os
import odoo.addons
for path in odoo.addons.__path__:
    if os.path.isdir(os.path.join(path, "base")) and os.path.isdir(os.path.join(path, "sale")):
        print(path)
        break
PY
}

ensure_odoo_python_deps() {
    # Test dependencies and OCA wheels into the Odoo interpreter, when missing.
    # websocket-client drives Chrome for tours (Odoo skips them without it);
    # odoo-test-helper is imported by the OCA dependencies' own test modules.
    local module package
    for pair in websocket:websocket-client odoo_test_helper:odoo-test-helper; do
        module="${pair%%:*}"
        package="${pair#*:}"
        if ! "$ODOO_PY" -c "import $module" >/dev/null 2>&1; then
            say "installing $package into $ODOO_PY"
            "$ODOO_PY" -m pip install -q "$package" || die "cannot install $package"
        fi
    done
    local missing=()
    while read -r req; do
        case "$req" in ''|'#'*) continue ;; esac
        local module="${req%%=*}"
        module="${module#odoo-addon-}"
        if ! "$ODOO_PY" -c "import odoo.addons.${module}" >/dev/null 2>&1; then
            missing+=("$req")
        fi
    done < "$REPO_ROOT/requirements-oca.txt"
    if [ "${#missing[@]}" -gt 0 ]; then
        say "installing OCA wheels: ${missing[*]}"
        "$ODOO_PY" -m pip install -q --no-deps "${missing[@]}" || die "cannot install ${missing[*]}"
    fi
}

ka_cache_dir() {
    if is_root; then
        printf '%s\n' "${KA_CACHE_DIR:-/var/cache/key_account}"
    else
        printf '%s\n' "${KA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/key_account}"
    fi
}
