//! Onboarding a merchant.

use chrono::{DateTime, Utc};

use crate::domain::contact::Email;
use crate::domain::credit_code::{CreditCode, CreditCodeError};
use crate::domain::text;
use crate::store::merchants::{self, NewMerchant};
use crate::store::{DbConnection, to_db};

#[derive(Debug, thiserror::Error)]
pub enum AddMerchantError {
    #[error("the name must be 2 to 100 characters")]
    Name,
    #[error("{0}")]
    CreditCode(&'static str),
    #[error("{0} belongs to an individual business; only organisations can be onboarded")]
    Individual(String),
    #[error("a merchant with credit code {0} already exists")]
    Duplicate(String),
    #[error("{0:?} is not an e-mail address")]
    Email(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

pub struct MerchantInput<'a> {
    pub name: &'a str,
    pub credit_code: &'a str,
    pub email: &'a str,
}

pub fn add(conn: &mut DbConnection, input: &MerchantInput<'_>, now: DateTime<Utc>) -> Result<i64, AddMerchantError> {
    let name = text::clean(input.name, 2, 100, false).map_err(|_| AddMerchantError::Name)?;
    let code = CreditCode::parse(input.credit_code).map_err(|e| AddMerchantError::CreditCode(describe(e)))?;
    if code.is_individual_business() {
        return Err(AddMerchantError::Individual(code.as_str().into()));
    }
    let email = Email::parse(input.email).ok_or_else(|| AddMerchantError::Email(input.email.into()))?;
    conn.write(|conn| {
        if merchants::credit_code_taken(conn, code.as_str())? {
            return Err(AddMerchantError::Duplicate(code.as_str().into()));
        }
        let new = NewMerchant {
            name: &name,
            credit_code: code.as_str(),
            email: email.as_str(),
            shop_url: "",
            categories: "",
            qualification: None,
            created_at: to_db(now),
        };
        Ok(merchants::insert(conn, &new)?)
    })
}

fn describe(e: CreditCodeError) -> &'static str {
    match e {
        CreditCodeError::Length => "a unified social credit code has 18 characters",
        CreditCodeError::Character => {
            "a unified social credit code uses only digits and the letters A-Y without I, O, S, V, Z"
        }
        CreditCodeError::Division => {
            "characters 3 to 8 of a unified social credit code are an administrative division code (digits)"
        }
        CreditCodeError::OrganisationCheck => {
            "the organisation code (characters 9 to 17) fails its GB 11714 check digit"
        }
        CreditCodeError::Check => {
            "the last character (the GB 32100-2015 check digit) does not match: the code is mistyped"
        }
    }
}
