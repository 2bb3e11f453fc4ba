//! Demo data for `redress serve --demo`: a handful of realistic merchants and
//! complaints at different ages, seeded once (never into a database that
//! already has merchants).

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::category::Resolution;
use crate::domain::complaint::ComplaintForm;
use crate::domain::contact::Reach;
use crate::domain::conversation::{Proposal, Reply};
use crate::domain::credit_code::CreditCode;
use crate::domain::event::Visibility;
use crate::domain::merchant::MerchantForm;
use crate::domain::staff::Role;
use crate::i18n::Lang;
use crate::service::auth::{NewStaff, add_user};
use crate::service::complaints::{Intake, Submitted, submit};
use crate::service::conversation::{self, Answer, At, MerchantActor};
use crate::service::merchants::add;
use crate::store::{DbConnection, complaints, merchants, phone_codes};

mod deposits;
mod history;
mod inspections;
mod live;
mod money;
mod register;
mod reports;
mod templates;

const MERCHANTS: &[(&str, &str, &str)] = &[
    ("杭州星河优选电子商务有限公司", "91330106MA2H3K7P", "service@xinghe-youxuan.example.cn"),
    ("广州美颜堂化妆品有限公司", "91440101MA5CXY2R", "kefu@meiyantang.example.cn"),
    ("深圳极光数码科技有限公司", "91440300MA5G8Q1D", "after-sales@jiguang-digital.example.cn"),
    ("成都蜀香源食品有限公司", "91510100MA6C4T9N", "shouhou@shuxiangyuan.example.cn"),
    ("上海暖阳服饰有限公司", "91310115MA1K3W6F", "cs@nuanyang-fashion.example.cn"),
];

/// (merchant index, hours ago, category, resolution, amount, order, description, name, phone, email)
type DemoComplaint = (
    usize,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const COMPLAINTS: &[DemoComplaint] = &[
    (
        0,
        1,
        "false_advertising",
        "return_refund",
        "299.00",
        "DY7301928475",
        "主播在直播间反复说这件羽绒服是90%白鸭绒，收到后吊牌写的是50%灰鸭绒，明显虚假宣传。",
        "王芳",
        "13800138000",
        "wangfang@example.com",
    ),
    (
        1,
        20,
        "health_claims",
        "refund",
        "168.00",
        "KS2209384756",
        "直播时说这款面霜能“七天祛斑、医用级修复”，用了两周没有任何效果，还起了红疹。",
        "李静",
        "13912345678",
        "",
    ),
    (
        2,
        40,
        "price_fraud",
        "compensation",
        "1899.00",
        "DY7309911234",
        "直播间标注“原价3999，今天只要1899”，但这款耳机在其他平台一直卖1699，虚构原价。",
        "张伟",
        "",
        "zhangwei@example.com",
    ),
    (
        3,
        46,
        "counterfeit",
        "return_refund",
        "89.90",
        "TB5566778899",
        "买的腊肠收到后包装没有生产日期和SC编号，味道发酸，怀疑是三无产品。",
        "刘洋",
        "15800001111",
        "",
    ),
    (
        4,
        52,
        "refund_refused",
        "refund",
        "459.00",
        "DY7312340987",
        "七天无理由退货被拒，客服说直播特价商品不退不换，但页面上没有任何说明。",
        "陈晨",
        "18612345678",
        "chenchen@example.com",
    ),
    (
        0,
        400,
        "delivery",
        "refund",
        "129.00",
        "DY7288812345",
        "付款后承诺48小时发货，五天了还没有物流信息，联系客服一直不回复。",
        "赵敏",
        "13700001234",
        "",
    ),
    (
        2,
        150,
        "off_platform",
        "correction",
        "",
        "DY7277700011",
        "主播在直播间引导加微信私下转账购买，说“私下买更便宜”，转账后对方把我拉黑了。",
        "孙磊",
        "13611112222",
        "",
    ),
    (
        1,
        170,
        "personal_data",
        "correction",
        "",
        "KS2200012345",
        "直播间要求填写身份证号和家庭住址才能领取优惠券，之后频繁收到推销电话。",
        "周婷",
        "13522223333",
        "zhouting@example.com",
    ),
    (
        3,
        30,
        "counterfeit",
        "refund",
        "459.00",
        "TB5530021987",
        "直播间说是专柜正品的羊绒围巾，收到后洗标和防伪码都查不到，商家说是“海外版”。",
        "王芳",
        "13800138000",
        "",
    ),
    // What machine discovery is for: a health claim to an older consumer's
    // family, flagged high-risk at intake (health claims 40 + older
    // consumers 20 ≥ 50), in the queue before any deadline is missed.
    (
        3,
        3,
        "health_claims",
        "refund",
        "596.00",
        "TB5590017733",
        "主播在直播间说这款蜂胶软胶囊能治愈高血压，我给父母买了四盒，老人吃了一个月还停了降压药，血压反而更高，商家不给退。",
        "黄建国",
        "13733334444",
        "",
    ),
];

/// The demo staff accounts' password.
pub const PASSWORD: &str = "redress-demo-2026";

/// What the demo seeding made.
#[derive(Debug, Default)]
pub struct Seeded {
    /// Staff e-mail and what the account is.
    pub logins: Vec<(String, String)>,
    pub complaints: Vec<Submitted>,
    /// The first merchant's API key, as its staff would make one: shown
    /// this once (only its hash is kept).
    pub api_key: Option<String>,
}

/// Seeds the demo data unless the database already has merchants.
pub fn seed(conn: &mut DbConnection, config: &Config, now: DateTime<Utc>) -> Result<Seeded, String> {
    if merchants::count(conn).map_err(|e| e.to_string())? > 0 {
        return Ok(Seeded::default());
    }
    let mut ids = Vec::new();
    for (name, head, email) in MERCHANTS {
        let code = CreditCode::complete(head).map_err(|e| format!("demo credit code {head}: {e:?}"))?;
        let form = MerchantForm {
            name: (*name).into(),
            credit_code: code.as_str().into(),
            email: (*email).into(),
            shop_url: format!("抖音直播间 {}", &head[8..]),
            // The first merchant is also told by SMS (to the outbox).
            phone: if ids.is_empty() { "13900139000".into() } else { String::new() },
            categories: vec!["general".into()],
            qualification: String::new(),
        };
        let valid = form.validate(true).map_err(|e| format!("demo merchant {name}: {e:?}"))?;
        ids.push(add(conn, &valid, now - Duration::days(90)).map_err(|e| e.to_string())?);
    }
    let mut logins = Vec::new();
    let mut staff_ids = Vec::new();
    for (i, (name, _, email)) in MERCHANTS.iter().enumerate().take(2) {
        let staff = email.replacen(email.split('@').next().unwrap_or(""), "staff", 1);
        let new = NewStaff { role: Role::Merchant, email: &staff, merchant_id: Some(ids[i]), password: PASSWORD };
        staff_ids.push(add_user(conn, &new, now).map_err(|e| e.to_string())?);
        logins.push((staff, format!("merchant staff of {name}")));
    }
    let supervisor = "supervisor@redress.example.cn";
    let new = NewStaff { role: Role::Supervisor, email: supervisor, merchant_id: None, password: PASSWORD };
    let supervisor_id = add_user(conn, &new, now).map_err(|e| e.to_string())?;
    logins.push((supervisor.into(), "platform supervisor".into()));
    let seeded_live = live::seed(conn, &ids, supervisor_id, now).map_err(|e| e.to_string())?;
    deposits::seed(conn, config, &ids, supervisor_id, now)?;
    templates::seed(conn, ids[0], staff_ids[0], now)?;
    let mut filed = Vec::new();
    for &(m, hours, category, resolution, amount, order, description, name, phone, email) in COMPLAINTS {
        let form = ComplaintForm {
            merchant: ids[m].to_string(),
            order_ref: order.into(),
            category: category.into(),
            desired_resolution: resolution.into(),
            amount: amount.into(),
            description: description.into(),
            consumer_name: name.into(),
            consumer_phone: phone.into(),
            consumer_email: email.into(),
            publish: String::new(),
        };
        let complaint = form.validate().map_err(|e| format!("demo complaint {order}: {e:?}"))?;
        let at = Intake { config, now: now - Duration::hours(hours), lang: Lang::ZhCn };
        filed.push(submit(conn, &at, &complaint).map_err(|e| e.to_string())?);
    }
    let complaint_ids: Vec<i64> = filed.iter().map(|f| f.id).collect();
    live::name(conn, &seeded_live, &complaint_ids).map_err(|e| e.to_string())?;
    converse(conn, config, now, &ids, &staff_ids, &filed)?;
    money::seed(conn, config, &filed, supervisor_id, now)?;
    filed.extend(live::incident(conn, config, &seeded_live, (ids[3], supervisor_id), now)?);
    inspections::seed(conn, config, &seeded_live, supervisor_id, now)?;
    reports::seed(conn, config, &seeded_live, &ids, supervisor_id, now)?;
    // 极光数码 under the violation schedule: luring buyers off the platform,
    // serious (6 points, live selling restricted for 7 days), 100 hours ago.
    let asked = crate::service::violations::Asked {
        violation: "off_platform",
        level: "serious",
        reason: "主播在直播间引导消费者加微信私下转账，绕开平台售后。",
        ..Default::default()
    };
    crate::service::violations::take(conn, config, ids[2], &asked, supervisor_id, now - Duration::hours(100))
        .map_err(|e| e.to_string())?;
    // Two consumers proved their numbers: 王芳 at /my (both her complaints,
    // which /my lists for 13800138000), 李静 with the code on the form.
    let e = |e: diesel::result::Error| e.to_string();
    for (phone, hours) in [("13800138000", 1), ("13912345678", 20)] {
        conn.write(|c| phone_codes::verify_all(c, phone, now - Duration::hours(hours))).map_err(e)?;
    }
    history::seed(conn, config, now, &ids, &staff_ids)?;
    filed.extend(register::seed(conn, config, now, (&ids, &staff_ids), (supervisor_id, supervisor))?);
    let by = crate::service::audit::Actor {
        user_id: Some(staff_ids[0]),
        email: logins[0].0.clone(),
        address: "demo".into(),
    };
    let scope = crate::domain::api_key::Scope::Merchant(ids[0]);
    let (_, api_key) =
        crate::service::api_keys::create(conn, scope, "演示 · 客服系统", &by, now).map_err(|e| e.to_string())?;
    // The merchant list counted at once, rather than at the first sweep.
    crate::service::merchant_list::refresh_all(conn, now).map_err(e)?;
    Ok(Seeded { logins, complaints: filed, api_key: Some(api_key) })
}

/// The demo consumer was reached with the proposal on `filed` at `at`, as
/// a delivered notice would record it.
fn reached(conn: &mut DbConnection, filed: &Submitted, by: Reach, at: DateTime<Utc>) -> Result<(), String> {
    let e = |e: diesel::result::Error| e.to_string();
    let (c, _) = complaints::find_by_token(conn, &filed.token).map_err(e)?.ok_or("demo complaint gone")?;
    conn.write(|conn| complaints::reached(conn, c.id, by, at, at)).map_err(e)?;
    Ok(())
}

/// Some history on the demo complaints: answers in time, an internal note,
/// a proposal left unanswered (the sweeper accepts it 72 h after its SMS
/// arrived), one waiting for the consumer's answer, and a
/// rejected proposal the consumer took to the platform.
fn converse(
    conn: &mut DbConnection,
    config: &Config,
    now: DateTime<Utc>,
    merchants: &[i64],
    staff: &[i64],
    filed: &[Submitted],
) -> Result<(), String> {
    let at = |hours_ago: i64| At { config, now: now - Duration::hours(hours_ago) };
    let by = |m: usize| MerchantActor { merchant_id: merchants[m], user_id: staff[m] };
    let reply = |body: &str, visibility| Reply { body: body.into(), visibility };
    let propose = |resolution, fen, body: &str| Proposal { resolution, amount_fen: fen, body: body.into() };
    let e = |e: conversation::ActError| e.to_string();
    let r = &filed[1].reference;
    conversation::merchant_reply(
        conn,
        by(1),
        r,
        &reply("内部：请质检部调取该批次面霜的检测报告。", Visibility::Internal),
        &[],
        at(18),
    )
    .map_err(e)?;
    conversation::merchant_reply(
        conn,
        by(1),
        r,
        &reply("您好，非常抱歉给您带来不适。我们已安排质检，24 小时内给您答复。", Visibility::Public),
        &[],
        at(17),
    )
    .map_err(e)?;
    let r = &filed[5].reference;
    conversation::merchant_reply(
        conn,
        by(0),
        r,
        &reply("您好，仓库排查发现订单漏发，已经为您补发。", Visibility::Public),
        &[],
        at(396),
    )
    .map_err(e)?;
    conversation::propose(
        conn,
        by(0),
        r,
        &propose(Resolution::Compensation, Some(2000), "补发商品，并补偿 20 元延误赔付。"),
        at(390),
    )
    .map_err(e)?;
    // Its SMS was delivered an hour later: 72 hours on, the sweeper
    // accepts it, and the timeline says when and how it reached her; the
    // 20 yuan were promised long enough ago that she is asked at once
    // whether they arrived.
    reached(conn, &filed[5], Reach::Sms, now - Duration::hours(389))?;
    conversation::propose(
        conn,
        by(1),
        &filed[1].reference,
        &propose(
            Resolution::ReturnRefund,
            Some(29900),
            "质检确认批次有问题：请您寄回剩余面霜，运费我们承担，收到后全额退款 299 元。",
        ),
        at(6),
    )
    .map_err(e)?;
    // Read by SMS at once: the consumer has until 66 hours from now.
    reached(conn, &filed[1], Reach::Sms, now - Duration::hours(6))?;
    let (r, token) = (&filed[7].reference, &filed[7].token);
    conversation::merchant_reply(
        conn,
        by(1),
        r,
        &reply("您好，我们会核查直播间的留资环节。", Visibility::Public),
        &[],
        at(160),
    )
    .map_err(e)?;
    conversation::propose(
        conn,
        by(1),
        r,
        &propose(Resolution::Correction, None, "已下架留资表单，向您书面道歉。"),
        at(150),
    )
    .map_err(e)?;
    let reason = "只道歉不够：我的个人信息已经泄露，商家要说明数据给了谁。";
    conversation::consumer_decide(conn, token, Answer::Reject { reason }, at(148)).map_err(e)?;
    conversation::ask_platform(
        conn,
        token,
        "个人信息已经被泄露，只道歉不够，要求平台核查商家的数据处理。",
        &[],
        at(147),
    )
    .map_err(e)?;
    Ok(())
}
