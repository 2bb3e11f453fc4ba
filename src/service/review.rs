//! A supervisor's review of a product (approve, reject, delist, restore)
//! and measures on a live room (limit, cut, restore) and a host (ban,
//! restore). Each is one transaction: the status, the action on the
//! merchant's record (appealable like any other), the merchant's notice
//! and webhooks.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::action::ActionKind;
use crate::domain::live::{HostMeasure, HostStatus, ProductDecision, Review, RoomMeasure, RoomStatus, Target};
use crate::domain::text;
use crate::service::{notify, webhooks};
use crate::store::DbConnection;
use crate::store::actions::{self, ActionRow};
use crate::store::live;
use crate::store::outbox::MailKind;

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("not found")]
    NotFound,
    /// No such decision or measure.
    #[error("choose a decision")]
    Decision,
    /// 2 to 500 characters.
    #[error("a reason is required")]
    Reason,
    /// The decision does not fit where the thing stands (409).
    #[error("not in this state")]
    State,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn reason(raw: &str, required: bool) -> Result<Option<String>, ReviewError> {
    if !required && raw.trim().is_empty() {
        return Ok(None);
    }
    text::clean(raw, 2, 500, true).map(Some).map_err(|_| ReviewError::Reason)
}

/// Approves, rejects, delists or restores a product.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    conn: &mut DbConnection,
    config: &Config,
    product_id: i64,
    decision: &str,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<ProductDecision, ReviewError> {
    let decision = ProductDecision::from_slug(decision.trim()).ok_or(ReviewError::Decision)?;
    let why = reason(why, decision != ProductDecision::Approve)?;
    conn.write(|conn| {
        let p = live::find_product(conn, product_id)?.ok_or(ReviewError::NotFound)?;
        let to = match (decision, p.review) {
            (ProductDecision::Approve, Review::Pending) => Review::Approved,
            (ProductDecision::Reject, Review::Pending) => Review::Rejected,
            (ProductDecision::Delist, Review::Approved) => Review::Delisted,
            (ProductDecision::Restore, Review::Delisted) => Review::Approved,
            _ => return Err(ReviewError::State),
        };
        let why_text = why.clone().unwrap_or_default();
        live::set_review(conn, p.id, to, why.as_deref(), by, now)?;
        let key = match decision {
            ProductDecision::Delist => take_on(conn, p.merchant_id, ActionKind::Delist, p.id, &why_text, by, now)?,
            ProductDecision::Restore => restore(conn, Target::Product, p.id, by, &why_text, now)?,
            d => format!("product:{}:{}", p.id, d.slug()),
        };
        webhooks::review_decided(conn, p.merchant_id, p.id, &key, (decision, to), why.as_deref(), now)?;
        let what = crate::i18n::Lang::ZhCn.tr().fmt("live_review.on_product", &[("name", &p.name)]);
        notify::live_decision(
            conn,
            config,
            p.merchant_id,
            MailKind::MerchantProductReview,
            key,
            &what,
            decision.key(),
            &why_text,
            now,
        )?;
        Ok(decision)
    })
}

/// Takes `kind` on the thing `id` of `merchant_id` (an action on its
/// record, appealable like any other); the notice's key.
#[allow(clippy::too_many_arguments)]
fn take_on(
    conn: &mut DbConnection,
    merchant_id: i64,
    kind: ActionKind,
    id: i64,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<String> {
    let action = actions::insert_on(conn, merchant_id, kind, id, why, by, now)?;
    let taken = webhooks::Taken { action_id: action, kind, target_id: Some(id), points: None, reason: why };
    webhooks::action_taken(conn, merchant_id, &taken, now)?;
    Ok(format!("{}:{id}:action:{action}", kind.target().slug()))
}

/// Ends every measure in force on the thing (a restoration, or a cut
/// over a limit); the key of a restoration's notice.
fn restore(
    conn: &mut DbConnection,
    target: Target,
    id: i64,
    by: i64,
    why: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<String> {
    for a in actions::on_target(conn, target, id)?.into_iter().filter(|a| a.ended_at.is_none()) {
        actions::end(conn, a.id, by, why, false, now)?;
    }
    Ok(format!("{}:{id}:restore:{}", target.slug(), now.timestamp_micros()))
}

/// Tells the merchant of a measure on one of its things: `what` names the
/// thing (a catalog key taking `name`), `decision` is the measure's key.
#[allow(clippy::too_many_arguments)]
fn tell(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    key: String,
    (what, name): (&str, &str),
    decision: &str,
    why: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let what = crate::i18n::Lang::ZhCn.tr().fmt(what, &[("name", &name)]);
    notify::live_decision(conn, config, merchant_id, MailKind::MerchantAction, key, &what, decision, why, now)
}

/// Limits, cuts or restores a live room. A cut over a limit ends the limit.
#[allow(clippy::too_many_arguments)]
pub fn room_measure(
    conn: &mut DbConnection,
    config: &Config,
    room_id: i64,
    measure: &str,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<RoomMeasure, ReviewError> {
    let measure = RoomMeasure::from_slug(measure.trim()).ok_or(ReviewError::Decision)?;
    let why = reason(why, true)?.unwrap_or_default();
    conn.write(|conn| {
        let r = live::find_room(conn, room_id)?.ok_or(ReviewError::NotFound)?;
        let (to, key) = match (measure, r.status) {
            (RoomMeasure::Limit, RoomStatus::Active) => {
                (RoomStatus::Limited, take_on(conn, r.merchant_id, ActionKind::LimitRoom, r.id, &why, by, now)?)
            }
            (RoomMeasure::Cut, RoomStatus::Active | RoomStatus::Limited) => {
                restore(conn, Target::Room, r.id, by, &why, now)?;
                (RoomStatus::Cut, take_on(conn, r.merchant_id, ActionKind::CutRoom, r.id, &why, by, now)?)
            }
            (RoomMeasure::Restore, RoomStatus::Limited | RoomStatus::Cut) => {
                (RoomStatus::Active, restore(conn, Target::Room, r.id, by, &why, now)?)
            }
            _ => return Err(ReviewError::State),
        };
        live::set_room_status(conn, r.id, to)?;
        tell(conn, config, r.merchant_id, key, ("live_review.on_room", &r.name), measure.key(), &why, now)?;
        Ok(measure)
    })
}

/// Bans or restores a host.
#[allow(clippy::too_many_arguments)]
pub fn host_measure(
    conn: &mut DbConnection,
    config: &Config,
    host_id: i64,
    measure: &str,
    why: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<HostMeasure, ReviewError> {
    let measure = HostMeasure::from_slug(measure.trim()).ok_or(ReviewError::Decision)?;
    let why = reason(why, true)?.unwrap_or_default();
    conn.write(|conn| {
        let h = live::find_host(conn, host_id)?.ok_or(ReviewError::NotFound)?;
        let (to, key) = match (measure, h.status) {
            (HostMeasure::Ban, HostStatus::Active) => {
                (HostStatus::Banned, take_on(conn, h.merchant_id, ActionKind::BanHost, h.id, &why, by, now)?)
            }
            (HostMeasure::Restore, HostStatus::Banned) => {
                (HostStatus::Active, restore(conn, Target::Host, h.id, by, &why, now)?)
            }
            _ => return Err(ReviewError::State),
        };
        live::set_host_status(conn, h.id, to)?;
        tell(conn, config, h.merchant_id, key, ("live_review.on_host", &h.display_name), measure.key(), &why, now)?;
        Ok(measure)
    })
}

/// After an action on a product, room or host has ended (lifted, or
/// reversed on a granted appeal): the thing's status follows what is
/// still ongoing on it (nothing: approved / active). Inside the caller's
/// transaction.
pub fn after_end(
    conn: &mut DbConnection,
    action: &ActionRow,
    by: i64,
    why: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some(id) = action.target_id else { return Ok(()) };
    let target = action.kind.target();
    let ongoing: Vec<ActionKind> =
        actions::on_target(conn, target, id)?.into_iter().filter(|a| a.ended_at.is_none()).map(|a| a.kind).collect();
    match target {
        Target::Product if ongoing.is_empty() => {
            let delisted = live::find_product(conn, id)?.is_some_and(|p| p.review == Review::Delisted);
            if delisted {
                live::set_review(conn, id, Review::Approved, Some(why), by, now)?;
            }
        }
        Target::Room => {
            let status = if ongoing.contains(&ActionKind::CutRoom) {
                RoomStatus::Cut
            } else if ongoing.contains(&ActionKind::LimitRoom) {
                RoomStatus::Limited
            } else {
                RoomStatus::Active
            };
            live::set_room_status(conn, id, status)?;
        }
        Target::Host if ongoing.is_empty() => {
            live::set_host_status(conn, id, HostStatus::Active)?;
        }
        _ => {}
    }
    Ok(())
}
