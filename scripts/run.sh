#!/usr/bin/env bash
# Sets up whatever is missing and starts Herald on http://127.0.0.1:8080 with the console
# mail transport (emails are saved as .eml files under .data/outbox). Safe to run again.
#
#   scripts/run.sh                 install/start services, build the SPA, run `herald serve`
#   scripts/run.sh --no-frontend   same, but reuse the SPA already in frontend/dist
#
# Steps: system packages (apt, only when missing) -> PostgreSQL and Redis (started when
# not answering) -> database `herald` and .env (first run only) -> SPA -> herald serve.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

build_frontend=1
for arg in "$@"; do
    case "$arg" in
        --no-frontend) build_frontend=0 ;;
        -h | --help)
            sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) herald_die "unknown argument: $arg (try --help)" ;;
    esac
done

herald_ensure_cargo

# 1-2. Packages and services.
herald_ensure_services

# 3. Database access, the `herald` database, and .env on first run.
herald_resolve_pg
herald_ensure_database herald
if [ -f .env ]; then
    herald_log ".env: exists, left as it is"
else
    [ -f .env.example ] || herald_die ".env.example is missing"
    herald_log ".env: writing from .env.example (DATABASE_URL, REDIS_URL, a fresh JWT_SECRET)"
    cp .env.example .env
    chmod 600 .env
    herald_dotenv_set .env DATABASE_URL "$(herald_pg_url herald)"
    herald_dotenv_set .env REDIS_URL "redis://$HERALD_REDIS_HOST:$HERALD_REDIS_PORT"
    herald_dotenv_set .env JWT_SECRET "$(herald_random_secret)"
fi
mkdir -p .data/outbox .data/media

# 4. The single-page app.
if [ "$build_frontend" = 1 ]; then
    herald_log "building the SPA (scripts/build-frontend.sh)"
    [ -f scripts/build-frontend.sh ] || herald_die "scripts/build-frontend.sh is missing"
    bash scripts/build-frontend.sh
elif [ ! -f frontend/dist/index.html ]; then
    herald_warn "--no-frontend and no frontend/dist/index.html: the API and Swagger UI work, the SPA will not"
fi

# 5. Herald itself, in the foreground.
bind="$(herald_config_value BIND 127.0.0.1:8080)"
url="http://$bind"
url="${url/0.0.0.0/127.0.0.1}"
if [ -n "$(herald_config_value SMTP_URL "")" ]; then
    mail="sent through SMTP_URL"
else
    mail="$(herald_config_value MAIL_OUTBOX_DIR .data/outbox)/*.eml (console transport; set SMTP_URL for real delivery)"
fi
cat >&2 <<EOF

  Herald:      $url/
  Swagger UI:  $url/swagger-ui/
  Emails:      $mail
  Admin user:  cargo run --release -p herald -- create-admin --email E --password P

  Building in release mode (the first build takes several minutes); Ctrl-C stops.

EOF
exec cargo run --release -p herald -- serve
