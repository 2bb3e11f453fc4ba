//! A consumer's complaint as typed into the form, and its validation into a
//! [`NewComplaint`] or a list of field errors.

use super::amount::{self, AmountError};
use super::category::{Category, Resolution};
use super::contact::{Email, Phone};
use super::text;

pub use super::field::{Field, FieldErrors, Invalid};
pub(super) use super::field::{check, choice};

pub const DESCRIPTION_MIN: usize = 10;
pub const DESCRIPTION_MAX: usize = 2000;
pub const NAME_MAX: usize = 50;
pub const ORDER_REF_MAX: usize = 64;

/// The complaint form exactly as typed; kept to re-render it on error.
/// Read from the form by these names (a field not sent is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ComplaintForm {
    pub merchant: String,
    pub order_ref: String,
    pub category: String,
    pub desired_resolution: String,
    pub amount: String,
    pub description: String,
    pub consumer_name: String,
    pub consumer_phone: String,
    pub consumer_email: String,
    /// The consent to the public register: the checkbox sends `1` when
    /// ticked and nothing when not. Consent is given only by exactly `1`:
    /// any other value (or none) is no consent, never an error.
    pub publish: String,
}

/// A complaint that passed validation, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    pub merchant_id: i64,
    pub order_ref: String,
    pub category: Category,
    pub desired_resolution: Resolution,
    pub amount_fen: Option<i64>,
    pub description: String,
    pub consumer_name: String,
    pub consumer_phone: Option<Phone>,
    pub consumer_email: Option<Email>,
    /// The product and the live session named, if any (set by [`live_ids`]).
    pub product_id: Option<i64>,
    pub live_session_id: Option<i64>,
    /// The consumer agreed to have it published, without personal data, in
    /// the public register ([`super::register`]).
    pub publish: bool,
}

impl ComplaintForm {
    /// The consumer ticked the consent to the public register.
    pub fn consents(&self) -> bool {
        self.publish.trim() == "1"
    }

    pub fn validate(&self) -> Result<NewComplaint, FieldErrors> {
        let mut errors = FieldErrors::default();

        let merchant_id = check(
            &mut errors,
            Field::Merchant,
            match self.merchant.trim() {
                "" => Err(Invalid::Required),
                id => id.parse::<i64>().ok().filter(|id| *id > 0).ok_or(Invalid::UnknownMerchant),
            },
        );
        let order_ref = check(
            &mut errors,
            Field::OrderRef,
            text::clean(&self.order_ref, 1, ORDER_REF_MAX, false).map_err(Invalid::from),
        );
        let category = check(&mut errors, Field::Category, choice(&self.category, Category::from_slug));
        let desired_resolution =
            check(&mut errors, Field::DesiredResolution, choice(&self.desired_resolution, Resolution::from_slug));
        let amount_fen = check(&mut errors, Field::Amount, optional_amount(&self.amount));
        let description = check(
            &mut errors,
            Field::Description,
            text::clean_shown(&self.description, DESCRIPTION_MIN, DESCRIPTION_MAX, true).map_err(Invalid::from),
        );
        let consumer_name = check(
            &mut errors,
            Field::ConsumerName,
            text::clean_shown(&self.consumer_name, 1, NAME_MAX, false).map_err(Invalid::from),
        );
        let phone =
            check(&mut errors, Field::ConsumerPhone, optional(&self.consumer_phone, Phone::parse, Invalid::Phone));
        let email =
            check(&mut errors, Field::ConsumerEmail, optional(&self.consumer_email, Email::parse, Invalid::Email));
        if let (Some(None), Some(None)) = (&phone, &email) {
            errors.add(Field::ConsumerPhone, Invalid::NeedContact);
        }

        let complaint = || {
            Some(NewComplaint {
                merchant_id: merchant_id?,
                order_ref: order_ref?,
                category: category?,
                desired_resolution: desired_resolution?,
                amount_fen: amount_fen?,
                description: description?,
                consumer_name: consumer_name?,
                consumer_phone: phone?,
                consumer_email: email?,
                product_id: None,
                live_session_id: None,
                publish: self.consents(),
            })
        };
        match complaint() {
            Some(c) if errors.is_empty() => Ok(c),
            _ => Err(errors),
        }
    }
}

/// The complaint form's optional `product` and `live_session` ids: empty
/// is "not listed"; anything else must be a positive id (whether it is one
/// the merchant's form offered is the service's check).
pub fn live_ids(product: &str, live_session: &str, errors: &mut FieldErrors) -> (Option<i64>, Option<i64>) {
    let id = |raw: &str, field: Field, why: Invalid, errors: &mut FieldErrors| match raw.trim() {
        "" => None,
        raw => {
            let id = raw.parse::<i64>().ok().filter(|id| *id > 0);
            if id.is_none() {
                errors.add(field, why);
            }
            id
        }
    };
    let p = id(product, Field::Product, Invalid::UnknownProduct, errors);
    let s = id(live_session, Field::LiveSession, Invalid::UnknownSession, errors);
    (p, s)
}

/// An optional amount in yuan, as fen.
pub(super) fn optional_amount(raw: &str) -> Result<Option<i64>, Invalid> {
    match raw.trim() {
        "" => Ok(None),
        raw => amount::parse_yuan(raw).map(Some).map_err(|e| match e {
            AmountError::Invalid => Invalid::Amount,
            AmountError::TooLarge => Invalid::AmountTooLarge,
        }),
    }
}

fn optional<T>(raw: &str, parse: fn(&str) -> Option<T>, invalid: Invalid) -> Result<Option<T>, Invalid> {
    match raw.trim() {
        "" => Ok(None),
        s => parse(s).map(Some).ok_or(invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub fn valid_form() -> ComplaintForm {
        ComplaintForm {
            merchant: "1".into(),
            order_ref: "DY4829301756".into(),
            category: "false_advertising".into(),
            desired_resolution: "refund".into(),
            amount: "199.00".into(),
            description: "直播间说是纯羊毛，收到后标签写着腈纶 100%。".into(),
            consumer_name: "王芳".into(),
            consumer_phone: "13800138000".into(),
            consumer_email: "".into(),
            publish: String::new(),
        }
    }

    #[test]
    fn a_valid_form_becomes_a_complaint() {
        let c = valid_form().validate().unwrap();
        assert_eq!(c.merchant_id, 1);
        assert_eq!(c.category, Category::FalseAdvertising);
        assert_eq!(c.amount_fen, Some(19900));
        assert_eq!(c.consumer_email, None);
    }

    #[test]
    fn every_field_error_is_reported_at_once() {
        let form = ComplaintForm { category: "fake".into(), ..ComplaintForm::default() };
        let errors = form.validate().unwrap_err();
        assert_eq!(errors.get(Field::Merchant), Some(Invalid::Required));
        assert_eq!(errors.get(Field::OrderRef), Some(Invalid::Required));
        assert_eq!(errors.get(Field::Category), Some(Invalid::UnknownChoice));
        assert_eq!(errors.get(Field::DesiredResolution), Some(Invalid::Required));
        assert_eq!(errors.get(Field::Amount), None);
        assert_eq!(errors.get(Field::Description), Some(Invalid::Required));
        assert_eq!(errors.get(Field::ConsumerName), Some(Invalid::Required));
        assert_eq!(errors.get(Field::ConsumerPhone), Some(Invalid::NeedContact));
    }

    #[test]
    fn consent_to_publish_is_given_only_by_the_ticked_box() {
        assert!(!valid_form().validate().unwrap().publish, "unticked by default");
        let ticked = ComplaintForm { publish: "1".into(), ..valid_form() };
        assert!(ticked.validate().unwrap().publish);
        for other in ["0", "on", "true", "yes", "11"] {
            let sent = ComplaintForm { publish: other.into(), ..valid_form() };
            assert!(!sent.validate().unwrap().publish, "{other:?} is no consent");
        }
    }

    #[test]
    fn contact_may_be_phone_or_email_but_each_must_be_valid() {
        let email_only = ComplaintForm { consumer_phone: "".into(), consumer_email: "a@b.cn".into(), ..valid_form() };
        assert!(email_only.validate().is_ok());
        let bad = ComplaintForm { consumer_phone: "12345".into(), consumer_email: "a@b".into(), ..valid_form() };
        let errors = bad.validate().unwrap_err();
        assert_eq!(errors.get(Field::ConsumerPhone), Some(Invalid::Phone));
        assert_eq!(errors.get(Field::ConsumerEmail), Some(Invalid::Email));
    }

    #[test]
    fn description_bounds() {
        let short = ComplaintForm { description: "太差了".into(), ..valid_form() };
        assert_eq!(short.validate().unwrap_err().get(Field::Description), Some(Invalid::TooShort { min: 10 }));
        let long = ComplaintForm { description: "差".repeat(2001), ..valid_form() };
        assert_eq!(long.validate().unwrap_err().get(Field::Description), Some(Invalid::TooLong { max: 2000 }));
    }

    proptest! {
        #[test]
        fn validation_never_panics_and_errors_name_real_fields(
            merchant in "\\PC{0,8}", amount in "\\PC{0,12}", description in "\\PC{0,30}",
            phone in "\\PC{0,14}", email in "\\PC{0,20}", category in "[a-z_]{0,20}",
        ) {
            let form = ComplaintForm { merchant, amount, description, consumer_phone: phone, consumer_email: email, category, ..valid_form() };
            match form.validate() {
                Ok(c) => prop_assert!(c.description.chars().count() >= DESCRIPTION_MIN),
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    for (field, _) in &errors.0 {
                        prop_assert!(Field::from_slug(field.slug()).is_some());
                    }
                }
            }
        }
    }
}
