//! Notices by SMS, for the consumers who give a mobile number (most give
//! nothing else). The text is rendered from the catalog by the service,
//! kept in the outbox like a mail, and sent here:
//!
//! - `SMS_URL` unset: written to `data/outbox/*.sms` (a `To: +86…` line, a
//!   blank line, the text with its sign `【售后督办】` in front), so a first
//!   run needs no account;
//! - `SMS_URL=tencent://SECRET_ID:SECRET_KEY@sms.tencentcloudapi.com/?app=…&sign=…&template=…`:
//!   through Tencent Cloud SMS (see [`tencent`] for every setting), which
//!   adds the sign itself.
//!
//! Only this module speaks to the provider. A number appears in full only
//! as the message's recipient; logs and pages show it masked.

pub mod tc3;
pub mod tencent;

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::i18n::Lang;
use crate::mail::transport::SendError;

pub enum Transport {
    Files(PathBuf),
    Tencent(Box<tencent::Tencent>),
}

/// One text message, as the outbox holds it.
pub struct Message<'a> {
    /// The mainland mobile number, its 11 digits.
    pub to: &'a str,
    pub lang: Lang,
    /// The notice's kind (its slug): picks the provider's template.
    pub kind: &'a str,
    pub text: &'a str,
    /// Names the file, or the provider's session context; the same when a
    /// message is tried again.
    pub name: &'a str,
}

impl Transport {
    /// From `SMS_URL`; an error names it and says what is wrong.
    pub fn from_config(config: &Config) -> Result<Transport, String> {
        match config.sms_url.as_deref() {
            Some(url) => Ok(Transport::Tencent(Box::new(tencent::Tencent::parse(url)?))),
            None => Ok(Transport::Files(config.data_dir.join("outbox"))),
        }
    }

    /// How messages leave, for the start-up banner: never the key.
    pub fn describe(&self) -> String {
        match self {
            Transport::Files(dir) => format!("written to {}", dir.display()),
            Transport::Tencent(t) => format!("sent through Tencent Cloud SMS at {} (app {})", t.endpoint(), t.app),
        }
    }

    /// The notice kinds given a template of their own (none for files).
    pub fn templated_kinds(&self) -> Vec<&str> {
        match self {
            Transport::Files(_) => Vec::new(),
            Transport::Tencent(t) => t.templates.keys().map(String::as_str).collect(),
        }
    }

    /// Sends one message; `now` dates the provider's request signature.
    pub fn send(&self, m: &Message<'_>, now: DateTime<Utc>) -> Result<(), SendError> {
        match self {
            Transport::Files(dir) => std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(dir.join(format!("{}.sms", m.name)), file_text(m.to, &signed(m))))
                .map_err(|e| SendError { permanent: false, message: format!("{}: {e}", dir.display()) }),
            Transport::Tencent(t) => t.send(m.to, m.kind, m.text, m.name, now),
        }
    }
}

/// The text with the sign in front, as a provider that adds none needs it.
fn signed(m: &Message<'_>) -> String {
    sign(m.lang, m.text)
}

/// `text` with the sign (【售后督办】) in front, as it reaches the phone.
pub fn sign(lang: Lang, text: &str) -> String {
    lang.tr().fmt("sms.signed", &[("text", &text)])
}

/// How many messages `signed` (the sign included) is sent and billed as in
/// mainland China (Tencent Cloud's rule, the carriers'): every character
/// counts one, Chinese or Latin; up to 70 is one message, a longer one is
/// cut into parts of 67.
pub fn segments(signed: &str) -> usize {
    let n = signed.chars().count();
    if n <= 70 { 1 } else { n.div_ceil(67) }
}

/// A message as `data/outbox/*.sms` holds it.
pub fn file_text(to: &str, text: &str) -> String {
    format!("To: +86{to}\n\n{text}\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn seventy_characters_are_one_message_and_longer_ones_parts_of_67() {
        assert_eq!(super::segments(""), 1);
        assert_eq!(super::segments(&"字".repeat(70)), 1);
        assert_eq!(super::segments(&"字".repeat(71)), 2);
        assert_eq!(super::segments(&"a".repeat(134)), 2);
        assert_eq!(super::segments(&"a".repeat(135)), 3);
    }
}
