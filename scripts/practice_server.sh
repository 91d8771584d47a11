#!/usr/bin/env bash
# A local PostgreSQL practice server for trying issue 20's sync and for the tests
# (docs/PRACTICE-SERVER.md). Not a production install: one cluster under the project's
# ignored folder, 127.0.0.1 only, TLS with a self-signed certificate, hostssl + SCRAM only.
#
#   scripts/practice_server.sh start   start (initialising on first use), print the DSN
#   scripts/practice_server.sh stop    stop it (the data stays for the next start)
#   scripts/practice_server.sh dsn     print the DSN of the running server
#
# KAPNOTES_PRACTICE_DIR picks the folder (default: .practice-server in the repository);
# KAPNOTES_PG_BINDIR the PostgreSQL bin folder (default: pg_config's, else the newest
# /usr/lib/postgresql/*/bin).
# The DSN names a passfile instead of carrying the password, so it can be printed and logged.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${KAPNOTES_PRACTICE_DIR:-$ROOT/.practice-server}"
DATA="$DIR/data"
ADMIN=kapadmin
DBNAME=kapnotes_practice

die() { echo "practice-server: $*" >&2; exit 1; }

find_bin() {
    local bin="${KAPNOTES_PG_BINDIR:-}"
    if [ -n "$bin" ]; then
        : # an explicit choice (a PostgreSQL from elsewhere, or a test of the message below)
    elif command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        bin="$(pg_config --bindir)"
    fi
    if [ -z "$bin" ]; then
        bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    fi
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then
        die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with: sudo apt-get install postgresql"
    fi
    echo "$bin"
}

# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
as_server() {
    if [ "$(id -u)" = "0" ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (created by apt-get install postgresql)"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

dsn() {
    local port
    port="$(cat "$DIR/port")"
    echo "host=127.0.0.1 port=$port dbname=$DBNAME user=$ADMIN passfile=$DIR/pgpass sslmode=verify-full sslrootcert=$DIR/server.crt"
}

init_cluster() {
    local bin="$1" pw
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    # A random superuser password, kept only in the passfile (mode 600) and initdb's input.
    pw="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
    umask 077
    printf '%s\n' "$pw" > "$DIR/pwfile"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$DIR/server.key" -out "$DIR/server.crt" >/dev/null 2>&1 \
        || die "openssl could not make the TLS certificate"
    chmod 644 "$DIR/server.crt"
    mkdir -p "$DATA" "$DIR/run"
    if [ "$(id -u)" = "0" ]; then
        chmod 711 "$DIR"  # the postgres user only traverses it into its own files
        chown postgres:postgres "$DATA" "$DIR/run" "$DIR/server.key" "$DIR/pwfile"
    fi
    as_server "$bin/initdb" -D "$DATA" -U "$ADMIN" --pwfile="$DIR/pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$DIR/pwfile"
    printf '127.0.0.1:*:*:%s:%s\n' "$ADMIN" "$pw" > "$DIR/pgpass"
    chmod 600 "$DIR/pgpass"
    # TLS only, SCRAM only, loopback only; no Unix-socket logins at all.
    cat > "$DIR/pg_hba.conf" <<HBA
# KAP Notes practice server (scripts/practice_server.sh): TLS + SCRAM on loopback only.
hostssl all all 127.0.0.1/32 scram-sha-256
HBA
    as_server tee "$DATA/pg_hba.conf" < "$DIR/pg_hba.conf" >/dev/null
    cat > "$DIR/kapnotes.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR/run'
ssl = on
ssl_cert_file = '$DIR/server.crt'
ssl_key_file = '$DIR/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
log_statement = 'none'
CONF
    as_server tee -a "$DATA/postgresql.conf" < "$DIR/kapnotes.conf" >/dev/null
}

running() {
    local bin="$1"
    [ -f "$DATA/PG_VERSION" ] && as_server "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
    local bin port
    bin="$(find_bin)"
    command -v openssl >/dev/null 2>&1 || die "openssl not found. Install it with: sudo apt-get install openssl"
    if running "$bin"; then dsn; return 0; fi
    [ -f "$DATA/PG_VERSION" ] || init_cluster "$bin"
    port="$(free_port)"
    echo "$port" > "$DIR/port"
    touch "$DIR/server.log"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$DIR/server.log"
    as_server "$bin/pg_ctl" -D "$DATA" -l "$DIR/server.log" -o "-p $port" -w -t 60 start >/dev/null \
        || { tail -n 20 "$DIR/server.log" >&2; die "the server did not start (log: $DIR/server.log)"; }
    # The practice database, once.
    PGPASSFILE="$DIR/pgpass" "$bin/psql" -q -X -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$port dbname=postgres user=$ADMIN sslmode=verify-full sslrootcert=$DIR/server.crt" \
        -tAc "SELECT 1 FROM pg_database WHERE datname = '$DBNAME'" | grep -q 1 \
        || PGPASSFILE="$DIR/pgpass" "$bin/psql" -q -X -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$port dbname=postgres user=$ADMIN sslmode=verify-full sslrootcert=$DIR/server.crt" \
        -c "CREATE DATABASE $DBNAME" >/dev/null
    dsn
}

stop() {
    local bin
    bin="$(find_bin)"
    if running "$bin"; then
        as_server "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "practice-server: stopped"
    else
        echo "practice-server: not running"
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    dsn) bin="$(find_bin)"; running "$bin" || die "not running (make practice-server)"; dsn ;;
    *) die "usage: $0 start|stop|dsn" ;;
esac
