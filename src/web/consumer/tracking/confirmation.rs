//! What the tracking page says first, just after filing
//! (`/t/{token}?done=filed`): it worked, the merchant was told, what
//! happens next and by when, the private link to keep, and whether it was
//! also sent by SMS or e-mail (to where, masked).

use crate::config::Config;
use crate::domain::contact::{Email, Phone};
use crate::domain::progress::Progress;
use crate::i18n::Tr;
use crate::store::outbox::{Channel, MailState};
use crate::web::view::{self, TimeView};

pub struct Confirmation {
    /// The private link, whole: `{public_base}/t/{token}`.
    pub link: String,
    /// "商家须在 48 小时内回应" and by when.
    pub reply_within: String,
    pub response_due: TimeView,
    /// "7 天内解决" and by when.
    pub resolve_within: String,
    pub resolution_due: TimeView,
    /// One line per channel the receipt went (or is going) by, with the
    /// channel's slug: ("sms", "我们已通过短信把链接发送至 138****8000。");
    /// empty when it went by none.
    pub sent: Vec<(&'static str, String)>,
}

impl Confirmation {
    /// `receipts` are the receipt notices' (channel, recipient, state), as
    /// `store::outbox::channels_for` gives them.
    pub fn new(
        t: &Tr,
        config: &Config,
        token: &str,
        progress: &Progress,
        receipts: &[(Channel, String, MailState)],
    ) -> Confirmation {
        let mut sent: Vec<(&'static str, String)> = Vec::new();
        for (channel, to, mail_state) in receipts {
            // Queued or being sent is on its way; a dead one is not.
            if *mail_state == MailState::Dead {
                continue;
            }
            let line = match channel {
                Channel::Sms => t.fmt("filed.sent_sms", &[("to", &Phone::masked(to))]),
                Channel::Mail => t.fmt("filed.sent_mail", &[("to", &Email::masked(to))]),
            };
            if !sent.iter().any(|(_, said)| *said == line) {
                sent.push((channel.slug(), line));
            }
        }
        let policy = &config.policy;
        Confirmation {
            link: format!("{}/t/{token}", config.public_base()),
            reply_within: t.fmt("filed.reply_within", &[("hours", &policy.response.num_hours())]),
            response_due: view::time(t, config.tz, progress.response_due),
            resolve_within: t.fmt("filed.resolve_within", &[("days", &policy.resolution.num_days())]),
            resolution_due: view::time(t, config.tz, progress.resolution_due),
            sent,
        }
    }
}
