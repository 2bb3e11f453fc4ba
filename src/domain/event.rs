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
    }
}
