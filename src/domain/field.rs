//! The fields of the site's forms and why one was refused: every form's
//! validation (`complaint`, `merchant`, `live`, `risk`) reports its
//! mistakes as (`Field`, `Invalid`) pairs, all at once, in form order.

use super::credit_code::CreditCodeError;
use super::text::TextError;

crate::slug_enum! {
    /// A field of the complaint form; the slug is the form field's name.
    pub enum Field {
        Merchant => "merchant",
        OrderRef => "order_ref",
        Category => "category",
        DesiredResolution => "desired_resolution",
        Amount => "amount",
        Description => "description",
        ConsumerName => "consumer_name",
        ConsumerPhone => "consumer_phone",
        ConsumerEmail => "consumer_email",
        /// A message in the conversation (reply, note, proposal).
        Body => "body",
        Visibility => "visibility",
        /// The resolution a merchant proposes.
        Resolution => "resolution",
        /// Onboarding a merchant.
        Name => "name",
        CreditCode => "credit_code",
        Email => "email",
        ShopUrl => "shop_url",
        /// A merchant's mobile number, for SMS notices.
        Phone => "phone",
        Categories => "categories",
        Qualification => "qualification",
        /// Live commerce: a room, a host, a product, a session.
        Platform => "platform",
        RoomRef => "room_ref",
        DisplayName => "display_name",
        RealName => "real_name",
        Kind => "kind",
        Agency => "agency",
        ProductCategory => "product_category",
        Claims => "claims",
        Licence => "licence",
        Room => "room",
        Host => "host",
        StartedAt => "started_at",
        EndedAt => "ended_at",
        Products => "products",
        /// The live-commerce part of the complaint form (optional ids).
        Product => "product",
        LiveSession => "live_session",
        /// A risk rule (`/supervisor/rules`), and dismissing a risk flag.
        Label => "label",
        Pattern => "pattern",
        Weight => "weight",
        Reason => "reason",
        /// Complaints to add to a collective case, by reference.
        References => "references",
        /// A platform inspection (`/supervisor/inspections`): when, what
        /// was found, the verdict.
        InspectedAt => "inspected_at",
        Found => "found",
        Verdict => "verdict",
        /// A user report (举报): when it was seen.
        SeenAt => "seen_at",
        /// A ruling's relief (issue 21): its kind, amount and the
        /// compensation paid first from the deposit.
        Relief => "relief",
        ReliefAmount => "relief_amount",
        Compensation => "compensation",
    }
}

/// Why a field was refused. `key()` names the message in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    ControlCharacter,
    BidiControl,
    Invisible,
    UnknownChoice,
    UnknownMerchant,
    Phone,
    Email,
    Amount,
    AmountTooLarge,
    NeedContact,
    CreditCode(CreditCodeError),
    IndividualBusiness,
    DuplicateCreditCode,
    QualificationRequired,
    /// Live commerce (`domain::live`, `service::live`).
    LicenceRequired,
    RoomRef,
    DuplicateRoom,
    AgencyNotInfluencer,
    DateTime,
    EndBeforeStart,
    SessionTooLong,
    NotFound,
    RoomCut,
    HostBanned,
    ProductNotApproved,
    MedicalStaff,
    /// A product id that is not one the form offered for the merchant.
    UnknownProduct,
    /// A session id that is not one the form offered for the merchant.
    UnknownSession,
    /// A risk rule's words: one a line, within the limits of `risk::form`.
    RiskWords,
    /// A risk rule's weight: a whole number within `risk::form`'s range.
    RiskWeight,
    /// An inspection's time is later than now.
    InFuture,
    /// An inspection's session is not one of its room's.
    SessionNotOfRoom,
    /// A report's time seen is later than now.
    SeenInFuture,
    /// A report's time seen is longer ago than reports are taken.
    SeenTooOld {
        days: usize,
    },
    /// Compensation on a ruling that does not uphold the complaint.
    CompensationNotUpheld,
    /// Compensation with a relief other than money.
    CompensationNotMonetary,
    /// An amount for a relief other than money.
    AmountNotMonetary,
    /// A monetary relief smaller than the compensation in it.
    BelowCompensation,
}

impl Invalid {
    pub fn key(self) -> &'static str {
        match self {
            Invalid::Required => "error.required",
            Invalid::TooShort { .. } => "error.too_short",
            Invalid::TooLong { .. } => "error.too_long",
            Invalid::ControlCharacter => "error.control_character",
            Invalid::BidiControl => "error.bidi_control",
            Invalid::Invisible => "error.invisible",
            Invalid::UnknownChoice => "error.unknown_choice",
            Invalid::UnknownMerchant => "error.unknown_merchant",
            Invalid::Phone => "error.phone",
            Invalid::Email => "error.email",
            Invalid::Amount => "error.amount",
            Invalid::AmountTooLarge => "error.amount_too_large",
            Invalid::NeedContact => "error.need_contact",
            Invalid::CreditCode(CreditCodeError::Length) => "error.credit_code_length",
            Invalid::CreditCode(CreditCodeError::Character) => "error.credit_code_character",
            Invalid::CreditCode(CreditCodeError::Division) => "error.credit_code_division",
            Invalid::CreditCode(CreditCodeError::OrganisationCheck) => "error.credit_code_organisation",
            Invalid::CreditCode(CreditCodeError::Check) => "error.credit_code_check",
            Invalid::IndividualBusiness => "error.individual_business",
            Invalid::DuplicateCreditCode => "error.duplicate_credit_code",
            Invalid::QualificationRequired => "error.qualification_required",
            Invalid::LicenceRequired => "error.licence_required",
            Invalid::RoomRef => "error.room_ref",
            Invalid::DuplicateRoom => "error.duplicate_room",
            Invalid::AgencyNotInfluencer => "error.agency_not_influencer",
            Invalid::DateTime => "error.date_time",
            Invalid::EndBeforeStart => "error.end_before_start",
            Invalid::SessionTooLong => "error.session_too_long",
            Invalid::NotFound => "error.not_yours",
            Invalid::RoomCut => "error.room_cut",
            Invalid::HostBanned => "error.host_banned",
            Invalid::ProductNotApproved => "error.product_not_approved",
            Invalid::MedicalStaff => "error.medical_staff",
            Invalid::UnknownProduct => "live_intake.unknown_product",
            Invalid::UnknownSession => "live_intake.unknown_session",
            Invalid::RiskWords => "rules.error_pattern",
            Invalid::RiskWeight => "rules.error_weight",
            Invalid::InFuture => "inspection.error_future",
            Invalid::SessionNotOfRoom => "inspection.error_session",
            Invalid::SeenInFuture => "report.error_future",
            Invalid::SeenTooOld { .. } => "report.error_old",
            Invalid::CompensationNotUpheld => "relief.error_not_upheld",
            Invalid::CompensationNotMonetary => "relief.error_not_monetary",
            Invalid::AmountNotMonetary => "relief.error_amount_not_monetary",
            Invalid::BelowCompensation => "relief.error_below_compensation",
        }
    }

    /// The number a message mentions ("at least {n} characters").
    pub fn count(self) -> Option<usize> {
        match self {
            Invalid::TooShort { min } => Some(min),
            Invalid::TooLong { max } => Some(max),
            Invalid::SeenTooOld { days } => Some(days),
            _ => None,
        }
    }
}

impl From<TextError> for Invalid {
    fn from(e: TextError) -> Self {
        match e {
            TextError::Required => Invalid::Required,
            TextError::TooShort { min } => Invalid::TooShort { min },
            TextError::TooLong { max } => Invalid::TooLong { max },
            TextError::ControlCharacter => Invalid::ControlCharacter,
            TextError::BidiControl => Invalid::BidiControl,
            TextError::Invisible => Invalid::Invisible,
        }
    }
}

/// The errors of one form submission, in form order, at most one a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(Field, Invalid)>);

impl FieldErrors {
    pub fn add(&mut self, field: Field, why: Invalid) {
        if self.get(field).is_none() {
            self.0.push((field, why));
        }
    }

    pub fn get(&self, field: Field) -> Option<Invalid> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, w)| *w)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(super) fn check<T>(errors: &mut FieldErrors, field: Field, result: Result<T, Invalid>) -> Option<T> {
    result.map_err(|why| errors.add(field, why)).ok()
}

pub(super) fn choice<T>(raw: &str, parse: fn(&str) -> Option<T>) -> Result<T, Invalid> {
    match raw.trim() {
        "" => Err(Invalid::Required),
        slug => parse(slug).ok_or(Invalid::UnknownChoice),
    }
}
