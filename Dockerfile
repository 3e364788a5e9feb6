# Herald: backend binary + built SPA in a small runtime image, running as a non-root user.
#
#   docker build -t herald .
#   docker compose up --build        (see docker-compose.yml)

# --- build: the backend and the SPA -------------------------------------------------
FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev pkg-config npm \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add wasm32-unknown-unknown
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release -p herald \
 && cp target/release/herald /usr/local/bin/herald \
 && bash scripts/build-frontend.sh

# --- runtime --------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app herald \
 && mkdir -p /app /data/media /data/outbox \
 && chown -R herald /data
COPY --from=build /usr/local/bin/herald /usr/local/bin/herald
COPY --from=build /src/frontend/dist /app/frontend/dist
WORKDIR /app
ENV BIND=0.0.0.0:8080 \
    STATIC_DIR=/app/frontend/dist \
    MEDIA_DIR=/data/media \
    MAIL_OUTBOX_DIR=/data/outbox
USER herald
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["herald"]
CMD ["serve"]
