//! `herald`: parse the command line, load settings, set up logging, dispatch.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use herald::{accounts, config::Settings, openapi, startup, telemetry, Application};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        print!("{}", openapi::document_json());
        return ExitCode::SUCCESS;
    }
    telemetry::init();
    let runtime = match actix_web::rt::System::new().block_on(async { run(cli.command).await }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    };
    runtime
}

async fn run(command: Command) -> anyhow::Result<()> {
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
        Command::Openapi => unreachable!("handled before the runtime starts"),
    }
    Ok(())
}
