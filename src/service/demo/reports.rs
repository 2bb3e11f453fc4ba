//! The demo's user reports (举报): a viewer of 美颜堂's face-cream stream
//! reports health claims made to older viewers (high-risk by the default
//! rules), another anonymously reports 极光数码's room luring viewers off
//! the platform, and a third reports a rude host, which the supervisor has
//! checked already.

use chrono::{DateTime, Duration, Utc};

use super::live::Live;
use crate::config::Config;
use crate::domain::report::{ReportDecision, ReportForm};
use crate::i18n::Lang;
use crate::service::reports::{Taken, make};
use crate::store::{DbConnection, live, reports};

/// Makes them through the real intake (scored, counted toward incidents).
pub fn seed(
    conn: &mut DbConnection,
    config: &Config,
    seeded: &Live,
    merchants: &[i64],
    supervisor: i64,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let e = |e: diesel::result::Error| e.to_string();
    let session_room = |conn: &mut DbConnection, id: i64| -> Result<i64, String> {
        Ok(live::find_session(conn, id).map_err(e)?.ok_or("demo session gone")?.room_id)
    };
    let cream_room = session_room(conn, seeded.cream_session)?;
    let down_room = session_room(conn, seeded.down_session)?;
    let jg_room = live::rooms(conn, merchants[2]).map_err(e)?.first().map(|r| r.id).ok_or("demo room gone")?;
    // (merchant, room, session), hours ago (seen, reported), what, phone.
    type Demo<'a> = ((i64, i64, Option<i64>), (i64, i64), &'a str, &'a str);
    let made: [Demo; 3] = [
        (
            (merchants[1], cream_room, None),
            (25, 24),
            "主播说这款面霜能根治湿疹，还说老人长期用能降血压，让大家多买几盒给父母，说错过今晚就没有了。",
            "13700137000",
        ),
        (
            (merchants[2], jg_room, None),
            (6, 5),
            "主播一直让观众加微信私聊，说私下转账比直播间便宜两百块，还在屏幕上打出了微信号。",
            "",
        ),
        (
            (merchants[0], down_room, Some(seeded.down_session)),
            (29, 28),
            "主播对发弹幕提问的观众说“买不起就别看”，语气很冲，好几个人都被骂了。",
            "",
        ),
    ];
    let tz = config.tz;
    let mut ids = Vec::new();
    for ((merchant, room, session), (seen, reported), description, phone) in made {
        let at = now - Duration::hours(reported);
        let form = ReportForm {
            merchant: merchant.to_string(),
            room: room.to_string(),
            live_session: session.map(|s| s.to_string()).unwrap_or_default(),
            seen_at: (now - Duration::hours(seen)).with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
            description: description.into(),
            phone: phone.into(),
        };
        let report = form.validate(tz, at).map_err(|e| format!("demo report: {e:?}"))?;
        let taken = Taken { config, now: at, lang: Lang::ZhCn };
        ids.push(conn.write(|conn| make(conn, &taken, &report, None)).map_err(|e| e.to_string())?.id);
    }
    let note = ReportDecision::Review.state();
    let checked = "已提醒商家规范主播用语，记入主播档案。";
    conn.write(|conn| reports::decide(conn, ids[2], note, Some(checked), supervisor, now - Duration::hours(3)))
        .map_err(e)?;
    Ok(())
}
