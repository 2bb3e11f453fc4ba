//! `/supervisor/export.csv`: complaints as CSV (UTF-8 with a BOM so that
//! spreadsheet software reads the Chinese right), honouring the filters,
//! with columns modelled on the CFPB's public complaint database and the
//! consumer's contact masked, then what the complaint names of live
//! commerce (added at the end, so integrations that read columns by
//! position keep working). Streamed a page at a time, so a large export
//! never sits in memory whole.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::domain::category::Category;
use crate::domain::contact::{Email, Phone, masked_name};
use crate::domain::state::{EscalationReason, Outcome, State};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::store::from_db;
use crate::store::report::{ExportFilter, ExportRow, export_page};
use crate::web::AppState;
use crate::web::page::PageCtx;
use crate::web::session::Supervisor;

const PAGE: i64 = 1_000;

/// The columns, each the catalog key of its heading. New ones go at the
/// end: integrations read them by position.
pub const COLUMNS: [&str; 31] = [
    "export.received",
    "export.reference",
    "export.merchant",
    "export.category",
    "export.resolution",
    "export.state",
    "export.timely",
    "export.first_response",
    "export.resolved",
    "export.reason",
    "export.outcome",
    "export.phone",
    "export.phone_verified",
    "export.email",
    "export.order_ref",
    "export.name",
    "export.description",
    "export.product",
    "export.live_session",
    "export.room",
    "export.host",
    "export.collective_case",
    "export.relief",
    "export.relief_amount",
    "export.compensation",
    "export.relief_received",
    "export.merchant_viewed_at",
    "export.register_consent",
    "export.register_published",
    "export.register_hidden",
    "export.register_response",
];

/// A field quoted as RFC 4180 wants it, and defused as OWASP advises
/// against CSV injection: a value a spreadsheet would take for a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`, so it is shown as the text it is.
pub use crate::domain::open_data::csv_field as field;

fn row(t: &Tr, tz: chrono_tz::Tz, now: DateTime<Utc>, r: &ExportRow) -> String {
    let (c, merchant) = (&r.complaint, r.merchant.as_str());
    let time = |at: Option<chrono::NaiveDateTime>| {
        at.map(|at| from_db(at).with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
    };
    let label = |key: Option<&'static str>| key.map(|k| t.get(k).to_owned()).unwrap_or_default();
    let timely = match c.responded_at {
        Some(at) if at <= c.response_due_at => t.get("export.yes"),
        Some(_) => t.get("export.no"),
        None if c.response_breached_at.is_some() => t.get("export.no"),
        None => "",
    };
    let yes_no = |yes: bool| t.get(if yes { "export.yes" } else { "export.no" }).to_owned();
    let register = r.register.as_ref();
    [
        time(Some(c.submitted_at)),
        c.reference.clone(),
        merchant.to_owned(),
        label(Some(c.category.key())),
        label(Some(c.desired_resolution.key())),
        label(Some(c.state.key())),
        timely.to_owned(),
        time(c.responded_at),
        time(c.resolved_at),
        label(c.escalation_reason.as_deref().and_then(EscalationReason::from_slug).map(EscalationReason::key)),
        label(c.outcome.map(Outcome::key)),
        c.consumer_phone.as_deref().map(Phone::masked).unwrap_or_default(),
        t.get(if c.phone_verified_at.is_some() { "export.yes" } else { "export.no" }).to_owned(),
        c.consumer_email.as_deref().map(Email::masked).unwrap_or_default(),
        c.order_ref.clone(),
        masked_name(&c.consumer_name),
        c.description.clone(),
        r.product.clone().unwrap_or_default(),
        time(r.session_started_at),
        r.room.clone().unwrap_or_default(),
        r.host.clone().unwrap_or_default(),
        r.case.map(|id| format!("#{id}")).unwrap_or_default(),
        label(r.relief.as_ref().map(|x| x.kind.key())),
        yuan(r.relief.as_ref().and_then(|x| x.amount_fen)),
        yuan(r.relief.as_ref().and_then(|x| x.compensation_fen)),
        label(r.relief.as_ref().and_then(received)),
        time(c.merchant_viewed_at),
        // The public register: the consent as it stands, whether the
        // public sees it at the time of the export, hidden by a supervisor,
        // and the merchant's public response (its slug, as the open data).
        yes_no(register.is_some_and(|e| e.consent)),
        yes_no(register.is_some_and(|e| e.is_listed(now))),
        yes_no(register.is_some_and(|e| e.hidden_at.is_some())),
        register.and_then(|e| e.response).map(|r| r.slug().to_owned()).unwrap_or_default(),
    ]
    .iter()
    .map(|v| field(v))
    .collect::<Vec<_>>()
    .join(",")
        + "\r\n"
}

/// Fen as yuan with two decimals; empty for none.
fn yuan(fen: Option<i64>) -> String {
    fen.map(crate::domain::amount::format_yuan).unwrap_or_default()
}

/// Whether the consumer said a monetary relief arrived: yes, no, or
/// unconfirmed (silence is not "yes"); nothing for other relief.
fn received(r: &crate::store::reliefs::ReliefRow) -> Option<&'static str> {
    match (r.kind, r.received) {
        (crate::domain::relief::ReliefKind::Monetary, Some(true)) => Some("export.yes"),
        (crate::domain::relief::ReliefKind::Monetary, Some(false)) => Some("export.no"),
        (crate::domain::relief::ReliefKind::Monetary, None) => Some("relief.status_short_unconfirmed"),
        _ => None,
    }
}

/// The filters asked for; what is not one of a filter's values (or not a
/// `YYYY-MM-DD` day) is no filter.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Asked {
    state: Option<String>,
    reason: Option<String>,
    merchant: Option<String>,
    category: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Days a deadline was breached on (either), as the overview's columns
    /// count them.
    breached_from: Option<String>,
    breached_to: Option<String>,
}

impl Asked {
    fn fields(&self) -> [(&'static str, Option<&str>); 8] {
        [
            ("state", self.state.as_deref()),
            ("reason", self.reason.as_deref()),
            ("merchant", self.merchant.as_deref()),
            ("category", self.category.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
            ("breached_from", self.breached_from.as_deref()),
            ("breached_to", self.breached_to.as_deref()),
        ]
    }

    /// What the audit log records as exported: each filter sent, as sent.
    fn detail(&self) -> String {
        let sent = self.fields().into_iter().filter_map(|(k, v)| Some(format!("{k}={}", v?)));
        sent.collect::<Vec<_>>().join("&")
    }

    fn filter(&self, tz: chrono_tz::Tz) -> ExportFilter {
        fn sent(raw: &Option<String>) -> &str {
            raw.as_deref().unwrap_or("")
        }
        let day = |raw: &Option<String>| {
            NaiveDate::parse_from_str(sent(raw), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|d| d.and_local_timezone(tz).earliest())
                .map(|d| d.to_utc())
        };
        ExportFilter {
            state: State::from_slug(sent(&self.state)),
            reason: EscalationReason::from_slug(sent(&self.reason)),
            merchant_id: sent(&self.merchant).parse().ok(),
            category: Category::from_slug(sent(&self.category)),
            received_from: day(&self.from),
            received_before: day(&self.to).map(|d| d + chrono::Duration::days(1)),
            breached_from: day(&self.breached_from),
            breached_before: day(&self.breached_to).map(|d| d + chrono::Duration::days(1)),
        }
    }
}

#[get("/supervisor/export.csv")]
pub async fn export(
    req: HttpRequest,
    who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<Asked>,
) -> Result<HttpResponse, AppError> {
    let tz = state.config.tz;
    let asked = query.detail();
    state.audit(state.actor(&req, &who.0), crate::domain::audit::AuditKind::Export, "complaints".into(), asked).await?;
    let filter = query.filter(tz);
    let t = PageCtx::new(&req).t;
    let header = format!("\u{feff}{}\r\n", COLUMNS.iter().map(|c| field(t.get(c))).collect::<Vec<_>>().join(","));
    let (pool_state, now) = (state.clone(), state.clock.now());
    // (cursor, finished) → the next page of rows.
    let pages = futures_util::stream::unfold((None, false), move |(before, finished)| {
        let state = pool_state.clone();
        async move {
            if finished {
                return None;
            }
            let rows = state.db(move |conn| Ok(export_page(conn, filter, before, PAGE)?)).await;
            match rows {
                Err(e) => Some((Err(actix_web::Error::from(e)), (None, true))),
                Ok(rows) => {
                    let last = rows.last().map(|r| r.complaint.id);
                    let chunk: String = rows.iter().map(|r| row(&t, tz, now, r)).collect();
                    let done = (rows.len() as i64) < PAGE;
                    if rows.is_empty() { None } else { Some((Ok(Bytes::from(chunk)), (last, done))) }
                }
            }
        }
    });
    let body = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(Bytes::from(header)) }).chain(pages);
    let name = format!("redress-complaints-{}.csv", state.clock.now().with_timezone(&tz).format("%Y%m%d"));
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("杭州星河"), "杭州星河");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn what_a_spreadsheet_would_run_is_shown_as_text() {
        assert_eq!(field("=1+2"), "'=1+2");
        assert_eq!(field("+86 138"), "'+86 138");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\t=1"), "'\t=1");
        assert_eq!(field("\r=1"), "\"'\r=1\"");
        assert_eq!(field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assert_eq!(field("a=b"), "a=b", "only at the start");
        assert_eq!(field("2026-11-20 10:00"), "2026-11-20 10:00");
    }
}
