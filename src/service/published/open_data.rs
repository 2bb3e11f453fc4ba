//! The register's open data, built into files by a job: every published
//! case as CSV (`cases.csv`, UTF-8 with a BOM) and JSON (`cases.json`),
//! and every merchant's 12315 figures (`cases-merchants.json`, served as
//! `/cases/merchants.json`). Each file is written beside its final name,
//! synced, then renamed over it, so a reader sees the old file or the new
//! one, whole. Cases are read a page at a time down the primary key and
//! written as they are read: a million of them take the memory of one
//! page. A case withdrawn or hidden since the last build is not in the
//! next one.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::scrubbed;
use crate::domain::open_data::{CONSENT_PROVIDED, CaseRecord, MerchantCounts, MerchantRecord, csv_header, json_string};
use crate::domain::relief::ReliefKind;
use crate::store::published_export::{self as store, OpenCase};
use crate::store::{DbConnection, from_db, report};

/// The files, by what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFile {
    CasesCsv,
    CasesJson,
    Merchants,
}

impl OpenFile {
    pub const ALL: [OpenFile; 3] = [OpenFile::CasesCsv, OpenFile::CasesJson, OpenFile::Merchants];

    /// Its name in the folder (and, for a download, on the reader's disk).
    pub fn file_name(self) -> &'static str {
        match self {
            OpenFile::CasesCsv => "cases.csv",
            OpenFile::CasesJson => "cases.json",
            OpenFile::Merchants => "cases-merchants.json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            OpenFile::CasesCsv => "text/csv; charset=utf-8",
            OpenFile::CasesJson | OpenFile::Merchants => "application/json",
        }
    }
}

/// Where the files are kept: `open-data` in the data folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("open-data")
}

/// The period of the merchants' figures; the one before is as long.
pub const PERIOD: Duration = Duration::days(30);
/// Cases read per statement.
const PAGE: i64 = 1_000;
/// Merchants read per statement.
const MERCHANTS_AT_ONCE: i64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error("writing the open data: {0}")]
    Io(#[from] std::io::Error),
}

/// What a build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Built {
    pub cases: usize,
    pub merchants: usize,
}

/// How long ago the oldest of the files was written; `None` while one is
/// missing (never built here).
pub fn age(folder: &Path) -> Option<std::time::Duration> {
    let mut oldest = None;
    for f in OpenFile::ALL {
        let modified = std::fs::metadata(folder.join(f.file_name())).and_then(|m| m.modified()).ok()?;
        let age = modified.elapsed().unwrap_or_default();
        oldest = Some(oldest.map_or(age, |o: std::time::Duration| o.max(age)));
    }
    oldest
}

/// A file written under a temporary name and renamed over `dest` once
/// whole and on disk; removed if dropped before.
struct Atomic {
    tmp: PathBuf,
    dest: PathBuf,
    out: Option<BufWriter<std::fs::File>>,
}

impl Atomic {
    fn create(folder: &Path, file: OpenFile) -> std::io::Result<Atomic> {
        let n: u64 = rand::random();
        let tmp = folder.join(format!(".{}.{}-{n:016x}.tmp", file.file_name(), std::process::id()));
        let out = BufWriter::with_capacity(256 * 1024, std::fs::File::create_new(&tmp)?);
        Ok(Atomic { tmp, dest: folder.join(file.file_name()), out: Some(out) })
    }

    fn write(&mut self, text: &str) -> std::io::Result<()> {
        match &mut self.out {
            Some(out) => out.write_all(text.as_bytes()),
            None => Ok(()),
        }
    }

    fn finish(mut self) -> std::io::Result<()> {
        if let Some(out) = self.out.take() {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&self.tmp, &self.dest)?;
        }
        Ok(())
    }
}

impl Drop for Atomic {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Yuan with two decimals; empty for none.
fn yuan(fen: Option<i64>) -> String {
    fen.map(crate::domain::amount::format_yuan).unwrap_or_default()
}

/// The record of `c`, its narrative scrubbed, its days in `tz`.
pub fn record(c: &OpenCase, tz: Tz, now: DateTime<Utc>) -> CaseRecord {
    let day = from_db(c.submitted_at).with_timezone(&tz).format("%Y-%m-%d").to_string();
    let timely = match c.responded_at {
        Some(at) if at <= c.response_due_at => "yes",
        Some(_) => "no",
        None if c.response_breached_at.is_some() || from_db(c.response_due_at) < now => "no",
        None => "",
    };
    let relief = c.relief.as_ref();
    CaseRecord {
        reference: c.reference.clone(),
        date_received: day.clone(),
        merchant: c.merchant.clone(),
        merchant_id: c.merchant_id,
        credit_code: c.credit_code.clone(),
        product_category: c.product_category.map(|p| p.slug().to_owned()).unwrap_or_default(),
        category: c.category.slug().to_owned(),
        consent: CONSENT_PROVIDED,
        narrative: scrubbed(&c.description, &c.people),
        merchant_public_response: c.response.map(|r| r.slug().to_owned()).unwrap_or_default(),
        response_timely: timely,
        state: c.state.slug().to_owned(),
        outcome: c.outcome.map(|o| o.slug().to_owned()).unwrap_or_default(),
        relief: relief.map(|r| r.kind.slug().to_owned()).unwrap_or_default(),
        relief_amount: yuan(relief.filter(|r| r.kind == ReliefKind::Monetary).and_then(|r| r.amount_fen)),
        advance_compensation: yuan(relief.and_then(|r| r.compensation_fen).filter(|f| *f > 0)),
        date_sent_to_merchant: day,
    }
}

/// Builds the three files in `folder` as of `now` (days in `tz`).
pub fn build(conn: &mut DbConnection, folder: &Path, tz: Tz, now: DateTime<Utc>) -> Result<Built, BuildError> {
    std::fs::create_dir_all(folder)?;
    let stamp = json_string(&now.to_rfc3339_opts(SecondsFormat::Secs, true));
    let mut csv = Atomic::create(folder, OpenFile::CasesCsv)?;
    let mut json = Atomic::create(folder, OpenFile::CasesJson)?;
    csv.write(&csv_header())?;
    json.write(&format!("{{\"built_at\":{stamp},\"cases\":["))?;
    let (mut before, mut cases) = (None, 0usize);
    loop {
        let page = store::page(conn, now, before, PAGE)?;
        let (mut lines, mut objects) = (String::new(), String::new());
        for c in &page {
            let r = record(c, tz, now);
            lines.push_str(&r.csv_line());
            objects.push_str(if cases == 0 { "\n" } else { ",\n" });
            objects.push_str(&r.json());
            cases += 1;
        }
        csv.write(&lines)?;
        json.write(&objects)?;
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => before = Some(last.complaint_id),
            _ => break,
        }
    }
    json.write(&format!("\n],\"count\":{cases}}}\n"))?;
    csv.finish()?;
    json.finish()?;
    let merchants = merchants(conn, folder, &stamp, now)?;
    // The renames themselves on disk.
    std::fs::File::open(folder)?.sync_all()?;
    Ok(Built { cases, merchants })
}

/// The merchants' file; how many merchants it lists.
fn merchants(conn: &mut DbConnection, folder: &Path, stamp: &str, now: DateTime<Utc>) -> Result<usize, BuildError> {
    let (start, previous) = (now - PERIOD, now - PERIOD - PERIOD);
    let at = |t: DateTime<Utc>| json_string(&t.to_rfc3339_opts(SecondsFormat::Secs, true));
    let mut out = Atomic::create(folder, OpenFile::Merchants)?;
    out.write(&format!(
        "{{\"built_at\":{stamp},\"period_days\":{},\"period\":{{\"from\":{},\"to\":{}}},\
         \"previous_period\":{{\"from\":{},\"to\":{}}},\"merchants\":[",
        PERIOD.num_days(),
        at(start),
        at(now),
        at(previous),
        at(start),
    ))?;
    let (mut after, mut n) = (0, 0usize);
    loop {
        let batch = store::merchants_after(conn, after, MERCHANTS_AT_ONCE)?;
        let mut objects = String::new();
        for m in &batch {
            let c = report::merchant_counts(conn, m.id, start, [start, previous], now)?;
            let counts = MerchantCounts {
                complaints: c.received,
                previous: c.recent[1] - c.received,
                resolution_decided: c.resolution_decided,
                resolved: c.resolution_met,
                compensated: store::compensated_since(conn, m.id, start)?,
            };
            let record = MerchantRecord::new(m.id, m.name.clone(), m.credit_code.clone(), counts);
            objects.push_str(if n == 0 { "\n" } else { ",\n" });
            objects.push_str(&record.json());
            n += 1;
        }
        out.write(&objects)?;
        match batch.last() {
            Some(last) if batch.len() as i64 == MERCHANTS_AT_ONCE => after = last.id,
            _ => break,
        }
    }
    out.write(&format!("\n],\"count\":{n}}}\n"))?;
    out.finish()?;
    Ok(n)
}
