//! `herald`: parse the command line, load settings, set up logging, dispatch.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use herald::{
    accounts, bench, commands, config::Settings, openapi, startup, telemetry, Application,
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
    /// Send a mailing now from this terminal (a manual run, with a progress bar).
    /// Exits with 1 when the mailing is disabled, finished or unknown.
    Send {
        /// The mailing's id.
        mailing_id: uuid::Uuid,
    },
    /// One scheduler pass: start every due run and send what is due now.
    SendDue,
    /// Bounce and complaint reports (DSN, ARF, and common non-standard bounces).
    Bounces {
        #[command(subcommand)]
        action: BouncesCommand,
    },
    /// Pause, resume or cancel a run (as the API does, across instances). Exits with 1
    /// for an unknown run or a refused action (the run is finished, cancelled or skipped).
    Runs {
        #[command(subcommand)]
        action: RunsCommand,
    },
    /// Import recipients from a CSV file (header email,full_name,comment) into a user's list.
    ImportClients {
        /// The owner's account email.
        #[arg(long)]
        owner: String,
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Benchmark the delivery engine end to end against an SMTP server (e.g. Postfix's
    /// smtp-sink), beside a bare lettre loop measured in the same run. Uses a throwaway
    /// database on DATABASE_URL's server.
    BenchSend {
        /// Number of recipients.
        #[arg(long, default_value_t = 10_000)]
        recipients: usize,
        /// SMTP server URL, e.g. smtp://127.0.0.1:2525?tls=none
        #[arg(long)]
        smtp: String,
        /// Concurrent SMTP sessions (default: MAIL_CONCURRENCY).
        #[arg(long)]
        concurrency: Option<usize>,
        /// Skip the bare-loop baseline.
        #[arg(long)]
        skip_baseline: bool,
        /// Also measure lettre's stock pooled transport (Nagle on: slow).
        #[arg(long)]
        stock_lettre: bool,
    },
}

#[derive(Subcommand)]
enum BouncesCommand {
    /// Reads report messages (RFC 5322 files; standard input when none is named, e.g.
    /// from an MTA's pipe transport), matches each to its delivery, records it and
    /// suppresses the address when due. Exits 0 unless the database fails.
    Ingest {
        /// Message files (.eml).
        files: Vec<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum RunsCommand {
    /// Stop leasing the run's deliveries (those on the wire finish).
    Pause {
        /// The run's id.
        run_id: uuid::Uuid,
    },
    /// Send again (or wait for the mailing's send window).
    Resume {
        /// The run's id.
        run_id: uuid::Uuid,
    },
    /// Cancel every pending delivery (kept and counted, never sent).
    Cancel {
        /// The run's id.
        run_id: uuid::Uuid,
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
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<herald::commands::Refused>().is_some() => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
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
                    // Exits 2 naming each refused field, e.g. a guessable password and why.
                    accounts::AccountError::Invalid(fields) => {
                        anyhow::anyhow!("invalid input: {fields}")
                    }
                    other => other.into(),
                })?;
            println!("admin {} ({}) is ready", user.email, user.id);
        }
        Command::Send { mailing_id } => {
            let state = startup::prepare_state(settings).await?;
            commands::send(&state, mailing_id).await?;
        }
        Command::SendDue => {
            let state = startup::prepare_state(settings).await?;
            commands::send_due(&state).await?;
        }
        Command::Bounces {
            action: BouncesCommand::Ingest { files },
        } => {
            let state = startup::prepare_state(settings).await?;
            commands::ingest_bounces(&state, &files).await?;
        }
        Command::Runs { action } => {
            let state = startup::prepare_state(settings).await?;
            let (id, action) = match action {
                RunsCommand::Pause { run_id } => (run_id, herald::runs::RunAction::Pause),
                RunsCommand::Resume { run_id } => (run_id, herald::runs::RunAction::Resume),
                RunsCommand::Cancel { run_id } => (run_id, herald::runs::RunAction::Cancel),
            };
            commands::control_run(&state, id, action).await?;
        }
        Command::ImportClients { owner, file } => {
            let state = startup::prepare_state(settings).await?;
            commands::import_clients(&state, &owner, &file).await?;
        }
        Command::BenchSend {
            recipients,
            smtp,
            concurrency,
            skip_baseline,
            stock_lettre,
        } => {
            let concurrency = concurrency.unwrap_or(settings.mail.concurrency);
            let opts = bench::BenchOptions {
                recipients,
                smtp_url: smtp,
                concurrency,
                skip_baseline,
                stock_lettre,
            };
            bench::run(settings, opts).await?;
        }
        Command::Openapi => unreachable!("handled before the runtime starts"),
    }
    Ok(())
}
