//! Configuration from the environment (DESIGN.md, "Public surface").

pub mod help;
mod published;
pub mod webhooks;

use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::Duration;
use chrono_tz::Tz;

use crate::domain::deadline::DeadlinePolicy;
use crate::domain::limit::RateLimits;
use crate::domain::offender::FlagThresholds;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// The deployment's zone: times are stored in UTC and shown in this one.
    pub tz: Tz,
    pub policy: DeadlinePolicy,
    /// Where generated files live (the SQLite file by default, the session
    /// key, the mail outbox when no SMTP server is configured).
    pub data_dir: PathBuf,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// The session key's source (`REDRESS_SECRET`); unset, a key is
    /// generated once and kept in `data_dir`.
    pub secret: Option<String>,
    /// Where users reach the site (`REDRESS_PUBLIC_URL`); https makes the
    /// session cookie Secure.
    pub public_url: Option<String>,
    /// How often the server's deadline sweeper runs (`REDRESS_SWEEP_INTERVAL`
    /// seconds; 0 turns it off, for instances that leave it to others).
    pub sweep_interval: Option<std::time::Duration>,
    /// `SMTP_URL`: unset, mail is written to `data_dir/outbox/` as files.
    pub smtp_url: Option<String>,
    /// `SMS_URL`: the SMS provider's API and account (see `crate::sms`);
    /// unset, text messages are written to `data_dir/outbox/*.sms`.
    pub sms_url: Option<String>,
    /// `REDRESS_VERIFY_PHONE`: whether a complaint's phone number may
    /// (`optional`, the default), must (`required`) or cannot (`off`) be
    /// proved by a six-digit code.
    pub verify_phone: crate::domain::contact::VerifyPhone,
    /// `REDRESS_MAIL_FROM`: the sender of every notice.
    pub mail_from: String,
    /// `REDRESS_DB_TIMEOUT`: how long a request waits for a database
    /// connection, or for SQLite's write lock, before it is answered 503.
    pub db_timeout: std::time::Duration,
    /// `REDRESS_UPLOAD_DIR`: where uploaded evidence is kept (default
    /// `data_dir/uploads`); with several instances, a shared directory.
    pub upload_dir: PathBuf,
    /// `REDRESS_SHUTDOWN_TIMEOUT`: on SIGTERM, how long requests under way
    /// may take to finish before the server exits anyway.
    pub shutdown_timeout: std::time::Duration,
    /// `REDRESS_RATE_LIMIT`: complaints, look-ups, sign-ins, replies and reports per
    /// client address (`off` for load tests). Dangerous: `off` (or
    /// `sign_ins=off`) also turns off the growing delays after failed
    /// sign-ins, so staff passwords can be guessed as fast as the server
    /// answers; the server warns at start-up.
    pub rate_limits: RateLimits,
    /// `REDRESS_TRUSTED_PROXIES`: the addresses of the reverse proxies in
    /// front of the server, whose `X-Forwarded-For` names the client.
    /// Anyone else's is ignored (a client could write any address there).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `REDRESS_SUPERVISOR_2FA`: supervisors must set up two-factor
    /// sign-in at their next sign-in (`on`, the default; `off` lifts it).
    pub supervisor_2fa: bool,
    /// `REDRESS_BODY_TIMEOUT`: how long a request's body may take to
    /// arrive, from its headers on, before it is answered 408.
    pub body_timeout: std::time::Duration,
    /// `REDRESS_BODY_MIN_RATE` (KiB/s, 32): a body with a `Content-Length`
    /// gets this much longer for each byte it has sent (up to what it
    /// declared), so a slow but steady upload arrives and a trickle does not.
    pub body_min_rate: u64,
    /// `REDRESS_SESSION_IDLE_HOURS` (12) and `REDRESS_SESSION_MAX_DAYS` (7):
    /// a staff session ends after this long unused, and this long after
    /// it began.
    pub sessions: crate::domain::session::Lifetimes,
    /// `REDRESS_INCIDENT` (`5/24h`): this many complaints naming one
    /// product, live session or host within the window open an incident.
    pub incidents: crate::domain::incident::Threshold,
    /// `REDRESS_RELIEF_FOLLOW_UP_DAYS` (7): days after a monetary relief
    /// that the consumer is asked whether the money arrived.
    pub relief_follow_up: Duration,
    /// `REDRESS_DEPOSIT_TOP_UP_DAYS` (7): after compensation is paid from
    /// a merchant's deposit, it has this long to top up before its live
    /// selling is restricted.
    pub deposit_top_up: Duration,
    /// `REDRESS_HELP` and the privacy notice's own text (see [`help`]).
    pub help: help::Help,
    /// `REDRESS_MERCHANT_LIST_PAGE` (50): merchants a page of the public
    /// merchant list shows.
    pub merchant_list_page: i64,
    /// `REDRESS_WEBHOOK_…`: local testing, when endpoints are turned off,
    /// how long deliveries are kept (see [`webhooks`]).
    pub webhooks: webhooks::WebhookSettings,
    /// `REDRESS_API_RATE` (`120/min`; `off` lifts it): requests per API key.
    pub api_rate: Option<crate::domain::limit::Rate>,
    /// `REDRESS_OPEN_DATA_EVERY` (minutes, 15; `0`: never here): how often
    /// the public register's open data files are built (see [`published`]).
    pub open_data_every: Option<std::time::Duration>,
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

impl Config {
    /// Where links in notices point: `REDRESS_PUBLIC_URL`, or the bound
    /// address when unset.
    pub fn public_base(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind))
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let env = Env(get);
        let tz = env.tz()?;
        let policy = env.policy()?;
        let pool_size = env.number("REDRESS_POOL_SIZE", 8, 1..=256, "a pool size (1 to 256)")?;
        let data_dir: PathBuf = env.get("REDRESS_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| "data".into());
        // The embedded database lives with the other generated files.
        let database_url =
            env.get("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}", data_dir.join("redress.db").display()));
        let sweep_interval = env.sweep_interval()?;
        let rate_limits = env.rate_limits()?;
        let trusted_proxies = env.trusted_proxies()?;
        let sessions = env.sessions()?;
        let secret = env.secret()?;
        let supervisor_2fa = env.supervisor_2fa()?;
        let incidents = env.incidents()?;
        let deposit_top_up = Duration::days(env.whole("REDRESS_DEPOSIT_TOP_UP_DAYS", 7, 365)?);
        Ok(Config {
            database_url,
            bind: env.get("REDRESS_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            tz,
            policy,
            pool_size,
            secret,
            public_url: env.get("REDRESS_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            sweep_interval,
            smtp_url: env.get("SMTP_URL"),
            sms_url: env.get("SMS_URL"),
            verify_phone: env.verify_phone()?,
            mail_from: env
                .get("REDRESS_MAIL_FROM")
                .unwrap_or_else(|| "售后督办 Redress <noreply@redress.example.cn>".into()),
            db_timeout: env.seconds("REDRESS_DB_TIMEOUT", 5)?,
            upload_dir: env.get("REDRESS_UPLOAD_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("uploads")),
            shutdown_timeout: env.seconds("REDRESS_SHUTDOWN_TIMEOUT", 30)?,
            rate_limits,
            trusted_proxies,
            body_timeout: env.seconds("REDRESS_BODY_TIMEOUT", 30)?,
            body_min_rate: env.number("REDRESS_BODY_MIN_RATE", 32, 1..=1_048_576, "a rate in KiB/s (1 to 1048576)")?
                * 1024,
            sessions,
            data_dir,
            supervisor_2fa,
            incidents,
            relief_follow_up: Duration::days(env.whole("REDRESS_RELIEF_FOLLOW_UP_DAYS", 7, 90)?),
            deposit_top_up,
            help: env.help()?,
            merchant_list_page: env.number(
                "REDRESS_MERCHANT_LIST_PAGE",
                50,
                1..=500,
                "a number of merchants (1 to 500)",
            )?,
            webhooks: webhooks::from_env(&env)?,
            api_rate: env.api_rate()?,
            open_data_every: published::open_data_every(&env)?,
        })
    }
}

/// The environment, one setting at a time (unset is `None`), and how each
/// kind of setting is read from it.
struct Env<F>(F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }

    /// A number in `range`, `default` when unset; else "… is not {what}".
    fn number<T>(&self, name: &'static str, default: T, range: RangeInclusive<T>, what: &str) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd,
    {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<T>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or(ConfigError { name, problem: format!("{v:?} is not {what}") }),
        }
    }

    fn hours(&self, name: &'static str, default: i64) -> Result<Duration, ConfigError> {
        self.number(name, default, 1..=24 * 365, "a number of hours").map(Duration::hours)
    }

    fn count(&self, name: &'static str, default: usize) -> Result<usize, ConfigError> {
        self.number(name, default, 1..=100_000, "a whole number from 1")
    }

    fn seconds(&self, name: &'static str, default: u64) -> Result<std::time::Duration, ConfigError> {
        self.number(name, default, 1..=600, "a number of seconds (1 to 600)").map(std::time::Duration::from_secs)
    }

    fn whole(&self, name: &'static str, default: i64, max: i64) -> Result<i64, ConfigError> {
        self.number(name, default, 1..=max, &format!("a whole number from 1 to {max}"))
    }

    fn tz(&self) -> Result<Tz, ConfigError> {
        let tz_name = self.get("REDRESS_TZ").unwrap_or_else(|| "Asia/Shanghai".into());
        tz_name.parse().map_err(|_| ConfigError {
            name: "REDRESS_TZ",
            problem: format!("unknown time zone {tz_name:?} (try Asia/Shanghai)"),
        })
    }

    fn policy(&self) -> Result<DeadlinePolicy, ConfigError> {
        Ok(DeadlinePolicy {
            response: self.hours("REDRESS_RESPONSE_HOURS", 48)?,
            resolution: self.hours("REDRESS_RESOLUTION_HOURS", 7 * 24)?,
            consumer_silence: self.hours("REDRESS_SILENCE_HOURS", 72)?,
            flags: FlagThresholds {
                window: Duration::days(self.count("REDRESS_FLAG_WINDOW_DAYS", 30)? as i64),
                breaches: self.count("REDRESS_FLAG_BREACHES", 3)?,
                complaints: self.count("REDRESS_FLAG_COMPLAINTS", 10)?,
                upheld_fraud: self.count("REDRESS_FLAG_UPHELD", 2)?,
            },
            risk_threshold: self.number(
                "REDRESS_RISK_THRESHOLD",
                crate::domain::risk::DEFAULT_THRESHOLD,
                1..=10_000,
                "a whole number from 1 to 10000",
            )?,
        })
    }

    /// Seconds between sweeps; 0 turns the sweeper off.
    fn sweep_interval(&self) -> Result<Option<std::time::Duration>, ConfigError> {
        match self.get("REDRESS_SWEEP_INTERVAL") {
            None => Ok(Some(std::time::Duration::from_secs(30))),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(0) => Ok(None),
                Ok(n) if n <= 86_400 => Ok(Some(std::time::Duration::from_secs(n))),
                _ => Err(ConfigError {
                    name: "REDRESS_SWEEP_INTERVAL",
                    problem: format!("{v:?} is not a number of seconds (0 to 86400)"),
                }),
            },
        }
    }

    fn verify_phone(&self) -> Result<crate::domain::contact::VerifyPhone, ConfigError> {
        use crate::domain::contact::VerifyPhone;
        match self.get("REDRESS_VERIFY_PHONE") {
            None => Ok(VerifyPhone::Optional),
            Some(v) => VerifyPhone::from_slug(v.trim()).ok_or_else(|| ConfigError {
                name: "REDRESS_VERIFY_PHONE",
                problem: format!("{v:?} is not optional, required or off"),
            }),
        }
    }

    fn rate_limits(&self) -> Result<RateLimits, ConfigError> {
        match self.get("REDRESS_RATE_LIMIT") {
            None => Ok(RateLimits::default()),
            Some(v) => RateLimits::parse(&v).map_err(|problem| ConfigError { name: "REDRESS_RATE_LIMIT", problem }),
        }
    }

    fn trusted_proxies(&self) -> Result<Vec<std::net::IpAddr>, ConfigError> {
        self.get("REDRESS_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse().map_err(|_| ConfigError {
                    name: "REDRESS_TRUSTED_PROXIES",
                    problem: format!("{a:?} is not an IP address"),
                })
            })
            .collect()
    }

    fn sessions(&self) -> Result<crate::domain::session::Lifetimes, ConfigError> {
        Ok(crate::domain::session::Lifetimes {
            idle: Duration::hours(self.whole("REDRESS_SESSION_IDLE_HOURS", 12, 24 * 30)?),
            absolute: Duration::days(self.whole("REDRESS_SESSION_MAX_DAYS", 7, 365)?),
        })
    }

    fn secret(&self) -> Result<Option<String>, ConfigError> {
        let secret = self.get("REDRESS_SECRET");
        if secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(ConfigError { name: "REDRESS_SECRET", problem: "must be at least 32 characters".into() });
        }
        Ok(secret)
    }

    fn incidents(&self) -> Result<crate::domain::incident::Threshold, ConfigError> {
        use crate::domain::incident::Threshold;
        match self.get("REDRESS_INCIDENT") {
            None => Ok(Threshold::default()),
            Some(v) => Threshold::parse(&v).ok_or_else(|| ConfigError {
                name: "REDRESS_INCIDENT",
                problem: format!("{v:?} is not complaints per window, such as 5/24h or 10/2d"),
            }),
        }
    }

    fn api_rate(&self) -> Result<Option<crate::domain::limit::Rate>, ConfigError> {
        use crate::domain::limit::{Rate, parse_rate};
        match self.get("REDRESS_API_RATE").map(|v| v.trim().to_owned()) {
            None => Ok(Some(Rate::per_minute(120))),
            Some(v) if v.eq_ignore_ascii_case("off") => Ok(None),
            Some(v) => parse_rate(&v).map(Some).ok_or_else(|| ConfigError {
                name: "REDRESS_API_RATE",
                problem: format!("{v:?} is not COUNT/PERIOD (like 120/min) or off"),
            }),
        }
    }

    fn supervisor_2fa(&self) -> Result<bool, ConfigError> {
        match self.get("REDRESS_SUPERVISOR_2FA").map(|v| v.trim().to_lowercase()).as_deref() {
            None | Some("on" | "true" | "1") => Ok(true),
            Some("off" | "false" | "0") => Ok(false),
            Some(v) => Err(ConfigError { name: "REDRESS_SUPERVISOR_2FA", problem: format!("{v:?} is not on or off") }),
        }
    }
}

#[cfg(test)]
mod tests;
