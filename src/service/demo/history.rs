//! Older history for the public merchant list (`/merchants`): the two
//! merchants with staff settled complaints one to five months ago, each
//! answered, exchanged and rated, so that the list's columns differ from
//! merchant to merchant (星河优选 answers fast and is rated well, 美颜堂
//! slowly and badly; the other three never answer). Older than 30 days and
//! settled with an exchange (no money to follow up), they change neither
//! the 30-day counts nor the queue.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::category::Resolution;
use crate::domain::complaint::ComplaintForm;
use crate::domain::conversation::{Proposal, Reply};
use crate::domain::event::Visibility;
use crate::i18n::Lang;
use crate::service::complaints::{Intake, submit};
use crate::service::conversation::{self, Answer, At, MerchantActor};
use crate::store::DbConnection;

/// (merchant, days ago, hours to the answer, consumer's phone, score,
/// order, what happened).
type Settled = (usize, i64, i64, &'static str, &'static str, &'static str, &'static str);

const SETTLED: &[Settled] = &[
    (0, 40, 2, "13600001001", "5", "DY7100010001", "羽绒服袖口开线，直播间承诺七天无理由，要求换一件。"),
    (0, 75, 3, "13600001002", "4", "DY7100010002", "收到的卫衣尺码和直播间说的不一样，要求换货。"),
    (0, 110, 1, "13600001003", "5", "DY7100010003", "保温杯盖子漏水，主播说“终身质保”，要求换新。"),
    (0, 150, 4, "13600001004", "4", "DY7100010004", "围巾颜色和直播间展示的差别很大，要求换成展示的颜色。"),
    (1, 50, 40, "13600001005", "2", "KS2200020001", "直播间买的口红断了，客服两天后才回复，要求换一支。"),
    (1, 95, 30, "13600001006", "3", "KS2200020002", "粉底液的色号发错了，要求换成下单的色号。"),
    (1, 130, 45, "13600001007", "2", "KS2200020003", "面膜少发了一盒，商家过了快两天才回复，要求补发。"),
];

pub fn seed(
    conn: &mut DbConnection,
    config: &Config,
    now: DateTime<Utc>,
    merchants: &[i64],
    staff: &[i64],
) -> Result<(), String> {
    let e = |e: conversation::ActError| e.to_string();
    for &(m, days, answer_after, phone, score, order, description) in SETTLED {
        let filed_at = now - Duration::days(days);
        let form = ComplaintForm {
            merchant: merchants[m].to_string(),
            order_ref: order.into(),
            category: "counterfeit".into(),
            desired_resolution: "exchange".into(),
            amount: String::new(),
            description: description.into(),
            consumer_name: "刘女士".into(),
            consumer_phone: phone.into(),
            consumer_email: String::new(),
            publish: String::new(),
        };
        let complaint = form.validate().map_err(|e| format!("demo complaint {order}: {e:?}"))?;
        let filed =
            submit(conn, &Intake { config, now: filed_at, lang: Lang::ZhCn }, &complaint).map_err(|e| e.to_string())?;
        let at = |hours: i64| At { config, now: filed_at + Duration::hours(hours) };
        let by = MerchantActor { merchant_id: merchants[m], user_id: staff[m] };
        let reply = Reply {
            body: "您好，非常抱歉，我们为您换一件新的，运费由我们承担。".into(),
            visibility: Visibility::Public,
        };
        conversation::merchant_reply(conn, by, &filed.reference, &reply, &[], at(answer_after)).map_err(e)?;
        let proposal = Proposal {
            resolution: Resolution::Exchange,
            amount_fen: None,
            body: "为您换新，寄回运费我们承担。".into(),
        };
        conversation::propose(conn, by, &filed.reference, &proposal, at(answer_after + 1)).map_err(e)?;
        conversation::consumer_decide(conn, &filed.token, Answer::Accept, at(answer_after + 20)).map_err(e)?;
        let rated = filed_at + Duration::hours(answer_after + 24);
        crate::service::rating::rate(conn, &filed.token, score, "", &config.policy, rated)
            .map_err(|e| format!("demo rating of {order}: {e}"))?;
    }
    Ok(())
}
