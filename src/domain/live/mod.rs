//! Live commerce itself (DESIGN.md): a merchant's live rooms, hosts,
//! products and live sessions, the review of products and the measures
//! supervisors take on each. The values here travel as slugs (form
//! fields, columns, `data-…` markers); the rules are pure.

pub mod claims;
pub mod forms;

crate::slug_enum! {
    #[catalog("platform.")]
    /// Where a live room streams.
    pub enum Platform {
        Douyin => "douyin",
        Kuaishou => "kuaishou",
        Taobao => "taobao",
        WechatChannels => "wechat_channels",
        Xiaohongshu => "xiaohongshu",
        /// 私域: the merchant's own system, such as Weizan or Xiaoe Tong.
        Private => "private",
        Other => "other",
    }
}

crate::slug_enum! {
    #[catalog("room_status.")]
    /// `data-room-status`.
    pub enum RoomStatus {
        Active => "active",
        /// 限流: recommendations limited.
        Limited => "limited",
        /// 断播: may not stream, nor be put on a new session.
        Cut => "cut",
    }
}

crate::slug_enum! {
    #[catalog("host_kind.")]
    pub enum HostKind {
        /// 店播: the merchant's own staff.
        OwnStaff => "own_staff",
        /// 达人: an influencer, with the agency (MCN) if any.
        Influencer => "influencer",
    }
}

crate::slug_enum! {
    #[catalog("host_status.")]
    /// `data-host-status`.
    pub enum HostStatus {
        Active => "active",
        /// May not be put on a new session.
        Banned => "banned",
    }
}

crate::slug_enum! {
    #[catalog("product_category.")]
    /// What a product is, for its review.
    pub enum ProductCategory {
        General => "general",
        Food => "food",
        HealthFood => "health_food",
        Cosmetics => "cosmetics",
        MedicalDevice => "medical_device",
        Drug => "drug",
        Education => "education",
        Finance => "finance",
    }
}

impl ProductCategory {
    /// A product of these needs its registration or licence number.
    pub fn is_regulated(self) -> bool {
        matches!(
            self,
            ProductCategory::HealthFood
                | ProductCategory::MedicalDevice
                | ProductCategory::Drug
                | ProductCategory::Education
                | ProductCategory::Finance
        )
    }

    /// Medical personnel may not sell these live (2023 joint notice of
    /// nine departments).
    pub fn barred_to_medical_staff(self) -> bool {
        matches!(self, ProductCategory::HealthFood | ProductCategory::MedicalDevice | ProductCategory::Drug)
    }
}

crate::slug_enum! {
    #[catalog("review.")]
    /// `data-review`: where a product stands in its review.
    pub enum Review {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        /// 下架: taken off by a supervisor after approval.
        Delisted => "delisted",
    }
}

impl Review {
    /// Only an approved product may be featured on a session.
    pub fn may_be_featured(self) -> bool {
        self == Review::Approved
    }

    /// A consumer may name a product that was sold: approved, or
    /// delisted since.
    pub fn may_be_complained_of(self) -> bool {
        matches!(self, Review::Approved | Review::Delisted)
    }

    /// What the public scorecard lists: products that were sold. What
    /// waits for review or was refused never reached a consumer.
    pub const PUBLIC: [Review; 2] = [Review::Approved, Review::Delisted];
}

crate::slug_enum! {
    #[catalog("product_decision.")]
    /// `decision` at `POST /supervisor/products/{id}`.
    pub enum ProductDecision {
        Approve => "approve",
        /// Needs a reason.
        Reject => "reject",
        /// Needs a reason; only an approved product.
        Delist => "delist",
        /// Puts a delisted product back (needs a reason).
        Restore => "restore",
    }
}

crate::slug_enum! {
    #[catalog("room_measure.")]
    /// `measure` at `POST /supervisor/rooms/{id}`.
    pub enum RoomMeasure {
        Limit => "limit",
        Cut => "cut",
        Restore => "restore",
    }
}

crate::slug_enum! {
    #[catalog("host_measure.")]
    /// `measure` at `POST /supervisor/hosts/{id}`.
    pub enum HostMeasure {
        Ban => "ban",
        Restore => "restore",
    }
}

impl ProductDecision {
    /// The decisions a product's review is open to.
    pub fn open_to(review: Review) -> &'static [ProductDecision] {
        match review {
            Review::Pending => &[ProductDecision::Approve, ProductDecision::Reject],
            Review::Approved => &[ProductDecision::Delist],
            Review::Delisted => &[ProductDecision::Restore],
            Review::Rejected => &[],
        }
    }
}

impl RoomMeasure {
    /// The measures a room in `status` is open to (a cut room is restored,
    /// not limited).
    pub fn open_to(status: RoomStatus) -> &'static [RoomMeasure] {
        match status {
            RoomStatus::Active => &[RoomMeasure::Limit, RoomMeasure::Cut],
            RoomStatus::Limited => &[RoomMeasure::Cut, RoomMeasure::Restore],
            RoomStatus::Cut => &[RoomMeasure::Restore],
        }
    }
}

impl HostMeasure {
    /// The measures a host in `status` is open to.
    pub fn open_to(status: HostStatus) -> &'static [HostMeasure] {
        match status {
            HostStatus::Active => &[HostMeasure::Ban],
            HostStatus::Banned => &[HostMeasure::Restore],
        }
    }
}

crate::slug_enum! {
    #[catalog("target.")]
    /// What an action (`merchant_actions.target`) or a repeat-offender
    /// flag (`merchant_flags.subject`) is about.
    pub enum Target {
        Merchant => "merchant",
        Product => "product",
        Room => "room",
        Host => "host",
    }
}

/// A host's real name as everyone but supervisors sees it: the first
/// character kept, the rest starred ("张*明" → "张**", "Li Wei" → "L*****").
/// The regulation makes the platform name the host to the consumer; it
/// does not ask the platform to publish the whole legal name.
pub fn masked(real_name: &str) -> String {
    let mut chars = real_name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            let mut out = String::with_capacity(real_name.len());
            out.push(first);
            out.extend(std::iter::repeat_n('*', rest));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_names_are_masked_after_the_first_character() {
        assert_eq!(masked("张晓明"), "张**");
        assert_eq!(masked("王五"), "王*");
        assert_eq!(masked("李"), "李*");
        assert_eq!(masked(" Li Wei "), "L*****");
        assert_eq!(masked(""), "");
    }

    #[test]
    fn regulated_categories_and_medical_staff() {
        assert!(ProductCategory::HealthFood.is_regulated() && ProductCategory::HealthFood.barred_to_medical_staff());
        assert!(ProductCategory::Finance.is_regulated() && !ProductCategory::Finance.barred_to_medical_staff());
        assert!(!ProductCategory::Cosmetics.is_regulated() && !ProductCategory::General.barred_to_medical_staff());
        assert!(Review::Approved.may_be_featured() && !Review::Delisted.may_be_featured());
        assert!(Review::Delisted.may_be_complained_of() && !Review::Pending.may_be_complained_of());
        assert!(Review::PUBLIC.iter().all(|r| r.may_be_complained_of()) && !Review::PUBLIC.contains(&Review::Rejected));
    }
}
