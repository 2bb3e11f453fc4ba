//! `/supervisor/audit`: the staff audit log, newest first, filtered by
//! person, kind and date (days in the deployment's zone).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use serde::Deserialize;

use crate::domain::audit::AuditKind;
use crate::error::AppError;
use crate::store::audit::{self, AuditFilter};
use crate::store::{from_db, to_db};
use crate::web::AppState;
use crate::web::consumer::Choice;
use crate::web::page::{PageCtx, render};
use crate::web::session::Supervisor;
use crate::web::view::{self, TimeView};

/// Entries a page.
const PAGE: i64 = 100;

/// What the filter form sent; every field may be left out. `before` (the
/// "older" link's entry id) stays text: one that is no id is no cursor.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    person: String,
    kind: String,
    from: String,
    until: String,
    before: String,
}

impl AuditQuery {
    /// The text filters cut to the form's 254 characters.
    fn cut(mut self) -> AuditQuery {
        for field in [&mut self.person, &mut self.kind, &mut self.from, &mut self.until] {
            *field = field.chars().take(254).collect();
        }
        self
    }

    fn before(&self) -> Option<i64> {
        self.before.parse().ok()
    }
}

pub struct AuditLine {
    pub at: TimeView,
    pub actor: String,
    pub kind: String,
    pub kind_label: String,
    pub address: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "supervisor/audit.html")]
struct AuditPage {
    ctx: PageCtx,
    q: AuditQuery,
    kinds: Vec<Choice>,
    rows: Vec<AuditLine>,
    /// The message next to a date the filter could not read.
    from_error: Option<String>,
    until_error: Option<String>,
    older_href: Option<String>,
}

/// A day typed as `YYYY-MM-DD`, as the instant it begins in `tz`.
fn day_start(raw: &str, tz: chrono_tz::Tz, next: bool) -> Result<Option<chrono::NaiveDateTime>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(drop)?;
    let day = if next { day.succ_opt().ok_or(())? } else { day };
    let local = tz.from_local_datetime(&day.and_time(NaiveTime::MIN)).earliest().ok_or(())?;
    Ok(Some(to_db(local.with_timezone(&chrono::Utc))))
}

#[get("/supervisor/audit")]
pub async fn list(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner().cut();
    let ctx = PageCtx::new(&req);
    let t = ctx.t;
    let tz = state.config.tz;
    let (from, until) = (day_start(&q.from, tz, false), day_start(&q.until, tz, true));
    let date_error = || Some(t.get("audit.error_date").to_owned());
    let (from_error, until_error) =
        (from.is_err().then(date_error).flatten(), until.is_err().then(date_error).flatten());
    let kind = AuditKind::from_slug(q.kind.trim());
    let person = q.person.trim().to_lowercase();
    let filter = AuditFilter {
        actor: (!person.is_empty()).then_some(person),
        kind: kind.map(|k| k.slug().to_owned()),
        from: from.unwrap_or(None),
        until: until.unwrap_or(None),
        before_id: q.before(),
    };
    let refused = from_error.is_some() || until_error.is_some();
    let found = if refused { Vec::new() } else { state.db(move |conn| Ok(audit::list(conn, &filter, PAGE)?)).await? };
    let older_href = (found.len() as i64 == PAGE).then(|| {
        let last = found.last().map_or(0, |r| r.id);
        let keep = serde_urlencoded::to_string([
            ("person", q.person.as_str()),
            ("kind", q.kind.as_str()),
            ("from", q.from.as_str()),
            ("until", q.until.as_str()),
        ])
        .unwrap_or_default();
        format!("/supervisor/audit?{keep}&before={last}")
    });
    let rows = found
        .into_iter()
        .map(|r| AuditLine {
            at: view::time(&t, tz, from_db(r.at)),
            kind_label: t.get(r.kind.key()).to_owned(),
            kind: r.kind.slug().into(),
            actor: r.actor,
            address: r.address,
            subject: r.subject,
            detail: r.detail,
        })
        .collect();
    let kinds = AuditKind::ALL
        .iter()
        .map(|k| Choice { value: k.slug().to_owned(), label: t.get(k.key()).to_owned(), selected: Some(*k) == kind })
        .collect();
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(status, &AuditPage { ctx, q, kinds, rows, from_error, until_error, older_href })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_in_the_deployments_zone() {
        let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
        let start = day_start("2026-11-20", tz, false).unwrap().unwrap();
        assert_eq!(start.to_string(), "2026-11-19 16:00:00");
        let end = day_start("2026-11-20", tz, true).unwrap().unwrap();
        assert_eq!(end.to_string(), "2026-11-20 16:00:00");
        assert_eq!(day_start(" ", tz, false), Ok(None));
        assert!(day_start("20/11/2026", tz, false).is_err());
    }
}
