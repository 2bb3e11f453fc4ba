//! The staff audit log: what is recorded of staff, and in what words.

crate::slug_enum! {
    #[catalog("audit.kind_")]
    /// What a staff member did (or tried to).
    pub enum AuditKind {
        SignIn => "sign_in",
        SignInFailed => "sign_in_failed",
        SignOut => "sign_out",
        SignOutEverywhere => "sign_out_everywhere",
        PasswordChanged => "password_changed",
        TwoFactorEnrolled => "two_factor_enrolled",
        TwoFactorReset => "two_factor_reset",
        RecoveryCodeUsed => "recovery_code_used",
        StaffCreated => "staff_created",
        MerchantOnboarded => "merchant_onboarded",
        ActionTaken => "action_taken",
        ActionLifted => "action_lifted",
        AppealDecided => "appeal_decided",
        FlagDecided => "flag_decided",
        Claimed => "claimed",
        Released => "released",
        Ruling => "ruling",
        Export => "export",
        EvidenceOpened => "evidence_opened",
        /// A product approved, rejected, delisted or put back.
        ProductReviewed => "product_reviewed",
        /// A live room limited, cut or restored; a host banned or restored.
        MeasureTaken => "measure_taken",
        /// A risk rule added at `/supervisor/rules`.
        RiskRuleAdded => "risk_rule_added",
        /// A risk rule changed, switched off or on.
        RiskRuleChanged => "risk_rule_changed",
        /// A complaint's high-risk flag dismissed, with the reason.
        RiskDismissed => "risk_dismissed",
        /// An incident made a collective case.
        CaseMade => "case_made",
        /// Complaints added to a collective case, or one taken out.
        CaseChanged => "case_changed",
        /// A collective case ruled, once for all its complaints.
        CaseRuled => "case_ruled",
        /// An incident closed without a ruling, with the reason.
        IncidentDismissed => "incident_dismissed",
        /// A platform inspection recorded (`/supervisor/inspections`).
        InspectionRecorded => "inspection_recorded",
        /// An incident opened by hand, from an inspection (or the
        /// inspection joined the one already open).
        IncidentOpened => "incident_opened",
        /// A user report marked reviewed or dismissed, with the note.
        ReportDecided => "report_decided",
        /// A deposit top-up or adjustment recorded on a merchant's ledger.
        DepositRecorded => "deposit_recorded",
        /// A category's deposit requirement changed at `/supervisor/deposits`.
        DepositRequirementChanged => "deposit_requirement_changed",
        /// An entry of the violation schedule changed (points, measure, days).
        ViolationScheduleChanged => "violation_schedule_changed",
        /// A threshold of accumulated points changed.
        ViolationThresholdChanged => "violation_threshold_changed",
        /// A webhook endpoint registered at `/merchant/webhooks`.
        WebhookCreated => "webhook_created",
        /// A webhook endpoint's URL or events changed, turned off or on,
        /// its secret rolled.
        WebhookChanged => "webhook_changed",
        WebhookDeleted => "webhook_deleted",
        /// An API key made at `/merchant/api-keys` or `/supervisor/api-keys`.
        ApiKeyCreated => "api_key_created",
        /// An API key revoked.
        ApiKeyRevoked => "api_key_revoked",
        /// A request made with an API key (the key is the actor).
        ApiRequest => "api_request",
        /// A case hidden from the public register, with the reason.
        RegisterHidden => "register_hidden",
        /// A hidden case shown in the register again.
        RegisterUnhidden => "register_unhidden",
    }
}

/// At most this much of any text goes into one entry.
pub const MAX_TEXT: usize = 500;

/// `text` cut to [`MAX_TEXT`] characters, without control characters.
pub fn bounded(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_bounded_and_kinds_travel_as_slugs() {
        assert_eq!(bounded("a\r\nb\u{7}"), "ab");
        assert_eq!(bounded(&"x".repeat(2000)).len(), MAX_TEXT);
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_slug(kind.slug()), Some(*kind));
        }
    }
}
