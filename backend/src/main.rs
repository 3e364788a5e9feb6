//! `herald`: parse the command line, load settings, set up logging, dispatch.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use herald::{
    accounts, config::Settings, db, domain::imports, openapi, startup, telemetry, Application,
};

#[derive(Parser)]
#[command(name = "herald", version, about = "Self-hosted email mailing service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run pending migrations, then serve the API, the web app and the scheduler.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create a verified admin account (or promote an existing one and set its password).
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Prefer the HERALD_ADMIN_PASSWORD variable: arguments show up in `ps`.
        #[arg(long, env = "HERALD_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Print the OpenAPI document (JSON) to standard output.
    Openapi,
    /// Import recipients from a CSV file (header `email,full_name,comment`; only `email`
    /// is required) into the list of the account OWNER, like `POST /api/v1/clients/import`:
    /// upsert by email, every bad line reported with its number. Exits with status 2 when
    /// some lines were rejected (the good ones are imported all the same).
    ImportClients {
        /// Email address of the account that owns the recipients.
        #[arg(long, value_name = "EMAIL")]
        owner: String,
        /// The CSV file; `-` reads standard input.
        file: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", openapi::document_json());
        return ExitCode::SUCCESS;
    }
    telemetry::init();
    let runtime = match actix_web::rt::System::new().block_on(async { run(cli.command).await }) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    runtime
}

/// How a command ended, when it did not fail outright.
enum Outcome {
    Done,
    /// Some of the input was rejected (and reported).
    Partial,
}

async fn run(command: Command) -> anyhow::Result<Outcome> {
    let settings = Settings::from_env().context("invalid configuration")?;
    match command {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "Herald is listening");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            startup::prepare_state(settings).await?;
            println!("migrations are up to date");
        }
        Command::CreateAdmin { email, password } => {
            let state = startup::prepare_state(settings).await?;
            let user = accounts::create_admin(&state, &email, &password)
                .await
                .map_err(|e| match e {
                    accounts::AccountError::Invalid(fields) => {
                        anyhow::anyhow!("invalid input: {fields:?}")
                    }
                    other => other.into(),
                })?;
            println!("admin {} ({}) is ready", user.email, user.id);
        }
        Command::ImportClients { owner, file } => {
            let data = if file.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                    .context("cannot read standard input")?;
                buf
            } else {
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?
            };
            let state = startup::prepare_state(settings).await?;
            let lookup = owner.clone();
            let found = db::run_blocking(&state.db, move |conn| {
                db::users::find_by_email(conn, &lookup).map_err(db::DbError::from)
            })
            .await?;
            let Some((user, _)) = found else {
                anyhow::bail!("no account has the email {owner}");
            };
            let report = imports::import_csv(&state.db, user.id, data.into())
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.to_problem().detail.unwrap_or_default()))?;
            println!(
                "{}: {} created, {} updated, {} skipped, {} rejected",
                user.email,
                report.created,
                report.updated,
                report.skipped,
                report.errors.len()
            );
            for e in &report.errors {
                eprintln!("line {}: {}", e.line, e.message);
            }
            if !report.errors.is_empty() {
                return Ok(Outcome::Partial);
            }
        }
        Command::Openapi => unreachable!("handled before the runtime starts"),
    }
    Ok(Outcome::Done)
}
