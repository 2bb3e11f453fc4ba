//! What the webhook pages show: an endpoint's form (its URL and the
//! events as checkboxes), an endpoint as a line of the list, and its
//! deliveries with their state, attempts, answer and times.

use chrono_tz::Tz;

use crate::domain::webhook::{
    DeliveryState, Disabled, EndpointErrors, EndpointForm, URL_MAX, UrlProblem, WebhookEvent, parse_events,
};
use crate::i18n::Tr;
use crate::store::from_db;
use crate::store::webhook_deliveries::DeliveryRow;
use crate::store::webhooks::EndpointRow;
use crate::web::view::{self, FieldView, TimeView};

/// One event's checkbox.
pub struct EventChoice {
    pub value: &'static str,
    pub label: String,
    pub checked: bool,
}

/// The endpoint form's fields, with what was typed and what is wrong.
pub struct Editor {
    pub url: FieldView,
    pub events: Vec<EventChoice>,
    pub events_label: String,
    pub events_hint: String,
    pub events_error: Option<String>,
    /// Keeps the two forms' ids apart when a page has both (never yet).
    pub suffix: &'static str,
}

fn url_error(t: &Tr, p: UrlProblem) -> String {
    match p {
        UrlProblem::TooLong => t.fmt(p.key(), &[("n", &URL_MAX)]),
        p => t.get(p.key()).to_owned(),
    }
}

impl Editor {
    pub fn new(t: &Tr, typed: &EndpointForm, errors: &EndpointErrors, suffix: &'static str) -> Editor {
        let url = FieldView::new(t, "webhook.url", &typed.url, errors.url.map(|p| url_error(t, p)))
            .with_id(&format!("url{suffix}"));
        let events = WebhookEvent::subscribable()
            .map(|e| EventChoice {
                value: e.slug(),
                label: t.get(e.key()).to_owned(),
                checked: typed.events.iter().any(|v| v == e.slug()),
            })
            .collect();
        Editor {
            url,
            events,
            events_label: t.get("webhook.events").to_owned(),
            events_hint: t.get("webhook.events_hint").to_owned(),
            events_error: errors.events.map(|p| t.get(p.key()).to_owned()),
            suffix,
        }
    }

    /// The form of a stored endpoint, as it stands.
    pub fn of(t: &Tr, e: &EndpointRow) -> Editor {
        let typed = EndpointForm {
            url: e.url.clone(),
            events: parse_events(&e.events).into_iter().map(|e| e.slug().to_owned()).collect(),
        };
        Editor::new(t, &typed, &EndpointErrors::default(), "")
    }
}

/// An endpoint as the list and its own page show it.
pub struct EndpointLine {
    pub id: i64,
    pub url: String,
    /// `active` or `disabled` (`data-webhook-status`).
    pub status: &'static str,
    pub status_label: String,
    /// Why it is off, in words, when it is.
    pub disabled_note: Option<String>,
    /// The events' names, in a list as the language writes one.
    pub events: String,
    pub failing_since: Option<TimeView>,
    pub last_success: Option<TimeView>,
}

impl EndpointLine {
    pub fn new(t: &Tr, tz: Tz, e: &EndpointRow) -> EndpointLine {
        let at = |n: chrono::NaiveDateTime| view::time(t, tz, from_db(n));
        let disabled_note = match (e.active, e.disabled_reason) {
            (true, _) => None,
            (false, Some(Disabled::Failing)) => Some(
                t.fmt("webhook.disabled_failing", &[("at", &e.disabled_at.map(|d| at(d).local).unwrap_or_default())]),
            ),
            (false, _) => Some(t.get("webhook.disabled_merchant").to_owned()),
        };
        EndpointLine {
            id: e.id,
            url: e.url.clone(),
            status: if e.active { "active" } else { "disabled" },
            status_label: t.get(if e.active { "webhook.status_active" } else { "webhook.status_disabled" }).to_owned(),
            disabled_note,
            events: parse_events(&e.events)
                .into_iter()
                .map(|e| t.get(e.key()))
                .collect::<Vec<_>>()
                .join(if t.lang() == crate::i18n::Lang::En { ", " } else { "、" }),
            failing_since: e.failing_since.map(at),
            last_success: e.last_success_at.map(at),
        }
    }
}

/// One delivery in the endpoint's list.
pub struct DeliveryLine {
    pub event_type: String,
    pub event_label: String,
    pub event_id: String,
    pub state: &'static str,
    pub state_label: String,
    pub attempts: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub created: TimeView,
    pub last_attempt: Option<TimeView>,
    pub delivered: Option<TimeView>,
    /// When it is tried next, while it waits for that.
    pub next: Option<TimeView>,
}

impl DeliveryLine {
    pub fn new(t: &Tr, tz: Tz, d: &DeliveryRow) -> DeliveryLine {
        let at = |n: chrono::NaiveDateTime| view::time(t, tz, from_db(n));
        let event = WebhookEvent::from_slug(&d.event_type);
        DeliveryLine {
            event_label: event.map(|e| t.get(e.key()).to_owned()).unwrap_or_else(|| d.event_type.clone()),
            event_type: d.event_type.clone(),
            event_id: d.event_id.clone(),
            state: d.state.slug(),
            state_label: t.get(d.state.key()).to_owned(),
            attempts: d.attempts,
            status_code: d.last_status_code,
            error: d.last_error.clone().filter(|e| !e.is_empty()),
            created: at(d.created_at),
            last_attempt: d.last_attempt_at.map(at),
            delivered: d.delivered_at.map(at),
            next: (d.state == DeliveryState::Pending).then(|| at(d.next_attempt_at)),
        }
    }
}
