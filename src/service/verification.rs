//! Proving a phone number: a six-digit code sent by SMS (the code row and
//! its text message in one transaction), answered on the complaint form or
//! at `/my`. The code is kept only as an HMAC-SHA-256 under a key of its
//! own derived from the session key, compared in constant time, and never
//! logged. The rules (lifetime, tries, sends an hour) are
//! [`crate::domain::verification`]'s.

use chrono::{DateTime, Duration, Utc};
use hkdf::Hkdf;
use rand::Rng;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::config::Config;
use crate::domain::contact::Phone;
use crate::domain::verification::{self as rules, Code, Issued, Purpose, Refused};
use crate::i18n::Lang;
use crate::service::notify::{self, Sms};
use crate::service::offenders::{self, Trigger};
use crate::store::outbox::MailKind;
use crate::store::phone_codes::{self as store, Filed, NewCode};
use crate::store::{DbConnection, from_db, to_db};

/// The key codes are hashed under: its own, derived from the master key.
#[derive(Clone)]
pub struct CodeKey([u8; 32]);

impl CodeKey {
    pub fn derive(master: &[u8]) -> CodeKey {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(b"redress"), master)
            .expand(b"phone code v1", &mut key)
            .expect("32 bytes is a valid HKDF-SHA-256 length");
        CodeKey(key)
    }

    /// Hex of HMAC-SHA-256 (HKDF's extract step is exactly that, keyed by
    /// its salt) over the number, the purpose and the code.
    fn hash(&self, phone: &str, purpose: Purpose, code: &Code) -> String {
        let message = format!("{phone}\n{}\n{}", purpose.slug(), code.as_str());
        let (mac, _) = Hkdf::<Sha256>::extract(Some(&self.0), message.as_bytes());
        mac.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A code asked for.
pub struct Ask<'a> {
    pub phone: &'a Phone,
    pub purpose: Purpose,
    /// The client address that asked (counted: [`rules::PER_ADDRESS`]).
    pub address: &'a str,
    /// The language of the text message.
    pub lang: Lang,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Too many codes sent to this number in the last hour; try again
    /// after this long.
    #[error("too many codes sent to this number")]
    PhoneBusy(Duration),
    /// Too many codes asked for from this address in the last hour.
    #[error("too many codes asked for from this address")]
    AddressBusy(Duration),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Sends a new code to `ask.phone`: its row (hashed) and its text message
/// in one transaction, unless the number or the address has had its
/// hour's sends. Returns the code's row id.
pub fn send(conn: &mut DbConnection, key: &CodeKey, ask: &Ask<'_>, now: DateTime<Utc>) -> Result<i64, SendError> {
    let code = Code::from_random(rand::rng().random());
    conn.write(|conn| {
        store::lock_sends(conn, ask.phone.as_str(), ask.address)?;
        let since = now - rules::WINDOW;
        let to_phone = store::sent_to(conn, ask.phone.as_str(), since)?;
        rules::may_send(&times(to_phone), rules::PER_PHONE, now).map_err(SendError::PhoneBusy)?;
        let from_address = store::sent_from(conn, ask.address, since)?;
        rules::may_send(&times(from_address), rules::PER_ADDRESS, now).map_err(SendError::AddressBusy)?;
        let id = store::insert(
            conn,
            &NewCode {
                phone: ask.phone.as_str(),
                purpose: ask.purpose.slug(),
                code_hash: &key.hash(ask.phone.as_str(), ask.purpose, &code),
                address: ask.address,
                created_at: to_db(now),
                expires_at: to_db(rules::expires(now)),
            },
        )?;
        let text = ask.lang.tr().fmt("verify.sms", &[("code", &code.as_str())]);
        let sms = Sms {
            kind: MailKind::PhoneCode,
            key: format!("phone_code:{id}"),
            complaint_id: None,
            to: ask.phone.as_str(),
            lang: ask.lang,
            text,
        };
        notify::queue_sms(conn, sms, now)?;
        tracing::info!(code_id = id, phone = %Phone::masked(ask.phone.as_str()), "phone code queued");
        Ok(id)
    })
}

fn times(at: Vec<chrono::NaiveDateTime>) -> Vec<DateTime<Utc>> {
    at.into_iter().map(from_db).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("code refused: {0:?}")]
    Refused(Refused),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Weighs `answer` against the last code sent to `phone` for `purpose`
/// and, if it is right, uses it up. Every answer weighed counts as a
/// try, so the caller must commit what this wrote even when it refuses
/// (call it first in the transaction, before anything a refusal must not
/// keep). Returns the code's row id.
pub fn answer(
    conn: &mut DbConnection,
    key: &CodeKey,
    phone: &Phone,
    purpose: Purpose,
    answer: &Code,
    now: DateTime<Utc>,
) -> Result<i64, CheckError> {
    let refused = |why| Err(CheckError::Refused(why));
    let Some(row) = store::latest(conn, phone.as_str(), purpose.slug())? else { return refused(Refused::NoCode) };
    let issued = Issued { expires_at: from_db(row.expires_at), attempts: row.attempts, used: row.used_at.is_some() };
    if let Err(why) = issued.answerable(now) {
        return refused(why);
    }
    if !store::count_try(conn, row.id, rules::TRIES)? {
        // Another answer took the last try (or the code) meanwhile.
        return refused(Refused::Spent);
    }
    let expected = row.code_hash.as_bytes();
    let given = key.hash(phone.as_str(), purpose, answer);
    if !bool::from(expected.ct_eq(given.as_bytes())) {
        return refused(Refused::Wrong);
    }
    if !store::use_code(conn, row.id, now)? {
        return refused(Refused::Used);
    }
    Ok(row.id)
}

/// A number proved at `/my`: the code's row, which the browser's proof
/// names, and the number.
pub struct Proved {
    pub code_id: i64,
    pub phone: Phone,
}

/// `/my`: weighs the answer and, if it is right, marks every complaint
/// filed with the number verified (their merchants' volume re-counted).
/// A refusal's counted try is committed with it.
pub fn prove(
    conn: &mut DbConnection,
    key: &CodeKey,
    config: &Config,
    phone: &Phone,
    code: &Code,
    now: DateTime<Utc>,
) -> Result<Proved, CheckError> {
    let outcome = conn.write(|conn| {
        let code_id = match answer(conn, key, phone, Purpose::My, code, now) {
            Ok(id) => id,
            Err(CheckError::Refused(why)) => return Ok(Err(why)),
            Err(CheckError::Db(e)) => return Err(e),
        };
        let named = store::verify_all(conn, phone.as_str(), now)?;
        offenders::after_all(conn, named, Trigger::NewComplaint, config, now)?;
        Ok(Ok(code_id))
    })?;
    outcome.map(|code_id| Proved { code_id, phone: phone.clone() }).map_err(CheckError::Refused)
}

/// The number a proof names, while it holds: the `/my` code `code_id`,
/// used less than [`rules::PROOF`] before `now`.
pub fn proof(conn: &mut DbConnection, code_id: i64, now: DateTime<Utc>) -> diesel::QueryResult<Option<Phone>> {
    let Some(row) = store::find(conn, code_id)? else { return Ok(None) };
    let holds = row.purpose == Purpose::My.slug() && row.used_at.is_some_and(|at| from_db(at) + rules::PROOF > now);
    Ok(holds.then(|| Phone::parse(&row.phone)).flatten())
}

/// How many complaints `/my` lists at most.
pub const LISTED_AT_MOST: i64 = 200;

/// Every complaint filed with a proved number, newest first.
pub fn complaints_of(conn: &mut DbConnection, phone: &Phone) -> diesel::QueryResult<Vec<Filed>> {
    store::complaints_of(conn, phone.as_str(), LISTED_AT_MOST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_hash_depends_on_the_key_the_number_the_purpose_and_the_code() {
        let key = CodeKey::derive(&[1u8; 64]);
        let code = Code::parse("123456").unwrap();
        let h = key.hash("13800138000", Purpose::My, &code);
        assert_eq!(h.len(), 64);
        assert!(!h.contains("123456"));
        assert_eq!(h, key.hash("13800138000", Purpose::My, &code), "the same every time");
        assert_ne!(h, CodeKey::derive(&[2u8; 64]).hash("13800138000", Purpose::My, &code));
        assert_ne!(h, key.hash("13800138001", Purpose::My, &code));
        assert_ne!(h, key.hash("13800138000", Purpose::Complaint, &code));
        assert_ne!(h, key.hash("13800138000", Purpose::My, &Code::parse("123457").unwrap()));
    }
}
