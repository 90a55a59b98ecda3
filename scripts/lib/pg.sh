# PostgreSQL for the run and test commands (sourced after common.sh, not run).
# shellcheck shell=bash
#
# With any of PGHOST, PGPORT, PGUSER or PGPASSWORD set, that server is used as
# given. Otherwise pg_ensure starts (or reuses) a disposable cluster owned by
# the project in "$(key_account_cache_dir)/pg": Debian's initdb and pg_ctl,
# a Unix socket in that folder and no TCP listener, trust authentication,
# superuser role "odoo" (Odoo refuses the role "postgres"). initdb refuses to
# run as root, so as root the cluster belongs to the "postgres" system user.
#   KEY_ACCOUNT_PG_PORT   port number of the disposable cluster (default 54329)

PG_DISPOSABLE=""

pg_bindir() {
    # pg_bindir [MAJOR]: folder with initdb and pg_ctl, Debian's first.
    local want="${1:-}" dir
    if [ -n "$want" ]; then
        dir="/usr/lib/postgresql/$want/bin"
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { printf '%s\n' "$dir"; return 0; }
    fi
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { printf '%s\n' "$dir"; return 0; }
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

pg_owner() {
    # The system user owning the disposable cluster.
    if is_root; then
        printf '%s\n' postgres
    else
        id -un
    fi
}

pg_as_owner() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_find_or_install_bindir() {
    local want="${1:-}" bindir
    if bindir="$(pg_bindir "$want")"; then
        printf '%s\n' "$bindir"
        return 0
    fi
    if is_root; then
        apt_install postgresql >&2 || die "cannot install Debian's postgresql package"
        bindir="$(pg_bindir "$want")" || die "PostgreSQL binaries still missing after installing postgresql"
        printf '%s\n' "$bindir"
        return 0
    fi
    die "PostgreSQL binaries (initdb, pg_ctl) not found. Install them, e.g. 'sudo apt-get install postgresql' on Debian/Ubuntu, or set PGHOST/PGPORT/PGUSER/PGPASSWORD to a server whose role may create databases (not 'postgres')"
}

pg_init_cluster() {
    # pg_init_cluster BINDIR FOLDER: initdb and settings of a disposable cluster.
    local bindir="$1" folder="$2"
    say "PostgreSQL: creating a disposable cluster in $folder/data"
    pg_as_owner "$bindir/initdb" -D "$folder/data" -U odoo -A trust -E UTF8 --locale=C \
        --no-sync >"$folder/initdb.log" 2>&1 || {
        cat "$folder/initdb.log" >&2
        die "initdb failed"
    }
    pg_as_owner tee -a "$folder/data/postgresql.conf" >/dev/null <<EOF

# disposable cluster of the key_account run and test commands
listen_addresses = ''
unix_socket_directories = '$folder'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

pg_ensure() {
    [ -z "$PG_DISPOSABLE" ] || return 0 # already started by this shell
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}${PGPASSWORD:-}" ]; then
        [ "${PGUSER:-}" != "postgres" ] \
            || die "Odoo refuses the database role 'postgres': set PGUSER to another role"
        say "PostgreSQL: the server of the PG* variables (${PGHOST:-default socket}, port ${PGPORT:-5432})"
        return 0
    fi
    local folder data version bindir port
    folder="$(key_account_cache_dir)/pg"
    data="$folder/data"
    port="${KEY_ACCOUNT_PG_PORT:-54329}"
    mkdir -p "$folder"
    if is_root; then
        id postgres >/dev/null 2>&1 || pg_find_or_install_bindir >/dev/null
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
        chown postgres: "$folder"
    fi
    chmod 700 "$folder"
    version="$(cat "$data/PG_VERSION" 2>/dev/null || true)"
    bindir="$(pg_find_or_install_bindir "$version")"
    if [ -n "$version" ] && [ "$("$bindir/pg_ctl" --version | grep -Eo '[0-9]+' | head -1)" != "$version" ]; then
        die "the cluster in $data is PostgreSQL $version, whose binaries are gone: remove $folder to start afresh"
    fi
    [ -n "$version" ] || pg_init_cluster "$bindir" "$folder"
    if ! pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$folder/server.log" -w \
            -o "-p $port -k '$folder' -c listen_addresses=''" start >/dev/null \
            || die "PostgreSQL did not start: see $folder/server.log"
    fi
    # A cluster already running keeps the port it was started with.
    port="$(sed -n 4p "$data/postmaster.pid")"
    export PGHOST="$folder" PGPORT="$port" PGUSER="odoo"
    unset PGPASSWORD PGDATABASE
    PG_DISPOSABLE=1
    say "PostgreSQL: disposable cluster $data (socket $folder, port $port, role odoo)"
}

odoo_db_args() {
    # Odoo's database options for the server pg_ensure chose, one a line.
    local args=(--db_host="${PGHOST:-}" --db_port="${PGPORT:-5432}")
    [ -n "${PGHOST:-}" ] || args=(--db_port="${PGPORT:-5432}")
    [ -n "${PGUSER:-}" ] && args+=(--db_user="$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && args+=(--db_password="$PGPASSWORD")
    printf '%s\n' "${args[@]}"
}

pg_admin() {
    # pg_admin exists|drop|list-like NAME: database administration through
    # psycopg2 of the Odoo interpreter (libpq reads the PG* variables), so
    # no PostgreSQL client binaries are needed.
    "$ODOO_PY" - "$@" <<'PY'
import sys

import psycopg2
from psycopg2 import sql

action, name = sys.argv[1], sys.argv[2]
try:
    conn = psycopg2.connect(dbname="postgres")
except psycopg2.OperationalError:
    conn = psycopg2.connect(dbname="template1")
conn.autocommit = True
cur = conn.cursor()
if action == "exists":
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
    sys.exit(0 if cur.fetchone() else 1)
elif action == "drop":
    if conn.server_version < 130000:  # no DROP DATABASE ... WITH (FORCE)
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        )
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    else:
        cur.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
elif action == "list-like":
    cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (name,))
    for (datname,) in cur.fetchall():
        print(datname)
PY
}

pg_db_exists() { pg_admin exists "$1"; }

pg_dropdb() {
    pg_admin drop "$1" || warn "could not drop database $1"
}

pg_drop_stale_test_dbs() {
    # Test databases left by killed runs: key_account_test_<pid> of a
    # process that is gone. Only in the disposable cluster, which no other
    # machine shares.
    [ -n "$PG_DISPOSABLE" ] || return 0
    local db pid
    for db in $(pg_admin list-like 'key\_account\_test\_%' 2>/dev/null); do
        pid="${db##*_}"
        [[ "$pid" =~ ^[0-9]+$ ]] || continue
        kill -0 "$pid" 2>/dev/null && continue
        say "dropping stale test database $db"
        pg_dropdb "$db"
    done
}
