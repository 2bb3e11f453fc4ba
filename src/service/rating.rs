//! The consumer rates how their complaint ended, 1 to 5, once.

use chrono::{DateTime, Utc};

use crate::domain::complaint::Invalid;
use crate::domain::deadline::DeadlinePolicy;
use crate::domain::state::State;
use crate::domain::text;
use crate::store::{DbConnection, complaints, ratings};

pub const COMMENT_MAX: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum RateError {
    #[error("no such complaint")]
    NotFound,
    /// Only a resolved or closed complaint can be rated.
    #[error("not finished")]
    NotFinished,
    #[error("already rated")]
    AlreadyRated,
    #[error("the score must be 1 to 5")]
    Score,
    /// Too long, or holding characters that turn its direction (it is
    /// shown in the merchant's public figures).
    #[error("the comment is not acceptable: {0:?}")]
    Comment(Invalid),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub fn rate(
    conn: &mut DbConnection,
    token: &str,
    score: &str,
    comment: &str,
    policy: &DeadlinePolicy,
    now: DateTime<Utc>,
) -> Result<(), RateError> {
    let score: i32 = score.trim().parse().ok().filter(|s| (1..=5).contains(s)).ok_or(RateError::Score)?;
    let comment = match comment.trim() {
        "" => None,
        c => Some(text::clean_shown(c, 1, COMMENT_MAX, true).map_err(|e| RateError::Comment(e.into()))?),
    };
    conn.write(|conn| {
        let (c, _) = complaints::find_by_token(conn, token)?.ok_or(RateError::NotFound)?;
        let mut progress = c.progress();
        progress.catch_up(policy.consumer_silence, now);
        if !matches!(progress.state, State::Resolved | State::Closed) {
            return Err(RateError::NotFinished);
        }
        if ratings::find(conn, c.id)?.is_some() {
            return Err(RateError::AlreadyRated);
        }
        ratings::insert(conn, c.id, c.merchant_id, score, comment.as_deref(), now)?;
        // A rating leaves no timeline event: the merchant list is told.
        crate::service::merchant_list::touched(conn, c.merchant_id)?;
        Ok(())
    })
}
