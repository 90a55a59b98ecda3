# Odoo 18.0 Community in the project virtual environment, for scripts/run
# (sourced after common.sh, not run).
# shellcheck shell=bash
#
# ensure_odoo keeps $ODOO_PY when it imports Odoo 18, or the project virtual
# environment $(key_account_cache_dir)/venv when that one does. Otherwise it
# creates that environment and installs Odoo into it:
#   - the source: ODOO_SRC, a local checkout (copied, so that it is never
#     written to; .git left out, and a released tree's stale top-level
#     addons/ too: its addons are all in odoo/addons), an archive (.tar.gz, .tgz, .tar, .zip)
#     or a git URL (branch 18.0); by default a shallow clone of Odoo's
#     official 18.0 branch. It lands in $(key_account_cache_dir)/odoo.
#   - Odoo's requirements.txt with psycopg2 replaced by psycopg2-binary (no
#     libpq headers nor compiler needed) and python-ldap left out (the
#     auth_ldap addon only), installed under the build-time constraint
#     setuptools<70: some pinned sdists (cbor2 5.4.2) import pkg_resources,
#     which newer setuptools no longer has. pip before 25.3 applies
#     PIP_CONSTRAINT to its isolated build environments, pip 25.3 and later
#     only PIP_BUILD_CONSTRAINT: both are set.
#   - the tree itself: pip install --no-deps -e TREE with
#     editable_mode=compat, a plain path in a .pth file. A strict editable
#     install's import hook would lose against the odoo/ folder that the OCA
#     wheels put into site-packages; the regular odoo package on a sys.path
#     entry wins over that namespace folder.
# Then $ODOO_PY is that environment's python. To start over, delete
# $(key_account_cache_dir)/venv and $(key_account_cache_dir)/odoo.

ODOO_SERIES="18.0"
ODOO_GIT_URL="https://github.com/odoo/odoo"

python_fits_odoo() {
    # python_fits_odoo PYTHON: a Python version Odoo 18 supports (3.10 to 3.12).
    "$1" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)' \
        >/dev/null 2>&1
}

odoo_base_python() {
    # The interpreter the virtual environment is made from: $ODOO_PYTHON when
    # set, else the first of python3, python3.12, python3.11, python3.10 that
    # Odoo 18 supports.
    local candidate
    if [ -n "${ODOO_PYTHON:-}" ]; then
        python_fits_odoo "$ODOO_PYTHON" \
            || die "Odoo 18 needs Python 3.10 to 3.12; ODOO_PYTHON=$ODOO_PYTHON is $("$ODOO_PYTHON" -V 2>&1 || echo "not runnable")"
        printf '%s\n' "$ODOO_PYTHON"
        return
    fi
    for candidate in python3 python3.12 python3.11 python3.10; do
        if command -v "$candidate" >/dev/null 2>&1 && python_fits_odoo "$candidate"; then
            command -v "$candidate"
            return
        fi
    done
    die "Odoo 18 needs Python 3.10 to 3.12, and none is on PATH (python3 is $(python3 -V 2>&1 || echo "missing")): install one, or set ODOO_PYTHON to it"
}

odoo_tree_root() {
    # odoo_tree_root FOLDER PYTHON: the Odoo 18 source tree in FOLDER or one
    # level below (an archive's top folder); fails when there is none.
    local folder="$1" py="$2" candidate
    for candidate in "$folder" "$folder"/*; do
        [ -f "$candidate/odoo/release.py" ] && [ -f "$candidate/requirements.txt" ] || continue
        "$py" - "$candidate/odoo/release.py" <<'PY' || continue
import sys

release = {}
with open(sys.argv[1], encoding="utf-8") as file:
    exec(file.read(), release)
sys.exit(0 if release["version_info"][0] == 18 else 1)
PY
        printf '%s\n' "$candidate"
        return 0
    done
    return 1
}

odoo_fetch_source() {
    # odoo_fetch_source TARGET PYTHON: the Odoo 18.0 source named by ODOO_SRC
    # (default: Odoo's official branch) into TARGET.
    local target="$1" py="$2" src="${ODOO_SRC:-$ODOO_GIT_URL}" part="$1.part" root
    rm -rf "$target" "$part"
    mkdir -p "$part"
    case "$src" in
    *://* | git@*)
        command -v git >/dev/null 2>&1 || apt_install git \
            || die "git is needed to clone $src (or set ODOO_SRC to a local checkout or archive of Odoo 18.0)"
        say "cloning $src (branch $ODOO_SERIES, depth 1)"
        git clone -q --depth 1 --branch "$ODOO_SERIES" "$src" "$part/odoo" \
            || die "cannot clone $src; set ODOO_SRC to a local checkout or archive of Odoo 18.0"
        ;;
    *)
        if [ -d "$src" ]; then
            # A released tree keeps every addon in odoo/addons: a top-level
            # addons/ beside it is stale and not copied. A git checkout
            # keeps all but base there: copied.
            local skip=()
            if [ -f "$src/odoo/addons/base/__manifest__.py" ] \
                && [ -f "$src/odoo/addons/sale/__manifest__.py" ]; then
                skip=(--exclude=./addons)
            fi
            say "copying the Odoo tree $src (without .git${skip[*]:+ and the stale top-level addons/})"
            mkdir -p "$part/odoo"
            tar -C "$src" --exclude=./.git --exclude=__pycache__ "${skip[@]}" -cf - . \
                | tar -C "$part/odoo" -xf - || die "cannot copy $src"
        elif [ -f "$src" ]; then
            say "extracting $src"
            case "$src" in
            *.zip) "$py" -m zipfile -e "$src" "$part" || die "cannot extract $src" ;;
            *.tar.gz | *.tgz | *.tar | *.tar.xz | *.tar.bz2) tar -C "$part" -xf "$src" || die "cannot extract $src" ;;
            *) die "ODOO_SRC=$src: not an archive this command reads (.tar.gz, .tgz, .tar, .zip)" ;;
            esac
        else
            die "ODOO_SRC=$src is neither a folder, an archive nor a git URL"
        fi
        ;;
    esac
    root="$(odoo_tree_root "$part" "$py")" \
        || die "ODOO_SRC=$src holds no Odoo 18 source tree (odoo/release.py of version 18, requirements.txt)"
    mv "$root" "$target"
    rm -rf "$part"
}

install_odoo_venv() {
    local cache venv tree py venv_py requirements constraints
    cache="$(key_account_cache_dir)"
    venv="$(odoo_venv_dir)"
    tree="$cache/odoo"
    py="$(odoo_base_python)"
    mkdir -p "$cache"

    odoo_fetch_source "$tree" "$py"
    if [ ! -x "$venv/bin/python" ]; then
        say "creating the virtual environment $venv ($("$py" -V 2>&1))"
        "$py" -m venv "$venv" >/dev/null 2>&1 \
            || { rm -rf "$venv" && apt_install python3-venv && "$py" -m venv "$venv"; } \
            || die "cannot create a virtual environment with $py (Debian: apt-get install python3-venv)"
    fi
    venv_py="$venv/bin/python"

    requirements="$cache/odoo-requirements.txt"
    sed -E -e 's/^[[:space:]]*psycopg2([[:space:]=<>!~;]|$)/psycopg2-binary\1/' \
        -e '/^[[:space:]]*python-ldap([[:space:]=<>!~;]|$)/d' \
        "$tree/requirements.txt" >"$requirements"
    constraints="$cache/odoo-build-constraints.txt"
    printf '%s\n' "# build-time pins for the sdists of Odoo's requirements" "setuptools<70" >"$constraints"
    # Space-separated: the user's own constraints, if any, still apply.
    local pip_constraint="$constraints${PIP_CONSTRAINT:+ $PIP_CONSTRAINT}"
    local build_constraint="$constraints${PIP_BUILD_CONSTRAINT:+ $PIP_BUILD_CONSTRAINT}"
    venv_pip() {
        PIP_CONSTRAINT="$pip_constraint" PIP_BUILD_CONSTRAINT="$build_constraint" \
            pip_install "$venv_py" "$@"
    }

    say "installing Odoo's requirements into $venv (a few minutes)"
    pip_install "$venv_py" --upgrade pip || warn "cannot upgrade pip in $venv; going on with its own"
    venv_pip "setuptools<70" wheel \
        || die "cannot install setuptools and wheel into $venv"
    venv_pip -r "$requirements" \
        || die "cannot install Odoo's requirements ($requirements) into $venv"
    say "installing Odoo $ODOO_SERIES from $tree (editable) into $venv"
    venv_pip --no-deps -e "$tree" \
        --config-settings editable_mode=compat \
        || die "cannot install the Odoo tree $tree into $venv"
    odoo_importable "$venv_py" || die "Odoo 18 still does not import from $venv_py after the installation"
}

ensure_odoo() {
    select_odoo_python && return 0
    say "Odoo 18 does not import from $ODOO_PY: installing Odoo $ODOO_SERIES Community into $(odoo_venv_dir)"
    install_odoo_venv
    select_odoo_python || die "Odoo 18 does not import from $(odoo_venv_dir)/bin/python"
    say "Odoo 18 ready in $(odoo_venv_dir)"
}
