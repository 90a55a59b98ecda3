# PostgreSQL for the run and test commands (sourced, not run).
# shellcheck shell=bash
#
# With any of PGHOST/PGPORT/PGUSER set, that server is used as given.
# Otherwise a disposable cluster owned by the project is started in the cache
# folder: Debian's initdb/pg_ctl, Unix socket only, trust authentication,
# superuser role "odoo". As root, the cluster runs as the "postgres" system
# user (initdb refuses root) and Debian's postgresql is installed if missing.

pg_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { printf '%s\n' "$dir"; return 0; }
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

pg_as_owner() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_ensure() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        [ "${PGUSER:-}" != "postgres" ] || die "Odoo refuses the database role 'postgres': set PGUSER to another role"
        say "PostgreSQL: using the server of the PG* variables (${PGHOST:-localhost}:${PGPORT:-5432})"
        return 0
    fi
    local bindir
    if ! bindir="$(pg_bindir)"; then
        if apt_install postgresql; then
            bindir="$(pg_bindir)" || die "PostgreSQL binaries still missing after installing postgresql"
        else
            die "PostgreSQL binaries (initdb, pg_ctl) not found: install Debian's 'postgresql' package (apt-get install postgresql) or set PGHOST/PGPORT/PGUSER to a server"
        fi
    fi
    local root data port
    root="$(ka_cache_dir)/pg"
    data="$root/data"
    port="${KA_PG_PORT:-54329}"
    mkdir -p "$root"
    if is_root; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir "$root" postgres
        chown postgres "$root"
    fi
    if [ ! -s "$data/PG_VERSION" ]; then
        say "PostgreSQL: creating a disposable cluster in $data"
        pg_as_owner "$bindir/initdb" -D "$data" -U odoo -A trust -E UTF8 --no-sync >/dev/null \
            || die "initdb failed"
    fi
    if ! pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$root/server.log" -w start \
            -o "-k $root -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null || die "PostgreSQL did not start: see $root/server.log"
    fi
    export PGHOST="$root" PGPORT="$port" PGUSER="odoo"
    say "PostgreSQL: disposable cluster on socket $root, port $port"
}

odoo_db_args() {
    local args=(--db_host="${PGHOST:-localhost}" --db_port="${PGPORT:-5432}")
    [ -n "${PGUSER:-}" ] && args+=(--db_user="$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && args+=(--db_password="$PGPASSWORD")
    printf '%s\n' "${args[@]}"
}

pg_dropdb() {
    "$(pg_bindir 2>/dev/null || dirname "$(command -v dropdb)")/dropdb" --if-exists "$1" >/dev/null 2>&1 \
        || dropdb --if-exists "$1" >/dev/null 2>&1 || true
}
