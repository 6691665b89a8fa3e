#!/usr/bin/env bash
# Installs, starts and provisions the PostgreSQL and MariaDB servers the tests
# (and benchmarks) run against. Debian 12, as root; idempotent, needs no stdin.
#
#   bash scripts/services.sh             # set up; prints `export ...` lines
#   eval "$(bash scripts/services.sh)"   # set up and export into this shell
#   source scripts/services.sh           # same, from another script
#
# Exported variables:
#   INVECT_TEST_PG_URL          invect (CREATEDB, owns the db) on db invect_test
#   INVECT_TEST_PG_ADMIN_URL    invect on the `postgres` maintenance db, for
#                               CREATE/DROP DATABASE of throwaway databases
#   INVECT_TEST_PG_RO_URL       invect_ro (LOGIN only; tests GRANT what it needs)
#   INVECT_TEST_MYSQL_URL       invect (ALL ON *.* WITH GRANT OPTION) on invect_test
#   INVECT_TEST_MYSQL_ADMIN_URL invect with no default database
#   INVECT_TEST_MYSQL_RO_URL    'invect_ro'@'%' (no privileges after each run)
#   INVECT_TEST_PG_CA_FILE      the CA file that verifies PostgreSQL's certificate
#                               (Debian's self-signed snakeoil, issued to
#                               `localhost`; ours when the cluster had no TLS)
#   INVECT_TEST_CA_FILE         the test CA of $TLS_DIR, which signed MariaDB's
#                               certificate (for `localhost` and 127.0.0.1)
# All connect over TCP to 127.0.0.1 (PostgreSQL 5432, MariaDB 3306) with
# password auth; the password equals the user name. Both servers accept TLS
# and plain connections alike.
#
# Knobs: INVECT_SERVICES_TIMEOUT (seconds to wait for a server, default 60),
# INVECT_APT_WAIT (seconds to wait for another apt/dpkg, default 900).

export INVECT_TEST_PG_URL=postgres://invect:invect@127.0.0.1:5432/invect_test
export INVECT_TEST_PG_ADMIN_URL=postgres://invect:invect@127.0.0.1:5432/postgres
export INVECT_TEST_PG_RO_URL=postgres://invect_ro:invect_ro@127.0.0.1:5432/invect_test
export INVECT_TEST_MYSQL_URL=mysql://invect:invect@127.0.0.1:3306/invect_test
export INVECT_TEST_MYSQL_ADMIN_URL=mysql://invect:invect@127.0.0.1:3306
export INVECT_TEST_MYSQL_RO_URL=mysql://invect_ro:invect_ro@127.0.0.1:3306/invect_test
TLS_DIR=/etc/invect-test-tls
export INVECT_TEST_CA_FILE=$TLS_DIR/ca.pem
# Sets INVECT_TEST_PG_CA_FILE from the cluster's config (call it once that exists).
pg_ca_file() {
    local snakeoil=/etc/ssl/certs/ssl-cert-snakeoil.pem
    if grep -Eqs "^ssl_cert_file\s*=\s*'$snakeoil'" /etc/postgresql/15/main/postgresql.conf; then
        export INVECT_TEST_PG_CA_FILE=$snakeoil
    else
        export INVECT_TEST_PG_CA_FILE=$INVECT_TEST_CA_FILE
    fi
}

# Sourced: do the work in a child bash (its own strict mode, unaffected by the
# caller's `set -e` context), keep the exports above, and stop here.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    bash "${BASH_SOURCE[0]}" >/dev/null || return
    pg_ca_file
    return 0
fi

set -euo pipefail

PG_VERSION=15
PG_PORT=5432
TIMEOUT=${INVECT_SERVICES_TIMEOUT:-60}
APT_WAIT=${INVECT_APT_WAIT:-900}
# Output of the daemon-starting commands. Kept out of our stdout: the MariaDB
# init script leaves a `logger` process holding it, which would hang a pipe.
LOG=${TMPDIR:-/tmp}/invect-services.log

log() { echo "services: $*" >&2; }
die() {
    echo "services: error: $*" >&2
    exit 1
}

# --- packages ---------------------------------------------------------------

installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# True while apt, apt-get, dpkg or unattended-upgrades runs (no procps needed).
apt_busy() {
    local comm
    for comm in /proc/[0-9]*/comm; do
        case "$(cat "$comm" 2>/dev/null)" in
            apt | apt-get | dpkg | unattended-upgr) return 0 ;;
        esac
    done
    return 1
}

wait_for_apt() {
    local deadline=$((SECONDS + APT_WAIT))
    if apt_busy; then log "waiting for another apt/dpkg run to finish"; fi
    while apt_busy; do
        ((SECONDS < deadline)) || {
            log "apt/dpkg still busy after ${APT_WAIT}s; trying anyway"
            return 0
        }
        sleep 2
    done
}

install_packages() {
    local missing=() pkg
    for pkg in postgresql mariadb-server sqlite3 openssl; do
        installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]} > 0)) || return 0
    [[ $EUID -eq 0 ]] || die "packages missing (${missing[*]}); run as root"

    wait_for_apt
    # Another apt may still grab the locks: install waits for dpkg's lock by
    # itself (Lock::Timeout), but `apt-get update` fails at once on the lists
    # lock, hence the retries.
    local apt=(apt-get -q -o DPkg::Lock::Timeout=300)
    local deadline=$((SECONDS + 300))
    until "${apt[@]}" update </dev/null >&2; do
        ((SECONDS < deadline)) || die "apt-get update kept failing for 300s"
        log "apt-get update failed; retrying in 10s"
        sleep 10
    done
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends \
        "${missing[@]}" </dev/null >&2 || die "apt-get install ${missing[*]} failed"
}

# --- helpers ----------------------------------------------------------------

# wait_until <what> <logfile> <command...>: retry for $TIMEOUT seconds.
wait_until() {
    local what=$1 logfile=$2 deadline=$((SECONDS + TIMEOUT))
    shift 2
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            tail -n 20 "$logfile" >&2 2>/dev/null || true
            die "$what not ready after ${TIMEOUT}s (see $logfile)"
        fi
        sleep 1
    done
}

# Run SQL from stdin as the postgres superuser (peer auth on the socket).
pg_admin() {
    (cd / && su postgres -c "psql -X -q -v ON_ERROR_STOP=1 -d postgres") >&2
}

# --- TLS certificates -------------------------------------------------------

# A test CA and a server certificate it signed, for `localhost` and
# 127.0.0.1, made once with openssl (kept while valid for another 30 days).
make_certificates() {
    local dir=$TLS_DIR
    if [[ -f $dir/server.pem ]] &&
        openssl x509 -checkend $((30 * 86400)) -noout -in "$dir/server.pem" >/dev/null 2>&1 &&
        openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1; then
        return 0
    fi
    command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
    log "making a test CA and server certificate in $dir"
    install -d -m 755 "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Invect test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" >>"$LOG" 2>&1 || die "openssl: CA failed (see $LOG)"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >>"$LOG" 2>&1 ||
        die "openssl: server key failed (see $LOG)"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -days 3650 -extfile "$dir/server.ext" -out "$dir/server.pem" >>"$LOG" 2>&1 ||
        die "openssl: signing the server certificate failed (see $LOG)"
    chmod 600 "$dir/ca.key" "$dir/server.key"
    chmod 644 "$dir/ca.pem" "$dir/server.pem"
}

# --- PostgreSQL -------------------------------------------------------------

start_postgres() {
    local conf=/etc/postgresql/$PG_VERSION/main
    local pglog=/var/log/postgresql/postgresql-$PG_VERSION-main.log
    if [[ ! -f $conf/postgresql.conf ]]; then
        log "creating PostgreSQL $PG_VERSION cluster main"
        pg_createcluster --port "$PG_PORT" "$PG_VERSION" main >>"$LOG" 2>&1 ||
            die "pg_createcluster failed (see $LOG)"
    fi
    local port
    port=$(pg_conftool -s "$PG_VERSION" main show port 2>/dev/null || echo "$PG_PORT")
    [[ $port == "$PG_PORT" ]] ||
        die "cluster $PG_VERSION/main is configured for port $port, expected $PG_PORT"

    # Password (scram/md5) auth for TCP connections from 127.0.0.1. Debian's
    # default pg_hba.conf has it; add it in front if someone removed it.
    if ! grep -Eq '^host\s+all\s+all\s+127\.0\.0\.1/32\s+(scram-sha-256|md5)' "$conf/pg_hba.conf"; then
        log "adding a 127.0.0.1 password rule to $conf/pg_hba.conf"
        sed -i '1i host all all 127.0.0.1/32 scram-sha-256 # added by invect scripts/services.sh' \
            "$conf/pg_hba.conf"
        pg_ctlcluster "$PG_VERSION" main reload >>"$LOG" 2>&1 || true
    fi

    # TLS: Debian turns it on with the snakeoil certificate when ssl-cert is
    # installed; without it, use the test CA's server certificate.
    if ! grep -Eq '^ssl\s*=\s*on' "$conf/postgresql.conf"; then
        log "turning on TLS for PostgreSQL with $TLS_DIR/server.pem"
        install -m 600 -o postgres -g postgres "$TLS_DIR/server.key" "$conf/invect-server.key"
        install -m 644 -o postgres -g postgres "$TLS_DIR/server.pem" "$conf/invect-server.pem"
        pg_conftool "$PG_VERSION" main set ssl_cert_file "$conf/invect-server.pem"
        pg_conftool "$PG_VERSION" main set ssl_key_file "$conf/invect-server.key"
        pg_conftool "$PG_VERSION" main set ssl on
        pg_ctlcluster "$PG_VERSION" main reload >>"$LOG" 2>&1 || true
    fi

    # `status` exits 0 only when running. pg_ctlcluster drops root itself.
    if ! pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
        log "starting PostgreSQL $PG_VERSION"
        pg_ctlcluster "$PG_VERSION" main start </dev/null >>"$LOG" 2>&1 ||
            die "pg_ctlcluster $PG_VERSION main start failed (see $LOG and $pglog)"
    fi
    wait_until "PostgreSQL on 127.0.0.1:$PG_PORT" "$pglog" \
        pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
}

provision_postgres() {
    pg_admin <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'invect') THEN
        CREATE ROLE invect;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'invect_ro') THEN
        CREATE ROLE invect_ro;
    END IF;
END
$$;
ALTER ROLE invect LOGIN CREATEDB NOSUPERUSER PASSWORD 'invect';
ALTER ROLE invect_ro LOGIN NOCREATEDB NOCREATEROLE NOSUPERUSER PASSWORD 'invect_ro';
SELECT 'CREATE DATABASE invect_test OWNER invect'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'invect_test')\gexec
ALTER DATABASE invect_test OWNER TO invect;
SQL
    PGCONNECT_TIMEOUT=5 psql -X -q -tA "$INVECT_TEST_PG_URL" -c 'select 1' >/dev/null ||
        die "cannot log in to PostgreSQL as invect over 127.0.0.1 (check pg_hba.conf)"
}

# --- MariaDB ----------------------------------------------------------------

# Root over the unix socket (unix_socket auth, Debian's default for root).
mysql_alive() { mysqladmin --protocol=socket ping >/dev/null 2>&1; }

MARIADB_TLS_CNF=/etc/mysql/mariadb.conf.d/60-invect-tls.cnf

# The server certificate of $TLS_DIR for MariaDB (a copy of the key the
# mysql user can read); the server is restarted when that config is new.
configure_mariadb_tls() {
    local dir=/etc/mysql/invect-tls
    install -d -m 750 -o mysql -g mysql "$dir"
    # A new certificate is read only when the server starts.
    cmp -s "$TLS_DIR/server.pem" "$dir/server.pem" || MARIADB_RESTART=1
    install -m 600 -o mysql -g mysql "$TLS_DIR/server.key" "$dir/server.key"
    install -m 644 "$TLS_DIR/server.pem" "$dir/server.pem"
    install -m 644 "$TLS_DIR/ca.pem" "$dir/ca.pem"
    local want
    want=$(printf '%s\n' "# Written by invect scripts/services.sh: TLS for the tests." "[mariadbd]" \
        "ssl_cert = $dir/server.pem" "ssl_key = $dir/server.key" "ssl_ca = $dir/ca.pem")
    if [[ "$(cat "$MARIADB_TLS_CNF" 2>/dev/null)" != "$want" ]]; then
        log "configuring TLS for MariaDB in $MARIADB_TLS_CNF"
        printf '%s\n' "$want" >"$MARIADB_TLS_CNF"
        MARIADB_RESTART=1
    fi
}

# Whether the running MariaDB has TLS on (have_ssl = YES).
mariadb_has_tls() {
    [[ "$(mysql --protocol=socket -N -B -e "SELECT @@have_ssl" 2>/dev/null)" == YES ]]
}

start_mariadb() {
    if mysql_alive && [[ -z ${MARIADB_RESTART:-} ]] && mariadb_has_tls; then return 0; fi
    if mysql_alive; then
        log "restarting MariaDB for TLS"
        service mariadb stop </dev/null >>"$LOG" 2>&1 ||
            mysqladmin --protocol=socket shutdown >>"$LOG" 2>&1 || true
        local deadline=$((SECONDS + TIMEOUT))
        while mysql_alive && ((SECONDS < deadline)); do sleep 1; done
    fi
    log "starting MariaDB"
    if ! service mariadb start </dev/null >>"$LOG" 2>&1; then
        log "service mariadb start failed; falling back to mysqld_safe"
        install -d -m 755 -o mysql -g root /run/mysqld
        setsid mysqld_safe </dev/null >>"$LOG" 2>&1 &
    fi
    # Debian's MariaDB logs to syslog; the init script copies a failed
    # start's error log into its output, i.e. into $LOG.
    wait_until "MariaDB (unix socket)" "$LOG" mysql_alive
    mariadb_has_tls || die "MariaDB started without TLS (check $MARIADB_TLS_CNF and $LOG)"
}

provision_mariadb() {
    mysql --protocol=socket >&2 <<'SQL'
CREATE USER IF NOT EXISTS 'invect'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'invect'@'localhost';
ALTER USER 'invect'@'127.0.0.1' IDENTIFIED BY 'invect';
ALTER USER 'invect'@'localhost' IDENTIFIED BY 'invect';
GRANT ALL PRIVILEGES ON *.* TO 'invect'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'invect'@'localhost' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'invect_ro'@'%';
ALTER USER 'invect_ro'@'%' IDENTIFIED BY 'invect_ro';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'invect_ro'@'%';
CREATE DATABASE IF NOT EXISTS invect_test;
SQL
    wait_until "MariaDB on 127.0.0.1:3306" "$LOG" \
        mysql --protocol=tcp -h127.0.0.1 -P3306 -uinvect -pinvect -e 'select 1'
}

# --- main -------------------------------------------------------------------

install_packages
: >"$LOG"
make_certificates
start_postgres
provision_postgres
configure_mariadb_tls
start_mariadb
provision_mariadb
log "PostgreSQL and MariaDB ready"
pg_ca_file

# For `eval "$(bash scripts/services.sh)"`.
for var in INVECT_TEST_PG_URL INVECT_TEST_PG_ADMIN_URL INVECT_TEST_PG_RO_URL \
    INVECT_TEST_MYSQL_URL INVECT_TEST_MYSQL_ADMIN_URL INVECT_TEST_MYSQL_RO_URL \
    INVECT_TEST_PG_CA_FILE INVECT_TEST_CA_FILE; do
    printf 'export %s=%q\n' "$var" "${!var}"
done
