//! Sessions: the list and the form that adds to it.

use super::*;

pub struct SessionLine {
    pub id: i64,
    pub room: String,
    pub host: String,
    pub started: view::TimeView,
    pub ended: view::TimeView,
}

#[derive(Template)]
#[template(path = "merchant/live/sessions.html")]
struct SessionsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<SessionLine>,
    room: FieldView,
    rooms: Vec<Choice>,
    host: FieldView,
    hosts: Vec<Choice>,
    started_at: FieldView,
    ended_at: FieldView,
    products: FieldView,
    offered: Vec<Choice>,
    csrf: String,
}

/// The session form as sent: `products` is a checkbox group.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SessionFields {
    room: String,
    host: String,
    started_at: String,
    ended_at: String,
    #[serde(deserialize_with = "form::list")]
    products: Vec<String>,
}

impl From<SessionFields> for SessionForm {
    fn from(f: SessionFields) -> SessionForm {
        SessionForm { room: f.room, host: f.host, started_at: f.started_at, ended_at: f.ended_at, products: f.products }
    }
}

/// A session in a line: room · host.
pub fn session_line(t: &Tr, tz: chrono_tz::Tz, s: &SessionRow, rooms: &[RoomRow], hosts: &[HostRow]) -> SessionLine {
    SessionLine {
        id: s.id,
        room: rooms.iter().find(|r| r.id == s.room_id).map(|r| r.name.clone()).unwrap_or_default(),
        host: hosts.iter().find(|h| h.id == s.host_id).map(|h| h.display_name.clone()).unwrap_or_default(),
        started: view::time(t, tz, from_db(s.started_at)),
        ended: view::time(t, tz, from_db(s.ended_at)),
    }
}

async fn sessions_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done, bad): (&SessionForm, &FieldErrors, &Done, &[ProductRow]),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let (all_sessions, all_rooms, all_hosts, all_products) = state
        .db(move |conn| {
            Ok((live::sessions(conn, m)?, live::rooms(conn, m)?, live::hosts(conn, m)?, live::products(conn, m)?))
        })
        .await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let tz = state.config.tz;
    let mut products_field = FieldView::new(&t, "live.products", "", err(&t, errors, Field::Products));
    if errors.get(Field::Products) == Some(Invalid::ProductNotApproved) {
        let names: Vec<String> = bad.iter().map(|p| format!("{}（{}）", p.name, t.get(p.review.key()))).collect();
        products_field.error = Some(t.fmt("error.product_not_approved", &[("products", &names.join("、"))]));
    }
    let pick = |value: String, label: String, typed: &str| Choice { selected: value == typed.trim(), value, label };
    let page = SessionsPage {
        tabs: tabs(&t, Tab::Sessions),
        notice: notice(&t, done),
        rows: all_sessions.iter().map(|s| session_line(&t, tz, s, &all_rooms, &all_hosts)).collect(),
        room: FieldView::new(&t, "live.room", &typed.room, err(&t, errors, Field::Room)),
        rooms: all_rooms
            .iter()
            .map(|r| {
                pick(
                    r.id.to_string(),
                    format!("{} · {} · {}", r.name, t.get(r.platform.key()), t.get(r.status.key())),
                    &typed.room,
                )
            })
            .collect(),
        host: FieldView::new(&t, "live.host", &typed.host, err(&t, errors, Field::Host)),
        hosts: all_hosts
            .iter()
            .map(|h| {
                let medical = if h.medical_staff { t.get("live.medical_mark") } else { "" };
                let label = format!("{}{medical} · {}", h.display_name, t.get(h.status.key()));
                pick(h.id.to_string(), label, &typed.host)
            })
            .collect(),
        started_at: FieldView::new(&t, "live.started_at", &typed.started_at, err(&t, errors, Field::StartedAt)),
        ended_at: FieldView::new(&t, "live.ended_at", &typed.ended_at, err(&t, errors, Field::EndedAt)),
        products: products_field,
        // Only what may be featured is offered; a product sent that is
        // not approved (a page open since it was delisted) is refused.
        offered: all_products
            .iter()
            .filter(|p| p.review.may_be_featured())
            .map(|p| Choice {
                value: p.id.to_string(),
                label: format!("{} · {}", p.name, t.get(p.category.key())),
                selected: typed.products.iter().any(|v| v.trim() == p.id.to_string()),
            })
            .collect(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/sessions")]
pub async fn list_sessions(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let empty = SessionForm::default();
    sessions_page(&state, &req, &who, StatusCode::OK, (&empty, &FieldErrors::default(), &done, &[])).await
}

#[post("/merchant/sessions")]
pub async fn create_session(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfListForm<SessionFields>,
) -> Result<HttpResponse, AppError> {
    let typed = SessionForm::from(form.or_forbidden()?.fields);
    let (errors, bad) = match typed.validate(state.config.tz) {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_session(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/sessions")),
                Err(e) => refused(e)?,
            }
        }
        Err(errors) => (errors, Vec::new()),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    sessions_page(&state, &req, &who, status, (&typed, &errors, &Done::default(), &bad)).await
}
