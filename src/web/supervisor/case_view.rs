//! What an incident's page shows of it as a collective case: the forms
//! while it is not closed (make it a case, add complaints — typed, found by
//! a search, or suggested — rule once, dismiss, a measure on what it is
//! about), and how it ended once it is.

use crate::domain::complaint::Field;
use crate::domain::incident::IncidentState;
use crate::domain::live::{HostMeasure, ProductDecision, RoomMeasure};
use crate::domain::state::Outcome;
use crate::i18n::Tr;
use crate::service::incidents::record::{Found, Record, Status};
use crate::store::cases::Candidate;
use crate::store::from_db;
use crate::web::consumer::Choice;
use crate::web::supervisor::cases::Typed;
use crate::web::supervisor::relief_form::ReliefView;
use crate::web::view::{self, FieldView, TimeView};

/// A complaint the page offers to add.
pub struct CandidateLine {
    pub reference: String,
    pub order_ref: String,
    /// The description's first words.
    pub excerpt: String,
    pub submitted: TimeView,
}

/// A measure the page offers on one thing the incident is about.
pub struct Offer {
    pub target: &'static str,
    pub id: i64,
    pub what: String,
    pub name: String,
    /// The form's field (`measure`, or a product's `decision`… posted as
    /// `measure` here) and the choices the thing's state is open to.
    pub choices: Vec<(&'static str, String)>,
}

pub struct CaseView {
    /// Open or a collective case: the forms are shown.
    pub open: bool,
    pub collective: bool,
    /// How a closed one ended: the ruling's outcome (slug and words) and
    /// text, or the reason it was dismissed.
    pub outcome: Option<(&'static str, String)>,
    pub ruling: Option<String>,
    pub dismissed: Option<String>,
    pub closed: Option<TimeView>,
    pub outcomes: Vec<Choice>,
    pub outcome_error: Option<String>,
    pub relief: ReliefView,
    pub body: FieldView,
    pub reason: FieldView,
    pub references: FieldView,
    pub q: String,
    pub searched: Vec<CandidateLine>,
    pub suggested: Vec<CandidateLine>,
    pub offers: Vec<Offer>,
    pub measure_reason: String,
}

/// At most this many characters of a description in a candidate's line.
const EXCERPT: usize = 60;

impl CaseView {
    pub fn new(
        t: &Tr,
        tz: chrono_tz::Tz,
        r: &Record,
        typed: &Typed,
        q: String,
        found: Found,
        offers: Vec<Offer>,
    ) -> CaseView {
        let i = &r.incident;
        let message =
            |field: Field| typed.errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
        let line = |c: Candidate| CandidateLine {
            excerpt: excerpt(&c.description),
            reference: c.reference,
            order_ref: c.order_ref,
            submitted: view::time(t, tz, from_db(c.submitted_at)),
        };
        CaseView {
            open: i.state != IncidentState::Closed,
            collective: i.collective_at.is_some(),
            outcome: i.outcome.map(|o| (o.slug(), t.get(o.key()).to_owned())),
            ruling: i.ruling.clone(),
            dismissed: i.dismissed_reason.clone(),
            closed: i.closed_at.map(|at| view::time(t, tz, from_db(at))),
            outcomes: Outcome::ALL
                .iter()
                .map(|o| Choice {
                    value: o.slug().into(),
                    label: t.get(o.key()).into(),
                    selected: o.slug() == typed.outcome,
                })
                .collect(),
            outcome_error: message(Field::Resolution),
            relief: ReliefView::new(t, &typed.relief, &typed.errors),
            body: FieldView::new(t, "case.body", &typed.body, message(Field::Body)),
            reason: FieldView::new(t, "case.reason", &typed.reason, message(Field::Reason)),
            references: FieldView::new(t, "case.references", &typed.references, message(Field::References)),
            q,
            searched: found.searched.into_iter().map(line).collect(),
            suggested: found.suggested.into_iter().map(line).collect(),
            offers: if i.state == IncidentState::Closed { Vec::new() } else { offers },
            measure_reason: typed.measure_reason.clone(),
        }
    }
}

fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(EXCERPT).collect();
    if flat.chars().count() > EXCERPT {
        out.push('…');
    }
    out
}

/// The measures open on each thing the incident is about, as its own page
/// offers them (a product's delisting or putting back; approving and
/// rejecting belong to the review queue).
pub fn offers(t: &Tr, r: &Record) -> Vec<Offer> {
    r.links
        .iter()
        .map(|l| {
            let choices: Vec<(&'static str, &'static str)> = match l.status {
                Status::Room(s) => RoomMeasure::open_to(s).iter().map(|m| (m.slug(), m.key())).collect(),
                Status::Host(s) => HostMeasure::open_to(s).iter().map(|m| (m.slug(), m.key())).collect(),
                Status::Product(s) => ProductDecision::open_to(s)
                    .iter()
                    .filter(|d| matches!(d, ProductDecision::Delist | ProductDecision::Restore))
                    .map(|d| (d.slug(), d.key()))
                    .collect(),
            };
            Offer {
                target: l.target.slug(),
                id: l.id,
                what: t.get(l.target.key()).to_owned(),
                name: l.name.clone(),
                choices: choices.into_iter().map(|(slug, key)| (slug, t.get(key).to_owned())).collect(),
            }
        })
        .collect()
}
