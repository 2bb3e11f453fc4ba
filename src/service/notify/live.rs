//! Notices of a product review decision or of a measure on a room or a
//! host, to the merchant: by mail, and by text message when the merchant
//! gave a mobile number.

use chrono::{DateTime, Utc};

use super::{Notice, Sms, fmt, queue, queue_sms};
use crate::config::Config;
use crate::i18n::Lang;
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, merchants};

/// `what`: the thing's kind and name ("商品：xxx"); `decision`: a catalog
/// key of the decision or measure. `key` makes it one per decision.
#[allow(clippy::too_many_arguments)]
pub fn live_decision(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    kind: MailKind,
    key: String,
    what: &str,
    decision: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let Some(m) = merchants::find(conn, merchant_id)? else { return Ok(()) };
    let lang = Lang::ZhCn;
    let t = lang.tr();
    let decision = t.get(decision).to_owned();
    let args: [(&str, &dyn std::fmt::Display); 3] = [("what", &what), ("decision", &decision), ("reason", &reason)];
    let notice = Notice {
        kind,
        key: key.clone(),
        complaint: None,
        to: &m.email,
        lang,
        subject: fmt(&t, "mail.live.subject", &args),
        greeting: fmt(&t, "mail.greeting_merchant", &[("merchant", &m.name)]),
        paragraphs: vec![fmt(&t, "mail.live.p1", &args), super::staff::appeal_by(&t, config, now)],
        link: Some((t.get("mail.open_actions").to_owned(), format!("{}/merchant/actions", config.public_base()))),
    };
    queue(conn, config, notice, now)?;
    if let Some(phone) = m.phone.as_deref().filter(|p| !p.is_empty()) {
        let text = fmt(&t, "sms.live", &args);
        queue_sms(conn, Sms { kind, key, complaint_id: None, to: phone, lang, text }, now)?;
    }
    Ok(())
}
