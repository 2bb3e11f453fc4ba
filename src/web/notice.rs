//! The notices a page shows once a form has done its work: the form's
//! answer sends the browser back with `?done=…`, and the page names the
//! notice's message in the catalog. Anything else after `done=` shows no
//! notice. The catalog test checks every key of each `ALL`.

crate::slug_enum! {
    #[catalog("tracking.done_")]
    /// On the consumer's tracking page.
    pub enum TrackingDone {
        /// Just filed: the page opens with the confirmation.
        Filed => "filed",
        LinkQueued => "link_queued",
        LinkAlready => "link_already",
        LinkNone => "link_none",
        Replied => "replied",
        Accepted => "accepted",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
        Escalated => "escalated",
        /// The rating's form sends the consumer back with it.
        Rated => "rated",
        /// The consumer said the relief's money arrived, or that it did not.
        ReliefReceived => "relief_received",
        ReliefNotReceived => "relief_not_received",
        /// Consent to the public register given, or withdrawn.
        ConsentGiven => "consent_given",
        ConsentWithdrawn => "consent_withdrawn",
    }
}

crate::slug_enum! {
    #[catalog("merchant.done_")]
    /// On a merchant's complaint page.
    pub enum MerchantDone {
        Replied => "replied",
        Noted => "noted",
        Proposed => "proposed",
        /// The public response chosen or changed.
        PublicResponse => "public_response",
    }
}

crate::slug_enum! {
    #[catalog("supervisor.done_")]
    /// On a supervisor's complaint page.
    pub enum SupervisorDone {
        Claimed => "claimed",
        Released => "released",
        Ruled => "ruled",
        RiskDismissed => "risk_dismissed",
        /// The case hidden from the public register, or shown again.
        RegisterHidden => "register_hidden",
        RegisterUnhidden => "register_unhidden",
    }
}

crate::slug_enum! {
    #[catalog("merchant_admin.done_")]
    /// On a supervisor's merchant page.
    pub enum MerchantAdminDone {
        Onboarded => "onboarded",
        Action => "action",
        Lifted => "lifted",
        Appeal => "appeal",
        /// A deposit top-up or adjustment recorded.
        Deposit => "deposit",
    }
}

crate::slug_enum! {
    #[catalog("case.done_")]
    /// What a supervisor does with an incident (`act`, `POST
    /// /supervisor/incidents/{id}`), and the notice once it is done.
    pub enum CaseAct {
        Collective => "collective",
        Add => "add",
        Remove => "remove",
        Rule => "rule",
        Dismiss => "dismiss",
        Measure => "measure",
    }
}

/// `?done=…`: the slug of the notice to show, empty when there is none.
/// It stays a string: a slug that is no notice shows the page without one.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Done {
    pub done: String,
}
