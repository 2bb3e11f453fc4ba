//! `/supervisor/merchants/{id}`: one merchant's record for supervisors:
//! its staff accounts, the actions taken and their appeals, with the forms
//! that add staff (`staff`), take and lift actions (`actions`) and decide
//! appeals (`appeals`).

mod actions;
mod appeals;
mod deposit;
mod staff;

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

pub use actions::{lift, take_action};
pub use appeals::decide_appeal;
pub use deposit::record_deposit;
pub use staff::add_staff;

use crate::domain::action::ActionKind;
use crate::domain::deposit::EntryKind;
use crate::domain::live::Target;
use crate::domain::offender::Supervision;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::deposits::{self, Ledger};
use crate::store::actions::{self as store, ActionRow, AppealRow};
use crate::store::flags::{self, Flag, FlagState};
use crate::store::merchants::{self, Merchant};
use crate::store::{from_db, live, users};
use crate::web::consumer::Choice;
use crate::web::consumer::scorecard::{ActionView, action_view};
use crate::web::deposit_view::{DepositView, Reader};
use crate::web::page::{PageCtx, render};
use crate::web::path::MerchantId;
use crate::web::refusal::Refusal;
use crate::web::session::Supervisor;
use crate::web::view::{self, KeptForm, TimeView};
use crate::web::{AppState, csrf};

pub struct ActionLine {
    pub id: i64,
    pub view: ActionView,
    pub liftable: bool,
    pub appeal: Option<AppealLine>,
    /// Taken by the sweeper for a deposit left short, not by a person.
    pub automatic: bool,
}

/// A room, host or product of the merchant's, linked to its page.
pub struct ThingLine {
    pub href: String,
    pub what: String,
    pub name: String,
    /// `data-room-status`, `data-host-status` or `data-review`.
    pub marker: &'static str,
    pub status: &'static str,
    pub status_label: String,
    /// A repeat-offender flag about it still on the list: (`flagged` or
    /// `supervised`, its label).
    pub flag: Option<(&'static str, String)>,
}

pub struct AppealLine {
    pub id: i64,
    pub submitted: Option<TimeView>,
    pub statement: Option<String>,
    pub materials: Option<String>,
    pub decision: Option<String>,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "supervisor/merchant.html")]
struct MerchantPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    credit_code: String,
    email: String,
    shop_url: String,
    phone: Option<String>,
    categories: String,
    qualification: Option<String>,
    supervision: String,
    supervision_label: String,
    /// Flagged for supervisors only: volume alone, not yet confirmed.
    hidden_flag: bool,
    credit_points: i32,
    /// Points of the last 12 months that count.
    window_points: i64,
    staff: Vec<(String, TimeView)>,
    actions: Vec<ActionLine>,
    /// Its live rooms, hosts and products.
    things: Vec<ThingLine>,
    /// How often its rooms were inspected, in words ("巡查 3 次"), and the number.
    inspections: (i64, String),
    kinds: Vec<Choice>,
    deposit: DepositView,
    /// Top-up or adjustment.
    entry_kinds: Vec<Choice>,
    /// The form under the violation schedule: types, levels, measures.
    schedule: ScheduleChoices,
    notice: Option<(String, bool)>,
    /// A refused form's values and mistake.
    kept: KeptForm,
    csrf: String,
}

/// Everything the page shows of one merchant, as stored.
struct Record {
    merchant: Merchant,
    staff: Vec<(String, chrono::NaiveDateTime)>,
    taken: Vec<ActionRow>,
    names: view::TargetNames,
    appeals: Vec<AppealRow>,
    flag: Option<Flag>,
    live: (Vec<live::RoomRow>, Vec<live::HostRow>, Vec<live::ProductRow>),
    /// Flags about its hosts and products still on the list.
    thing_flags: Vec<Flag>,
    inspections: i64,
    ledger: Ledger,
}

async fn load(state: &AppState, id: MerchantId, now: chrono::DateTime<chrono::Utc>) -> Result<Record, AppError> {
    let id = id.0;
    state
        .db(move |conn| {
            let taken = store::for_merchant_at(conn, id, now)?;
            let merchant = merchants::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok(Record {
                ledger: deposits::ledger(conn, &merchant)?,
                merchant,
                staff: users::staff_of(conn, id)?,
                names: live::target_names(conn, &taken)?,
                taken,
                appeals: store::appeals_for_merchant(conn, id)?,
                flag: flags::open_flag(conn, id)?,
                live: (live::rooms(conn, id)?, live::hosts(conn, id)?, live::products(conn, id)?),
                thing_flags: flags::live::open_of_merchant(conn, id)?,
                inspections: crate::store::inspections::count_of_merchant(conn, id)?,
            })
        })
        .await
}

/// The merchant's page, with a notice (its text, whether an error) and
/// what a refused form kept.
async fn page(
    state: &AppState,
    req: &HttpRequest,
    id: MerchantId,
    status: StatusCode,
    notice: Option<(String, bool)>,
    kept: KeptForm,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now();
    let Record { merchant: m, staff, taken, names, appeals, flag, live, thing_flags, inspections, ledger } =
        load(state, id, now).await?;
    let window_points = store::counted_points(&taken, now);
    // Supervisors see a flag the public does not see yet (raised by
    // complaint volume alone), and that it is not public.
    let hidden_flag = flag.as_ref().is_some_and(|f| {
        f.state == FlagState::Flagged && !crate::domain::offender::public_before_confirmed(&f.reasons)
    });
    let supervision = if hidden_flag { "flagged".to_owned() } else { m.supervision.slug().to_owned() };
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let tz = state.config.tz;
    let page = MerchantPage {
        id: id.0,
        categories: m.categories.0.iter().map(|c| t.get(c.key()).to_owned()).collect::<Vec<_>>().join("、"),
        staff: staff.into_iter().map(|(email, at)| (email, view::time(&t, tz, from_db(at)))).collect(),
        actions: action_lines(&t, tz, (&taken, &names), &appeals, &ledger.automatic),
        things: thing_lines(&t, live, &thing_flags),
        inspections: (inspections, t.fmt("inspection.count_of_merchant", &[("n", &inspections)])),
        kinds: ActionKind::ON_MERCHANT
            .iter()
            .map(|k| Choice { value: k.slug().into(), label: t.get(k.key()).into(), selected: false })
            .collect(),
        deposit: DepositView::of(&t, tz, &ledger, Reader::Supervisor),
        entry_kinds: EntryKind::BY_HAND
            .iter()
            .map(|k| Choice { value: k.slug().into(), label: t.get(k.key()).into(), selected: false })
            .collect(),
        name: m.name,
        credit_code: m.credit_code,
        email: m.email,
        shop_url: m.shop_url,
        phone: m.phone,
        qualification: m.qualification,
        supervision_label: t.get(Supervision::from_slug(&supervision).map_or("", Supervision::key)).to_owned(),
        supervision,
        hidden_flag,
        credit_points: crate::domain::violation::credit_score(window_points),
        window_points,
        schedule: ScheduleChoices::new(&t),
        notice,
        kept,
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

/// The choices of the form that takes an action under the schedule.
pub struct ScheduleChoices {
    pub violations: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub measures: Vec<Choice>,
}

impl ScheduleChoices {
    fn new(t: &Tr) -> ScheduleChoices {
        use crate::domain::violation::{Level, Measure, Violation};
        let choice = |slug: &str, key: &str| Choice { value: slug.into(), label: t.get(key).into(), selected: false };
        ScheduleChoices {
            violations: Violation::ALL.iter().map(|v| choice(v.slug(), v.key())).collect(),
            levels: Level::ALL.iter().map(|l| choice(l.slug(), l.key())).collect(),
            measures: Measure::ALL.iter().map(|m| choice(m.slug(), m.key())).collect(),
        }
    }
}

/// Each action taken, with the appeal against it, if any.
fn action_lines(
    t: &Tr,
    tz: chrono_tz::Tz,
    (taken, names): (&[ActionRow], &view::TargetNames),
    appeals: &[AppealRow],
    automatic: &[i64],
) -> Vec<ActionLine> {
    let appeal_of: HashMap<i64, &AppealRow> = appeals.iter().map(|a| (a.action_id, a)).collect();
    taken
        .iter()
        .map(|a| ActionLine {
            id: a.id,
            view: ActionView { on: view::target_words(t, names, a), ..action_view(t, tz, a) },
            liftable: a.ended_at.is_none() && a.kind.is_ongoing(),
            appeal: appeal_of.get(&a.id).map(|ap| appeal_line(t, tz, ap)),
            automatic: automatic.contains(&a.id),
        })
        .collect()
}

/// The merchant's rooms, hosts and products, in that order, each with
/// the repeat-offender flag about it, if one is `open`.
fn thing_lines(
    t: &Tr,
    (rooms, hosts, products): (Vec<live::RoomRow>, Vec<live::HostRow>, Vec<live::ProductRow>),
    open: &[Flag],
) -> Vec<ThingLine> {
    let line = |target: Target, id: i64, what: &str, name: String, marker, (status, key): (&'static str, &str)| {
        let flag = open.iter().find(|f| f.subject == target && f.subject_id == Some(id)).map(|f| {
            let s = if f.state == FlagState::Supervised { Supervision::Supervised } else { Supervision::Flagged };
            (s.slug(), t.get(s.key()).to_owned())
        });
        ThingLine {
            href: format!("/supervisor/{}s/{id}", target.slug()),
            what: t.get(what).to_owned(),
            name,
            marker,
            status,
            status_label: t.get(key).to_owned(),
            flag,
        }
    };
    let rooms = rooms
        .into_iter()
        .map(|r| line(Target::Room, r.id, "live.room", r.name, "data-room-status", (r.status.slug(), r.status.key())));
    let hosts = hosts.into_iter().map(|h| {
        line(Target::Host, h.id, "live.host", h.display_name, "data-host-status", (h.status.slug(), h.status.key()))
    });
    let products = products.into_iter().map(|p| {
        line(Target::Product, p.id, "live_review.product", p.name, "data-review", (p.review.slug(), p.review.key()))
    });
    rooms.chain(hosts).chain(products).collect()
}

fn appeal_line(t: &Tr, tz: chrono_tz::Tz, ap: &AppealRow) -> AppealLine {
    AppealLine {
        id: ap.id,
        submitted: ap.submitted_at.map(|at| view::time(t, tz, from_db(at))),
        statement: ap.statement.clone(),
        materials: ap.materials.clone(),
        decision: ap
            .decision
            .as_ref()
            .map(|d| format!("{}：{}", t.get(d.key()), ap.decision_reason.clone().unwrap_or_default())),
        pending: ap.decision.is_none() && ap.submitted_at.is_some(),
    }
}

/// The page again with `refusal`'s message as an error notice; the
/// refused form keeps what was typed, with the message also next to the
/// refusal's field, if any.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    id: MerchantId,
    refusal: Refusal,
    kept: KeptForm,
) -> Result<HttpResponse, AppError> {
    let message = refusal.message(&PageCtx::new(req).t);
    let kept = match refusal.field {
        Some(field) => kept.wrong(field, message.clone()),
        None => kept,
    };
    page(state, req, id, refusal.status, Some((message, true)), kept).await
}

#[get("/supervisor/merchants/{id}")]
pub async fn show(
    req: HttpRequest,
    _who: Supervisor,
    state: web::Data<AppState>,
    id: web::Path<MerchantId>,
    query: web::Query<crate::web::notice::Done>,
) -> Result<HttpResponse, AppError> {
    let t = PageCtx::new(&req).t;
    let done = crate::web::notice::MerchantAdminDone::from_slug(&query.done);
    let notice = done.map(|d| (t.get(d.key()).to_owned(), false));
    page(&state, &req, id.into_inner(), StatusCode::OK, notice, KeptForm::default()).await
}

/// Back to the page, which says what was `done`.
fn back(id: MerchantId, done: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", format!("/supervisor/merchants/{id}?done={done}"))).finish()
}
