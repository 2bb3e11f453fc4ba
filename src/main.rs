//! The `redress` command line: serve, migrate, merchant add.

#[path = "cli/announce.rs"]
mod announce;
#[path = "cli/api_key.rs"]
mod api_key;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use clap::{Parser, Subcommand};
use redress::clock::{Clock, SystemClock};
use redress::config::Config;
use redress::domain::merchant::MerchantForm;
use redress::domain::staff::Role;
use redress::i18n::Lang;
use redress::jobs;
use redress::service::conversation::At;
use redress::service::{auth, demo, merchants, sweeper, two_factor};
use redress::startup::{Application, prepare, prepare_one};
use redress::store::Pool;

#[derive(Parser)]
#[command(name = "redress", version, about = "After-sales complaint supervision for live commerce")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve {
        /// Address to listen on (default: REDRESS_BIND or 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Seed demo merchants and complaints (only into an empty database).
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Run one deadline sweep now and say what it did.
    Sweep,
    /// Copy the SQLite database to FILE while the server runs (a consistent
    /// snapshot; PostgreSQL: use pg_dump).
    Backup {
        /// Where the copy goes; must not exist yet.
        file: std::path::PathBuf,
    },
    /// Remove the complaints that ended before DATE (YYYY-MM-DD, in
    /// REDRESS_TZ), with their timelines, mail and ratings. Complaints are
    /// kept for 3 years: a DATE less than 3 years ago is refused. Open
    /// complaints are never removed.
    Purge {
        /// Complaints that ended before this day go.
        #[arg(long)]
        before: chrono::NaiveDate,
        /// Say what would go, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage merchants.
    Merchant {
        #[command(subcommand)]
        command: MerchantCommand,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys.
    #[command(name = "api-key")]
    ApiKey {
        #[command(subcommand)]
        command: api_key::ApiKeyCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff account; the password is read from standard input
    /// (without echo on a terminal).
    Add {
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The merchant a merchant account works for.
        #[arg(long)]
        merchant: Option<i64>,
        #[arg(long)]
        email: String,
    },
    /// Remove an account's two-step sign-in (a lost phone): the next
    /// sign-in takes the password alone, and a supervisor sets it up again.
    #[command(name = "reset-2fa")]
    Reset2fa {
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Merchant,
    Supervisor,
}

#[derive(Subcommand)]
enum MerchantCommand {
    /// Add a merchant; prints its id.
    Add {
        #[arg(long)]
        name: String,
        /// Unified social credit code (统一社会信用代码), 18 characters.
        #[arg(long = "credit-code")]
        credit_code: String,
        #[arg(long)]
        email: String,
        /// Live room or shop address.
        #[arg(long, default_value = "")]
        shop: String,
        /// Mobile number for SMS notices to the merchant.
        #[arg(long, default_value = "")]
        phone: String,
        /// What it sells (repeatable): general, apparel, beauty, food,
        /// electronics, health_food, medical_devices, drugs, finance, education.
        #[arg(long = "category")]
        categories: Vec<String>,
        /// Licence number, required for health food, medical devices, drugs,
        /// finance and education.
        #[arg(long, default_value = "")]
        qualification: String,
    },
}

fn main() -> ExitCode {
    // One line per event on standard error: `key=value` text, or one JSON
    // object a line with `REDRESS_LOG_FORMAT=json` (for a log collector).
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if std::env::var("REDRESS_LOG_FORMAT").is_ok_and(|f| f.trim() == "json") {
        logs.json().with_current_span(true).with_span_list(false).init();
    } else {
        logs.init();
    }
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve { bind: None, demo: false })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("redress: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match command {
        Command::Migrate => migrate(&config),
        Command::Sweep => sweep(&config, clock.now()),
        Command::Backup { file } => backup(&config, &file),
        Command::Purge { before, dry_run } => purge(&config, before, dry_run, clock.now()),
        Command::Merchant {
            command: MerchantCommand::Add { name, credit_code, email, shop, phone, categories, qualification },
        } => {
            let form = MerchantForm { name, credit_code, email, shop_url: shop, phone, categories, qualification };
            add_merchant(&config, form, clock.now())
        }
        Command::User { command: UserCommand::Add { role, merchant, email } } => {
            add_user(&config, role, merchant, &email, clock.now())
        }
        Command::User { command: UserCommand::Reset2fa { email } } => reset_2fa(&config, &email, clock.now()),
        Command::ApiKey { command } => api_key::run(&config, command, clock.now()),
        Command::Serve { bind, demo } => serve(config, bind, demo, clock),
    }
}

fn migrate(config: &Config) -> Result<(), String> {
    prepare_one(config).map_err(|e| e.to_string())?;
    println!("migrations applied");
    Ok(())
}

fn sweep(config: &Config, now: DateTime<Utc>) -> Result<(), String> {
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    match sweeper::sweep(&mut conn, At { config, now }).map_err(|e| e.to_string())? {
        Some(report) => println!("swept: {report}"),
        None => println!("another process is sweeping right now; nothing done"),
    }
    Ok(())
}

fn backup(config: &Config, file: &Path) -> Result<(), String> {
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    redress::store::backup(&mut conn, file).map_err(|e| e.to_string())?;
    println!("backed up to {}", file.display());
    Ok(())
}

fn purge(config: &Config, before: NaiveDate, dry_run: bool, now: DateTime<Utc>) -> Result<(), String> {
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    let removed = redress::service::retention::purge(&mut conn, &config.upload_dir, before, config.tz, now, dry_run)
        .map_err(|e| e.to_string())?;
    let verb = if dry_run { "would remove" } else { "removed" };
    println!(
        "{verb} {} complaints that ended before {before}, with {} timeline events, {} mails, {} ratings and {} evidence files",
        removed.complaints,
        removed.events,
        removed.mails,
        removed.ratings,
        removed.files.len()
    );
    println!("{verb} {} user reports decided before {before}", removed.reports);
    Ok(())
}

fn add_merchant(config: &Config, form: MerchantForm, now: DateTime<Utc>) -> Result<(), String> {
    let valid = form.validate(false).map_err(|errors| {
        let t = Lang::En.tr();
        let lines: Vec<String> = errors
            .0
            .iter()
            .map(|(field, why)| format!("{field}: {}", t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))])))
            .collect();
        lines.join("\n")
    })?;
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    let id = merchants::add(&mut conn, &valid, now).map_err(|e| e.to_string())?;
    println!("{id}");
    Ok(())
}

/// What the CLI is, in the staff audit log.
fn cli_actor() -> redress::service::audit::Actor {
    redress::service::audit::Actor { user_id: None, email: "cli".into(), address: "cli".into() }
}

fn add_user(
    config: &Config,
    role: RoleArg,
    merchant: Option<i64>,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let password = read_password()?;
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    let role = match role {
        RoleArg::Merchant => Role::Merchant,
        RoleArg::Supervisor => Role::Supervisor,
    };
    let new = auth::NewStaff { role, email, merchant_id: merchant, password: &password };
    let id = auth::create_user(&mut conn, &new, &cli_actor(), now).map_err(|e| e.to_string())?;
    println!("{id}");
    Ok(())
}

fn reset_2fa(config: &Config, email: &str, now: DateTime<Utc>) -> Result<(), String> {
    let mut conn = prepare_one(config).map_err(|e| e.to_string())?;
    let reset = two_factor::reset(&mut conn, email, &cli_actor(), now).map_err(|e| e.to_string())?;
    let then = match reset.role {
        Some(Role::Supervisor) if config.supervisor_2fa => "sets two-step sign-in up again at the next sign-in",
        _ => "signs in with the password alone",
    };
    match reset.removed {
        true => println!("two-step sign-in removed for {}: it {then}", reset.email),
        false => println!("{} had no two-step sign-in; nothing removed: it {then}", reset.email),
    }
    Ok(())
}

/// `serve`: the database and the demo data, the background jobs, the
/// server; then, once it has stopped, the jobs and the connections.
fn serve(mut config: Config, bind: Option<String>, seed_demo: bool, clock: Arc<dyn Clock>) -> Result<(), String> {
    if let Some(bind) = bind {
        config.bind = bind;
    }
    // The demo's logins are for trying the site: no authenticator app.
    if seed_demo {
        config.supervisor_2fa = false;
    }
    let pool = prepare(&config).map_err(|e| e.to_string())?;
    // Evidence is kept here; with several instances, shared storage.
    std::fs::create_dir_all(&config.upload_dir)
        .map_err(|e| format!("REDRESS_UPLOAD_DIR {}: {e}", config.upload_dir.display()))?;
    let seeded = match seed_demo {
        true => Some(demo::seed(&mut *pool.get().map_err(|e| e.to_string())?, &config, clock.now())?),
        false => None,
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let config = Arc::new(config);
    let jobs = start_jobs(&pool, &clock, &config)?;
    let app = Application::build((*config).clone(), pool.clone(), clock, workers)
        .map_err(|e| format!("cannot listen: {e}"))?;
    let base = format!("http://{}", app.addr);
    announce::announce(&base, &config, seeded.as_ref());
    let served = actix_web::rt::System::new().block_on(app.server).map_err(|e| e.to_string());
    // The server has stopped taking requests and those under way have been
    // answered: let each job finish its round, then close the database
    // connections before the process ends.
    tracing::info!("requests drained; stopping background jobs");
    for job in jobs {
        job.stop();
    }
    drop(pool);
    tracing::info!("stopped");
    served
}

/// The deadline sweeper (unless turned off), SQLite's checkpointer, the
/// mail dispatcher, the webhook dispatcher, the register's index and its
/// open data (unless turned off).
fn start_jobs(pool: &Pool, clock: &Arc<dyn Clock>, config: &Arc<Config>) -> Result<Vec<jobs::Job>, String> {
    let mut started = Vec::new();
    if let Some(every) = config.sweep_interval {
        let job = jobs::sweeper::start(pool.clone(), clock.clone(), config.clone(), every);
        started.push(job.map_err(|e| format!("cannot start the sweeper: {e}"))?);
    }
    if matches!(redress::store::Backend::from_url(&config.database_url), Ok(redress::store::Backend::Sqlite(_))) {
        let job = jobs::checkpointer::start(pool.clone());
        started.push(job.map_err(|e| format!("cannot start the checkpointer: {e}"))?);
    }
    let transport = redress::service::dispatch::Transports::from_config(config)?;
    let job = jobs::dispatcher::start(pool.clone(), clock.clone(), config.clone(), transport);
    started.push(job.map_err(|e| format!("cannot start the mail dispatcher: {e}"))?);
    // The key the endpoints' secrets are sealed with, from the session key.
    let master = redress::startup::session_key(config).map_err(|e| format!("cannot read the session key: {e}"))?;
    let key = redress::service::two_factor::SealKey::for_webhooks(master.master());
    let job = jobs::webhooks::start(pool.clone(), clock.clone(), config.clone(), key);
    started.push(job.map_err(|e| format!("cannot start the webhook dispatcher: {e}"))?);
    let job = jobs::published::start_index(pool.clone(), clock.clone());
    started.push(job.map_err(|e| format!("cannot start the register's index: {e}"))?);
    if let Some(every) = config.open_data_every {
        let job = jobs::published::start_open_data(pool.clone(), clock.clone(), config.clone(), every);
        started.push(job.map_err(|e| format!("cannot start the open data builder: {e}"))?);
    }
    Ok(started)
}

/// The password for `user add`: prompted for without echo on a terminal,
/// otherwise the first line of standard input.
fn read_password() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ").map_err(|e| e.to_string());
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
