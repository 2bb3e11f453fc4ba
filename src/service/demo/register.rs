//! The public register in the demo: complaints filed with the consumer's
//! consent, written as consumers write, with the phone numbers (in any
//! spacing, full-width too), addresses, order and tracking numbers, e-mail
//! addresses and chat ids the scrubber takes out before anything is shown.
//! Two were published fifteen days after filing (no answer by then; one
//! of them hidden since by the supervisor, with the reason), two by the
//! merchant's first public answer (each with a public response chosen),
//! and one is not due yet.

use chrono::{DateTime, Duration, Utc};

use crate::config::Config;
use crate::domain::audit::AuditKind;
use crate::domain::complaint::ComplaintForm;
use crate::domain::conversation::Reply;
use crate::domain::event::Visibility;
use crate::domain::register::PublicResponse;
use crate::i18n::Lang;
use crate::service::complaints::{Intake, Submitted, submit};
use crate::service::conversation::{self, At, MerchantActor};
use crate::service::publication;
use crate::store::DbConnection;

/// What happened after filing: the merchant's public answer (hours after
/// filing, its words and its public response), or the supervisor hiding
/// the case (hours after filing, the reason).
enum After {
    Nothing,
    Answered(i64, &'static str, PublicResponse),
    Hidden(i64, &'static str),
}

/// (merchant, hours ago, category, resolution, amount, order, description,
/// name, phone, what happened next).
type Consented = (
    usize,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    After,
);

const CONSENTED: &[Consented] = &[
    (
        4,
        40 * 24,
        "refund_refused",
        "refund",
        "459.00",
        "DY7265501234",
        "我是陈晓红，在暖阳服饰直播间买了一件459元的羊毛大衣（订单号 DY7265501234），收到后大面积起球，申请七天无理由退货被拒。\
客服让我加微信 chenxh_1988 私下退款，又让我把衣服寄到上海市浦东新区张杨路1288号2号楼1503室，寄出后再也没人回复。\
我的电话 136 5123 4567，座机 021-5876 4321，邮箱 chenxiaohong@example.com，希望商家尽快退款。",
        "陈晓红",
        "13651234567",
        After::Nothing,
    ),
    (
        2,
        36 * 24,
        "price_fraud",
        "compensation",
        "399.00",
        "DY7251239876",
        "直播间主播“阿杰”说这款蓝牙音箱原价1299元、今天只要399元，我下单后（订单 DY7251239876）发现官网常年只卖359元。\
我打主播留的手机 １３７ ００１２ ３４５６ 问，他说是我看错了。我认为这个主播就是骗子，专门坑老年人。\
收货地址广东省深圳市南山区科技园南路15号A座808，收件人孙先生，电话 13611112222。",
        "孙建华",
        "13611112222",
        After::Hidden(
            25 * 24,
            "含有对主播个人未经证实的指控（“骗子”“专门坑老年人”），涉嫌诽谤，先隐藏，待核实后再决定是否恢复。",
        ),
    ),
    (
        0,
        120,
        "delivery",
        "refund",
        "199.00",
        "DY7319876543",
        "我叫刘佳，在星河优选直播间抢的电动牙刷（订单号：DY7319876543，快递单号 SF1234567890123）说好48小时发货，一周了物流一直停在杭州转运中心。\
我的手机是 158-0000-2222，地址浙江省杭州市余杭区五常街道文一西路998号7幢1单元301，麻烦尽快发货或者退款。",
        "刘佳",
        "15800002222",
        After::Answered(
            20,
            "您好，经查是仓库漏扫，已为您重新发货，新的快递单号已短信告知，给您带来不便非常抱歉。",
            PublicResponse::Settled,
        ),
    ),
    (
        1,
        60 * 24,
        "false_advertising",
        "refund",
        "336.00",
        "KS2198765432",
        "直播间说这款精华液“三天淡斑”，我买了两瓶（订单 KS2198765432），用了半个月脸上反而过敏发红。\
我在直播间评论区留了QQ 2345678901 想联系客服，没人理；后来打 020-8888 1234 才接通，对方说是我肤质问题。\
我叫吴雪梅，手机 13800001234，身份证号 44010619900101123X 也给他们核实过了，现在只想退款。",
        "吴雪梅",
        "13800001234",
        After::Answered(
            30,
            "您好，产品说明中写明效果因人而异，过敏可能与个人肤质有关；未拆封的那一瓶我们可以为您办理退货退款。",
            PublicResponse::Disputed,
        ),
    ),
    (
        3,
        26,
        "delivery",
        "refund",
        "89.00",
        "TB5612345678",
        "在蜀香源直播间买的麻辣牛肉干（订单号 TB5612345678）收到时包装破损、有霉点，快递员说是仓库的问题。\
我住四川省成都市武侯区人民南路四段27号5栋2单元603，家里老人吃了肚子不舒服，要求退款。我的手机 137 3333 5555，有事请打这个号码。",
        "周凯",
        "13733335555",
        After::Nothing,
    ),
];

/// Files the consented complaints and what followed them; returns them.
pub fn seed(
    conn: &mut DbConnection,
    config: &Config,
    now: DateTime<Utc>,
    (merchants, staff): (&[i64], &[i64]),
    supervisor: (i64, &str),
) -> Result<Vec<Submitted>, String> {
    let e = |e: conversation::ActError| e.to_string();
    let p = |e: publication::PublicationError| e.to_string();
    let mut filed = Vec::new();
    for (m, hours, category, resolution, amount, order, description, name, phone, after) in CONSENTED {
        let form = ComplaintForm {
            merchant: merchants[*m].to_string(),
            order_ref: (*order).into(),
            category: (*category).into(),
            desired_resolution: (*resolution).into(),
            amount: (*amount).into(),
            description: (*description).into(),
            consumer_name: (*name).into(),
            consumer_phone: (*phone).into(),
            consumer_email: String::new(),
            publish: "1".into(),
        };
        let complaint = form.validate().map_err(|e| format!("demo complaint {order}: {e:?}"))?;
        let filed_at = now - Duration::hours(*hours);
        let done =
            submit(conn, &Intake { config, now: filed_at, lang: Lang::ZhCn }, &complaint).map_err(|e| e.to_string())?;
        match after {
            After::Nothing => {}
            After::Answered(after, body, response) => {
                let at = filed_at + Duration::hours(*after);
                let by = MerchantActor { merchant_id: merchants[*m], user_id: staff[*m] };
                let reply = Reply { body: (*body).into(), visibility: Visibility::Public };
                conversation::merchant_reply(conn, by, &done.reference, &reply, &[], At { config, now: at })
                    .map_err(e)?;
                let who = (merchants[*m], staff[*m]);
                publication::choose_response(conn, who, &done.reference, *response, at + Duration::hours(1))
                    .map_err(p)?;
            }
            After::Hidden(after, reason) => {
                let at = filed_at + Duration::hours(*after);
                let (id, email) = supervisor;
                let by =
                    crate::service::audit::Actor { user_id: Some(id), email: email.into(), address: "demo".into() };
                let subject = format!("complaint {}", done.reference);
                crate::service::audit::audited(
                    conn,
                    &by,
                    (AuditKind::RegisterHidden, reason),
                    at,
                    |conn| publication::hide(conn, config, &done.reference, id, reason, at),
                    |_| subject,
                )
                .map_err(p)?;
            }
        }
        filed.push(done);
    }
    Ok(filed)
}
