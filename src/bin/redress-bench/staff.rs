//! The bench's staff: signing in through the real form, and the big
//! merchant's API key made as its staff would make one.

use std::net::SocketAddr;

use redress::store::DbConnection;

use crate::load::{Conn, cookie_jar, csrf_field, get, post};
use crate::seed::Shape;
use crate::{MERCHANT_LOGIN, PASSWORD};

/// A new API key of the big merchant's, made by its staff account.
pub fn api_key_for(conn: &mut DbConnection, now: chrono::DateTime<chrono::Utc>) -> Result<String, String> {
    use redress::domain::api_key::Scope;
    let user = redress::store::users::find_by_email(conn, MERCHANT_LOGIN)
        .map_err(|e| e.to_string())?
        .ok_or("the bench's merchant account is missing")?;
    let by = redress::service::audit::Actor {
        user_id: Some(user.id),
        email: MERCHANT_LOGIN.into(),
        address: "bench".into(),
    };
    let scope = Scope::Merchant(Shape::BIG_MERCHANT);
    let (_, key) = redress::service::api_keys::create(conn, scope, "bench", &by, now).map_err(|e| e.to_string())?;
    Ok(key)
}

/// Signs in through the real form; returns the cookies of the session.
pub fn login(addr: SocketAddr, email: &str) -> Result<String, String> {
    let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
    let form = conn.send(&get("/login", "")).map_err(|e| e.to_string())?;
    let token = csrf_field(&form.body).ok_or("the sign-in form has no CSRF token")?;
    let cookies = cookie_jar(&form.set_cookies);
    let done = conn
        .send(&post("/login", &cookies, &[("csrf_token", &token), ("email", email), ("password", PASSWORD)]))
        .map_err(|e| e.to_string())?;
    if done.status != 303 {
        return Err(format!("signing in as {email} answered {}", done.status));
    }
    // The session cookie, plus the fresh CSRF cookie sign-in sets.
    Ok(cookie_jar(&done.set_cookies))
}
