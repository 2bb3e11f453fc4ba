//! Filing a complaint.

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::config::Config;
use crate::domain::complaint::NewComplaint;
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::evidence::Stored;
use crate::domain::offender::Named;
use crate::domain::reference::reference;
use crate::domain::state::State;
use crate::domain::verification::{Code, Purpose, Refused};
use crate::i18n::Lang;
use crate::service::offenders::{self, Trigger};
use crate::service::risk;
use crate::service::verification::{self, CheckError, CodeKey};
use crate::service::{incidents, notify, webhooks};
use crate::store::complaints::{self as store, NewComplaintRow, NewEvent};
use crate::store::{DbConnection, evidence, live, merchants, phone_codes, register, to_db};

/// The complaint form offers the merchant's sessions of this many days.
pub const SESSION_DAYS: i64 = 30;

/// Characters in a tracking token: 24 alphanumerics ≈ 142 random bits.
const TOKEN_LEN: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub id: i64,
    pub reference: String,
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("no merchant with id {0}")]
    UnknownMerchant(i64),
    /// The code given to prove the phone number was refused (nothing is
    /// filed, but the try is counted: commit what was written).
    /// The product named is not one of the merchant's that may be
    /// complained of (approved or delisted).
    #[error("product {0} is not offered for this merchant")]
    UnknownProduct(i64),
    /// The session named is not one of the merchant's of the last
    /// [`SESSION_DAYS`] days.
    #[error("live session {0} is not offered for this merchant")]
    UnknownSession(i64),
    #[error("phone code refused: {0:?}")]
    Code(Refused),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// When a complaint is filed, under which settings, in which language.
pub struct Intake<'a> {
    pub config: &'a Config,
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// Stores the complaint, its first timeline event and the notices it
/// causes (the consumer's receipt, the merchant's alert, its webhooks) in
/// one transaction.
pub fn submit(conn: &mut DbConnection, at: &Intake<'_>, c: &NewComplaint) -> Result<Submitted, SubmitError> {
    conn.write(|conn| file(conn, at, c, &[]))
}

/// [`submit`] with the evidence `files` sent with the complaint (already
/// kept in the upload folder), inside a transaction the caller holds: the
/// group-commit writer's savepoint, for the complaint form. The complaint,
/// its event, its notices and its files' rows are stored together or not
/// at all; an unknown merchant stores nothing.
pub fn file(
    conn: &mut DbConnection,
    at: &Intake<'_>,
    c: &NewComplaint,
    files: &[Stored],
) -> Result<Submitted, SubmitError> {
    file_proved(conn, at, c, files, None)
}

/// The code the consumer typed to prove the complaint's phone number.
pub struct PhoneProof<'a> {
    pub key: &'a CodeKey,
    pub code: &'a Code,
}

/// [`file`], the phone number proved by `proof` when there is one: a right
/// code marks the complaint verified in the same transaction; a wrong one
/// files nothing and is [`SubmitError::Code`] (its try is the only thing
/// written, and the caller commits it so that guessing stays counted).
pub fn file_proved(
    conn: &mut DbConnection,
    at: &Intake<'_>,
    c: &NewComplaint,
    files: &[Stored],
    proof: Option<PhoneProof<'_>>,
) -> Result<Submitted, SubmitError> {
    let merchant = merchants::find(conn, c.merchant_id)?.ok_or(SubmitError::UnknownMerchant(c.merchant_id))?;
    let product = match c.product_id {
        Some(id) => Some(
            live::product_of(conn, merchant.id, id)?
                .filter(|p| p.review.may_be_complained_of())
                .ok_or(SubmitError::UnknownProduct(id))?,
        ),
        None => None,
    };
    let since = to_db(at.now - chrono::Duration::days(SESSION_DAYS));
    let session = match c.live_session_id {
        Some(id) => Some(
            live::session_of(conn, merchant.id, id)?
                .filter(|s| s.started_at >= since)
                .ok_or(SubmitError::UnknownSession(id))?,
        ),
        None => None,
    };
    let verified = match (proof, &c.consumer_phone) {
        (None, _) => false,
        (Some(_), None) => return Err(SubmitError::Code(Refused::NoCode)),
        (Some(p), Some(phone)) => match verification::answer(conn, p.key, phone, Purpose::Complaint, p.code, at.now) {
            Ok(_) => true,
            Err(CheckError::Refused(why)) => return Err(SubmitError::Code(why)),
            Err(CheckError::Db(e)) => return Err(e.into()),
        },
    };
    let token = new_token();
    let (response_due, resolution_due) =
        (at.config.policy.response_due(at.now), at.config.policy.resolution_due(at.now));
    let risk = risk::at_intake(conn, at.config, c, product.as_ref().map(|p| p.category), at.now)?;
    let id = store::next_id(conn)?;
    let reference = reference(at.now.with_timezone(&at.config.tz).date_naive(), id);
    let filed = store::insert_as(
        conn,
        id,
        &NewComplaintRow {
            reference: &reference,
            token: &token,
            merchant_id: merchant.id,
            order_ref: &c.order_ref,
            category: c.category.slug(),
            desired_resolution: c.desired_resolution.slug(),
            amount_fen: c.amount_fen,
            description: &c.description,
            consumer_name: &c.consumer_name,
            consumer_phone: c.consumer_phone.as_ref().map(|p| p.as_str()),
            consumer_email: c.consumer_email.as_ref().map(|e| e.as_str()),
            lang: at.lang.code(),
            state: State::Submitted.slug(),
            submitted_at: to_db(at.now),
            response_due_at: to_db(response_due),
            resolution_due_at: to_db(resolution_due),
            next_due_at: Some(to_db(response_due.min(resolution_due))),
            product_id: product.as_ref().map(|p| p.id),
            live_session_id: session.as_ref().map(|s| s.id),
            room_id: session.as_ref().map(|s| s.room_id),
            host_id: session.as_ref().map(|s| s.host_id),
            risk_score: risk.score,
            risk_matches: risk.matches.as_deref(),
            risk_state: risk.state,
        },
    )?;
    let submitted = store::append_event_only(
        conn,
        NewEvent {
            complaint_id: id,
            merchant_id: merchant.id,
            at: at.now,
            actor: Actor::Consumer,
            actor_id: None,
            kind: EventKind::Submitted,
            visibility: Visibility::Public,
            body: None,
            data: None,
        },
    )?;
    if verified {
        // Before the volume is counted: a verified complaint counts.
        phone_codes::verify_one(conn, id, at.now)?;
    }
    // The receipt and the merchant's alert, in the same transaction.
    notify::receipt(conn, at.config, &filed, &merchant.name, at.now)?;
    notify::new_complaint(conn, at.config, &filed, at.now)?;
    // `complaint.created` to the merchant's endpoints: one indexed probe
    // when it has none.
    webhooks::created(conn, &filed, submitted, at.now)?;
    let named = Named {
        merchant_id: merchant.id,
        host_id: session.as_ref().map(|s| s.host_id),
        product_id: product.as_ref().map(|p| p.id),
    };
    offenders::after_all(conn, [named], Trigger::NewComplaint, at.config, at.now)?;
    // Machine discovery: the product, session and host it names.
    incidents::after_intake(conn, at.config, &filed, at.now)?;
    evidence::insert(conn, id, crate::domain::evidence::Side::Consumer, files, at.now)?;
    if c.publish {
        // Consent to the public register: one insert of what is at hand.
        let entry = register::AtIntake {
            complaint_id: id,
            merchant_id: merchant.id,
            submitted_at: at.now,
            category: c.category,
            product_category: product.as_ref().map(|p| p.category),
        };
        register::consented_at_intake(conn, &entry)?;
    }
    Ok(Submitted { id, reference, token })
}

/// A fresh tracking token: URL-safe, unguessable.
pub fn new_token() -> String {
    rand::rng().sample_iter(&rand::distr::Alphanumeric).take(TOKEN_LEN).map(char::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_url_safe_and_distinct() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        // log2(62) × 24 ≥ 128 bits.
        assert!((62f64).log2() * TOKEN_LEN as f64 >= 128.0);
    }
}
