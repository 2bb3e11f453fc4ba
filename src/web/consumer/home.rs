use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get};
use askama::Template;

use crate::error::AppError;
use crate::web::page::{PageCtx, render};

#[derive(Template)]
#[template(path = "consumer/home.html")]
struct HomePage {
    ctx: PageCtx,
}

#[get("/")]
pub async fn home(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &HomePage { ctx })
}
