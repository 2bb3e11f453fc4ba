//! The demo's quick replies: two reply templates of 杭州星河优选, made by
//! its staff member.

use chrono::{DateTime, Duration, Utc};

use crate::domain::reply_template::TemplateForm;
use crate::service::reply_templates;
use crate::store::DbConnection;

const TEMPLATES: [(&str, &str); 2] = [
    (
        "首次回复：已收到，正在核实",
        "{consumer_name}您好，您的投诉（编号 {reference}，订单 {order_ref}）我们已收到，非常抱歉给您带来不便。我们正在核实直播间的宣传内容和发货记录，24 小时内给您答复。",
    ),
    (
        "同意退货退款",
        "{consumer_name}您好，经核实，订单 {order_ref} 的商品与直播间的介绍不符。我们同意退货退款：请在订单页申请退货，运费由我们承担，收到退货后 48 小时内原路退款。",
    ),
];

pub fn seed(conn: &mut DbConnection, merchant: i64, staff: i64, now: DateTime<Utc>) -> Result<(), String> {
    for (title, text) in TEMPLATES {
        let form = TemplateForm { title: title.into(), text: text.into() };
        let valid = form.validate().map_err(|e| format!("demo template {title}: {e:?}"))?;
        reply_templates::create(conn, merchant, staff, &valid, now - Duration::days(30)).map_err(|e| e.to_string())?;
    }
    Ok(())
}
