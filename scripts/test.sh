#!/usr/bin/env bash
# Runs every check and every test. Fails fast, naming the step that failed.
#
#   scripts/test.sh                  services -> fmt -> clippy (backend) -> frontend check
#                                    and clippy (wasm32) -> Chromium + built SPA ->
#                                    cargo test (unit, integration, browser) ->
#                                    robustness (OpenAPI + compose validators, API fuzzing)
#   scripts/test.sh FILTER [ARGS]    extra arguments go to `cargo test`
#   HERALD_TEST_SKIP_LINT=1 scripts/test.sh      skip fmt, clippy and the frontend check
#   HERALD_TEST_SKIP_BROWSER=1 scripts/test.sh   skip the browser tests (and installing
#                                    Chromium and building the SPA for them)
#   HERALD_TEST_SKIP_FUZZ=1 scripts/test.sh      skip scripts/robustness.sh (also skipped
#                                    when a FILTER is given)
#
# The browser tests (backend/tests/api/browser.rs) drive headless Chromium against the
# real SPA: Chromium and chromedriver are installed with apt when missing, and the SPA is
# built with scripts/build-frontend.sh --if-changed (a no-op when frontend/dist is current).
#
# The tests create and drop their own uniquely named databases through
# HERALD_TEST_DATABASE_URL (a server URL) and use HERALD_TEST_REDIS_URL; both are exported
# here unless already set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

case "${1:-}" in
    -h | --help)
        sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
esac

phase_start=$SECONDS

# Runs one step; on failure says which and exits with its status.
step() {
    local name="$1" status=0
    shift
    herald_log "$name: $*"
    "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        printf '\nFAILED: %s (exit status %d) after %ds in all\n' "$name" "$status" "$SECONDS" >&2
        exit "$status"
    fi
}

# Ends a phase: prints its wall time and the running total.
phase_done() {
    printf -- '--- %s: ok in %ds (total %ds)\n' "$1" "$((SECONDS - phase_start))" "$SECONDS" >&2
    phase_start=$SECONDS
}

herald_ensure_cargo

# 1. Packages (apt only if something is missing) and services.
herald_ensure_services
herald_resolve_pg
export HERALD_TEST_DATABASE_URL="${HERALD_TEST_DATABASE_URL:-$(herald_pg_url postgres)}"
export HERALD_TEST_REDIS_URL="${HERALD_TEST_REDIS_URL:-redis://$HERALD_REDIS_HOST:$HERALD_REDIS_PORT}"
herald_log "HERALD_TEST_DATABASE_URL=$HERALD_TEST_DATABASE_URL"
herald_log "HERALD_TEST_REDIS_URL=$HERALD_TEST_REDIS_URL"
phase_done services

if [ "${HERALD_TEST_SKIP_LINT:-0}" = 1 ]; then
    herald_log "HERALD_TEST_SKIP_LINT=1: skipping fmt, clippy and the frontend check"
else
    herald_ensure_rust_tools

    # 2. Formatting.
    step fmt cargo fmt --all --check
    phase_done fmt

    # 3. Backend lints (all targets: lib, bin, unit and integration tests).
    step clippy cargo clippy -p herald -p herald-api-types --all-targets -- -D warnings
    phase_done clippy

    # 4. Frontend: the wasm crate type-checks and is lint-clean for its real target.
    [ -f scripts/build-frontend.sh ] || herald_die "scripts/build-frontend.sh is missing"
    step frontend-check bash scripts/build-frontend.sh --check
    step frontend-clippy cargo clippy -p herald-frontend --target wasm32-unknown-unknown -- -D warnings
    phase_done frontend
fi

# 5. What the browser tests need: Chromium, chromedriver and the built SPA.
skip_browser=()
if [ "${HERALD_TEST_SKIP_BROWSER:-0}" = 1 ]; then
    herald_log "HERALD_TEST_SKIP_BROWSER=1: skipping the browser tests"
    # After the caller's own `--` if there is one; else open the test binary's arguments.
    skip_browser=(-- --skip browser::)
    for arg in "$@"; do
        if [ "$arg" = -- ]; then
            skip_browser=(--skip browser::)
            break
        fi
    done
else
    step browser-packages herald_ensure_browser
    step frontend-build bash scripts/build-frontend.sh --if-changed
    phase_done browser-setup
fi

# 6. Every test: unit tests (the SPA's pure ones run natively too), doc tests, and the
#    integration binary backend/tests/api (with the browser tests in its `browser` module).
step test cargo test -p herald -p herald-api-types -p herald-frontend "$@" "${skip_browser[@]}"
phase_done test

# 7. Robustness: the OpenAPI document and the compose file pass their validators, and a
#    property-based fuzz run (schemathesis, fixed seed) over the real API finds no 5xx
#    and no answer off the schema. Skipped when a test filter was given.
if [ $# -gt 0 ] || [ "${HERALD_TEST_SKIP_FUZZ:-0}" = 1 ]; then
    herald_log "test filter given (or HERALD_TEST_SKIP_FUZZ=1): skipping scripts/robustness.sh"
else
    step robustness bash scripts/robustness.sh
    phase_done robustness
fi

printf '\nAll checks passed in %ds.\n' "$SECONDS" >&2
