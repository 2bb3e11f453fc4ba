//! `redress-bench`: the performance budget of DESIGN.md, measured in one
//! command against the real server (see BENCHMARKS.md).
//!
//!     cargo run --release --bin redress-bench -- --json bench.json
//!     cargo run --release --bin redress-bench -- --complaints 100000
//!     cargo run --release --bin redress-bench -- --database-url postgres://127.0.0.1/postgres
//!
//! It seeds a fresh database, times a deadline sweep, builds and starts
//! `redress serve` (release), indexes the public register and builds its
//! open data (timed as its jobs), drives intake, the staff pages and the
//! register's pages over HTTP,
//! records the server's peak memory, then runs the baseline handler under
//! the same load, prints a table and writes the figures as JSON.

mod baseline;
mod intake;
mod load;
mod processes;
mod register;
mod report;
mod scratch;
mod seed;
mod staff;

use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use clap::Parser;
use diesel::connection::SimpleConnection;
use redress::config::Config;
use redress::domain::staff::Role;
use redress::service::auth::{NewStaff, add_user};
use redress::service::conversation::At;
use redress::service::{merchant_list, sweeper};
use redress::store::DbConnection;
use serde_json::json;

use intake::{form_session, form_session_none, intake_request};
use load::{Outcome, bearer_get, drive, get};
use processes::{Baseline, Server};
use report::{print_table, report_phase, round};
use scratch::Scratch;
use seed::Shape;
use staff::{api_key_for, login};

#[derive(Parser)]
#[command(name = "redress-bench", about = "Measures Redress against its performance budget")]
struct Args {
    /// Complaints to seed (merchants: one per 200, at most 5,000).
    #[arg(long, default_value_t = 1_000_000)]
    complaints: i64,
    /// Write the figures here as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Run on PostgreSQL: a scratch database is created on this server
    /// (and dropped afterwards). Default: an SQLite file in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
    /// Connections for intake (and the baseline).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Connections for the page loads (staff at their desks).
    #[arg(long, default_value_t = 4)]
    page_concurrency: usize,
    /// Seconds each load phase is measured (after 2 s of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Stop after seeding and timing the sweep (for profiling it).
    #[arg(long)]
    sweep_only: bool,
    /// Skip intake and the baseline: seed, sweep, count the merchant
    /// list's figures and load the pages only (for measuring a page).
    #[arg(long)]
    pages_only: bool,
    /// SQLite, for repeated runs: start from a copy of this seeded
    /// database if it exists, else seed and keep a copy here.
    #[arg(long)]
    reuse: Option<PathBuf>,
    /// Percent of intake complaints that name a product and a live session
    /// (checked against the merchant's, and the session's room and host
    /// stored): 0 measures intake as before live commerce.
    #[arg(long, default_value_t = 50)]
    live_share: u64,
    #[command(subcommand)]
    role: Option<Inner>,
}

/// The bench runs itself as the baseline server.
#[derive(clap::Subcommand)]
enum Inner {
    #[command(hide = true)]
    Baseline { database_url: String, bind: String },
}

pub const SECRET: &str = "redress-bench-session-key-0123456789abcdef";
pub const PASSWORD: &str = "bench-password-2026";
pub const MERCHANT_LOGIN: &str = "staff@merchant1.example.cn";
const SUPERVISOR_LOGIN: &str = "supervisor@platform.example.cn";

fn main() {
    let args = Args::parse();
    if let Some(Inner::Baseline { database_url, bind }) = &args.role {
        if let Err(e) = baseline::serve(database_url, bind) {
            eprintln!("baseline: {e}");
            std::process::exit(1);
        }
        return;
    }
    if cfg!(debug_assertions) {
        eprintln!("redress-bench measures release builds: cargo run --release --bin redress-bench");
        std::process::exit(2);
    }
    if let Err(e) = run(&args) {
        eprintln!("redress-bench: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let scratch = Scratch::new(args.database_url.as_deref())?;
    let backend = if scratch.pg.is_some() { "postgres" } else { "sqlite" };
    let shape = Shape::new(args.complaints);
    let mut config = Config::from_lookup(|_| None).map_err(|e| e.to_string())?;
    config.data_dir = scratch.dir.clone();
    config.database_url = scratch.database_url.clone();
    let saved = args.reuse.as_ref().filter(|f| f.exists() && scratch.pg.is_none());
    let (now, seed_s) = match saved {
        Some(file) => {
            eprintln!("starting from a copy of {}", file.display());
            std::fs::copy(file, scratch.dir.join("bench.db")).map_err(|e| format!("{}: {e}", file.display()))?;
            let at = std::fs::read_to_string(file.with_extension("now")).map_err(|e| e.to_string())?;
            let at = chrono::DateTime::parse_from_rfc3339(at.trim()).map_err(|e| e.to_string())?;
            (at.with_timezone(&chrono::Utc), f64::NAN)
        }
        None => seed_fresh(&config, &shape, args.reuse.as_deref().filter(|_| scratch.pg.is_none()))?,
    };
    // A fresh connection with the server's settings (and any migration a
    // reused copy lacks).
    let mut conn = redress::startup::prepare_one(&config).map_err(|e| e.to_string())?;

    // The seeding's (or the copy's) writes reach the disk first, so that
    // the sweep is not timed with a gigabyte of write-back under way.
    if scratch.pg.is_none() {
        let file = std::fs::File::open(scratch.dir.join("bench.db")).map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| format!("syncing the seeded database: {e}"))?;
    }
    eprintln!("sweeping ({} falling due)…", shape.due());
    let started = Instant::now();
    // A second after seeding: exactly the burst has fallen due.
    let report = sweeper::sweep(&mut conn, At { config: &config, now: now + chrono::Duration::seconds(1) })
        .map_err(|e| format!("sweep: {e}"))?
        .ok_or("another process is sweeping the scratch database")?;
    let sweep_s = started.elapsed().as_secs_f64();
    if report.response_breaches as i64 != shape.due() {
        return Err(format!("the sweep breached {} complaints, not the {} due", report.response_breaches, shape.due()));
    }
    eprintln!("  {sweep_s:.3} s: {report}");
    // What the sweep left in SQLite's log, copied back as the server's
    // checkpointer would, off the sweep's path: timed on its own.
    let started = Instant::now();
    if let DbConnection::Sqlite(_) = conn {
        conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)").map_err(|e| format!("checkpoint: {e}"))?;
    }
    let checkpoint_s = started.elapsed().as_secs_f64();
    eprintln!("  checkpoint after the sweep: {checkpoint_s:.3} s");
    if args.sweep_only {
        return Ok(());
    }
    // The public merchant list's figures for every merchant, as the
    // server's rounds keep them (after the sweep's breaches): timed apart,
    // as what one whole recount costs.
    let started = Instant::now();
    let at = now + chrono::Duration::seconds(1);
    let counted = merchant_list::refresh_all(&mut conn, at).map_err(|e| format!("merchant list figures: {e}"))?;
    if scratch.pg.is_some() {
        conn.batch_execute("ANALYZE merchant_figures").map_err(|e| format!("analyze: {e}"))?;
    }
    let figures_s = started.elapsed().as_secs_f64();
    eprintln!("  merchant list figures: {counted} merchants counted in {figures_s:.3} s");
    // The public register's index and open data, as its jobs make them.
    let register = register::prepare(&mut conn, &config, at)?;
    // The big merchant's API key, made as its staff would make one.
    let api_key = api_key_for(&mut conn, now)?;
    drop(conn);

    let server = Server::start(&scratch)?;
    let addr = server.addr;
    let phase = |name: &str| eprintln!("{name} ({} s after 2 s warm-up)…", args.seconds);
    let (warmup, measure) = (Duration::from_secs(2), Duration::from_secs(args.seconds));

    let merchants = shape.merchants;
    let live_share = args.live_share.min(100);
    let intake = if args.pages_only {
        Outcome::skipped()
    } else {
        phase("intake at concurrency 32");
        let intake = drive(addr, args.concurrency, warmup, measure, 303, form_session, |s, w, n| {
            intake_request(s, w, n, merchants, live_share)
        });
        report_phase("intake", &intake);
        server.report_rss();
        intake
    };

    // Each page phase: readers at their desks, one request after another,
    // the `n`th of worker `w` made by `request`.
    let load = |name: &str, request: &(dyn Fn(usize, u64) -> Vec<u8> + Sync)| {
        phase(name);
        let outcome = drive(addr, args.page_concurrency, warmup, measure, 200, |_, _| (), |_, w, n| request(w, n));
        report_phase(name, &outcome);
        server.report_rss();
        outcome
    };
    // The staff pages, each as its reader sees it.
    let merchant = login(addr, MERCHANT_LOGIN)?;
    let supervisor = login(addr, SUPERVISOR_LOGIN)?;
    let scorecard_path = format!("/merchants/{}", Shape::BIG_MERCHANT);
    let dashboard = load("merchant dashboard", &|_, _| get("/merchant", &merchant));
    let queue = load("supervisor queue", &|_, _| get("/supervisor", &supervisor));
    let scorecard = load("public scorecard", &|_, _| get(&scorecard_path, ""));
    // The public merchant list, each request another sort and page.
    let paths = merchant_list_paths(merchants);
    let list = load("merchant list", &|w, n| get(&paths[(w * 7 + n as usize) % paths.len()], ""));
    // The merchant's customer-service tool polling the API: the newest
    // page of its complaints, then the page after it, each request
    // audited as every API request is.
    let api_paths = ["/api/v1/complaints?limit=50", "/api/v1/complaints?limit=50&state=submitted"];
    let api = load("api list", &|w, n| bearer_get(api_paths[(w + n as usize) % api_paths.len()], &api_key));
    // Readers of the public register: its list, a search in Chinese, a
    // merchant's cases, a category, and a case.
    let register_paths = register::paths(&register.reference);
    let cases = load("public register", &|w, n| get(&register_paths[(w + n as usize) % register_paths.len()], ""));

    let rss_mb = server.peak_rss_kb()? as f64 / 1024.0;
    drop(server);

    let baseline = if args.pages_only {
        Outcome::skipped()
    } else {
        phase("baseline at concurrency 32");
        let base = Baseline::start(&scratch)?;
        let baseline = drive(base.addr, args.concurrency, warmup, measure, 303, form_session_none, |s, w, n| {
            intake_request(s, w, n, merchants, live_share)
        });
        report_phase("baseline", &baseline);
        baseline
    };

    let mut figures = json!({
        "backend": backend,
        "complaints": shape.complaints,
        "merchants": shape.merchants,
        "concurrency": args.concurrency,
        "page_concurrency": args.page_concurrency,
        "seconds": args.seconds,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "seed_s": round(seed_s, 1),
        "intake_rps": round(intake.rps(), 0),
        "intake_p50_ms": round(intake.percentile_ms(50.0), 2),
        "intake_p99_ms": round(intake.percentile_ms(99.0), 2),
        "intake_failed": intake.failed,
        "intake_live_share": live_share,
        "baseline_rps": round(baseline.rps(), 0),
        "baseline_p99_ms": round(baseline.percentile_ms(99.0), 2),
        "intake_to_baseline": round(intake.rps() / baseline.rps(), 3),
        "dashboard_p50_ms": round(dashboard.percentile_ms(50.0), 2),
        "dashboard_p99_ms": round(dashboard.percentile_ms(99.0), 2),
        "dashboard_rps": round(dashboard.rps(), 0),
        "queue_p50_ms": round(queue.percentile_ms(50.0), 2),
        "queue_p99_ms": round(queue.percentile_ms(99.0), 2),
        "queue_rps": round(queue.rps(), 0),
        "scorecard_p50_ms": round(scorecard.percentile_ms(50.0), 2),
        "scorecard_p99_ms": round(scorecard.percentile_ms(99.0), 2),
        "scorecard_rps": round(scorecard.rps(), 0),
        "merchant_list_p50_ms": round(list.percentile_ms(50.0), 2),
        "merchant_list_p99_ms": round(list.percentile_ms(99.0), 2),
        "merchant_list_rps": round(list.rps(), 0),
        "merchant_figures_all_s": round(figures_s, 3),
        "api_list_p50_ms": round(api.percentile_ms(50.0), 2),
        "api_list_p99_ms": round(api.percentile_ms(99.0), 2),
        "api_list_rps": round(api.rps(), 0),
        "sweep_due": shape.due(),
        "sweep_10k_of_1m_s": round(sweep_s, 3),
        "checkpoint_after_sweep_s": round(checkpoint_s, 3),
        "rss_mb": round(rss_mb, 1),
    });
    if let Some(all) = figures.as_object_mut() {
        all.extend(register.figures(&cases));
    }
    print_table(&figures);
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&figures).expect("figures serialise");
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("figures written to {}", path.display());
    }
    let failed = intake.failed
        + dashboard.failed
        + queue.failed
        + scorecard.failed
        + list.failed
        + api.failed
        + cases.failed
        + baseline.failed;
    if failed > 0 {
        return Err(format!("{failed} requests were not answered as expected (see above)"));
    }
    Ok(())
}

/// Seeds the scratch database and adds the staff who sign in; with `keep`,
/// leaves a copy there (and its seeding time beside it) for `--reuse`.
fn seed_fresh(
    config: &Config,
    shape: &Shape,
    keep: Option<&Path>,
) -> Result<(chrono::DateTime<chrono::Utc>, f64), String> {
    let mut conn = redress::startup::prepare_one(config).map_err(|e| e.to_string())?;
    eprintln!("seeding {} complaints over {} merchants…", shape.complaints, shape.merchants);
    let started = Instant::now();
    let now = chrono::Utc::now();
    // The bench's own connection may keep a large cache while it seeds;
    // the server keeps its own settings.
    conn.batch_execute("PRAGMA cache_size = -262144").ok();
    seed::seed(&mut conn, shape, now).map_err(|e| format!("seeding: {e}"))?;
    let seed_s = started.elapsed().as_secs_f64();
    eprintln!("  seeded in {seed_s:.1} s");
    for (role, email, merchant) in
        [(Role::Merchant, MERCHANT_LOGIN, Some(Shape::BIG_MERCHANT)), (Role::Supervisor, SUPERVISOR_LOGIN, None)]
    {
        let staff = NewStaff { role, email, merchant_id: merchant, password: PASSWORD };
        add_user(&mut conn, &staff, now).map_err(|e| format!("staff account: {e}"))?;
    }
    if let Some(file) = keep {
        conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)").map_err(|e| e.to_string())?;
        let url = &config.database_url;
        std::fs::copy(url.trim_start_matches("sqlite://"), file).map_err(|e| format!("{}: {e}", file.display()))?;
        std::fs::write(file.with_extension("now"), now.to_rfc3339()).map_err(|e| e.to_string())?;
    }
    Ok((now, seed_s))
}

/// The merchant list as the bench loads it: each sort, either way, at the
/// first, second, middle and last pages (50 merchants a page).
fn merchant_list_paths(merchants: i64) -> Vec<String> {
    let last = (merchants + 49) / 50;
    let mut paths = Vec::new();
    for sort in ["name", "complaints_30", "response_rate", "resolution_rate", "satisfaction"] {
        for dir in ["asc", "desc"] {
            for page in [1, 2.min(last), (last / 2).max(1), last] {
                paths.push(format!("/merchants?sort={sort}&dir={dir}&page={page}"));
            }
        }
    }
    paths
}
