//! Machine discovery: each complaint scored against the risk rules at
//! intake, in its transaction, and again when the consumer replies; the
//! supervisors' edits of the rules (dismissing a flag is a supervisor's
//! command on the complaint, `service::supervision`).
//!
//! The rules are kept in memory, with the version they were read at. An
//! intake reads the version (one row, by its key) at most once a second
//! ([`FRESH`]), and the rules again only when it moved: an edit on any
//! instance bumps it in its own transaction, so an instance scores with
//! the edited rules at once after its own edits (they mark the cache
//! stale) and within a second after another instance's. Reading the
//! version for every complaint was one statement in fourteen, and about
//! as much of intake's throughput (BENCHMARKS.md, issue 20).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::complaint::{FieldErrors, NewComplaint};
use crate::domain::live::ProductCategory;
use crate::domain::risk::form::{RuleForm, ValidRule};
use crate::domain::risk::{self, RiskState, RuleKind, RuleSet, Subject};
use crate::store::DbConnection;
use crate::store::complaints::Complaint;
use crate::store::risk::{self as store, RuleRow, RuleValues};

/// The rules of one database as last read, and the version they were read
/// at.
struct Cached {
    version: i64,
    rules: Arc<RuleSet>,
    /// When the version was last read (the intake's clock), and this
    /// process's edits then.
    checked: DateTime<Utc>,
    edits: u64,
}

/// How long the rules are used without reading their version again.
pub const FRESH: chrono::TimeDelta = chrono::TimeDelta::seconds(1);

/// Edits of the rules made by this process: an edit makes every cached
/// set stale at once.
static EDITS: AtomicU64 = AtomicU64::new(0);

/// By database URL: a process may serve several databases (the tests do),
/// and each has its own rules.
static CACHE: LazyLock<RwLock<HashMap<String, Cached>>> = LazyLock::new(Default::default);

/// The active rules, as current as the version row says.
pub fn rules(conn: &mut DbConnection, config: &Config, now: DateTime<Utc>) -> diesel::QueryResult<Arc<RuleSet>> {
    let edits = EDITS.load(Ordering::Acquire);
    {
        let cache = CACHE.read().unwrap_or_else(|p| p.into_inner());
        let fresh = |c: &&Cached| c.edits == edits && c.checked <= now && now - c.checked < FRESH;
        if let Some(c) = cache.get(&config.database_url).filter(fresh) {
            return Ok(c.rules.clone());
        }
    }
    let version = store::version(conn)?;
    let mut cache = CACHE.write().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = cache.get_mut(&config.database_url).filter(|c| c.version == version) {
        (c.checked, c.edits) = (now, edits);
        return Ok(c.rules.clone());
    }
    // Read after the version: at worst newer rules under an older version,
    // which the next read of the version, seeing the new one, reads again.
    let rules = Arc::new(RuleSet::new(store::active(conn)?.iter().map(RuleRow::rule).collect()));
    cache.insert(config.database_url.clone(), Cached { version, rules: rules.clone(), checked: now, edits });
    Ok(rules)
}

/// After an edit of the rules: this process reads their version again
/// before it scores the next complaint.
fn edited() {
    EDITS.fetch_add(1, Ordering::AcqRel);
}

/// A new complaint's score, what it matched (as stored) and its flag.
pub struct Scored {
    pub score: i32,
    pub matches: Option<String>,
    pub state: Option<RiskState>,
}

/// Scores a complaint being filed: its description, category and amount,
/// and the category of the product it names.
pub fn at_intake(
    conn: &mut DbConnection,
    config: &Config,
    c: &NewComplaint,
    product: Option<ProductCategory>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Scored> {
    let subject = Subject { text: &c.description, category: c.category, amount_fen: c.amount_fen, product };
    let assessed = rules(conn, config, now)?.assess(&subject);
    let score = assessed.score();
    Ok(Scored {
        score,
        matches: risk::encode(&assessed),
        state: risk::flag_at_intake(score, config.policy.risk_threshold),
    })
}

/// Scores a user report (举报) being made: the words of what was seen,
/// by the same rules as complaints. A report has no category, amount or
/// product, so only the rules of words can match it.
pub fn of_report(
    conn: &mut DbConnection,
    config: &Config,
    description: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Scored> {
    let assessed = rules(conn, config, now)?.assess_text(description);
    let score = assessed.score();
    Ok(Scored {
        score,
        matches: risk::encode(&assessed),
        state: risk::flag_at_intake(score, config.policy.risk_threshold),
    })
}

/// Scores the consumer's reply `body` on complaint `c`, in the reply's
/// transaction: rules it matches that the complaint had not add their
/// weight, and a complaint that now reaches the threshold is flagged.
/// Writes nothing when the reply matches nothing new.
pub fn after_reply(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    body: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let found = rules(conn, config, now)?.assess_text(body);
    if found.matched.is_empty() {
        return Ok(());
    }
    let before = risk::decode(c.risk_matches.as_deref());
    let mut after = before.clone();
    let rose = after.merge(found);
    if after == before {
        return Ok(());
    }
    let state = risk::flag_after_reply(c.risk_state, after.score(), config.policy.risk_threshold, rose);
    store::set_assessment(conn, c.id, after.score(), risk::encode(&after).as_deref(), state)
}

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("no such rule")]
    NotFound,
    #[error("invalid rule: {0:?}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn values(v: &ValidRule) -> RuleValues<'_> {
    RuleValues {
        label: &v.label,
        pattern: &v.pattern,
        threshold_fen: v.threshold_fen,
        category: v.category,
        weight: v.weight,
        active: v.active,
    }
}

/// Adds a rule of words, active at once; returns it.
pub fn add(conn: &mut DbConnection, form: &RuleForm, by: i64, now: DateTime<Utc>) -> Result<RuleRow, RuleError> {
    let valid = ValidRule { active: true, ..form.validate(RuleKind::Words).map_err(RuleError::Invalid)? };
    conn.write(|conn| {
        let id = store::insert(conn, &values(&valid), by, now)?;
        edited();
        store::find(conn, id)?.ok_or(RuleError::NotFound)
    })
}

/// Changes rule `id` (its kind stays what it is): its label, weight,
/// words or value, and whether it is active. Returns it as it was.
pub fn edit(
    conn: &mut DbConnection,
    id: i64,
    form: &RuleForm,
    by: i64,
    now: DateTime<Utc>,
) -> Result<RuleRow, RuleError> {
    conn.write(|conn| {
        let before = store::find(conn, id)?.ok_or(RuleError::NotFound)?;
        let valid = form.validate(before.kind).map_err(RuleError::Invalid)?;
        store::update(conn, id, &values(&valid), by, now)?;
        edited();
        Ok(before)
    })
}

/// The audit log's words for a rule as a form sets it.
pub fn described(form: &RuleForm) -> String {
    let words = risk::words_of(&form.pattern).join(" ");
    let on = if form.active.is_some() { "" } else { " (off)" };
    format!("{} ×{}{on} {words}", form.label.trim(), form.weight.trim())
}
