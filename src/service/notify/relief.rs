//! A ruling's notices with the relief it gives, and the consumer's
//! question, some days after a monetary relief, whether the money arrived
//! (mail and SMS, once per relief).

use chrono::{DateTime, Utc};

use super::staff::to_merchant;
use super::{fmt, to_consumer};
use crate::config::Config;
use crate::domain::relief::Relief;
use crate::domain::state::{EscalationReason, Outcome};
use crate::i18n::Tr;
use crate::store::DbConnection;
use crate::store::complaints::Complaint;
use crate::store::outbox::MailKind;
use crate::store::reliefs::ReliefRow;

pub fn relief_question(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    row: &ReliefRow,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let relief = row.relief();
    to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerReliefQuestion,
        format!("relief_question:{}", row.id),
        "mail.relief_question.subject",
        |t| {
            let args: [(&str, &dyn std::fmt::Display); 2] =
                [("reference", &c.reference), ("relief", &t.relief(&relief))];
            vec![fmt(t, "mail.relief_question.p1", &args), t.get("mail.relief_question.p2").to_owned()]
        },
        |t| fmt(t, "sms.relief_question", &[("reference", &c.reference), ("relief", &t.relief(&relief))]),
        now,
    )
    .map(drop)
}

pub fn ruling(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    outcome: Outcome,
    body: &str,
    relief: &Relief,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let words = |t: &Tr| t.get(outcome.key()).to_owned();
    let key = ruling_key(c, now);
    super::to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerRuling,
        format!("{key}:consumer"),
        "mail.ruling.subject",
        |t| {
            let mut p = vec![fmt(t, "mail.ruling.p1", &[("reference", &c.reference), ("outcome", &words(t))])];
            p.push(body.to_owned());
            p.extend(relief_lines(t, config, relief, now));
            p
        },
        |t| {
            let mut sms = fmt(t, "sms.ruling", &[("reference", &c.reference), ("outcome", &words(t))]);
            if relief.compensation_fen.is_some() {
                sms = format!("{sms} {}", fmt(t, "sms.ruling_relief", &[("relief", &t.relief(relief))]));
            }
            sms
        },
        now,
    )?;
    to_merchant(
        conn,
        config,
        c.merchant_id,
        MailKind::MerchantRuling,
        format!("{key}:merchant"),
        Some(c),
        |t| fmt(t, "mail.ruling.subject", &[("reference", &c.reference)]),
        |t| {
            vec![
                fmt(t, "mail.ruling.p1", &[("reference", &c.reference), ("outcome", &words(t))]),
                body.to_owned(),
                fmt(t, "mail.ruling.relief_merchant", &[("relief", &t.relief(relief))]),
            ]
        },
        None,
        now,
    )
    .map(drop)
}

/// A ruling's notices are once per complaint, and once more per ruling
/// after undelivered relief brought it back.
fn ruling_key(c: &Complaint, now: DateTime<Utc>) -> String {
    match c.escalation_reason.as_deref().and_then(EscalationReason::from_slug) {
        Some(EscalationReason::ReliefNotDelivered) => format!("ruling:{}:{}", c.id, now.timestamp()),
        _ => format!("ruling:{}", c.id),
    }
}

/// What a ruling gives the consumer, in the consumer's words: the relief,
/// and for money, when they will be asked whether it arrived.
pub(super) fn relief_lines(t: &Tr, config: &Config, relief: &Relief, now: DateTime<Utc>) -> Vec<String> {
    let mut lines = vec![fmt(t, "mail.ruling.relief", &[("relief", &t.relief(relief))])];
    if let Some(ask) = relief.ask_at(now, config.relief_follow_up) {
        lines.push(fmt(t, "mail.ruling.relief_follow_up", &[("ask", &t.time(config.tz, ask))]));
    }
    lines
}
