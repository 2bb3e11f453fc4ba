//! What the complaint form offers once the merchant is known: its products
//! that may be complained of and its recent live sessions.

use super::LiveTyped;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service::complaints::SESSION_DAYS;
use crate::store::live;
use crate::web::AppState;
use crate::web::consumer::Choice;

/// What the form offers once the merchant is known; each list starts with
/// "not listed" (empty value).
pub struct LiveOptions {
    pub products: Vec<Choice>,
    pub sessions: Vec<Choice>,
}

/// The merchant `picked`'s products that may be complained of and its
/// sessions of the last [`SESSION_DAYS`] days, as the form offers them
/// (none when no merchant is chosen, or it is not one).
pub async fn live_options(
    state: &AppState,
    t: &Tr,
    picked: &str,
    typed: &LiveTyped,
) -> Result<Option<LiveOptions>, AppError> {
    let Some(merchant) = picked.parse::<i64>().ok().filter(|id| *id > 0) else { return Ok(None) };
    let since = state.clock.now() - chrono::Duration::days(SESSION_DAYS);
    let read = state
        .db(move |conn| {
            let products = live::products(conn, merchant)?;
            let sessions = live::sessions_since(conn, merchant, since)?;
            let rooms = if sessions.is_empty() { Vec::new() } else { live::rooms(conn, merchant)? };
            let hosts = if sessions.is_empty() { Vec::new() } else { live::hosts(conn, merchant)? };
            Ok((products, sessions, rooms, hosts))
        })
        .await;
    let (products, sessions, rooms, hosts) = match read {
        Ok(read) => read,
        Err(AppError::Unavailable(cause)) => {
            tracing::warn!(%cause, "products and sessions unavailable; the form is shown without them");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let none = |picked: &str| Choice {
        value: String::new(),
        label: t.get("live_intake.not_listed").into(),
        selected: picked.is_empty(),
    };
    let (product, session) = (typed.product.trim(), typed.live_session.trim());
    let mut offered = vec![none(product)];
    offered.extend(products.into_iter().filter(|p| p.review.may_be_complained_of()).map(|p| Choice {
        selected: p.id.to_string() == product,
        value: p.id.to_string(),
        label: p.name,
    }));
    let mut recent = vec![none(session)];
    let tz = state.config.tz;
    recent.extend(sessions.into_iter().map(|s| {
        let room = rooms.iter().find(|r| r.id == s.room_id).map_or("", |r| r.name.as_str());
        let host = hosts.iter().find(|h| h.id == s.host_id).map_or("", |h| h.display_name.as_str());
        let start = s.started_at.and_utc().with_timezone(&tz).format("%Y-%m-%d %H:%M");
        Choice {
            selected: s.id.to_string() == session,
            value: s.id.to_string(),
            label: format!("{room} · {host} · {start}"),
        }
    }));
    Ok(Some(LiveOptions { products: offered, sessions: recent }))
}
