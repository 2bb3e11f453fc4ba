//! The deposit's refusals: a ledger entry's fields, and a requirement's.

use super::{Refusal, Refuse};
use crate::domain::deposit::EntryInvalid;
use crate::domain::field::Invalid;
use crate::error::AppError;
use crate::service::deposits::{DepositError, RequirementError};

/// A top-up or adjustment typed by a supervisor.
impl Refuse for DepositError {
    fn refusal(self) -> Result<Refusal, AppError> {
        Ok(match self {
            DepositError::NotFound => return Err(AppError::NotFound),
            DepositError::Db(e) => return Err(e.into()),
            DepositError::Invalid(why) => match why {
                EntryInvalid::Kind => Refusal::unprocessable("deposit.error_kind").at("kind"),
                EntryInvalid::Amount(why) => Refusal::invalid(why).at("amount"),
                EntryInvalid::TopUpNotPositive => Refusal::unprocessable("deposit.error_top_up").at("amount"),
                EntryInvalid::AdjustmentZero => Refusal::unprocessable("deposit.error_zero").at("amount"),
                // Only an adjustment's note is required: its reason.
                EntryInvalid::Note(Invalid::Required) => Refusal::unprocessable("deposit.error_reason").at("note"),
                EntryInvalid::Note(why) => Refusal::invalid(why).at("note"),
            },
        })
    }
}

/// A category's requirement at `/supervisor/deposits`.
impl Refuse for RequirementError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            RequirementError::Category => Ok(Refusal::invalid(Invalid::UnknownChoice).at("category")),
            RequirementError::Amount(why) => Ok(Refusal::invalid(why).at("amount")),
            RequirementError::Db(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustment_without_a_reason_is_told_so() {
        let r = DepositError::Invalid(EntryInvalid::Note(Invalid::Required)).refusal().unwrap();
        assert_eq!((r.key, r.field), ("deposit.error_reason", Some("note")));
        let r = DepositError::Invalid(EntryInvalid::Amount(Invalid::Amount)).refusal().unwrap();
        assert_eq!((r.key, r.field), ("error.amount", Some("amount")));
        assert!(matches!(DepositError::NotFound.refusal(), Err(AppError::NotFound)));
        assert_eq!(RequirementError::Category.refusal().unwrap().field, Some("category"));
    }
}
