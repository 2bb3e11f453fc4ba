//! What the staff lists (the merchant's dashboard, the supervisors' queue)
//! show of each complaint, and their search box. Everything comes from the
//! row the list's query already read: no query per row.

use chrono::{DateTime, Utc};

use crate::domain::deadline::DeadlineKind;
use crate::domain::event::Viewer;
use crate::domain::progress::Progress;
use crate::domain::search::{self, Search, SearchError};
use crate::i18n::Tr;
use crate::store::complaints::Complaint;
use crate::web::AppState;
use crate::web::view::{self, DeadlineView, FieldView};

/// How much of the consumer's description a row shows.
pub const EXCERPT_CHARS: usize = 40;

/// What people look a complaint up by, and what it is about.
pub struct RowFacts {
    pub order_ref: String,
    /// "¥299.00", when the consumer gave one.
    pub amount: Option<String>,
    /// What the consumer asks for, in words.
    pub remedy: String,
    /// The description's first characters, on one line.
    pub excerpt: String,
    /// The nearest deadline: the response until the first public reply,
    /// then the resolution.
    pub deadline: DeadlineView,
    /// The consumer's phone number was proved by a code.
    pub phone_verified: bool,
}

/// `progress` is the complaint's, caught up to `now` (`progress_at`).
pub fn facts(state: &AppState, t: &Tr, now: DateTime<Utc>, c: &Complaint, progress: &Progress) -> RowFacts {
    let (kind, deadline) = if progress.responded_at.is_none() && !progress.state.is_final() {
        (DeadlineKind::Response, progress.response())
    } else {
        (DeadlineKind::Resolution, progress.resolution())
    };
    RowFacts {
        order_ref: c.order_ref.clone(),
        amount: c.amount_fen.map(view::money),
        remedy: t.get(c.desired_resolution.key()).to_owned(),
        excerpt: crate::domain::text::excerpt(&c.description, EXCERPT_CHARS),
        deadline: view::deadline(t, state.config.tz, kind, &deadline, now, Viewer::Merchant),
        phone_verified: c.phone_verified_at.is_some(),
    }
}

/// A list's search box (`?q=`): what was typed, the message when it is
/// not something to look up, and the list's other filters, kept.
pub struct SearchBox {
    /// The list's path, where the form goes.
    pub action: &'static str,
    pub field: FieldView,
    /// The list's filters in force, sent again with the query.
    pub kept: Vec<(&'static str, String)>,
    /// "2 complaints match …" or "No complaint matches …", once searched.
    pub outcome: Option<String>,
}

/// What `raw` asks for: a search, none, or the message saying why it
/// cannot be looked up (with the box keeping what was typed).
pub fn asked(
    t: &Tr,
    action: &'static str,
    raw: &str,
    kept: Vec<(&'static str, String)>,
) -> (Result<Option<Search>, SearchError>, SearchBox) {
    let parsed = search::parse(raw);
    let error = parsed.as_ref().err().map(|e| t.fmt(e.key(), &[("max", &search::QUERY_MAX)]));
    let field = FieldView::new(t, "search.q", raw.trim(), error);
    (parsed, SearchBox { action, field, kept, outcome: None })
}

impl SearchBox {
    /// Says how many rows the search found (`more`: a next page exists).
    pub fn found(&mut self, t: &Tr, rows: usize, more: bool) {
        let q = self.field.value.as_str();
        self.outcome = Some(match (rows, more) {
            (0, _) => t.fmt("search.none", &[("q", &q)]),
            (n, false) => t.fmt("search.found", &[("n", &n), ("q", &q)]),
            (n, true) => t.fmt("search.found_more", &[("n", &n), ("q", &q)]),
        });
    }
}

/// The filters among `pairs` that are set, for links and hidden fields.
pub fn kept(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// `path?k=v&…` with each value encoded.
pub fn href(path: &str, pairs: &[(&'static str, String)]) -> String {
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", crate::error::encode_component(v))).collect();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) }
}
