//! The webhooks' settings (`REDRESS_WEBHOOK_…`).

use chrono::Duration;

use super::{ConfigError, Env};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `REDRESS_WEBHOOK_ALLOW_LOCAL` (`off`): `on` lets endpoints be plain
    /// `http://` and lets deliveries reach loopback, private and other
    /// internal addresses. For tests against a receiver on the same
    /// machine only: in production it lets any merchant's staff make the
    /// server call inside its own network.
    pub allow_local: bool,
    /// `REDRESS_WEBHOOK_DISABLE_DAYS` (3): an endpoint whose every delivery
    /// failed for this long is turned off and its merchant told; a
    /// delivery that failed for this long is given up.
    pub disable_after: Duration,
    /// `REDRESS_WEBHOOK_KEEP_DAYS` (30): delivered deliveries are removed
    /// this long after they were delivered.
    pub keep_delivered: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings { allow_local: false, disable_after: Duration::days(3), keep_delivered: Duration::days(30) }
    }
}

pub(super) fn from_env<F: Fn(&str) -> Option<String>>(env: &Env<F>) -> Result<WebhookSettings, ConfigError> {
    const NAME: &str = "REDRESS_WEBHOOK_ALLOW_LOCAL";
    let allow_local = match env.get(NAME).map(|v| v.trim().to_lowercase()).as_deref() {
        None | Some("off" | "false" | "0") => false,
        Some("on" | "true" | "1") => true,
        Some(v) => return Err(ConfigError { name: NAME, problem: format!("{v:?} is not on or off") }),
    };
    Ok(WebhookSettings {
        allow_local,
        disable_after: Duration::days(env.whole("REDRESS_WEBHOOK_DISABLE_DAYS", 3, 30)?),
        keep_delivered: Duration::days(env.whole("REDRESS_WEBHOOK_KEEP_DAYS", 30, 365)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn with(name: &'static str, value: &'static str) -> Result<Config, ConfigError> {
        Config::from_lookup(move |k| (k == name).then(|| value.into()))
    }

    #[test]
    fn webhooks_are_https_and_public_unless_local_testing_is_on() {
        assert_eq!(Config::from_lookup(|_| None).unwrap().webhooks, WebhookSettings::default());
        assert!(with("REDRESS_WEBHOOK_ALLOW_LOCAL", "1").unwrap().webhooks.allow_local);
        assert!(!with("REDRESS_WEBHOOK_ALLOW_LOCAL", "off").unwrap().webhooks.allow_local);
        assert_eq!(with("REDRESS_WEBHOOK_ALLOW_LOCAL", "yes please").unwrap_err().name, "REDRESS_WEBHOOK_ALLOW_LOCAL");
        assert_eq!(with("REDRESS_WEBHOOK_DISABLE_DAYS", "5").unwrap().webhooks.disable_after, Duration::days(5));
        assert_eq!(with("REDRESS_WEBHOOK_DISABLE_DAYS", "0").unwrap_err().name, "REDRESS_WEBHOOK_DISABLE_DAYS");
        assert_eq!(with("REDRESS_WEBHOOK_KEEP_DAYS", "7").unwrap().webhooks.keep_delivered, Duration::days(7));
    }
}
