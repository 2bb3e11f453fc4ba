//! Onboarding a merchant: an organisation with a real unified social credit
//! code, what it sells, and the licence where what it sells needs one.

use super::complaint::{Field, FieldErrors, Invalid, check};
use super::contact::{Email, Phone};
use super::credit_code::CreditCode;
use super::text;

crate::slug_enum! {
    #[catalog("sold.")]
    /// What a merchant sells.
    pub enum SoldCategory {
        General => "general",
        Apparel => "apparel",
        Beauty => "beauty",
        Food => "food",
        Electronics => "electronics",
        HealthFood => "health_food",
        MedicalDevices => "medical_devices",
        Drugs => "drugs",
        Finance => "finance",
        Education => "education",
    }
}

impl SoldCategory {
    /// Selling these needs a qualification, whose licence number is kept.
    pub fn needs_qualification(self) -> bool {
        matches!(
            self,
            SoldCategory::HealthFood
                | SoldCategory::MedicalDevices
                | SoldCategory::Drugs
                | SoldCategory::Finance
                | SoldCategory::Education
        )
    }
}

/// The onboarding form as typed.
#[derive(Debug, Clone, Default)]
pub struct MerchantForm {
    pub name: String,
    pub credit_code: String,
    pub email: String,
    pub shop_url: String,
    /// A mobile number for SMS notices (optional).
    pub phone: String,
    pub categories: Vec<String>,
    pub qualification: String,
}

#[derive(Debug, Clone)]
pub struct ValidMerchant {
    pub name: String,
    pub credit_code: CreditCode,
    pub email: Email,
    pub shop_url: String,
    pub phone: Option<Phone>,
    pub categories: Vec<SoldCategory>,
    pub qualification: Option<String>,
}

impl ValidMerchant {
    /// Categories as stored: slugs joined by commas.
    pub fn categories_text(&self) -> String {
        self.categories.iter().map(|c| c.slug()).collect::<Vec<_>>().join(",")
    }
}

/// What a merchant sells, as read back from [`ValidMerchant::categories_text`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoldCategories(pub Vec<SoldCategory>);

impl SoldCategories {
    /// `None` unless every part is a category's slug; empty text is none.
    pub fn from_text(text: &str) -> Option<SoldCategories> {
        text.split(',')
            .filter(|c| !c.is_empty())
            .map(SoldCategory::from_slug)
            .collect::<Option<_>>()
            .map(SoldCategories)
    }
}

impl MerchantForm {
    /// `require_categories`: the web form asks what the merchant sells;
    /// the command line may leave it for later.
    pub fn validate(&self, require_categories: bool) -> Result<ValidMerchant, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = check(&mut errors, Field::Name, text::clean_shown(&self.name, 2, 100, false).map_err(Invalid::from));
        let code = check(
            &mut errors,
            Field::CreditCode,
            match self.credit_code.trim() {
                "" => Err(Invalid::Required),
                raw => CreditCode::parse(raw)
                    .map_err(Invalid::CreditCode)
                    .and_then(|c| if c.is_individual_business() { Err(Invalid::IndividualBusiness) } else { Ok(c) }),
            },
        );
        let email = check(
            &mut errors,
            Field::Email,
            match self.email.trim() {
                "" => Err(Invalid::Required),
                raw => Email::parse(raw).ok_or(Invalid::Email),
            },
        );
        let shop_url = check(
            &mut errors,
            Field::ShopUrl,
            match self.shop_url.trim() {
                "" => Ok(String::new()),
                raw => text::clean(raw, 1, 200, false).map_err(Invalid::from),
            },
        );
        let phone = check(
            &mut errors,
            Field::Phone,
            match self.phone.trim() {
                "" => Ok(None),
                raw => Phone::parse(raw).map(Some).ok_or(Invalid::Phone),
            },
        );
        let mut categories = Vec::new();
        for raw in &self.categories {
            match SoldCategory::from_slug(raw.trim()) {
                Some(c) if !categories.contains(&c) => categories.push(c),
                Some(_) => {}
                None => errors.add(Field::Categories, Invalid::UnknownChoice),
            }
        }
        if require_categories && categories.is_empty() {
            errors.add(Field::Categories, Invalid::Required);
        }
        let qualification = match self.qualification.trim() {
            "" if categories.iter().any(|c| c.needs_qualification()) => {
                errors.add(Field::Qualification, Invalid::QualificationRequired);
                None
            }
            "" => None,
            raw => check(&mut errors, Field::Qualification, text::clean(raw, 4, 64, false).map_err(Invalid::from)),
        };
        match (name, code, email, shop_url, phone) {
            (Some(name), Some(credit_code), Some(email), Some(shop_url), Some(phone)) if errors.is_empty() => {
                Ok(ValidMerchant { name, credit_code, email, shop_url, phone, categories, qualification })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::credit_code::CreditCodeError;

    fn form() -> MerchantForm {
        MerchantForm {
            name: "杭州星河优选电子商务有限公司".into(),
            credit_code: CreditCode::complete("91330106MA2H3K7P").unwrap().as_str().into(),
            email: "Kefu@XingHe.example.cn".into(),
            shop_url: "抖音直播间 星河优选 ID 88886666".into(),
            phone: String::new(),
            categories: vec!["apparel".into(), "beauty".into()],
            qualification: String::new(),
        }
    }

    #[test]
    fn a_valid_organisation_is_accepted() {
        let m = form().validate(true).unwrap();
        assert_eq!(m.email.as_str(), "kefu@xinghe.example.cn");
        assert_eq!(m.categories_text(), "apparel,beauty");
        assert_eq!(m.qualification, None);
        let read = SoldCategories::from_text(&m.categories_text());
        assert_eq!(read, Some(SoldCategories(vec![SoldCategory::Apparel, SoldCategory::Beauty])));
        assert_eq!(SoldCategories::from_text(""), Some(SoldCategories::default()));
        assert_eq!(SoldCategories::from_text("apparel,bogus"), None);
    }

    #[test]
    fn individuals_bad_codes_and_missing_licences_are_refused() {
        let individual =
            MerchantForm { credit_code: CreditCode::complete("9233010219880101").unwrap().as_str().into(), ..form() };
        assert_eq!(individual.validate(true).unwrap_err().get(Field::CreditCode), Some(Invalid::IndividualBusiness));
        let typo = MerchantForm { credit_code: "91350100M000100Y44".into(), ..form() };
        assert_eq!(
            typo.validate(true).unwrap_err().get(Field::CreditCode),
            Some(Invalid::CreditCode(CreditCodeError::Check))
        );
        let drugs = MerchantForm { categories: vec!["drugs".into()], ..form() };
        assert_eq!(drugs.validate(true).unwrap_err().get(Field::Qualification), Some(Invalid::QualificationRequired));
        let licensed =
            MerchantForm { categories: vec!["drugs".into()], qualification: "药网B20260001".into(), ..form() };
        assert_eq!(licensed.validate(true).unwrap().qualification.as_deref(), Some("药网B20260001"));
        let nothing = MerchantForm { categories: vec![], ..form() };
        assert_eq!(nothing.validate(true).unwrap_err().get(Field::Categories), Some(Invalid::Required));
        assert!(nothing.validate(false).is_ok(), "the command line may leave categories for later");
    }
}
