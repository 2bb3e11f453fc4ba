//! The consumer's reminder that a proposal waits for their answer, a day
//! before silence would count as acceptance: reminded before, not told
//! after (osTicket #6405).

use chrono::{DateTime, Utc};

use super::{fmt, to_consumer};
use crate::config::Config;
use crate::store::DbConnection;
use crate::store::complaints::Complaint;
use crate::store::outbox::MailKind;

/// Once per proposal (its key names the proposal's time).
pub fn answer_reminder(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    answer_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let proposed = c.proposed_at.map_or(0, |at| at.and_utc().timestamp());
    let terms = |t: &crate::i18n::Tr| {
        c.proposal_resolution.map(|r| t.terms(r.slug(), c.proposal_amount_fen)).unwrap_or_default()
    };
    to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerAnswerReminder,
        format!("answer_reminder:{}:{proposed}", c.id),
        "mail.answer_reminder.subject",
        |t| {
            let by = t.time(config.tz, answer_by);
            vec![
                fmt(t, "mail.answer_reminder.p1", &[("reference", &c.reference), ("terms", &terms(t))]),
                fmt(t, "mail.answer_reminder.p2", &[("answer_by", &by)]),
            ]
        },
        |t| {
            let by = t.time(config.tz, answer_by);
            fmt(t, "sms.answer_reminder", &[("reference", &c.reference), ("terms", &terms(t)), ("answer_by", &by)])
        },
        now,
    )
    .map(drop)
}
