//! Building and running the server: pool, migrations, state, routes, middleware.
//! `herald serve` and the integration tests go through the same `Application::build`.

use std::{net::TcpListener, sync::Arc};

use actix_web::{dev::Server, middleware, web, App, HttpServer};
use anyhow::Context;
use diesel::{pg::PgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{jwt::JwtKeys, throttle::LoginThrottle},
    cache::Cache,
    config::Settings,
    db::{self, pool::build_pool},
    error,
    mail::Mailer,
    metrics, openapi, routes,
    scheduler::{self, SchedulerHandle},
    state::AppState,
    telemetry::request,
};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Any constant: serialises concurrent `migrate` runs from several instances.
const MIGRATION_LOCK: i64 = 0x4845_5241_4c44; // "HERALD"

pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<usize> {
    diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(conn)?;
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|done| done.len())
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
    diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(conn)?;
    result
}

/// Connects, migrates, and assembles the shared state.
pub async fn prepare_state(settings: Settings) -> anyhow::Result<AppState> {
    let url = settings.database_url.clone();
    let size = settings.database_pool_size;
    let pool = tokio::task::spawn_blocking(move || build_pool(&url, size))
        .await?
        .context("cannot connect to the database (DATABASE_URL)")?;
    let applied =
        db::run_blocking(&pool, |conn| run_migrations(conn).map_err(MigrateError)).await?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let redis = match &settings.redis_url {
        Some(url) => Some(
            deadpool_redis::Config::from_url(url)
                .create_pool(Some(deadpool_redis::Runtime::Tokio1))
                .context("invalid REDIS_URL")?,
        ),
        None => None,
    };
    let mailer = Mailer::new(&settings.mail)?;
    let jwt = JwtKeys::new(settings.jwt_secret_bytes(), settings.access_token_ttl);
    let cache = Cache::new(redis.clone(), &settings.cache);
    let hashing = crate::auth::password::Hashing::new(settings.password_hash_concurrency);
    Ok(AppState {
        settings: Arc::new(settings),
        db: pool,
        mailer,
        jwt,
        redis,
        engine_wakeup: Default::default(),
        cache,
        throttle: LoginThrottle::new(),
        hashing,
    })
}

#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct MigrateError(anyhow::Error);

impl From<db::DbError> for MigrateError {
    fn from(e: db::DbError) -> Self {
        MigrateError(e.into())
    }
}

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    scheduler: Option<SchedulerHandle>,
    /// The `METRICS_BIND` listener's port and server, when configured.
    metrics: Option<(u16, actix_web::dev::ServerHandle)>,
}

/// This process's name in delivery leases: INSTANCE_ID, else host name and port.
pub fn instance_id(settings: &Settings, port: u16) -> String {
    settings.instance_id.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "herald".into());
        format!("{host}:{port}")
    })
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let state = prepare_state(settings).await?;
        Self::with_state(listener, state)
    }

    pub fn with_state(listener: TcpListener, state: AppState) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        let server = run(listener, state.clone())?;
        let metrics = match &state.settings.metrics.bind {
            Some(bind) => {
                let listener = TcpListener::bind(bind)
                    .with_context(|| format!("cannot listen on METRICS_BIND {bind}"))?;
                let port = listener.local_addr()?.port();
                let server = run_metrics(listener, state.clone())?;
                let handle = server.handle();
                tokio::spawn(server);
                Some((port, handle))
            }
            None => None,
        };
        let scheduler = scheduler::start(engine_state(&state)?, instance_id(&state.settings, port));
        Ok(Application {
            port,
            server,
            state,
            scheduler: Some(scheduler),
            metrics,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the separate `/metrics` listener (`METRICS_BIND`), if any.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The scheduler's handle, for callers that manage its lifetime themselves (tests).
    pub fn take_scheduler(&mut self) -> Option<SchedulerHandle> {
        self.scheduler.take()
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully: the HTTP server stops
    /// accepting and finishes the requests in progress while the scheduler stops taking
    /// work, lets the sends on the wire finish and be recorded (bounded), and releases
    /// its leases. Returns once both are done.
    ///
    /// The signals are handled here, not by actix: actix stops the whole System on a
    /// signal, which would drop the scheduler's arbiter mid-send.
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mut server = std::pin::pin!(self.server);
        let result = tokio::select! {
            result = &mut server => result,
            signal = shutdown_signal() => {
                tracing::info!(signal, "shutting down: finishing requests and sends in progress");
                let stop_http = handle.stop(true);
                let (result, ..) = tokio::join!(server, stop_http, stop_scheduler(self.scheduler.take()));
                result
            }
        };
        stop_scheduler(self.scheduler.take()).await;
        if let Some((_, metrics)) = self.metrics.take() {
            metrics.stop(true).await;
        }
        tracing::info!("stopped");
        result
    }
}

/// The state the delivery engine runs with: the same, but with a connection pool of its
/// own (ENGINE_DATABASE_POOL_SIZE), so its leases, records and scheduler passes never
/// wait for, nor hold, the API's connections. No connection is opened here (min_idle 0).
fn engine_state(state: &AppState) -> anyhow::Result<AppState> {
    let mut engine = state.clone();
    engine.db = build_pool(
        &state.settings.database_url,
        state.settings.engine_pool_size,
    )
    .context("cannot create the engine's database pool")?;
    Ok(engine)
}

/// Stops the scheduler, if any, waiting up to the shutdown bound.
async fn stop_scheduler(scheduler: Option<SchedulerHandle>) {
    if let Some(mut scheduler) = scheduler {
        tokio::task::spawn_blocking(move || scheduler.shutdown(SCHEDULER_SHUTDOWN))
            .await
            .ok();
    }
}

/// How long shutdown waits for in-flight sends to finish and be recorded.
const SCHEDULER_SHUTDOWN: std::time::Duration = std::time::Duration::from_secs(30);

/// Resolves with the signal's name on the first SIGTERM or SIGINT.
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        _ => {
            tracing::warn!("cannot listen for signals; stop the process with SIGKILL");
            std::future::pending().await
        }
    }
}

/// The `METRICS_BIND` listener: `/metrics` and nothing else, so a scraper on a private
/// network reaches the figures while the public listener answers 404 for them.
fn run_metrics(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(error::problem_for_bare_errors())
            .wrap(middleware::from_fn(routes::security::headers))
            .app_data(data.clone())
            .app_data(routes::metrics::MetricsListener)
            .service(routes::metrics::prometheus_metrics)
    })
    .listen(listener)?
    .workers(1)
    .disable_signals()
    .shutdown_timeout(5)
    .run();
    Ok(server)
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let data = web::Data::new(state);
    let doc = openapi::document();
    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(error::problem_for_bare_errors())
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(request::echo_header))
            .wrap(TracingLogger::<request::HeraldRootSpan>::new())
            .wrap(middleware::from_fn(metrics::track))
            .wrap(middleware::from_fn(routes::security::headers))
            .app_data(data.clone())
            .app_data(error::json_config())
            .app_data(error::path_config())
            .app_data(error::query_config())
            // CSV imports arrive as raw bytes: 50,000 lines fit well within this.
            .app_data(web::PayloadConfig::new(32 * 1024 * 1024))
            .into_utoipa_app();
        openapi::register(app)
            .into_app()
            .service(
                SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", doc.clone()),
            )
            .service(web::scope("/api").default_service(web::to(error::api_not_found)))
            .service(routes::media::service(&data.settings.media_dir))
            .route("/{tail:.*}", web::get().to(routes::spa::serve))
    })
    .listen(listener)?
    // Application::run_until_stopped handles SIGTERM/SIGINT (see there).
    .disable_signals()
    .shutdown_timeout(30)
    .run();
    Ok(server)
}
