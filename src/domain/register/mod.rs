//! The public register (公示): which complaints are published, when, and
//! what the merchant may say publicly of one. Consent is the consumer's and
//! can be withdrawn at any time; a consented complaint is published once
//! the merchant has answered it publicly or [`PUBLISH_AFTER`] has passed
//! since filing, whichever is first (the CFPB's rule); a supervisor may
//! hide one with a reason. What is shown is scrubbed of personal data
//! ([`scrub`]) and searched through [`terms`].

pub mod scrub;
pub mod terms;

use chrono::{DateTime, Duration, Utc};

/// A consented complaint is published this long after filing even if the
/// merchant has not answered.
pub const PUBLISH_AFTER: Duration = Duration::days(15);

/// The merchant may choose or change its public response until this long
/// after the complaint was filed (the CFPB gives companies 180 days).
pub const RESPONSE_CHANGEABLE: Duration = Duration::days(180);

/// A supervisor's reason for hiding a case, at most this many characters.
pub const HIDE_REASON_MAX: usize = 500;

crate::slug_enum! {
    #[catalog("register.response_")]
    /// The merchant's public response, from a fixed list (as the CFPB's
    /// "company public response"): nothing the merchant types is published
    /// beside the consumer's narrative except its public replies.
    pub enum PublicResponse {
        Settled => "settled",
        PlatformRules => "platform_rules",
        Disputed => "disputed",
        Explained => "explained",
        ThirdParty => "third_party",
        NoComment => "no_comment",
    }
}

/// When a consented complaint filed at `submitted_at` is published: when the
/// merchant first answered it publicly, or [`PUBLISH_AFTER`] after filing,
/// whichever is first.
pub fn publish_at(submitted_at: DateTime<Utc>, responded_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let by_time = submitted_at + PUBLISH_AFTER;
    responded_at.map_or(by_time, |r| r.min(by_time))
}

/// Whether the merchant may still choose or change its public response at
/// `now`.
pub fn response_changeable(submitted_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < submitted_at + RESPONSE_CHANGEABLE
}

/// A supervisor's reason for hiding a case: trimmed, not empty, bounded.
pub fn hide_reason(raw: &str) -> Result<String, HideReasonError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(HideReasonError::Missing);
    }
    if reason.chars().count() > HIDE_REASON_MAX {
        return Err(HideReasonError::TooLong);
    }
    Ok(reason.to_owned())
}

/// The tracking page's consent form: `publish` = `1` (give) or `0`
/// (withdraw); anything else is no answer.
pub fn consent_choice(raw: &str) -> Option<bool> {
    match raw.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Where a complaint stands in the register at a time, as the consumer and
/// the staff are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No consent (never given, or withdrawn).
    NotConsented,
    /// Consented, published at this time (sooner if the merchant answers
    /// publicly first).
    Due(DateTime<Utc>),
    /// Consented and listed: the public sees it.
    Published,
    /// Consented, and hidden by a supervisor.
    Hidden,
}

impl Standing {
    /// Where a case with this consent, hiding and publication time stands
    /// at `now`: hidden wins over due and published (a hidden case is
    /// never shown), no consent over everything.
    pub fn of(consent: bool, hidden: bool, publish_at: DateTime<Utc>, now: DateTime<Utc>) -> Standing {
        match (consent, hidden) {
            (false, _) => Standing::NotConsented,
            (true, true) => Standing::Hidden,
            (true, false) if publish_at <= now => Standing::Published,
            (true, false) => Standing::Due(publish_at),
        }
    }

    /// Its slug, for the pages' `data-register` marks.
    pub fn slug(self) -> &'static str {
        match self {
            Standing::NotConsented => "not_consented",
            Standing::Due(_) => "due",
            Standing::Published => "published",
            Standing::Hidden => "hidden",
        }
    }
}

/// Why a hiding reason was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HideReasonError {
    Missing,
    TooLong,
}

impl HideReasonError {
    /// The key of its message in the catalog.
    pub fn key(self) -> &'static str {
        match self {
            HideReasonError::Missing => "register.hide_reason_missing",
            HideReasonError::TooLong => "register.hide_reason_too_long",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn published_at_the_first_public_answer_or_fifteen_days_after_filing() {
        assert_eq!(publish_at(at(1, 8), None), at(16, 8));
        assert_eq!(publish_at(at(1, 8), Some(at(2, 9))), at(2, 9));
        // An answer later than fifteen days does not hold publication back.
        assert_eq!(publish_at(at(1, 8), Some(at(20, 9))), at(16, 8));
    }

    #[test]
    fn the_public_response_can_be_changed_for_a_hundred_and_eighty_days() {
        let filed = at(1, 8);
        assert!(response_changeable(filed, filed + Duration::days(179)));
        assert!(!response_changeable(filed, filed + Duration::days(180)));
    }

    #[test]
    fn a_reason_is_required_to_hide_a_case_and_bounded() {
        assert_eq!(hide_reason("  "), Err(HideReasonError::Missing));
        assert_eq!(hide_reason(&"诽".repeat(HIDE_REASON_MAX + 1)), Err(HideReasonError::TooLong));
        assert_eq!(hide_reason(" 含有未被去除的住址 ").unwrap(), "含有未被去除的住址");
    }

    #[test]
    fn consent_is_one_or_zero() {
        assert_eq!(consent_choice("1"), Some(true));
        assert_eq!(consent_choice(" 0 "), Some(false));
        for other in ["", "yes", "on", "2", "true"] {
            assert_eq!(consent_choice(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_case_stands_hidden_before_due_and_unconsented_before_all() {
        let (filed, now) = (at(1, 8), at(10, 8));
        let due = publish_at(filed, None);
        assert_eq!(Standing::of(true, false, due, now), Standing::Due(due));
        assert_eq!(Standing::of(true, false, due, due), Standing::Published, "at exactly fifteen days");
        assert_eq!(Standing::of(true, true, due, due), Standing::Hidden);
        assert_eq!(Standing::of(false, true, due, due), Standing::NotConsented);
        assert_eq!(Standing::of(false, false, filed, now), Standing::NotConsented);
    }

    #[test]
    fn every_public_response_reads_back_from_its_slug() {
        for r in PublicResponse::ALL {
            assert_eq!(PublicResponse::from_slug(r.slug()), Some(*r));
        }
    }
}
