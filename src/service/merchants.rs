//! Onboarding a merchant.

use chrono::{DateTime, Utc};

use crate::domain::merchant::ValidMerchant;
use crate::store::merchants::{self, NewMerchant};
use crate::store::{DbConnection, to_db};

#[derive(Debug, thiserror::Error)]
pub enum AddMerchantError {
    #[error("a merchant with credit code {0} already exists")]
    Duplicate(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Stores a validated merchant; its credit code must be new.
pub fn add(conn: &mut DbConnection, m: &ValidMerchant, now: DateTime<Utc>) -> Result<i64, AddMerchantError> {
    conn.write(|conn| {
        if merchants::credit_code_taken(conn, m.credit_code.as_str())? {
            return Err(AddMerchantError::Duplicate(m.credit_code.as_str().into()));
        }
        let categories = m.categories_text();
        let new = NewMerchant {
            name: &m.name,
            credit_code: m.credit_code.as_str(),
            email: m.email.as_str(),
            shop_url: &m.shop_url,
            phone: m.phone.as_ref().map(|p| p.as_str()),
            categories: &categories,
            qualification: m.qualification.as_deref(),
            created_at: to_db(now),
        };
        let id = merchants::insert(conn, &new)?;
        // Listed at once, with nothing counted: what a new merchant has.
        crate::service::merchant_list::added(conn, id, &m.name, now)?;
        Ok(id)
    })
}
