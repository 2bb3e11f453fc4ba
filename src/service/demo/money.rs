//! Money in the demo: 孙磊 was lured by 深圳极光's host into a private
//! transfer and blocked (the complaint that went unanswered for days); the
//! supervisor upholds it and the platform pays him first (先行赔付) from
//! the merchant's deposit, the merchant told to top up. (赵敏's 20 yuan,
//! accepted by silence long ago, is the relief follow-up due: the first
//! sweep asks her whether it arrived.)

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::relief::{Relief, ReliefKind};
use crate::domain::state::Outcome;
use crate::service::complaints::Submitted;
use crate::service::conversation::At;
use crate::service::supervision;
use crate::store::DbConnection;

const RULING: &str = "经平台核查直播回放，主播在直播间引导消费者添加微信、私下转账购买，违反平台禁止站外交易的规定，\
消费者的投诉成立。平台从商家保证金中先行赔付 300 元，商家须在 7 日内补足保证金。";

pub fn seed(
    conn: &mut DbConnection,
    config: &Config,
    filed: &[Submitted],
    supervisor: i64,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let lured = filed.get(6).ok_or("demo complaint 7 missing")?;
    let relief = Relief { kind: ReliefKind::Monetary, amount_fen: Some(30_000), compensation_fen: Some(30_000) };
    let at = At { config, now: now - Duration::hours(2) };
    supervision::rule(conn, &lured.reference, supervisor, (Outcome::Upheld, Some(relief)), RULING, at)
        .map_err(|e| format!("demo ruling on {}: {e}", lured.reference))
}
