//! Rooms: the list and the form that adds to it.

use super::*;

pub struct RoomLine {
    pub id: i64,
    pub name: String,
    pub platform: String,
    pub room_ref: String,
    pub status: &'static str,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "merchant/live/rooms.html")]
struct RoomsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<RoomLine>,
    platform: FieldView,
    platforms: Vec<Choice>,
    name: FieldView,
    room_ref: FieldView,
    csrf: String,
}

pub fn room_line(t: &Tr, r: &RoomRow) -> RoomLine {
    RoomLine {
        id: r.id,
        name: r.name.clone(),
        platform: t.get(r.platform.key()).to_owned(),
        room_ref: r.room_ref.clone(),
        status: r.status.slug(),
        status_label: t.get(r.status.key()).to_owned(),
    }
}

async fn rooms_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done): (&RoomForm, &FieldErrors, &Done),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(live::rooms(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = RoomsPage {
        tabs: tabs(&t, Tab::Rooms),
        notice: notice(&t, done),
        rows: rows.iter().map(|r| room_line(&t, r)).collect(),
        platform: FieldView::new(&t, "live.platform", &typed.platform, err(&t, errors, Field::Platform)),
        platforms: choices(&t, Platform::ALL, Platform::slug, Platform::key, &typed.platform),
        name: FieldView::new(&t, "live.name", &typed.name, err(&t, errors, Field::Name)),
        room_ref: FieldView::new(&t, "live.room_ref", &typed.room_ref, err(&t, errors, Field::RoomRef)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/rooms")]
pub async fn list_rooms(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    rooms_page(&state, &req, &who, StatusCode::OK, (&RoomForm::default(), &FieldErrors::default(), &done)).await
}

#[post("/merchant/rooms")]
pub async fn create_room(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<RoomForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let errors = match typed.validate() {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_room(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/rooms")),
                Err(e) => refused(e)?.0,
            }
        }
        Err(errors) => errors,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    rooms_page(&state, &req, &who, status, (&typed, &errors, &Done::default())).await
}
