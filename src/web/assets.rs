//! The stylesheet and the one small script, compiled into the binary so
//! that a copied binary is the whole application.

use actix_web::{HttpResponse, get, web};

use crate::error::AppError;

const FILES: &[(&str, &str, &str)] = &[
    ("app.css", "text/css; charset=utf-8", include_str!("../../static/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_str!("../../static/app.js")),
];

#[get("/static/{file}")]
pub async fn asset(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, content_type, body) = FILES.iter().find(|(name, _, _)| *name == file.as_str()).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(*body))
}
