//! The settings read from the environment: defaults and refusals.

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
    assert_eq!(c.incidents, crate::domain::incident::Threshold::default());
    let c = Config::from_lookup(|k| (k == "REDRESS_INCIDENT").then(|| "3/2h".into())).unwrap();
    assert_eq!((c.incidents.count, c.incidents.window), (3, Duration::hours(2)));
    let err = Config::from_lookup(|k| (k == "REDRESS_INCIDENT").then(|| "many".into())).unwrap_err();
    assert_eq!(err.name, "REDRESS_INCIDENT");
    assert_eq!(c.deposit_top_up, Duration::days(7));
    assert_eq!(c.api_rate, Some(crate::domain::limit::Rate::per_minute(120)));
    let c = Config::from_lookup(|k| (k == "REDRESS_API_RATE").then(|| "off".into())).unwrap();
    assert_eq!(c.api_rate, None);
    let err = Config::from_lookup(|k| (k == "REDRESS_API_RATE").then(|| "fast".into())).unwrap_err();
    assert_eq!(err.name, "REDRESS_API_RATE");
    let c = Config::from_lookup(|k| (k == "REDRESS_DEPOSIT_TOP_UP_DAYS").then(|| "3".into())).unwrap();
    assert_eq!(c.deposit_top_up, Duration::days(3));
    for bad in ["0", "a week", "366"] {
        let err = Config::from_lookup(|k| (k == "REDRESS_DEPOSIT_TOP_UP_DAYS").then(|| bad.into())).unwrap_err();
        assert_eq!(err.name, "REDRESS_DEPOSIT_TOP_UP_DAYS");
    }
}

#[test]
fn bad_values_are_named() {
    let err = Config::from_lookup(|k| (k == "REDRESS_TZ").then(|| "Mars/Olympus".into())).unwrap_err();
    assert_eq!(err.name, "REDRESS_TZ");
    let err = Config::from_lookup(|k| (k == "REDRESS_RESPONSE_HOURS").then(|| "two days".into())).unwrap_err();
    assert_eq!(err.name, "REDRESS_RESPONSE_HOURS");
    let c = Config::from_lookup(|k| (k == "REDRESS_RESPONSE_HOURS").then(|| "24".into())).unwrap();
    assert_eq!(c.policy.response, Duration::hours(24));
    let c = Config::from_lookup(|k| (k == "REDRESS_RISK_THRESHOLD").then(|| "80".into())).unwrap();
    assert_eq!(c.policy.risk_threshold, 80);
    let err = Config::from_lookup(|k| (k == "REDRESS_RISK_THRESHOLD").then(|| "0".into())).unwrap_err();
    assert_eq!(err.name, "REDRESS_RISK_THRESHOLD");
    let err = Config::from_lookup(|k| (k == "REDRESS_RATE_LIMIT").then(|| "lots".into())).unwrap_err();
    assert_eq!(err.name, "REDRESS_RATE_LIMIT");
    let err = Config::from_lookup(|k| (k == "REDRESS_TRUSTED_PROXIES").then(|| "10.0.0.1, proxy".into())).unwrap_err();
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
