//! The mail dispatcher: claims due notices (each by one dispatcher only),
//! sends them, marks them sent, or schedules a retry with exponential
//! backoff, or gives up and marks them dead with the error.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::contact::Reach;
use crate::mail::transport::{SendError, Transport};
use crate::store::outbox::{self, Channel, MailKind, Row};
use crate::store::{DbConnection, complaints, from_db};

/// The ways out: mail, and text messages.
pub struct Transports {
    pub mail: Transport,
    pub sms: crate::sms::Transport,
}

impl Transports {
    pub fn from_config(config: &Config) -> Result<Transports, String> {
        let sms = crate::sms::Transport::from_config(config)?;
        if let Some(kind) = sms.templated_kinds().into_iter().find(|k| MailKind::from_slug(k).is_none()) {
            return Err(format!("SMS_URL: template.{kind}: there is no notice of the kind {kind:?}"));
        }
        Ok(Transports { mail: Transport::from_config(config)?, sms })
    }

    fn send(&self, config: &Config, row: &Row, name: &str, now: DateTime<Utc>) -> Result<(), SendError> {
        match row.channel {
            Channel::Mail => self.mail.send(&config.mail_from, &row.recipient, &row.rendered(), name),
            Channel::Sms => {
                let m = crate::sms::Message {
                    to: &row.recipient,
                    lang: row.lang,
                    kind: &row.kind,
                    text: &row.body_text,
                    name,
                };
                self.sms.send(&m, now)
            }
        }
    }
}

/// Whom a notice is for, as a log may show it: `138****8000`, `w***@example.com`.
fn masked(row: &Row) -> String {
    match row.channel {
        Channel::Mail => crate::domain::contact::Email::masked(&row.recipient),
        Channel::Sms => crate::domain::contact::Phone::masked(&row.recipient),
    }
}

/// Attempts before a notice is given up as dead.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim lasts: a dispatcher that dies mid-send frees its rows.
const LEASE: i64 = 120;

/// 10 s after the first failure, doubling, at most 10 min.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 16) - 1;
    Duration::seconds((10i64 << exponent).min(600))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

/// A dead notice sent again, as a supervisor asked: back in the queue with
/// a fresh set of attempts. False when there is no dead notice `id`.
pub fn retry(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> diesel::QueryResult<bool> {
    conn.write(|conn| outbox::retry(conn, id, now))
}

/// One round: up to `limit` due notices.
pub fn dispatch(
    conn: &mut DbConnection,
    transports: &Transports,
    config: &Config,
    now: DateTime<Utc>,
    limit: i64,
) -> diesel::QueryResult<DispatchReport> {
    let mut report = DispatchReport::default();
    let claimed = conn.write(|c| outbox::claim_due(c, now, limit, Duration::seconds(LEASE)))?;
    // What happened to each, recorded together after the round: one commit
    // for the round rather than one a notice (at 2,000 complaints a second
    // that was 4,000 commits a second beside intake's). A crash before that
    // commit sends the round again once the lease runs out, each notice
    // with its same Message-ID: delivery was at least once already.
    let mut outcomes = Vec::with_capacity(claimed.len());
    for mut row in claimed {
        let name = format!("{:08}-{}-{}", row.id, row.kind, row.created_at.and_utc().timestamp());
        if row.kind == MailKind::ConsumerProposal.slug() {
            fill_answer_by(conn, config, &mut row, now)?;
        }
        match transports.send(config, &row, &name, now) {
            Ok(()) => {
                outcomes.push((row, None));
                report.sent += 1;
            }
            Err(e) if e.permanent || row.attempts >= MAX_ATTEMPTS => {
                let to = masked(&row);
                tracing::warn!(mail = row.id, channel = row.channel.slug(), %to, error = %e.message, "notice dead");
                outcomes.push((row, Some((e.message, None))));
                report.dead += 1;
            }
            Err(e) => {
                let retry = now + backoff(row.attempts);
                let to = masked(&row);
                tracing::info!(mail = row.id, channel = row.channel.slug(), %to, error = %e.message, %retry, "notice retrying");
                outcomes.push((row, Some((e.message, Some(retry)))));
                report.retrying += 1;
            }
        }
    }
    if !outcomes.is_empty() {
        conn.write(|c| {
            for (row, failed) in &outcomes {
                match failed {
                    None => {
                        outbox::mark_sent(c, row.id, now)?;
                        delivered(c, row, now)?;
                    }
                    Some((message, retry)) => outbox::mark_failed(c, row.id, message, *retry)?,
                }
                // A verification code is kept only until it is sent or
                // given up: the outbox is no place to keep a secret.
                let finished = !matches!(failed, Some((_, Some(_))));
                if finished && row.kind == MailKind::PhoneCode.slug() {
                    outbox::forget_text(c, row.id)?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(report)
}

/// What a delivered notice sets going: a proposal's notice accepted by
/// its transport has reached the consumer, which starts the silence rule's
/// clock (the first delivery only, and only for the proposal it was about).
fn delivered(conn: &mut DbConnection, row: &Row, now: DateTime<Utc>) -> diesel::QueryResult<()> {
    let (Some(complaint), true) = (row.complaint_id, row.kind == MailKind::ConsumerProposal.slug()) else {
        return Ok(());
    };
    let by = match row.channel {
        Channel::Mail => Reach::Mail,
        Channel::Sms => Reach::Sms,
    };
    complaints::reached(conn, complaint, by, now, from_db(row.created_at)).map(drop)
}

/// A proposal's notice says by when the consumer must answer, which is
/// known only once they are reached: the silence period from the first
/// delivery of any of its notices (this one, if it is the first). Its text
/// holds [`ANSWER_BY`](crate::service::notify::ANSWER_BY) where the time goes.
fn fill_answer_by(
    conn: &mut DbConnection,
    config: &Config,
    row: &mut Row,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    use crate::service::notify::ANSWER_BY;
    if !(row.body_text.contains(ANSWER_BY) || row.subject.contains(ANSWER_BY)) {
        return Ok(());
    }
    let reached = match row.complaint_id {
        Some(id) => match complaints::find(conn, id) {
            Ok(c) => c.proposal_reached_at.map(from_db),
            Err(diesel::result::Error::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let answer_by = reached.unwrap_or(now) + config.policy.consumer_silence;
    let time = row.lang.tr().time(config.tz, answer_by);
    for text in [&mut row.subject, &mut row.body_text, &mut row.body_html] {
        *text = text.replace(ANSWER_BY, &time);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_within_10_s_and_stops_at_10_min() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(6), Duration::seconds(320));
        assert_eq!(backoff(7), Duration::seconds(600));
        assert_eq!(backoff(30), Duration::seconds(600));
    }
}
