//! Products: the list and the form that adds to it.

use super::*;

pub struct ProductLine {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub licence: String,
    pub review: &'static str,
    pub review_label: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "merchant/live/products.html")]
struct ProductsPage {
    ctx: PageCtx,
    tabs: Vec<TabLink>,
    notice: Option<String>,
    rows: Vec<ProductLine>,
    name: FieldView,
    product_category: FieldView,
    categories: Vec<Choice>,
    claims: FieldView,
    licence: FieldView,
    csrf: String,
}

pub fn product_line(t: &Tr, p: &ProductRow) -> ProductLine {
    ProductLine {
        id: p.id,
        name: p.name.clone(),
        category: t.get(p.category.key()).to_owned(),
        licence: p.licence.clone().unwrap_or_default(),
        review: p.review.slug(),
        review_label: t.get(p.review.key()).to_owned(),
        reason: p.review_reason.clone().unwrap_or_default(),
    }
}

async fn products_page(
    state: &AppState,
    req: &HttpRequest,
    who: &MerchantStaff,
    status: StatusCode,
    (typed, errors, done): (&ProductForm, &FieldErrors, &Done),
) -> Result<HttpResponse, AppError> {
    let m = who.merchant_id;
    let rows = state.db(move |conn| Ok(live::products(conn, m)?)).await?;
    let ctx = PageCtx::new(req);
    let t = ctx.t;
    let page = ProductsPage {
        tabs: tabs(&t, Tab::Products),
        notice: notice(&t, done),
        rows: rows.iter().map(|p| product_line(&t, p)).collect(),
        name: FieldView::new(&t, "live.product_name", &typed.name, err(&t, errors, Field::Name)),
        product_category: FieldView::new(
            &t,
            "live.product_category",
            &typed.product_category,
            err(&t, errors, Field::ProductCategory),
        ),
        categories: choices(
            &t,
            ProductCategory::ALL,
            ProductCategory::slug,
            ProductCategory::key,
            &typed.product_category,
        ),
        claims: FieldView::new(&t, "live.claims", &typed.claims, err(&t, errors, Field::Claims)),
        licence: FieldView::new(&t, "live.licence", &typed.licence, err(&t, errors, Field::Licence)),
        csrf: csrf::token(req),
        ctx,
    };
    render(status, &page)
}

#[get("/merchant/products")]
pub async fn list_products(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    products_page(&state, &req, &who, StatusCode::OK, (&ProductForm::default(), &FieldErrors::default(), &done)).await
}

#[post("/merchant/products")]
pub async fn create_product(
    req: HttpRequest,
    who: MerchantStaff,
    state: web::Data<AppState>,
    form: CsrfForm<ProductForm>,
) -> Result<HttpResponse, AppError> {
    let typed = form.or_forbidden()?.fields;
    let errors = match typed.validate() {
        Ok(valid) => {
            let (m, clock) = (who.merchant_id, state.clock.clone());
            match state.db(move |conn| Ok(service::register_product(conn, m, &valid, clock.now()))).await? {
                Ok(_) => return Ok(back("/merchant/products")),
                Err(e) => refused(e)?.0,
            }
        }
        Err(errors) => errors,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    products_page(&state, &req, &who, status, (&typed, &errors, &Done::default())).await
}
