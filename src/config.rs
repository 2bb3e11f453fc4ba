//! Configuration from the environment (DESIGN.md, "Public surface").

use std::path::PathBuf;

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
    /// `REDRESS_RATE_LIMIT`: complaints, look-ups, sign-ins and replies per
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
        let tz_name = get("REDRESS_TZ").unwrap_or_else(|| "Asia/Shanghai".into());
        let tz: Tz = tz_name.parse().map_err(|_| ConfigError {
            name: "REDRESS_TZ",
            problem: format!("unknown time zone {tz_name:?} (try Asia/Shanghai)"),
        })?;
        let hours = |name: &'static str, default: i64| -> Result<Duration, ConfigError> {
            match get(name) {
                None => Ok(Duration::hours(default)),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|h| (1..=24 * 365).contains(h))
                    .map(Duration::hours)
                    .ok_or(ConfigError { name, problem: format!("{v:?} is not a number of hours") }),
            }
        };
        let count = |name: &'static str, default: usize| -> Result<usize, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or(ConfigError { name, problem: format!("{v:?} is not a whole number from 1") }),
            }
        };
        let policy = DeadlinePolicy {
            response: hours("REDRESS_RESPONSE_HOURS", 48)?,
            resolution: hours("REDRESS_RESOLUTION_HOURS", 7 * 24)?,
            consumer_silence: hours("REDRESS_SILENCE_HOURS", 72)?,
            flags: FlagThresholds {
                window: Duration::days(count("REDRESS_FLAG_WINDOW_DAYS", 30)? as i64),
                breaches: count("REDRESS_FLAG_BREACHES", 3)?,
                complaints: count("REDRESS_FLAG_COMPLAINTS", 10)?,
                upheld_fraud: count("REDRESS_FLAG_UPHELD", 2)?,
            },
        };
        let pool_size = match get("REDRESS_POOL_SIZE") {
            None => 8,
            Some(v) => v.trim().parse().ok().filter(|n| (1..=256).contains(n)).ok_or(ConfigError {
                name: "REDRESS_POOL_SIZE",
                problem: format!("{v:?} is not a pool size (1 to 256)"),
            })?,
        };
        let data_dir: PathBuf = get("REDRESS_DATA_DIR").map(PathBuf::from).unwrap_or_else(|| "data".into());
        // The embedded database lives with the other generated files.
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}", data_dir.join("redress.db").display()));
        let sweep_interval = match get("REDRESS_SWEEP_INTERVAL") {
            None => Some(std::time::Duration::from_secs(30)),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(0) => None,
                Ok(n) if n <= 86_400 => Some(std::time::Duration::from_secs(n)),
                _ => {
                    return Err(ConfigError {
                        name: "REDRESS_SWEEP_INTERVAL",
                        problem: format!("{v:?} is not a number of seconds (0 to 86400)"),
                    });
                }
            },
        };
        let seconds = |name: &'static str, default: u64| -> Result<std::time::Duration, ConfigError> {
            match get(name) {
                None => Ok(std::time::Duration::from_secs(default)),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=600).contains(n))
                    .map(std::time::Duration::from_secs)
                    .ok_or(ConfigError { name, problem: format!("{v:?} is not a number of seconds (1 to 600)") }),
            }
        };
        let rate_limits = match get("REDRESS_RATE_LIMIT") {
            None => RateLimits::default(),
            Some(v) => RateLimits::parse(&v).map_err(|problem| ConfigError { name: "REDRESS_RATE_LIMIT", problem })?,
        };
        let trusted_proxies = get("REDRESS_TRUSTED_PROXIES")
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
            .collect::<Result<_, _>>()?;
        let whole = |name: &'static str, default: i64, max: i64| -> Result<i64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or(ConfigError { name, problem: format!("{v:?} is not a whole number from 1 to {max}") }),
            }
        };
        let sessions = crate::domain::session::Lifetimes {
            idle: chrono::Duration::hours(whole("REDRESS_SESSION_IDLE_HOURS", 12, 24 * 30)?),
            absolute: chrono::Duration::days(whole("REDRESS_SESSION_MAX_DAYS", 7, 365)?),
        };
        let secret = get("REDRESS_SECRET");
        if secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err(ConfigError { name: "REDRESS_SECRET", problem: "must be at least 32 characters".into() });
        }
        let supervisor_2fa = match get("REDRESS_SUPERVISOR_2FA").map(|v| v.trim().to_lowercase()).as_deref() {
            None | Some("on" | "true" | "1") => true,
            Some("off" | "false" | "0") => false,
            Some(v) => {
                return Err(ConfigError { name: "REDRESS_SUPERVISOR_2FA", problem: format!("{v:?} is not on or off") });
            }
        };
        Ok(Config {
            database_url,
            bind: get("REDRESS_BIND").unwrap_or_else(|| DEFAULT_BIND.into()),
            tz,
            policy,
            pool_size,
            secret,
            public_url: get("REDRESS_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            sweep_interval,
            smtp_url: get("SMTP_URL"),
            mail_from: get("REDRESS_MAIL_FROM")
                .unwrap_or_else(|| "售后督办 Redress <noreply@redress.example.cn>".into()),
            db_timeout: seconds("REDRESS_DB_TIMEOUT", 5)?,
            upload_dir: get("REDRESS_UPLOAD_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("uploads")),
            shutdown_timeout: seconds("REDRESS_SHUTDOWN_TIMEOUT", 30)?,
            rate_limits,
            trusted_proxies,
            body_timeout: seconds("REDRESS_BODY_TIMEOUT", 30)?,
            body_min_rate: match get("REDRESS_BODY_MIN_RATE") {
                None => 32 * 1024,
                Some(v) => {
                    v.trim().parse::<u64>().ok().filter(|n| (1..=1_048_576).contains(n)).map(|n| n * 1024).ok_or(
                        ConfigError {
                            name: "REDRESS_BODY_MIN_RATE",
                            problem: format!("{v:?} is not a rate in KiB/s (1 to 1048576)"),
                        },
                    )?
                }
            },
            sessions,
            data_dir,
            supervisor_2fa,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_design() {
        let c = Config::from_lookup(|_| None).unwrap();
        assert_eq!(c.database_url, "sqlite://data/redress.db");
        let moved = Config::from_lookup(|k| (k == "REDRESS_DATA_DIR").then(|| "/var/lib/redress".into())).unwrap();
        assert_eq!(moved.database_url, "sqlite:///var/lib/redress/redress.db");
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.tz, chrono_tz::Asia::Shanghai);
        assert_eq!(c.policy, DeadlinePolicy::default());
        assert_eq!(c.rate_limits, RateLimits::default());
        assert!(c.trusted_proxies.is_empty(), "no proxy trusted unless named");
        assert!(c.supervisor_2fa, "supervisors must enrol unless lifted");
        let off = Config::from_lookup(|k| (k == "REDRESS_SUPERVISOR_2FA").then(|| "off".into())).unwrap();
        assert!(!off.supervisor_2fa);
        let err = Config::from_lookup(|k| (k == "REDRESS_SUPERVISOR_2FA").then(|| "maybe".into())).unwrap_err();
        assert_eq!(err.name, "REDRESS_SUPERVISOR_2FA");
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::from_lookup(|k| (k == "REDRESS_TZ").then(|| "Mars/Olympus".into())).unwrap_err();
        assert_eq!(err.name, "REDRESS_TZ");
        let err = Config::from_lookup(|k| (k == "REDRESS_RESPONSE_HOURS").then(|| "two days".into())).unwrap_err();
        assert_eq!(err.name, "REDRESS_RESPONSE_HOURS");
        let c = Config::from_lookup(|k| (k == "REDRESS_RESPONSE_HOURS").then(|| "24".into())).unwrap();
        assert_eq!(c.policy.response, Duration::hours(24));
        let err = Config::from_lookup(|k| (k == "REDRESS_RATE_LIMIT").then(|| "lots".into())).unwrap_err();
        assert_eq!(err.name, "REDRESS_RATE_LIMIT");
        let err =
            Config::from_lookup(|k| (k == "REDRESS_TRUSTED_PROXIES").then(|| "10.0.0.1, proxy".into())).unwrap_err();
        assert_eq!(err.name, "REDRESS_TRUSTED_PROXIES");
        let c = Config::from_lookup(|k| (k == "REDRESS_TRUSTED_PROXIES").then(|| "10.0.0.1, ::1".into())).unwrap();
        assert_eq!(c.trusted_proxies, vec!["10.0.0.1".parse::<std::net::IpAddr>().unwrap(), "::1".parse().unwrap()]);
    }

    #[test]
    fn session_lifetimes_are_read_from_their_settings() {
        assert_eq!(Config::from_lookup(|_| None).unwrap().sessions, crate::domain::session::STAFF);
        let c = Config::from_lookup(|k| match k {
            "REDRESS_SESSION_IDLE_HOURS" => Some("2".into()),
            "REDRESS_SESSION_MAX_DAYS" => Some("1".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!((c.sessions.idle, c.sessions.absolute), (Duration::hours(2), Duration::days(1)));
        for (name, bad) in [("REDRESS_SESSION_IDLE_HOURS", "0"), ("REDRESS_SESSION_MAX_DAYS", "a week")] {
            let err = Config::from_lookup(|k| (k == name).then(|| bad.into())).unwrap_err();
            assert_eq!(err.name, name);
        }
    }

    #[test]
    fn the_body_minimum_rate_is_read_in_kib_a_second() {
        assert_eq!(Config::from_lookup(|_| None).unwrap().body_min_rate, 32 * 1024);
        let c = Config::from_lookup(|k| (k == "REDRESS_BODY_MIN_RATE").then(|| "8".into())).unwrap();
        assert_eq!(c.body_min_rate, 8 * 1024);
        for bad in ["0", "fast", "-1"] {
            let err = Config::from_lookup(|k| (k == "REDRESS_BODY_MIN_RATE").then(|| bad.into())).unwrap_err();
            assert_eq!(err.name, "REDRESS_BODY_MIN_RATE");
        }
    }
}
