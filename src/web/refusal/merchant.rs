//! How the merchant services' refusals read (see the parent module).

use super::{Refusal, Refuse};
use crate::error::AppError;
use crate::service::actions::{AppealError, AppealStatus};

impl Refuse for AppealError {
    fn refusal(self) -> Result<Refusal, AppError> {
        Ok(Refusal::unprocessable(match self {
            AppealError::NotFound => return Err(AppError::NotFound),
            AppealError::Db(e) => return Err(e.into()),
            AppealError::Statement => "appeal.error_statement",
            AppealError::Decision => "error.illegal_action",
            AppealError::NotNow(AppealStatus::StartExpired { .. }) => "appeal.too_late_to_start",
            AppealError::NotNow(AppealStatus::SubmitExpired { .. }) => "appeal.too_late_to_submit",
            AppealError::NotNow(
                AppealStatus::CanStart { .. }
                | AppealStatus::CanSubmit { .. }
                | AppealStatus::Submitted
                | AppealStatus::Granted { .. }
                | AppealStatus::Rejected { .. }
                | AppealStatus::NotAppealable,
            ) => "appeal.once_only",
        }))
    }
}
