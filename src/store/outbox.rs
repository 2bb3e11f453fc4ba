//! The mail outbox: rows written in the same transaction as the event that
//! causes them, already rendered, sent later by the dispatcher.
//! `dedupe_key` is unique, so a retried event or a second sweeper never
//! queues the same notice twice.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::outbox;
use super::{AsText, DbConnection, to_db};
use crate::i18n::Lang;
use crate::mail::Rendered;

crate::slug_enum! {
    pub enum MailKind {
        /// To the consumer: reference, deadlines and the tracking link.
        Receipt => "receipt",
        /// To the consumer, on request from the tracking page.
        TrackingLink => "tracking_link",
        ConsumerReply => "consumer_reply",
        ConsumerProposal => "consumer_proposal",
        ConsumerRuling => "consumer_ruling",
        /// To the consumer, a day before silence would accept a proposal.
        ConsumerAnswerReminder => "consumer_answer_reminder",
        /// To the consumer: the platform is now handling the complaint.
        ConsumerEscalation => "consumer_escalation",
        /// To the consumer, some days after a monetary relief: did it arrive?
        ConsumerReliefQuestion => "consumer_relief_question",
        /// To the merchant: a new complaint with its deadlines.
        MerchantNewComplaint => "merchant_new_complaint",
        MerchantResponseReminder => "merchant_response_reminder",
        MerchantResolutionReminder => "merchant_resolution_reminder",
        MerchantBreach => "merchant_breach",
        MerchantEscalation => "merchant_escalation",
        MerchantRuling => "merchant_ruling",
        /// To the merchant: a collective case's ruling (once per case).
        MerchantCaseRuling => "merchant_case_ruling",
        MerchantAction => "merchant_action",
        MerchantAppeal => "merchant_appeal",
        /// To the merchant: a product approved, rejected, delisted or put back.
        MerchantProductReview => "merchant_product_review",
        SupervisorEscalation => "supervisor_escalation",
        SupervisorFlag => "supervisor_flag",
        /// To every supervisor: an incident was opened (once per incident).
        SupervisorIncident => "supervisor_incident",
        /// To a phone number: the six-digit code that proves it.
        PhoneCode => "phone_code",
        /// To the merchant: compensation paid from its deposit, and when
        /// to top up; its automatic restriction lifted once topped up.
        MerchantDeposit => "merchant_deposit",
        /// To the merchant: a webhook endpoint turned off after failing
        /// for days on end.
        MerchantWebhookDisabled => "merchant_webhook_disabled",
        /// To the consumer: a supervisor hid their case from the public
        /// register.
        ConsumerRegisterHidden => "consumer_register_hidden",
    }
}

crate::slug_enum! {
    /// How a notice travels: a mail (`recipient` an address; subject, text
    /// and HTML) or a text message (`recipient` a mobile number's 11
    /// digits; the text alone).
    pub enum Channel {
        Mail => "mail",
        Sms => "sms",
    }
}

crate::slug_enum! {
    pub enum MailState {
        Queued => "queued",
        /// Claimed by a dispatcher until `claimed_until`.
        Sending => "sending",
        Sent => "sent",
        /// Failed for good, or too often: a supervisor may retry it.
        Dead => "dead",
    }
}

pub struct Enqueue<'a> {
    pub channel: Channel,
    pub kind: MailKind,
    pub dedupe_key: String,
    pub complaint_id: Option<i64>,
    pub recipient: &'a str,
    pub lang: &'a str,
    pub mail: &'a Rendered,
}

/// Queues a notice unless one with the same key exists; returns whether it
/// queued. Call inside the transaction of the event.
pub fn enqueue(conn: &mut DbConnection, m: Enqueue<'_>, now: DateTime<Utc>) -> QueryResult<bool> {
    // Both per notice, on the hot paths: run on the backend's own
    // connection (see `on_backend!`).
    let exists = diesel::select(diesel::dsl::exists(outbox::table.filter(outbox::dedupe_key.eq(&m.dedupe_key))));
    if crate::on_backend!(conn, |c| exists.get_result::<bool>(c))? {
        return Ok(false);
    }
    let insert = diesel::insert_into(outbox::table).values((
        outbox::channel.eq(m.channel),
        outbox::kind.eq(m.kind),
        outbox::dedupe_key.eq(&m.dedupe_key),
        outbox::complaint_id.eq(m.complaint_id),
        outbox::recipient.eq(m.recipient),
        outbox::lang.eq(m.lang),
        outbox::state.eq(MailState::Queued),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(to_db(now)),
        outbox::created_at.eq(to_db(now)),
        outbox::subject.eq(&m.mail.subject),
        outbox::body_text.eq(&m.mail.text),
        outbox::body_html.eq(&m.mail.html),
    ));
    crate::on_backend!(conn, |c| insert.execute(c))?;
    Ok(true)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Row {
    pub id: i64,
    /// A [`MailKind`]'s slug, checked as it is read.
    #[diesel(deserialize_as = AsText<MailKind>)]
    pub kind: String,
    pub dedupe_key: String,
    pub complaint_id: Option<i64>,
    pub recipient: String,
    pub lang: Lang,
    pub state: MailState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub claimed_until: Option<NaiveDateTime>,
    pub channel: Channel,
}

impl Row {
    pub fn rendered(&self) -> Rendered {
        Rendered { subject: self.subject.clone(), text: self.body_text.clone(), html: self.body_html.clone() }
    }
}

/// Claims up to `limit` due rows for `lease`: each is taken by one
/// `UPDATE … WHERE` it still matches, so of two dispatchers only one gets
/// a row (on either database, without locks).
pub fn claim_due(conn: &mut DbConnection, now: DateTime<Utc>, limit: i64, lease: Duration) -> QueryResult<Vec<Row>> {
    if let DbConnection::Pg(pg) = conn {
        return claim_due_pg(pg, now, limit, lease);
    }
    let now_db = to_db(now);
    let mut ids: Vec<i64> = outbox::table
        .filter(outbox::state.eq(MailState::Queued))
        .filter(outbox::next_attempt_at.le(now_db))
        .order(outbox::next_attempt_at)
        .select(outbox::id)
        .limit(limit)
        .load(conn)?;
    ids.extend(
        outbox::table
            .filter(outbox::state.eq(MailState::Sending))
            .filter(outbox::claimed_until.lt(now_db))
            .select(outbox::id)
            .limit(limit)
            .load::<i64>(conn)?,
    );
    let mut claimed = Vec::new();
    for id in ids {
        let still_claimable = outbox::state
            .eq(MailState::Queued)
            .and(outbox::next_attempt_at.le(now_db))
            .or(outbox::state.eq(MailState::Sending).and(outbox::claimed_until.lt(now_db)));
        let n = diesel::update(outbox::table.find(id).filter(still_claimable))
            .set((
                outbox::state.eq(MailState::Sending),
                outbox::claimed_until.eq(to_db(now + lease)),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .execute(conn)?;
        if n == 1 {
            claimed.push(outbox::table.find(id).select(Row::as_select()).first(conn)?);
        }
    }
    Ok(claimed)
}

/// PostgreSQL: the due rows no other dispatcher holds locked right now
/// (`FOR UPDATE SKIP LOCKED`), claimed in one statement, so that several
/// instances share the queue without waiting on each other. Must run in
/// a transaction, which holds the row locks until the claim commits.
fn claim_due_pg(
    pg: &mut diesel::PgConnection,
    now: DateTime<Utc>,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<Row>> {
    let now_db = to_db(now);
    let ids: Vec<i64> = outbox::table
        .filter(
            outbox::state
                .eq(MailState::Queued)
                .and(outbox::next_attempt_at.le(now_db))
                .or(outbox::state.eq(MailState::Sending).and(outbox::claimed_until.lt(now_db))),
        )
        .order(outbox::next_attempt_at)
        .select(outbox::id)
        .limit(limit)
        .for_update()
        .skip_locked()
        .load(pg)?;
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((
            outbox::state.eq(MailState::Sending),
            outbox::claimed_until.eq(to_db(now + lease)),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .returning(Row::as_returning())
        .get_results(pg)
}

pub fn mark_sent(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<()> {
    // Two a complaint: kept prepared.
    let set = (
        outbox::state.eq(MailState::Sent),
        outbox::sent_at.eq(to_db(now)),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
    );
    crate::on_backend!(conn, |c| super::update(outbox::table, set, outbox::id.eq(id)).execute(c)).map(drop)
}

/// Blanks a notice's text once it needs it no more (a code that was sent).
pub fn forget_text(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((outbox::body_text.eq(""), outbox::body_html.eq(""), outbox::subject.eq("")))
        .execute(conn)
        .map(drop)
}

/// A failed attempt: queued again for `retry_at`, or dead when `None`.
pub fn mark_failed(conn: &mut DbConnection, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> QueryResult<()> {
    let (state, next) = match retry_at {
        Some(at) => (MailState::Queued, Some(to_db(at))),
        None => (MailState::Dead, None),
    };
    diesel::update(outbox::table.find(id))
        .set((outbox::state.eq(state), outbox::last_error.eq(error), outbox::claimed_until.eq(None::<NaiveDateTime>)))
        .execute(conn)?;
    if let Some(next) = next {
        diesel::update(outbox::table.find(id)).set(outbox::next_attempt_at.eq(next)).execute(conn)?;
    }
    Ok(())
}

/// Rows in the given states, newest first, for the supervisors' view.
pub fn in_states(conn: &mut DbConnection, states: &[MailState], limit: i64) -> QueryResult<Vec<Row>> {
    outbox::table
        .filter(outbox::state.eq_any(states))
        .select(Row::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .load(conn)
}

/// Puts a dead row back in the queue with a fresh set of attempts.
pub fn retry(conn: &mut DbConnection, id: i64, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(outbox::table.find(id).filter(outbox::state.eq(MailState::Dead)))
        .set((outbox::state.eq(MailState::Queued), outbox::attempts.eq(0), outbox::next_attempt_at.eq(to_db(now))))
        .execute(conn)?;
    Ok(n == 1)
}

/// Queued notices for a complaint, oldest first: (kind, recipient).
pub fn for_complaint(conn: &mut DbConnection, complaint_id: i64) -> QueryResult<Vec<(String, String)>> {
    outbox::table
        .filter(outbox::complaint_id.eq(complaint_id))
        .select((outbox::kind, outbox::recipient))
        .order(outbox::id)
        .load(conn)
}

/// The channels and recipients of a complaint's notices of `kind`, oldest
/// first, and whether each was delivered yet: e.g. "the receipt went by
/// SMS to 138…".
pub fn channels_for(
    conn: &mut DbConnection,
    complaint_id: i64,
    kind: MailKind,
) -> QueryResult<Vec<(Channel, String, MailState)>> {
    outbox::table
        .filter(outbox::complaint_id.eq(complaint_id))
        .filter(outbox::kind.eq(kind))
        .select((outbox::channel, outbox::recipient, outbox::state))
        .order(outbox::id)
        .load(conn)
}
