//! How the supervisor services' refusals read (see the parent module).

use super::{Refusal, Refuse};
use crate::domain::complaint::Invalid;
use crate::domain::violation::PenaltyError;
use crate::error::AppError;
use crate::service::actions::{ActionError, AppealError};
use crate::service::auth::AddUserError;
use crate::service::merchants::AddMerchantError;
use crate::service::offenders::FlagError;
use crate::service::reports::DecideError;
use crate::service::supervision::SuperviseError;
use crate::service::violations::ScheduleError;

/// Onboarding a merchant.
impl Refuse for AddMerchantError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            AddMerchantError::Duplicate(_) => Ok(Refusal::invalid(Invalid::DuplicateCreditCode).at("credit_code")),
            AddMerchantError::Db(e) => Err(e.into()),
        }
    }
}

/// A staff account for a merchant, its password made up by the service:
/// only the e-mail was typed, so a refusal about anything else is ours.
impl Refuse for AddUserError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            AddUserError::Email(_) => Ok(Refusal::unprocessable("error.email").at("email")),
            AddUserError::Duplicate(_) => Ok(Refusal::unprocessable("merchant_admin.staff_exists").at("email")),
            AddUserError::UnknownMerchant(_) => Err(AppError::NotFound),
            AddUserError::Db(e) => Err(e.into()),
            e @ (AddUserError::Password(_)
            | AddUserError::NoMerchant
            | AddUserError::SupervisorWithMerchant
            | AddUserError::Hash(_)) => Err(AppError::internal(e)),
        }
    }
}

/// An action taken against a merchant, or lifted.
impl Refuse for ActionError {
    fn refusal(self) -> Result<Refusal, AppError> {
        Ok(match self {
            ActionError::NotFound => return Err(AppError::NotFound),
            ActionError::Db(e) => return Err(e.into()),
            ActionError::Kind => Refusal::unprocessable("merchant_admin.error_kind").at("kind"),
            ActionError::Points => Refusal::unprocessable("merchant_admin.error_points").at("points"),
            ActionError::Reason => Refusal::unprocessable("merchant_admin.error_reason").at("reason"),
            ActionError::Ended | ActionError::NotLiftable => Refusal::unprocessable("error.illegal_action"),
            ActionError::Violation => Refusal::unprocessable("violation.error_violation").at("violation"),
            ActionError::Level => Refusal::unprocessable("violation.error_level").at("level"),
            ActionError::Penalty(e) => penalty(e),
            ActionError::Heavier => Refusal::unprocessable("violation.error_heavier").at("points"),
            ActionError::Mitigation => Refusal::unprocessable("violation.error_mitigation").at("mitigation"),
        })
    }
}

/// Points, a measure or days of the violation schedule that are not valid.
fn penalty(e: PenaltyError) -> Refusal {
    let key = match e {
        PenaltyError::Points => "violation.error_points",
        PenaltyError::Measure => "violation.error_measure",
        PenaltyError::Days => "violation.error_days",
    };
    Refusal::unprocessable(key).at(e.field())
}

/// An edit of the violation schedule or of its thresholds.
impl Refuse for ScheduleError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            ScheduleError::NotFound => Err(AppError::NotFound),
            ScheduleError::Db(e) => Err(e.into()),
            ScheduleError::Penalty(e) => Ok(penalty(e)),
            ScheduleError::ThresholdPoints => Ok(Refusal::unprocessable("violation.error_threshold").at("points")),
        }
    }
}

/// An appeal's error as the supervisor deciding it reads it: the decision
/// and its reason are the supervisor's fields; the rest reads as it does
/// for the merchant (`refusal/merchant.rs`).
pub struct Deciding(pub AppealError);

impl Refuse for Deciding {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self.0 {
            AppealError::Decision => Ok(Refusal::unprocessable("appeal.error_decision").at("decision")),
            // The decision's reason (the merchant's statement is not
            // checked here).
            AppealError::Statement => Ok(Refusal::unprocessable("merchant_admin.error_reason").at("reason")),
            e @ (AppealError::NotFound | AppealError::Db(_) | AppealError::NotNow(_)) => e.refusal(),
        }
    }
}

/// A decision on an offender flag.
impl Refuse for FlagError {
    fn refusal(self) -> Result<Refusal, AppError> {
        Ok(match self {
            FlagError::NotFound => return Err(AppError::NotFound),
            FlagError::Db(e) => return Err(e.into()),
            FlagError::Note => Refusal::unprocessable("flags.error_note").at("note"),
            FlagError::State => Refusal::unprocessable("error.illegal_action"),
        })
    }
}

/// A decision on a user report: its note is the form's field.
impl Refuse for DecideError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            DecideError::NotFound => Err(AppError::NotFound),
            DecideError::Db(e) => Err(e.into()),
            DecideError::Note(why) => Ok(Refusal::invalid(why).at("note")),
            DecideError::Decided => Ok(Refusal::unprocessable("report.decided")),
        }
    }
}

/// Claiming, releasing or ruling on an escalated complaint. The message
/// for [`SuperviseError::HeldBy`] names who holds it (`{who}`): the
/// handler fills that in, from the error.
impl Refuse for SuperviseError {
    fn refusal(self) -> Result<Refusal, AppError> {
        match self {
            SuperviseError::HeldBy(_) => Ok(Refusal::unprocessable("supervisor.held_by_other")),
            SuperviseError::NotEscalated => Ok(Refusal::unprocessable("supervisor.not_escalated")),
            SuperviseError::NotFlagged => Ok(Refusal::unprocessable("risk.not_flagged")),
            SuperviseError::Act(e) => e.refusal(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::service::conversation::ActError;

    #[test]
    fn the_supervisors_refusals_say_which_field() {
        let refused = ActionError::Points.refusal().unwrap();
        assert_eq!((refused.key, refused.field), ("merchant_admin.error_points", Some("points")));
        let decided = Deciding(AppealError::Decision).refusal().unwrap();
        assert_eq!((decided.key, decided.field), ("appeal.error_decision", Some("decision")));
        let late = Deciding(AppealError::NotNow(crate::service::actions::AppealStatus::Submitted)).refusal();
        assert_eq!(late.unwrap().key, "appeal.once_only", "as the merchant reads it");
        let en = Lang::En.tr();
        let duplicate = AddMerchantError::Duplicate("x".into()).refusal().unwrap();
        assert_eq!(duplicate.message(&en), en.get(Invalid::DuplicateCreditCode.key()));
        assert!(matches!(AddUserError::UnknownMerchant(3).refusal(), Err(AppError::NotFound)));
        assert!(matches!(AddUserError::Hash("x".into()).refusal(), Err(AppError::Internal(_))));
        assert!(matches!(SuperviseError::Act(ActError::NotFound).refusal(), Err(AppError::NotFound)));
    }
}
