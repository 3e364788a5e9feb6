#!/usr/bin/env bash
# A burst of parallel sign-ins against a real `herald serve`: does bounded password
# hashing keep the process's memory flat, and does every answer stay a 401 or a 429?
#
# Starts `herald serve` (fresh database, console mail, TRUST_FORWARDED_FOR=true), fires
# N parallel POST /auth/login from N different client IPs (X-Forwarded-For), half with a
# wrong password for a real account and half for unknown emails (both cost one argon2
# check), samples /proc/PID/status while the burst runs and prints RSS before, peak RSS
# (VmHWM) and the status counts. Fails when the peak reaches the limit or any answer is
# something other than 401/429.
#
# With --baseline it first runs the same burst against a server whose hashing bound is
# as wide as the burst (PASSWORD_HASH_CONCURRENCY=N: every request hashes at once, as
# before the bound existed) and prints the bounded peak as a ratio of that baseline.
#
#   scripts/login-burst.sh [--requests 200] [--limit-mb 300] [--baseline]
#
# Uses the herald binary of `cargo build -p herald` ($CARGO_TARGET_DIR respected; a
# no-op after `cargo test`); HERALD_BIN overrides it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

requests=200
limit_mb=300
baseline=0
while [ $# -gt 0 ]; do
    case "$1" in
        --requests) requests="$2"; shift 2 ;;
        --limit-mb) limit_mb="$2"; shift 2 ;;
        --baseline) baseline=1; shift ;;
        -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) herald_die "unknown argument: $1 (try --help)" ;;
    esac
done

herald_ensure_services
herald_resolve_pg
if [ -z "${HERALD_BIN:-}" ]; then
    herald_log "building herald"
    cargo build --quiet -p herald
    HERALD_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/herald"
fi

work="$(mktemp -d)"
server_pid=
dbs=()
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    for db in "${dbs[@]}"; do
        psql -w -X -q -d "$(herald_pg_url postgres)" \
            -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$server_pid/status"; }

# run_burst LABEL [ENV=VALUE...]: writes "rss_before_kb peak_kb counts" to $work/LABEL.
# (Called directly, never in a subshell: it records databases and the server's pid.)
run_burst() {
    local label="$1"
    shift
    local db="herald_burst_$(date +%s)_$$_${#dbs[@]}"
    dbs+=("$db")
    herald_ensure_database "$db"
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    local base="http://127.0.0.1:$port"
    local email="burst-owner@example.com"
    local password
    password="$(herald_random_secret)"
    (
        cd "$work"
        export DATABASE_URL="$(herald_pg_url "$db")" JWT_SECRET="$(herald_random_secret)"
        export MAIL_OUTBOX_DIR="$work/outbox" RUST_LOG=warn
        unset REDIS_URL SMTP_URL
        HERALD_ADMIN_PASSWORD="$password" "$HERALD_BIN" create-admin --email "$email" >/dev/null
    )
    (
        cd "$work"
        export DATABASE_URL="$(herald_pg_url "$db")" JWT_SECRET="$(herald_random_secret)"
        export BIND="127.0.0.1:$port" PUBLIC_URL="$base" TRUST_FORWARDED_FOR=true
        export MAIL_OUTBOX_DIR="$work/outbox" MEDIA_DIR="$work/media" STATIC_DIR="$work/static"
        export LOG_FORMAT=json RUST_LOG=warn
        unset REDIS_URL SMTP_URL
        for kv in "$@"; do export "${kv?}"; done
        exec "$HERALD_BIN" serve
    ) >"$work/server-$label.log" 2>&1 &
    server_pid=$!
    server_ready() { curl -fsS -o /dev/null "$base/health/ready" 2>/dev/null; }
    herald_wait_for server_ready 60 || herald_die "herald serve did not start; see $work/server-$label.log"
    # One right sign-in first, so the process has done its first hash (dummy hash, pools).
    curl -fsS -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/login"
    local before
    before="$(kb VmRSS)"

    # Sample the peak while the burst runs (VmHWM is the kernel's own high-water mark;
    # the sampling only shows it live).
    (while kill -0 "$server_pid" 2>/dev/null; do kb VmHWM >"$work/hwm"; sleep 0.05; done) &
    local sampler=$!
    local counts
    counts="$(python3 - "$base" "$email" "$requests" <<'PY'
import collections, concurrent.futures, json, sys, threading, urllib.error, urllib.request
base, email, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = threading.Barrier(n)
def attempt(i):
    who = email if i % 2 == 0 else f"nobody{i}@example.com"
    body = json.dumps({"email": who, "password": f"wrong-password-{i}"}).encode()
    req = urllib.request.Request(base + "/api/v1/auth/login", data=body, method="POST",
        headers={"Content-Type": "application/json",
                 "X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"})
    start.wait()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception as e:
        return f"error:{type(e).__name__}"
with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
    statuses = list(pool.map(attempt, range(n)))
print(" ".join(f"{k}={v}" for k, v in sorted(collections.Counter(map(str, statuses)).items())))
PY
)"
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    local peak
    peak="$(kb VmHWM)"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    echo "$before $peak $counts" >"$work/$label"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

if [ "$baseline" -eq 1 ]; then
    herald_log "baseline: $requests parallel sign-ins, hashing bound = $requests"
    run_burst baseline "PASSWORD_HASH_CONCURRENCY=$requests"
    read -r b_before b_peak b_counts <"$work/baseline"
    echo "baseline (bound $requests): RSS before $(mb "$b_before") MB, peak $(mb "$b_peak") MB, statuses: $b_counts"
fi

herald_log "bounded: $requests parallel sign-ins, hashing bound = cores ($(nproc))"
run_burst bounded
read -r before peak counts <"$work/bounded"
echo "bounded (bound = cores): RSS before $(mb "$before") MB, peak $(mb "$peak") MB, statuses: $counts"
if [ "$baseline" -eq 1 ]; then
    awk -v p="$peak" -v b="$b_peak" 'BEGIN { printf "peak RSS bounded / baseline: %.2f\n", p / b }'
fi

status=0
if [ "$peak" -ge $((limit_mb * 1024)) ]; then
    herald_warn "peak RSS $(mb "$peak") MB reached the limit of $limit_mb MB"
    status=1
fi
for c in $counts; do
    case "$c" in
        401=* | 429=*) ;;
        *) herald_warn "unexpected answers: $c"; status=1 ;;
    esac
done
[ "$status" -eq 0 ] && herald_log "login burst: within $limit_mb MB, only 401/429"
exit "$status"
