# The wheel stage of scripts/test (sourced after common.sh, not run).
# shellcheck shell=bash
# shellcheck disable=SC2034 # WHEEL_RESULT is read by scripts/test
#
# run_wheel_checks builds key_account as the wheel odoo-addon-key_account
# with whool, into a temporary folder (nothing is written into the
# repository; whool packs the addon's files under git), then checks
#   - its metadata and contents: scripts/lib/wheel_check.py;
#   - with manifestoo, that every dependency of key_account resolves, to
#     the core addons and the OCA wheels (requirements-oca.txt): with Odoo,
#     all of them, transitively, in the Odoo environment; without Odoo, the
#     non-core ones among the OCA wheels unpacked into the cache, the rest
#     among Odoo 18.0 Community's core addons (manifestoo's list); and that
#     the licences are compatible;
#   - where Odoo 18 imports: that the distributions of the Odoo environment
#     meet the wheel's requirements (Odoo 18, the OCA wheels), and that the wheel,
#     installed (--no-deps) into a scratch folder on PYTHONPATH, is what
#     `import odoo.addons.key_account` and Odoo's module lookup find, data
#     files included. Without Odoo that check is skipped, and said so.
# whool and manifestoo (requirements-wheel.txt) are installed once into
# $(key_account_cache_dir)/wheel-tools/venv, made from $LINT_PY, and again
# only when requirements-wheel.txt changes; the OCA wheels are unpacked once
# into $(key_account_cache_dir)/wheel-tools/oca likewise.

WHEEL_RESULT="wheel: not run"

wheel_tools_dir() { printf '%s/wheel-tools\n' "$(key_account_cache_dir)"; }

ensure_wheel_tools() {
    # The wheel-tools virtual environment; its python on stdout.
    local dir venv stamp
    dir="$(wheel_tools_dir)"
    venv="$dir/venv"
    stamp="$dir/requirements-wheel.txt"
    if [ -x "$venv/bin/python" ] && cmp -s "$REPO_ROOT/requirements-wheel.txt" "$stamp"; then
        printf '%s\n' "$venv/bin/python"
        return 0
    fi
    say "installing whool and manifestoo (requirements-wheel.txt) into $venv" >&2
    rm -rf "$venv" "$stamp"
    mkdir -p "$dir"
    "${LINT_PY:-python3}" -m venv "$venv" >/dev/null 2>&1 \
        || { rm -rf "$venv" && apt_install python3-venv >&2 && "${LINT_PY:-python3}" -m venv "$venv"; } \
        || return 1
    pip_install "$venv/bin/python" -r "$REPO_ROOT/requirements-wheel.txt" >&2 || return 1
    cp "$REPO_ROOT/requirements-wheel.txt" "$stamp"
    printf '%s\n' "$venv/bin/python"
}

ensure_oca_unpacked() {
    # ensure_oca_unpacked TOOLS_PY: the OCA wheels' addons folder, for
    # manifestoo where no Odoo environment holds them.
    local tools_py="$1" dir stamp
    dir="$(wheel_tools_dir)/oca"
    stamp="$dir.requirements-oca.txt"
    if [ -d "$dir/odoo/addons" ] && cmp -s "$REPO_ROOT/requirements-oca.txt" "$stamp"; then
        printf '%s\n' "$dir/odoo/addons"
        return 0
    fi
    say "unpacking the OCA wheels (requirements-oca.txt) into $dir" >&2
    rm -rf "$dir" "$stamp"
    pip_install "$tools_py" --no-deps --target "$dir" -r "$REPO_ROOT/requirements-oca.txt" >&2 \
        || return 1
    cp "$REPO_ROOT/requirements-oca.txt" "$stamp"
    printf '%s\n' "$dir/odoo/addons"
}

wheel_check_dependencies() {
    # wheel_check_dependencies TOOLS_PY HAS_ODOO: manifestoo's verdicts.
    local tools_py="$1" has_odoo="$2" manifestoo oca missing args
    manifestoo="$(dirname "$tools_py")/manifestoo"
    if [ "$has_odoo" = 1 ]; then
        # Odoo's core addons and, through `import odoo` in $ODOO_PY, the
        # OCA wheels installed there.
        args=(--addons-path "$(odoo_addons_path)" --addons-path-python "$ODOO_PY")
    else
        oca="$(ensure_oca_unpacked "$tools_py")" || {
            fail "wheel: cannot unpack the OCA wheels of requirements-oca.txt"
            return
        }
        args=(--addons-path "$ADDONS_DIR,$oca" --no-addons-path-from-import-odoo --odoo-series 18.0)
    fi
    say "== wheel: manifestoo list-missing, check-licenses"
    if ! missing="$("$manifestoo" "${args[@]}" --select key_account list-missing)"; then
        fail "wheel: manifestoo list-missing failed"
        return
    fi
    if [ "$has_odoo" = 1 ]; then
        if [ -n "$missing" ]; then
            fail "wheel: dependencies found neither among Odoo's core addons nor the OCA wheels: $(paste -sd' ' <<<"$missing")"
        else
            say "   every dependency resolves, transitively, among Odoo's core addons and the OCA wheels of $ODOO_PY"
        fi
        "$manifestoo" "${args[@]}" --select key_account check-licenses --transitive \
            || fail "wheel: manifestoo check-licenses"
        return
    fi
    # Without Odoo its core addons are not on disk, and manifestoo reports
    # them missing: only Community core addons may be. Licences as
    # manifestoo's check-licenses does, core ones from its list of 18.0.
    if ! "$tools_py" - "$missing" "$ADDONS_DIR" "$oca" <<'PY'; then
from pathlib import Path
import sys

from manifestoo.license import LicenseType, can_depend_on, get_license_type
from manifestoo_core.addons_set import AddonsSet
from manifestoo_core.core_addons import get_core_addon_license, is_core_ce_addon
from manifestoo_core.odoo_series import OdooSeries

series = OdooSeries.v18_0
missing, addons_dir, oca_dir = sys.argv[1].split(), Path(sys.argv[2]), Path(sys.argv[3])
errors = [
    f"{name}: found neither among the OCA wheels nor Odoo 18.0 Community's core addons"
    for name in missing
    if not is_core_ce_addon(name, series)
]
addons = AddonsSet()
addons.add_from_addons_dirs([addons_dir, oca_dir])


def license_of(name):
    if is_core_ce_addon(name, series):
        text = get_core_addon_license(name, series)
    else:
        text = addons[name].manifest.license if name in addons else None
    return text, get_license_type(text or "") or LicenseType.PROPRIETARY


todo, seen = ["key_account"], set()
while todo:
    name = todo.pop()
    if name in seen or name not in addons:
        continue
    seen.add(name)
    text, kind = license_of(name)
    for depend in addons[name].manifest.depends:
        if not is_core_ce_addon(depend, series) and depend not in addons:
            continue  # reported missing above
        depend_text, depend_kind = license_of(depend)
        if not can_depend_on(kind, depend_kind):
            errors.append(f"{name} ({text}) depends on {depend} ({depend_text})")
        if not is_core_ce_addon(depend, series):
            todo.append(depend)
for error in errors:
    print(f"wheel: {error}", file=sys.stderr)
if errors:
    sys.exit(1)
print(
    "   every dependency resolves: "
    + ", ".join(sorted(seen - {"key_account"}))
    + " among the OCA wheels, the rest among Odoo 18.0 Community's core addons;"
    + " licences compatible"
)
PY
        fail "wheel: dependencies or licences (see above)"
    fi
}

wheel_check_install() {
    # wheel_check_install TOOLS_PY WHEEL TMP: the Odoo environment meets the
    # wheel's requirements, and the wheel installed in a scratch folder is
    # what the Odoo interpreter imports.
    local tools_py="$1" wheel="$2" tmp="$3"
    say "== wheel: its requirements against the distributions of $ODOO_PY"
    local sys_path line
    sys_path="$("$ODOO_PY" -c 'import json, sys; print(json.dumps(sys.path))')"
    if line="$("$tools_py" "$REPO_ROOT/scripts/lib/wheel_check.py" requirements "$wheel" "$sys_path")"; then
        say "   $line"
    else
        fail "wheel: its requirements are not met in the Odoo environment of $ODOO_PY (see above)"
    fi
    say "== wheel: installed into a scratch folder, imported by $ODOO_PY"
    if ! pip_install "$ODOO_PY" --no-deps --no-index --target "$tmp/site" "$wheel"; then
        fail "wheel: pip cannot install it"
        return
    fi
    if ! (cd "$tmp" && PYTHONPATH="$tmp/site" "$ODOO_PY" - "$tmp/site") <<'PY'; then
import ast
import importlib.metadata
import os
import sys

import odoo
from odoo.modules.module import get_module_path

import odoo.addons.key_account as addon

site = os.path.realpath(sys.argv[1])
where = os.path.realpath(os.path.dirname(addon.__file__))
expected = os.path.join(site, "odoo", "addons", "key_account")
problems = []
if where != expected:
    problems.append(f"odoo.addons.key_account is {where}, not {expected}")
if os.path.realpath(get_module_path("key_account") or "") != expected:
    problems.append(f"Odoo's module lookup finds {get_module_path('key_account')}")
dist = importlib.metadata.distribution("odoo-addon-key_account")
if not os.path.realpath(str(dist.locate_file(""))).startswith(site):
    problems.append(f"distribution odoo-addon-key_account is {dist.locate_file('')}")
with open(os.path.join(where, "__manifest__.py"), encoding="utf-8") as file:
    manifest = ast.literal_eval(file.read())
names = [*manifest["data"], *manifest.get("demo", [])]
absent = [name for name in names if not os.path.isfile(os.path.join(where, name))]
if absent:
    problems.append(f"data files missing: {', '.join(absent[:5])}")
po = [n for n in os.listdir(os.path.join(where, "i18n")) if n.endswith(".po")]
if not po:
    problems.append("no i18n/*.po")
for problem in problems:
    print(f"wheel: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(
    f"   import odoo.addons.key_account: {where} (odoo-addon-key_account "
    f"{dist.version}, {len(names)} data files, {len(po)} catalogues; "
    f"Odoo {odoo.release.version})"
)
PY
        fail "wheel: the installed wheel is not what odoo.addons.key_account imports, data files included"
    fi
}

run_wheel_checks() {
    # run_wheel_checks HAS_ODOO (1 when $ODOO_PY imports Odoo 18).
    local has_odoo="$1" before=${#FAILURES[@]} tools_py tmp wheel line import_note
    say "== wheel: build odoo-addon-key_account with whool"
    if ! tools_py="$(ensure_wheel_tools)"; then
        fail "wheel: cannot install whool and manifestoo (requirements-wheel.txt)"
        WHEEL_RESULT="wheel: FAILED (no whool)"
        return
    fi
    tmp="$(mktemp -d)"
    # pip builds in-tree; whool copies the addon's git files into its own
    # temporary folder and writes only into --wheel-dir.
    if ! (cd "$ADDONS_DIR/key_account" \
        && "$tools_py" -m pip wheel -q --disable-pip-version-check --no-deps \
            --no-build-isolation --no-index --wheel-dir "$tmp/dist" .); then
        fail "wheel: whool could not build it"
        WHEEL_RESULT="wheel: FAILED (build)"
        rm -rf "$tmp"
        return
    fi
    wheel="$(find "$tmp/dist" -name '*.whl' | head -1)"
    if line="$("$tools_py" "$REPO_ROOT/scripts/lib/wheel_check.py" contents "$wheel" \
        "$ADDONS_DIR/key_account" "$REPO_ROOT/requirements-oca.txt")"; then
        say "   $line"
    else
        [ -z "$line" ] || say "   $line"
        fail "wheel: metadata or contents (see above)"
    fi
    wheel_check_dependencies "$tools_py" "$has_odoo"
    if [ "$has_odoo" = 1 ]; then
        wheel_check_install "$tools_py" "$wheel" "$tmp"
        import_note="installed and imported by $ODOO_PY"
    else
        say "== wheel: Odoo 18 does not import here: the install and import check is skipped (built and contents checked only)"
        import_note="import check skipped: no Odoo"
    fi
    rm -rf "$tmp"
    if [ "${#FAILURES[@]}" -eq "$before" ]; then
        WHEEL_RESULT="wheel: passed, $(basename "$wheel"); $import_note"
    else
        WHEEL_RESULT="wheel: FAILED"
    fi
}
