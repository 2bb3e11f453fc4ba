//! The consumer's notice that a supervisor hid their case from the public
//! register: said in general terms (the supervisor's own reason stays with
//! the staff), with what the consumer can still do.

use chrono::{DateTime, Utc};

use super::{fmt, to_consumer};
use crate::config::Config;
use crate::store::DbConnection;
use crate::store::complaints::Complaint;
use crate::store::outbox::MailKind;

/// Once each time the case is hidden (its key names the time).
pub fn register_hidden(
    conn: &mut DbConnection,
    config: &Config,
    c: &Complaint,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    to_consumer(
        conn,
        config,
        c,
        MailKind::ConsumerRegisterHidden,
        format!("register_hidden:{}:{}", c.id, now.timestamp()),
        "mail.register_hidden.subject",
        |t| {
            vec![
                fmt(t, "mail.register_hidden.p1", &[("reference", &c.reference)]),
                t.get("mail.register_hidden.p2").to_owned(),
                t.get("mail.register_hidden.p3").to_owned(),
            ]
        },
        |t| fmt(t, "sms.register_hidden", &[("reference", &c.reference)]),
        now,
    )
    .map(drop)
}
