//! The `aduan` command: `serve` (the default), `migrate`, `user add`, `seed FILE`,
//! `seed --synthetic N`, `openapi`. The arguments are parsed here and handed to plain functions
//! (`commands`), so tests run the same work without a process; `synthetic` makes demo and
//! benchmark data.

mod commands;
pub mod synthetic;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use commands::{add_user, load_seed, make_synthetic, NewUser};

use crate::config::Settings;

#[derive(Parser)]
#[command(
    name = "aduan",
    version,
    about = "Public-complaint tracking: from social-media comment to public reply"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Load a reference-data file (adds what is missing; existing codes are left alone), or
    /// make synthetic tickets with `--synthetic N`.
    Seed {
        /// A TOML file like seed/subang.toml.
        #[arg(required_unless_present = "synthetic")]
        file: Option<std::path::PathBuf>,
        /// Make N synthetic tickets with their whole history (for demos and benchmarks).
        #[arg(long, value_name = "N", conflicts_with = "file")]
        synthetic: Option<usize>,
        /// Spread their filing over this many days before now.
        #[arg(long, default_value_t = 365, requires = "synthetic")]
        days: i64,
        /// The random seed (the same seed makes the same stories).
        #[arg(long, default_value_t = 1, requires = "synthetic")]
        random_seed: u64,
    },
    /// Print the OpenAPI document (or, with `--surface`, its operations and answered fields,
    /// as committed in openapi/surface.txt).
    Openapi {
        #[arg(long)]
        surface: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from ADUAN_NEW_USER_PASSWORD, or generated and printed.
    Add(NewUser),
}

/// Parses the command line and runs the command; the process's exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi { surface }) = cli.command {
        return print_openapi(surface);
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aduan: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    crate::app::telemetry::init(settings.log_format);
    match execute(cli.command.unwrap_or(Command::Serve), &settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aduan: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn print_openapi(surface: bool) -> ExitCode {
    let doc = crate::openapi_document();
    if surface {
        for line in crate::app::openapi::surface::surface(&doc) {
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    match serde_json::to_string_pretty(&doc) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aduan: {e}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command, settings: &Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => crate::app::server::run(settings.clone()),
        Command::Migrate => crate::app::bootstrap::connect_and_migrate(settings).map(|_| {
            println!("migrations are up to date");
        }),
        Command::Seed {
            file,
            synthetic,
            days,
            random_seed,
        } => match (file, synthetic) {
            (Some(file), _) => load_seed(settings, &file),
            (None, Some(n)) => make_synthetic(settings, n, days, random_seed),
            (None, None) => Err(anyhow::anyhow!("seed needs a FILE or --synthetic N")),
        },
        Command::User {
            action: UserCommand::Add(new),
        } => add_user(
            settings,
            NewUser {
                password: std::env::var("ADUAN_NEW_USER_PASSWORD").ok(),
                ..new
            },
        ),
        Command::Openapi { .. } => Ok(()),
    }
}
