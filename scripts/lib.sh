# shellcheck shell=bash
# Shared helpers for scripts/run.sh and scripts/test.sh. Source it; do not run it.
#
# What it does, in order of use:
#   herald_ensure_packages   install (apt) only what is missing; touches apt not at all
#                            when everything is already there
#   herald_ensure_browser    the same for Chromium and chromedriver (the browser tests)
#   herald_ensure_postgres   start the local PostgreSQL when 127.0.0.1:5432 does not answer
#   herald_ensure_redis      start a local Redis when 127.0.0.1:6379 does not answer
#   herald_resolve_pg        find a working way in: TCP as user postgres (trust auth), else
#                            the unix socket as the current user (peer auth; the role is
#                            created once with `createuser -s`)
#   herald_pg_url DB         a connection URL for database DB, in the form that works
#
# Knobs: HERALD_PG_HOST/HERALD_PG_PORT (127.0.0.1/5432), HERALD_REDIS_HOST/HERALD_REDIS_PORT
# (127.0.0.1/6379), HERALD_NO_APT=1 (never call apt; fail with the list of what is missing).

HERALD_PG_HOST="${HERALD_PG_HOST:-127.0.0.1}"
HERALD_PG_PORT="${HERALD_PG_PORT:-5432}"
HERALD_REDIS_HOST="${HERALD_REDIS_HOST:-127.0.0.1}"
HERALD_REDIS_PORT="${HERALD_REDIS_PORT:-6379}"

# Repository root (the parent of scripts/).
HERALD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

herald_log() { printf '==> %s\n' "$*" >&2; }
herald_warn() { printf 'warning: %s\n' "$*" >&2; }
herald_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Runs a command as root: directly when we are root, through sudo otherwise.
herald_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        herald_die "need root for: $* (not root and no sudo). Run it as root, or install sudo."
    fi
}

# Runs a command as the postgres OS user (Debian's PostgreSQL superuser, peer auth).
herald_as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -u postgres "$@"
    else
        herald_die "need to run as user postgres: $* (not root and no sudo)"
    fi
}

# True when something accepts TCP connections on host $1, port $2.
herald_port_open() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

herald_pkg_installed() {
    command -v dpkg-query >/dev/null 2>&1 &&
        dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Puts cargo on PATH for a shell that predates a fresh rustup install.
herald_ensure_cargo() {
    if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
    command -v cargo >/dev/null 2>&1 ||
        herald_die "cargo not found. Install Rust with rustup (https://rustup.rs), then open a new shell."
}

# Lists (one per line) the Debian packages that are missing. Server packages count as
# missing only when the service is not already answering on its port.
herald_missing_packages() {
    command -v cc >/dev/null 2>&1 || herald_pkg_installed build-essential || echo build-essential
    command -v pkg-config >/dev/null 2>&1 || echo pkg-config
    herald_pkg_installed libpq-dev || { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libpq; } || echo libpq-dev
    { command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1; } || echo postgresql-client
    command -v redis-cli >/dev/null 2>&1 || echo redis-tools
    if ! herald_port_open "$HERALD_PG_HOST" "$HERALD_PG_PORT"; then
        herald_pkg_installed postgresql || compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || echo postgresql
    fi
    if ! herald_port_open "$HERALD_REDIS_HOST" "$HERALD_REDIS_PORT"; then
        command -v redis-server >/dev/null 2>&1 || echo redis-server
    fi
}

herald_apt_install() {
    herald_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# Installs the Debian packages named in $1 (space-separated); nothing when $1 is empty.
# $2 says what they are for, in messages.
herald_apt_install_missing() {
    local missing="$1" purpose="$2"
    if [ -z "$missing" ]; then
        herald_log "$purpose: all present"
        return 0
    fi
    if [ "${HERALD_NO_APT:-0}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then
        herald_die "missing $purpose: $missing (install them, or their equivalents, and re-run)"
    fi
    herald_log "installing missing $purpose: $missing"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    {
        herald_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
            herald_apt_install $missing
    } || {
        herald_warn "apt-get install failed; repairing with 'apt-get -f install' and retrying once"
        herald_as_root env DEBIAN_FRONTEND=noninteractive apt-get -f install -y || true
        herald_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || true
        herald_apt_install $missing || herald_die "apt-get install $missing failed"
    }
}

# Installs whatever herald_missing_packages reports; does nothing (no apt) otherwise.
herald_ensure_packages() {
    local missing
    missing="$(herald_missing_packages | tr '\n' ' ')"
    herald_apt_install_missing "${missing% }" "system packages"
}

# Headless Chromium and its WebDriver for the browser tests (backend/tests/api/browser.rs).
# HERALD_CHROMIUM / HERALD_CHROMEDRIVER name other binaries; then nothing is installed.
herald_ensure_browser() {
    local missing=""
    if [ -z "${HERALD_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 &&
        ! command -v chromium-browser >/dev/null 2>&1; then
        missing="chromium"
    fi
    if [ -z "${HERALD_CHROMEDRIVER:-}" ] && ! command -v chromedriver >/dev/null 2>&1; then
        missing="${missing:+$missing }chromium-driver"
    fi
    herald_apt_install_missing "$missing" "browser packages (Chromium, chromedriver)"
}

herald_pg_ready() {
    pg_isready -q -h "$HERALD_PG_HOST" -p "$HERALD_PG_PORT" >/dev/null 2>&1
}

# Waits up to $2 seconds (default 30) for the check command $1 to succeed.
herald_wait_for() {
    local check="$1" limit="${2:-30}" i
    for ((i = 0; i < limit; i++)); do
        "$check" && return 0
        sleep 1
    done
    "$check"
}

herald_ensure_postgres() {
    if herald_pg_ready; then
        herald_log "PostgreSQL: accepting connections on $HERALD_PG_HOST:$HERALD_PG_PORT"
        return 0
    fi
    herald_log "PostgreSQL: not answering on $HERALD_PG_HOST:$HERALD_PG_PORT, starting it"
    local version=""
    if [ -d /etc/postgresql ]; then
        version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1)"
    fi
    if [ -z "$version" ] && command -v pg_createcluster >/dev/null 2>&1; then
        # The server package is there but no cluster exists (e.g. it was dropped).
        version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1)"
        [ -n "$version" ] || herald_die "PostgreSQL server binaries not found under /usr/lib/postgresql"
        herald_log "PostgreSQL: creating cluster $version/main"
        herald_as_root pg_createcluster "$version" main
    fi
    if [ -n "$version" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
        herald_as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
            herald_as_root service postgresql start ||
            true
    else
        herald_as_root service postgresql start || true
    fi
    herald_wait_for herald_pg_ready 30 ||
        herald_die "PostgreSQL did not start on $HERALD_PG_HOST:$HERALD_PG_PORT (see /var/log/postgresql/)"
    herald_log "PostgreSQL: started"
}

herald_redis_ready() {
    [ "$(redis-cli -h "$HERALD_REDIS_HOST" -p "$HERALD_REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

herald_ensure_redis() {
    if herald_redis_ready; then
        herald_log "Redis: answering on $HERALD_REDIS_HOST:$HERALD_REDIS_PORT"
        return 0
    fi
    herald_log "Redis: not answering on $HERALD_REDIS_HOST:$HERALD_REDIS_PORT, starting it"
    # Nothing is persisted: it is a cache.
    redis-server --daemonize yes --bind "$HERALD_REDIS_HOST" --port "$HERALD_REDIS_PORT" \
        --save "" --appendonly no --dir "${TMPDIR:-/tmp}" ||
        herald_die "redis-server failed to start"
    herald_wait_for herald_redis_ready 15 ||
        herald_die "Redis did not start on $HERALD_REDIS_HOST:$HERALD_REDIS_PORT"
    herald_log "Redis: started"
}

# Steps 1-2 of both scripts: packages, then services.
herald_ensure_services() {
    herald_ensure_packages
    herald_ensure_postgres
    herald_ensure_redis
}

# True when psql can run a query with the given connection URL (never prompts).
herald_pg_try() {
    PGCONNECT_TIMEOUT=5 psql -w -X -q -At -d "$1" -c 'select 1' >/dev/null 2>&1
}

# The directory of PostgreSQL's unix socket.
herald_pg_socket_dir() {
    local dir
    for dir in /var/run/postgresql /run/postgresql /tmp; do
        if [ -S "$dir/.s.PGSQL.$HERALD_PG_PORT" ]; then
            echo "$dir"
            return 0
        fi
    done
    echo /var/run/postgresql
}

# Decides how to connect and sets HERALD_PG_PREFIX / HERALD_PG_SUFFIX, so that
# "$HERALD_PG_PREFIX/DB$HERALD_PG_SUFFIX" is a URL for database DB:
#   postgres://postgres@127.0.0.1:5432/DB           (trust auth, as on CI)
#   postgres:///DB?host=/var/run/postgresql         (peer auth as the current user)
herald_resolve_pg() {
    local tcp="postgres://postgres@$HERALD_PG_HOST:$HERALD_PG_PORT"
    if herald_pg_try "$tcp/postgres"; then
        HERALD_PG_PREFIX="$tcp"
        HERALD_PG_SUFFIX=""
        return 0
    fi
    local socket_dir user
    socket_dir="$(herald_pg_socket_dir)"
    # libpq logs in as $PGUSER when set, else as the OS user.
    user="${PGUSER:-$(id -un)}"
    HERALD_PG_PREFIX="postgres://"
    HERALD_PG_SUFFIX="?host=$socket_dir"
    if [ "$HERALD_PG_PORT" != 5432 ]; then
        HERALD_PG_SUFFIX="$HERALD_PG_SUFFIX&port=$HERALD_PG_PORT"
    fi
    if herald_pg_try "$(herald_pg_url postgres)"; then
        return 0
    fi
    herald_log "PostgreSQL: TCP login as 'postgres' refused; creating superuser role '$user' for socket (peer) login"
    herald_as_postgres createuser -U postgres -h "$socket_dir" -p "$HERALD_PG_PORT" -s "$user" ||
        herald_warn "createuser -s $user failed (the role may already exist)"
    herald_pg_try "$(herald_pg_url postgres)" ||
        herald_die "cannot connect to PostgreSQL, neither as postgres@$HERALD_PG_HOST:$HERALD_PG_PORT nor as '$user' over $socket_dir"
}

herald_pg_url() {
    printf '%s/%s%s\n' "$HERALD_PG_PREFIX" "$1" "$HERALD_PG_SUFFIX"
}

# Creates database $1 unless it exists (needs herald_resolve_pg first).
herald_ensure_database() {
    local name="$1" admin exists
    admin="$(herald_pg_url postgres)"
    exists="$(psql -w -X -q -At -d "$admin" -c "select 1 from pg_database where datname = '$name'")" ||
        herald_die "cannot query PostgreSQL at $admin"
    if [ "$exists" = 1 ]; then
        herald_log "database '$name': exists"
    else
        herald_log "database '$name': creating"
        psql -w -X -q -d "$admin" -c "create database \"$name\"" >/dev/null ||
            herald_die "could not create database '$name'"
    fi
}

# Sets KEY=VALUE in a dotenv file: replaces the first line that sets it or comments it
# out ("KEY=..." or "# KEY=..."), or appends one.
herald_dotenv_set() {
    local file="$1" key="$2" value="$3" tmp
    tmp="$(mktemp "$file.XXXXXX")"
    KEY="$key" VALUE="$value" awk '
        BEGIN { key = ENVIRON["KEY"]; line = key "=" ENVIRON["VALUE"]; done = 0 }
        !done && $0 ~ ("^#? *" key "=") { print line; done = 1; next }
        { print }
        END { if (!done) print line }
    ' "$file" >"$tmp"
    mv "$tmp" "$file"
}

# A value for KEY: the environment first, then .env in the repository root, then $2.
herald_config_value() {
    local key="$1" default="$2" value
    if [ -n "${!key:-}" ]; then
        printf '%s\n' "${!key}"
        return 0
    fi
    if [ -f "$HERALD_ROOT/.env" ]; then
        value="$(sed -n "s/^$key=//p" "$HERALD_ROOT/.env" | tail -1)"
        value="${value%\"}"
        value="${value#\"}"
        if [ -n "$value" ]; then
            printf '%s\n' "$value"
            return 0
        fi
    fi
    printf '%s\n' "$default"
}

herald_random_secret() {
    if command -v openssl >/dev/null 2>&1; then
        openssl rand -hex 32
    else
        od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
        echo
    fi
}

# Adds the wasm32 target and the fmt/clippy components when rustup is there and they are not.
herald_ensure_rust_tools() {
    command -v rustup >/dev/null 2>&1 || {
        herald_warn "rustup not found; assuming rustfmt, clippy and the wasm32-unknown-unknown target are installed"
        return 0
    }
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        herald_log "adding Rust target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
    cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
    cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}
