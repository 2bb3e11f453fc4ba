//! The merchant's notice that one of its webhook endpoints was turned off
//! after failing for days on end, in Chinese like its other notices.

use chrono::{DateTime, Utc};

use super::staff::to_merchant;
use super::{fmt, time};
use crate::config::Config;
use crate::store::outbox::MailKind;
use crate::store::{DbConnection, to_db};

/// Endpoint `id` (at `url`) failed every delivery since `since` and was
/// turned off `now`.
pub fn webhook_disabled(
    conn: &mut DbConnection,
    config: &Config,
    merchant_id: i64,
    (id, url): (i64, &str),
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> diesel::QueryResult<()> {
    let days = config.webhooks.disable_after.num_days();
    let link = format!("{}/merchant/webhooks/{id}", config.public_base());
    let t = crate::i18n::Lang::ZhCn.tr();
    to_merchant(
        conn,
        config,
        merchant_id,
        MailKind::MerchantWebhookDisabled,
        format!("webhook_disabled:{id}:{}", now.timestamp_micros()),
        None,
        |t| fmt(t, "mail.webhook_disabled.subject", &[("url", &url)]),
        |t| {
            vec![
                fmt(
                    t,
                    "mail.webhook_disabled.p1",
                    &[("url", &url), ("since", &time(t, config, to_db(since))), ("days", &days)],
                ),
                t.get("mail.webhook_disabled.p2").to_owned(),
            ]
        },
        Some((t.get("mail.webhook_disabled.open").to_owned(), link)),
        now,
    )
}
