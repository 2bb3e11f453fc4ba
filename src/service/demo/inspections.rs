//! The demo's platform inspections: a supervisor watched 美颜堂's face
//! cream session while it streamed, found the host claiming medical
//! effects for a cosmetic, and limited the room from the inspection (the
//! merchant told, the measure appealable, as from the room's page); and
//! an inspection of 星河优选's down jacket session that found nothing
//! wrong.

use chrono::{DateTime, Duration, Utc};

use super::live::Live;
use crate::config::Config;
use crate::domain::inspection::{ValidInspection, Verdict};
use crate::service::inspections::{self, On};
use crate::store::{DbConnection, live};

/// Records them, by `supervisor`, after the demo's live commerce is seeded.
pub fn seed(
    conn: &mut DbConnection,
    config: &Config,
    l: &Live,
    supervisor: i64,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let room_of = |conn: &mut DbConnection, session: i64| -> Result<i64, String> {
        Ok(live::find_session(conn, session).map_err(|x| e(&x))?.ok_or("a demo session")?.room_id)
    };
    // The cream session began 26 hours ago and lasted four.
    let cream = ValidInspection {
        room_id: room_of(conn, l.cream_session)?,
        live_session_id: Some(l.cream_session),
        inspected_at: now - Duration::hours(24),
        found: "主播“颜姐”讲解焕颜修护面霜，口播“七天祛斑”“医用级修复，孕妇敏感肌都能用”，\
                并展示所谓“临床报告”。化妆品不得宣称医疗作用，该产品备案功效中也没有祛斑。已截图。"
            .into(),
        verdict: Verdict::Violation,
    };
    let id = inspections::record(conn, supervisor, &cream, &[], cream.inspected_at + Duration::minutes(20))
        .map_err(|x| e(&x))?;
    let why = "直播中宣称化妆品“七天祛斑、医用级修复”，属于宣称医疗作用。";
    inspections::measure(conn, config, id, On::Room, "limit", why, supervisor, now - Duration::hours(23))
        .map_err(|x| e(&x))?;
    // The down jacket session began 30 hours ago and lasted three.
    let jacket = ValidInspection {
        room_id: room_of(conn, l.down_session)?,
        live_session_id: None,
        inspected_at: now - Duration::hours(29),
        found: "抽查羽绒服讲解：主播出示了充绒量检测报告和吊牌，价格与商品页一致，未发现夸大宣传或引导私下交易。"
            .into(),
        verdict: Verdict::NoIssue,
    };
    inspections::record(conn, supervisor, &jacket, &[], jacket.inspected_at + Duration::minutes(10))
        .map_err(|x| e(&x))?;
    Ok(())
}
