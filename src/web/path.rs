//! What routes carry, typed (in the style of crates.io's `CratePath`):
//! `web::Path<MerchantId>`, `web::Path<Reference>`, `web::Path<Token>` …
//! A malformed id or reference is a 404 before any database work (the
//! app's `PathConfig` answers every path that does not parse with
//! [`AppError::NotFound`]).

use std::fmt;

use serde::{Deserialize, Deserializer, de::Error as _};

use crate::error::AppError;

/// A row id in a route: decimal digits only, at least 1, fitting an `i64`
/// ("+1", "01x", "-3" and "9999999999999999999" are not ids).
fn row_id(raw: &str) -> Option<i64> {
    let digits = raw.len() <= 18 && !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| raw.parse::<i64>().ok()).flatten().filter(|id| *id > 0)
}

macro_rules! row_ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                row_id(&raw).map($name).ok_or_else(|| D::Error::custom(concat!("not a ", stringify!($name))))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )*};
}

row_ids!(
    /// `/merchants/{id}`, `/supervisor/merchants/{id}`.
    MerchantId,
    /// An action taken against a merchant.
    ActionId,
    /// A merchant's appeal against an action.
    AppealId,
    /// An offender flag.
    FlagId,
    /// A row of the mail outbox.
    MailId,
    /// An evidence file.
    EvidenceId,
    /// A merchant's live room, host, product, live session.
    RoomId,
    HostId,
    ProductId,
    LiveSessionId,
    /// A risk rule (`/supervisor/rules/{id}`).
    RuleId,
    /// An incident (machine discovery), `/supervisor/incidents/{id}`.
    IncidentId,
    /// A platform inspection, `/supervisor/inspections/{id}`.
    InspectionId,
    /// A user report (举报), `/supervisor/reports/{id}`.
    ReportId,
    /// A threshold of accumulated points, `/supervisor/violations/thresholds/{id}`.
    ThresholdId,
    /// A merchant's reply template, `/merchant/templates/{id}`.
    TemplateId,
    /// An API key, `/merchant/api-keys/{id}`, `/supervisor/api-keys/{id}`.
    ApiKeyId,
);

/// A complaint's reference as it is written (`TS20261120000123`): what
/// someone typed in a search box is normalised elsewhere; a route carries
/// the exact form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference(String);

impl Reference {
    pub fn parse(raw: &str) -> Option<Reference> {
        crate::domain::reference::normalise(raw).filter(|r| r == raw).map(Reference)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A tracking token as `service::complaints::new_token` makes them: ASCII
/// letters and digits, of a sane length.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token(String);

impl Token {
    pub fn parse(raw: &str) -> Option<Token> {
        ((16..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then(|| Token(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

macro_rules! parsed_strings {
    ($($name:ident),*) => {$(
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&raw).ok_or_else(|| D::Error::custom(concat!("not a ", stringify!($name))))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
    )*};
}
parsed_strings!(Reference, Token);

/// The app's answer to a path that does not parse: not found.
pub fn config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::{App, HttpResponse, test as actix, web};

    #[test]
    fn row_ids_are_plain_positive_decimals() {
        assert_eq!(row_id("1"), Some(1));
        assert_eq!(row_id("123456789012345678"), Some(123_456_789_012_345_678));
        for bad in ["", "0", "+1", "-1", "01x", "1.0", " 1", "1234567890123456789", "１"] {
            assert_eq!(row_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn references_and_tokens_are_exact() {
        assert!(Reference::parse("TS20261120000123").is_some());
        assert!(Reference::parse("ts20261120000123").is_none());
        assert!(Reference::parse("TS2026 1120000123").is_none());
        assert!(Token::parse("abcdefghijklmnopqrstuvwx").is_some());
        assert!(Token::parse("abc").is_none());
        assert!(Token::parse("abcdefghijklmnopqrstuvw-").is_none());
    }

    #[actix_web::test]
    async fn a_malformed_path_is_not_found_before_the_handler() {
        let app = actix::init_service(App::new().app_data(config()).route(
            "/m/{id}/x/{reference}",
            web::get().to(|p: web::Path<(MerchantId, Reference)>| async move {
                let (id, reference) = p.into_inner();
                HttpResponse::Ok().body(format!("{id} {reference}"))
            }),
        ))
        .await;
        let ok = actix::TestRequest::get().uri("/m/7/x/TS20261120000123").to_request();
        let res = actix::call_service(&app, ok).await;
        assert_eq!(res.status(), 200);
        assert_eq!(actix::read_body(res).await, "7 TS20261120000123");
        for bad in ["/m/x/x/TS20261120000123", "/m/7/x/TS1", "/m/0/x/TS20261120000123"] {
            let res = actix::call_service(&app, actix::TestRequest::get().uri(bad).to_request()).await;
            assert_eq!(res.status(), 404, "{bad}");
        }
    }
}
