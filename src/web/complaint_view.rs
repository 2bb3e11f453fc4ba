//! A complaint as any page shows it: what was asked, both deadlines, the
//! proposal on the table, and the timeline as the viewer may see it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::contact::Reach;
use crate::domain::deadline::DeadlineKind;
use crate::domain::event::{EventKind, Viewer, Visibility};
use crate::domain::live::masked;
use crate::domain::progress::Progress;
use crate::domain::state::{EscalationReason, Outcome, State};
use crate::i18n::Tr;
use crate::store::complaints::{Complaint, Entry};
use crate::store::from_db;
use crate::store::live::Named;
use crate::store::reliefs::ReliefRow;
use crate::web::relief_view::ReliefView;
use crate::web::view::{self, DeadlineView, TimeView};

pub struct EventView {
    pub at: TimeView,
    pub title: String,
    /// The proposal's terms, for a proposal.
    pub detail: Option<String>,
    /// The staff account behind the entry, for staff viewers.
    pub who: Option<String>,
    pub body: Option<String>,
    pub internal: bool,
}

pub struct ComplaintView {
    pub reference: String,
    pub merchant: String,
    pub state: &'static str,
    pub state_label: String,
    pub category: String,
    pub resolution: String,
    pub amount: Option<String>,
    pub order_ref: String,
    pub description: String,
    pub consumer_name: String,
    /// The consumer's phone number was proved by a code ("号码已验证").
    pub phone_verified: bool,
    pub submitted: TimeView,
    pub deadlines: Vec<DeadlineView>,
    /// "退款 · ¥199.00" while a proposal waits for the consumer.
    pub proposal: Option<String>,
    pub timeline: Vec<EventView>,
    /// What the complaint names of the merchant's live commerce.
    pub live: LiveFacts,
    /// The collective case it is in, if any: the case's id, how many other
    /// complaints it holds (the consumer is told the count, never who),
    /// and that in words for the reader.
    pub case: Option<(i64, i32, String)>,
    /// What the consumer was given when it ended, if it did.
    pub relief: Option<ReliefView>,
}

/// The product, session, room and host a complaint names, in words. The
/// host's real name is masked for everyone but supervisors.
#[derive(Default)]
pub struct LiveFacts {
    pub product: Option<String>,
    /// The session's start and end, local.
    pub session: Option<String>,
    /// The room's name and platform.
    pub room: Option<String>,
    /// The host's display name and (masked) real name.
    pub host: Option<String>,
}

impl LiveFacts {
    pub fn new(t: &Tr, tz: Tz, named: &Named, viewer: Viewer) -> LiveFacts {
        let local = |at| view::time(t, tz, from_db(at)).local;
        LiveFacts {
            product: named.product.as_ref().map(|p| p.name.clone()),
            session: named.session.as_ref().map(|s| format!("{} – {}", local(s.started_at), local(s.ended_at))),
            room: named.room.as_ref().map(|r| format!("{}（{}）", r.name, t.get(r.platform.key()))),
            host: named.host.as_ref().map(|h| {
                let real = if viewer == Viewer::Supervisor { h.real_name.clone() } else { masked(&h.real_name) };
                format!("{}（{}）", h.display_name, real)
            }),
        }
    }
}

/// "退款 · ¥199.00" from a resolution slug and an amount.
fn terms(t: &Tr, resolution: &str, amount_fen: Option<i64>) -> String {
    t.terms(resolution, amount_fen)
}

/// Why silence counted as acceptance: when and how the proposal reached
/// the consumer (the event's data, `sms|2026-11-20T10:00:00Z`).
fn silence_reason(t: &Tr, tz: Tz, data: &str) -> Option<String> {
    let (by, at) = data.split_once('|')?;
    let by = Reach::from_slug(by)?;
    let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
    Some(t.fmt("event.silence_reason", &[("by", &t.get(by.key())), ("reached", &t.time(tz, at))]))
}

impl ComplaintView {
    /// `progress` is the complaint's progress caught up to `now`, so that
    /// the page shows what the sweeper will record even before it has.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        t: &Tr,
        tz: Tz,
        now: DateTime<Utc>,
        progress: &Progress,
        c: &Complaint,
        merchant: &str,
        entries: &[Entry],
        viewer: Viewer,
    ) -> ComplaintView {
        let state = progress.state;
        let timeline = entries
            .iter()
            .map(|(e, email)| {
                let data = e.data.as_deref().unwrap_or("");
                let detail = match EventKind::from_slug(&e.kind) {
                    Some(EventKind::Proposal) => {
                        let (resolution, fen) = data.split_once('|').unwrap_or(("", ""));
                        Some(terms(t, resolution, fen.parse().ok()))
                    }
                    Some(EventKind::Ruling) => Outcome::from_slug(data).map(|o| t.get(o.key()).to_owned()),
                    Some(EventKind::Escalated) => EscalationReason::from_slug(data).map(|r| t.get(r.key()).to_owned()),
                    Some(EventKind::SilenceAccepted) => silence_reason(t, tz, data),
                    Some(EventKind::ReliefReceived) => data.parse().ok().map(view::money),
                    Some(EventKind::PublicResponse) => {
                        crate::domain::register::PublicResponse::from_slug(data).map(|r| t.get(r.key()).to_owned())
                    }
                    _ => None,
                };
                EventView {
                    at: view::time(t, tz, from_db(e.at)),
                    title: t.to(viewer, EventKind::from_slug(&e.kind).map_or("", EventKind::key)).to_owned(),
                    detail,
                    who: email.clone().filter(|_| viewer != Viewer::Consumer),
                    body: e.body.clone(),
                    internal: e.visibility == Visibility::Internal,
                }
            })
            .collect();
        ComplaintView {
            reference: c.reference.clone(),
            merchant: merchant.to_owned(),
            state: state.slug(),
            state_label: t.get(state.key()).to_owned(),
            category: t.get(c.category.key()).to_owned(),
            resolution: t.get(c.desired_resolution.key()).to_owned(),
            amount: c.amount_fen.map(view::money),
            order_ref: c.order_ref.clone(),
            description: c.description.clone(),
            consumer_name: c.consumer_name.clone(),
            phone_verified: c.phone_verified_at.is_some(),
            submitted: view::time(t, tz, from_db(c.submitted_at)),
            deadlines: vec![
                view::deadline(t, tz, DeadlineKind::Response, &progress.response(), now, viewer),
                view::deadline(t, tz, DeadlineKind::Resolution, &progress.resolution(), now, viewer),
            ],
            proposal: (state == State::Proposed)
                .then(|| c.proposal_resolution.map(|r| terms(t, r.slug(), c.proposal_amount_fen)))
                .flatten(),
            timeline,
            live: LiveFacts::default(),
            case: None,
            relief: None,
        }
    }

    /// With what the complaint names of live commerce.
    pub fn naming(mut self, t: &Tr, tz: Tz, named: &Named, viewer: Viewer) -> ComplaintView {
        self.live = LiveFacts::new(t, tz, named, viewer);
        self
    }

    /// With its relief in force (`store::reliefs::latest`).
    pub fn with_relief(mut self, t: &Tr, tz: Tz, row: Option<&ReliefRow>, viewer: Viewer, now: DateTime<Utc>) -> Self {
        self.relief = row.map(|r| ReliefView::new(t, tz, r, viewer, now));
        self
    }

    /// The collective case it is in (`service::incidents::case::of_complaint`).
    pub fn in_case(mut self, t: &Tr, case: Option<(i64, i32)>, viewer: Viewer) -> ComplaintView {
        self.case = case.map(|(id, n)| {
            let words = match viewer {
                Viewer::Consumer => t.fmt("case.tracking", &[("n", &n)]),
                _ => t.fmt("case.staff_line", &[("id", &id), ("n", &n)]),
            };
            (id, n, words)
        });
        self
    }
}
