//! Notices by SMS, for the consumers who give a mobile number and no
//! e-mail address (most do). The text is rendered from the catalog by the
//! service, kept in the outbox like a mail, and sent here: through the
//! SMS provider's API when `SMS_URL` is set, otherwise written to
//! `data/outbox/*.sms` (a `To: <+86…>` line, a blank line, the text), so a
//! first run needs no account.

use std::path::PathBuf;

use crate::config::Config;
use crate::mail::transport::SendError;

pub enum Transport {
    Files(PathBuf),
}

impl Transport {
    pub fn from_config(config: &Config) -> Result<Transport, String> {
        match &config.sms_url {
            Some(_) => Err("SMS_URL: no provider is supported yet".into()),
            None => Ok(Transport::Files(config.data_dir.join("outbox"))),
        }
    }

    /// Sends `text` to the mainland mobile number `to` (its 11 digits);
    /// `name` names the file, and is the same when a message is tried
    /// again.
    pub fn send(&self, to: &str, text: &str, name: &str) -> Result<(), SendError> {
        match self {
            Transport::Files(dir) => std::fs::create_dir_all(dir)
                .and_then(|_| std::fs::write(dir.join(format!("{name}.sms")), file_text(to, text)))
                .map_err(|e| SendError { permanent: false, message: format!("{}: {e}", dir.display()) }),
        }
    }
}

/// A message as `data/outbox/*.sms` holds it.
pub fn file_text(to: &str, text: &str) -> String {
    format!("To: +86{to}\n\n{text}\n")
}
