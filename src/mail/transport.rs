//! Sending: SMTP through lettre when `SMTP_URL` is set, otherwise `.eml`
//! files in `data/outbox/`, so a first run needs no mail server.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport as _};

use super::Rendered;
use crate::config::Config;

pub enum Transport {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

/// The text part's type: wrapped for reading, rejoined by readers that
/// know how (see [`super::wrap`]).
fn flowed() -> ContentType {
    ContentType::parse(super::wrap::CONTENT_TYPE).expect("a valid content type")
}

/// Why a notice was not delivered, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

impl Transport {
    pub fn from_config(config: &Config) -> Result<Transport, String> {
        match &config.smtp_url {
            Some(url) => {
                let builder = SmtpTransport::from_url(url).map_err(|e| format!("SMTP_URL: {e}"))?;
                Ok(Transport::Smtp(Box::new(builder.timeout(Some(Duration::from_secs(15))).build())))
            }
            None => Ok(Transport::Files(config.data_dir.join("outbox"))),
        }
    }

    /// Sends one notice; `name` names the file when writing `.eml` files
    /// and, with the sender's domain, makes its `Message-ID`, which stays
    /// the same when the notice is tried again, so that a receiver can tell
    /// a repeat from a new message.
    pub fn send(&self, from: &str, to: &str, mail: &Rendered, name: &str) -> Result<(), SendError> {
        let permanent = |message: String| SendError { permanent: true, message };
        let from: Mailbox = from.parse().map_err(|e| permanent(format!("REDRESS_MAIL_FROM: {e}")))?;
        let to: Mailbox = to.parse().map_err(|e| permanent(format!("recipient {to:?}: {e}")))?;
        let message_id = format!("<{name}@{}>", from.email.domain());
        let message = Message::builder()
            .message_id(Some(message_id))
            .from(from)
            .to(to)
            .subject(mail.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(flowed()).body(mail.text.clone()))
                    .singlepart(SinglePart::html(mail.html.clone())),
            )
            .map_err(|e| permanent(e.to_string()))?;
        match self {
            Transport::Smtp(smtp) => smtp
                .send(&message)
                .map(drop)
                .map_err(|e| SendError { permanent: e.is_permanent(), message: e.to_string() }),
            Transport::Files(dir) => std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(dir.join(format!("{name}.eml")), message.formatted()))
                .map_err(|e| SendError { permanent: false, message: format!("{}: {e}", dir.display()) }),
        }
    }
}
