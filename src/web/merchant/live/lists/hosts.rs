//! Hosts: the list and the form that adds to it.

use super::*;

pub struct HostLine {
    pub id: i64,
    pub display_name: String,
    pub real_name: String,
    pub kind: String,
    pub agency: String,
    pub medical_staff: bool,
    pub status: &'static str,
    pub status_label: String,
}

#[derive(Template)]
#[template(path = "merchant/live/hosts.html")]
struct HostsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<HostLine>,
    display_name: FieldView,
    real_name: FieldView,
    kind: FieldView,
    kinds: Vec<Choice>,
    agency: FieldView,
    medical_staff: FieldView,
    medical_checked: bool,
    csrf: String,
}

pub fn host_line(t: &Tr, h: &HostRow) -> HostLine {
    HostLine {
        id: h.id,
        display_name: h.display_name.clone(),
        real_name: h.real_name.clone(),
        kind: t.get(h.kind.key()).to_owned(),
        agency: h.agency.clone().unwrap_or_default(),
        medical_staff: h.medical_staff,
        status: h.status.slug(),
        status_label: t.get(h.status.key()).to_owned(),
    }
}

async fn hosts_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done): (&HostForm, &FieldErrors, &Done),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(live::hosts(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = HostsPage {
        tabs: tabs(&t, Tab::Hosts),
        notice: notice(&t, done),
        rows: rows.iter().map(|h| host_line(&t, h)).collect(),
        display_name: FieldView::new(&t, "live.display_name", &typed.display_name, err(&t, errors, Field::DisplayName)),
        real_name: FieldView::new(&t, "live.real_name", &typed.real_name, err(&t, errors, Field::RealName)),
        kind: FieldView::new(&t, "live.kind", &typed.kind, err(&t, errors, Field::Kind)),
        kinds: choices(&t, HostKind::ALL, HostKind::slug, HostKind::key, &typed.kind),
        agency: FieldView::new(&t, "live.agency", &typed.agency, err(&t, errors, Field::Agency)),
        medical_staff: FieldView::new(&t, "live.medical_staff", "", err(&t, &FieldErrors::default(), Field::Host)),
        medical_checked: !typed.medical_staff.trim().is_empty(),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/hosts")]
pub async fn list_hosts(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    hosts_page(&state, &req, &who, StatusCode::OK, (&HostForm::default(), &FieldErrors::default(), &done)).await
}

#[post("/merchant/hosts")]
pub async fn create_host(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<HostForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let errors = match typed.validate() {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_host(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/hosts")),
                Err(e) => refused(e)?.0,
            }
        }
        Err(errors) => errors,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    hosts_page(&state, &req, &who, status, (&typed, &errors, &Done::default())).await
}
