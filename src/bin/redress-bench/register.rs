//! The public register at scale: the search index and the open-data files
//! made as the server's jobs make them (each timed), then the pages a
//! reader loads.

use std::time::Instant;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use redress::config::Config;
use redress::service::published::{index, open_data};
use redress::store::DbConnection;

use crate::load::Outcome;
use crate::report::round;

/// What making the register cost, and a published case to read.
pub struct Prepared {
    pub indexed: usize,
    pub index_s: f64,
    pub open_cases: usize,
    pub open_data_s: f64,
    pub open_data_mb: f64,
    pub reference: String,
}

/// Indexes every consented complaint (the job's whole backlog at once)
/// and builds the open-data files, as of `now`.
pub fn prepare(conn: &mut DbConnection, config: &Config, now: DateTime<Utc>) -> Result<Prepared, String> {
    let started = Instant::now();
    let report = index::run(conn, now, || true)
        .map_err(|e| format!("register index: {e}"))?
        .ok_or("another process is indexing the scratch database")?;
    let index_s = started.elapsed().as_secs_f64();
    eprintln!("  register index: {} cases in {index_s:.3} s", report.indexed);
    if let DbConnection::Pg(_) = conn {
        // As autovacuum would after the table grew (it is off on some
        // servers, this machine's among them): the pages are planned on
        // the terms' real statistics.
        use diesel::connection::SimpleConnection;
        conn.batch_execute("ANALYZE register_entries; ANALYZE register_terms").map_err(|e| format!("analyze: {e}"))?;
    }

    let folder = open_data::folder(&config.data_dir);
    let started = Instant::now();
    let built = open_data::build(conn, &folder, config.tz, now).map_err(|e| format!("open data: {e}"))?;
    let open_data_s = started.elapsed().as_secs_f64();
    let bytes: u64 = std::fs::read_dir(&folder)
        .map_err(|e| e.to_string())?
        .filter_map(|f| f.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    let open_data_mb = bytes as f64 / 1_048_576.0;
    eprintln!("  open data: {} cases, {open_data_mb:.1} MB in {open_data_s:.3} s", built.cases);

    // The newest consented complaint of the big merchant's that is
    // published: the one a reader following its scorecard opens.
    use redress::store::schema::{complaints, register_entries};
    let reference: String = complaints::table
        .inner_join(register_entries::table.on(register_entries::complaint_id.eq(complaints::id)))
        .filter(redress::store::register::listed(now))
        .filter(complaints::merchant_id.eq(crate::seed::Shape::BIG_MERCHANT))
        .order(complaints::id.desc())
        .select(complaints::reference)
        .first(conn)
        .map_err(|e| format!("a published case: {e}"))?;
    Ok(Prepared { indexed: report.indexed, index_s, open_cases: built.cases, open_data_s, open_data_mb, reference })
}

impl Prepared {
    /// The register's figures, beside the page phase's.
    pub fn figures(&self, pages: &Outcome) -> serde_json::Map<String, serde_json::Value> {
        let figures = serde_json::json!({
            "register_p50_ms": round(pages.percentile_ms(50.0), 2),
            "register_p99_ms": round(pages.percentile_ms(99.0), 2),
            "register_rps": round(pages.rps(), 0),
            "register_indexed": self.indexed,
            "register_index_s": round(self.index_s, 3),
            "open_data_cases": self.open_cases,
            "open_data_s": round(self.open_data_s, 3),
            "open_data_mb": round(self.open_data_mb, 1),
        });
        figures.as_object().cloned().unwrap_or_default()
    }
}

/// What readers of the register load: the newest cases, a search in
/// Chinese (羊毛, in every seeded narrative), one merchant's cases, a
/// filter by category, and a case.
pub fn paths(reference: &str) -> Vec<String> {
    vec![
        "/cases".into(),
        "/cases?q=%E7%BE%8A%E6%AF%9B".into(),
        format!("/cases?merchant={}", crate::seed::Shape::BIG_MERCHANT),
        "/cases?category=counterfeit".into(),
        format!("/cases/{reference}"),
    ]
}
