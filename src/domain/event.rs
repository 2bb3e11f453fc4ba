//! Entries of a complaint's append-only timeline: who did what.

crate::slug_enum! {
    pub enum Actor {
        Consumer => "consumer",
        Merchant => "merchant",
        Supervisor => "supervisor",
        /// The deadline sweeper and other jobs.
        System => "system",
    }
}

crate::slug_enum! {
    #[catalog("event.")]
    pub enum EventKind {
        Submitted => "submitted",
        Reply => "reply",
        /// A merchant's or supervisor's internal note: staff only.
        Note => "note",
        ConsumerReply => "consumer_reply",
        Proposal => "proposal",
        Accepted => "accepted",
        SilenceAccepted => "silence_accepted",
        Rejected => "rejected",
        Escalated => "escalated",
        ResponseBreach => "response_breach",
        ResolutionBreach => "resolution_breach",
        Ruling => "ruling",
        Withdrawn => "withdrawn",
        /// The consumer confirmed the money of the relief arrived.
        ReliefReceived => "relief_received",
        /// The merchant's staff opened the complaint for the first time
        /// (a read receipt: public, once).
        MerchantViewed => "merchant_viewed",
        /// The consumer agreed, on the tracking page, to have the complaint
        /// published in the public register (without personal data).
        ConsentGiven => "consent_given",
        /// The consumer withdrew that consent: out of the register at once.
        ConsentWithdrawn => "consent_withdrawn",
        /// The merchant chose or changed its public response (the slug in
        /// the event's data).
        PublicResponse => "public_response",
        /// A supervisor hid the case from the public register.
        RegisterHidden => "register_hidden",
        /// A supervisor showed it in the register again.
        RegisterUnhidden => "register_unhidden",
    }
}

crate::slug_enum! {
    /// Who may see a timeline entry.
    pub enum Visibility {
        Public => "public",
        /// Staff only: never on the consumer's page.
        Internal => "internal",
    }
}

/// Whoever is looking at a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Consumer,
    Merchant,
    Supervisor,
}

impl Viewer {
    /// What each side sees, decided here and nowhere else.
    pub fn sees(self, visibility: Visibility) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::Internal => matches!(self, Viewer::Merchant | Viewer::Supervisor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consumer_never_sees_internal_notes() {
        assert!(Viewer::Consumer.sees(Visibility::Public));
        assert!(!Viewer::Consumer.sees(Visibility::Internal));
        assert!(Viewer::Merchant.sees(Visibility::Internal));
        assert!(Viewer::Supervisor.sees(Visibility::Internal));
    }
}
