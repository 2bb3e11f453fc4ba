//! The conversation between merchant and consumer, through the real
//! server: replies, internal notes, proposals, accept / reject / withdraw,
//! and the deadlines each action meets or misses.

use chrono::Duration;
use redress::store::complaints;
use ureq::http::StatusCode;

use crate::helpers::*;

const REF: &str = "TS20261120000001";

fn complaint_page(reference: &str) -> String {
    format!("/merchant/complaints/{reference}")
}

#[test]
fn a_public_reply_meets_the_response_deadline_and_a_note_stays_internal() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = complaint_page(REF);

    app.clock.advance(Duration::hours(3));
    let note = staff.submit(
        &page,
        &format!("{page}/reply"),
        &[("body", "内部：先查仓库记录，别急着回复"), ("visibility", "internal")],
    );
    assert_eq!(note.status, StatusCode::SEE_OTHER);
    let consumer = app.get(&tracking).body;
    assert!(!consumer.contains("先查仓库记录"), "an internal note is never on the consumer's page");
    assert!(consumer.contains("data-status=\"submitted\""), "and does not count as a response");
    assert!(staff.get(&page).body.contains("先查仓库记录"), "the merchant sees it");

    app.clock.advance(Duration::hours(2));
    let reply = staff.submit(
        &page,
        &format!("{page}/reply"),
        &[("body", "您好，已核实吊牌问题，马上为您处理。"), ("visibility", "public")],
    );
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let consumer = app.get(&tracking).body;
    assert!(consumer.contains("已核实吊牌问题"));
    assert!(consumer.contains("data-status=\"responded\""));
    assert!(consumer.contains("data-deadline=\"response\" data-met=\"true\""));
    assert!(consumer.contains("已按时完成（2026年11月20日 15:00）"));
    assert!(
        !consumer.contains("@merchant.example.cn") && !consumer.contains("staff"),
        "staff identities stay internal"
    );
    let merchant_view = staff.get(&page).body;
    assert!(merchant_view.contains("timeline__who"), "staff see who wrote what");

    let mut conn = app.pool.get().unwrap();
    let (c, _) = complaints::find_by_token(&mut conn, tracking.token()).unwrap().unwrap();
    assert_eq!(c.responded_at.map(|at| at - c.submitted_at), Some(Duration::hours(5)), "the first-response time");
}

#[test]
fn a_reply_after_48_hours_does_not_meet_the_deadline() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let tracking = ComplaintBuilder::new(m).overdue().file(&app);
    let page = complaint_page(REF);
    staff.submit(&page, &format!("{page}/reply"), &[("body", "抱歉回复晚了。")]);
    let consumer = app.get(&tracking).body;
    assert!(consumer.contains("data-status=\"escalated\""), "the breach escalated it, sweeper or not");
    assert!(consumer.contains("抱歉回复晚了"), "the late reply is still delivered");
    assert!(consumer.contains("data-deadline=\"response\" data-overdue=\"true\""));
    assert!(consumer.contains("已超时 1 小时 0 分"), "frozen at the reply");
}

#[test]
fn propose_reject_propose_accept() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = complaint_page(REF);
    staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，我们在核实。")]);

    let res = staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "100"), ("body", "退一半货款。")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let consumer = app.get(&tracking).body;
    assert!(consumer.contains("data-status=\"proposed\""));
    assert!(consumer.contains("退款 · ¥100.00"));
    assert!(consumer.contains("商家已按时提出方案，等待您的答复"), "the resolution deadline waits on the consumer");

    let rejected = app.submit(&tracking, &format!("{tracking}/reject"), &[("reason", "只退一半不合理。")]);
    assert_eq!(rejected.location, Some(format!("{tracking}?done=rejected")));
    let consumer = app.get(&rejected.location.unwrap()).body;
    assert!(consumer.contains("data-status=\"responded\""));
    assert!(consumer.contains("您拒绝了解决方案"));
    assert!(consumer.contains("您已拒绝方案"));

    app.clock.advance(Duration::days(6));
    staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "return_refund"), ("amount", "299.00"), ("body", "全额退货退款，运费我们承担。")],
    );
    // Its notice reaches the consumer before the deadline: the deadline
    // then waits on their answer.
    assert!(app.dispatch().sent >= 1);
    app.clock.advance(Duration::days(2)); // after the 7-day deadline, within the 72 hours
    let accepted = app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let consumer = app.get(&tracking).body;
    assert!(consumer.contains("data-status=\"resolved\""));
    assert!(consumer.contains("data-deadline=\"resolution\" data-met=\"true\""), "proposed in time, so met");

    let mut conn = app.pool.get().unwrap();
    let (c, _) = complaints::find_by_token(&mut conn, tracking.token()).unwrap().unwrap();
    assert_eq!(c.resolved_at.map(|at| at - c.submitted_at), Some(Duration::days(8)), "the resolution time");
    let kinds: Vec<String> = complaints::timeline(&mut conn, c.id, redress::domain::event::Viewer::Supervisor)
        .unwrap()
        .into_iter()
        .map(|(e, _)| e.kind)
        .collect();
    assert_eq!(kinds, ["submitted", "merchant_viewed", "reply", "proposal", "rejected", "proposal", "accepted"]);
}

#[test]
fn illegal_actions_say_so_and_change_nothing() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = complaint_page(REF);

    // Nothing to accept yet.
    let early = app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("当前的状态不允许这个操作"));

    // A negative amount and an unknown resolution.
    let bad =
        staff.submit(&page, &format!("{page}/propose"), &[("resolution", "cash"), ("amount", "-5"), ("body", "")]);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.body, "proposal-amount").as_deref(), Some("请输入金额，最多两位小数，如 199.00。"));
    assert_eq!(
        field_error(&bad.body, "proposal_resolution").or(field_error(&bad.body, "resolution")).as_deref(),
        Some("请从列表中选择一项。")
    );
    assert_eq!(input_value_by_id(&bad.body, "proposal-amount").as_deref(), Some("-5"), "what was typed is kept");

    staff.submit(&page, &format!("{page}/propose"), &[("resolution", "refund"), ("body", "全额退款。")]);
    assert_eq!(app.submit(&tracking, &format!("{tracking}/accept"), &[]).status, StatusCode::SEE_OTHER);
    let twice = app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "accepting twice");
    let withdraw = app.submit(&tracking, &format!("{tracking}/withdraw"), &[]);
    assert_eq!(withdraw.status, StatusCode::UNPROCESSABLE_ENTITY, "no withdrawing a resolved complaint");
    let reply = staff.submit(&page, &format!("{page}/reply"), &[("body", "还有问题吗？")]);
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("当前的状态不允许这个操作"));
    assert!(app.get(&tracking).body.contains("data-status=\"resolved\""));
}

#[test]
fn the_consumer_replies_and_withdraws() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let blank = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "  ")]);
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&blank.body, "body").as_deref(), Some("这一项必须填写。"));

    let reply = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "补充：快递单号 SF1234567890。")]);
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(app.merchant_staff(m).get(&complaint_page(REF)).body.contains("SF1234567890"), "the merchant sees it");

    let forged = app.post(&format!("{tracking}/withdraw"), &[("csrf_token", "forged-forged-forged-forged")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("页面已过期"), "explained, on a fresh page");
    assert!(forged.body.contains("data-status=\"submitted\""));

    let withdrawn = app.submit(&tracking, &format!("{tracking}/withdraw"), &[]);
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let page = app.get(&tracking).body;
    assert!(page.contains("data-status=\"withdrawn\""));
    assert!(page.contains("投诉已结束，不再计时"));
    assert!(!page.contains("/reply\""), "no more reply form");
    let again = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "还在吗？")]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "no replying to a withdrawn complaint");
}

#[test]
fn the_consumer_rates_a_finished_complaint_once_and_only_by_post() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let rate = format!("{tracking}/rate");
    let early = app.submit(&tracking, &rate, &[("score", "5")]);
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "not while the complaint is open");

    let staff = app.merchant_staff(m);
    let page = complaint_page(REF);
    staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "299"), ("body", "全额退款。")],
    );
    app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    assert!(app.get(&tracking).body.contains("给这次处理打个分"), "offered once resolved");

    assert_eq!(app.get(&rate).status, StatusCode::NOT_FOUND, "a GET, as a link scanner sends, rates nothing");
    let missing = app.submit(&tracking, &rate, &[("comment", "还行")]);
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("请选择 1 到 5 分。"));
    assert!(missing.body.contains("还行"), "the comment is kept");

    let rated = app.submit(&tracking, &rate, &[("score", "4"), ("comment", "退款很快，但客服回复慢。")]);
    assert_eq!(rated.location, Some(format!("{tracking}?done=rated")));
    let html = app.get(&tracking).body;
    assert!(html.contains("★★★★☆ 4/5") && html.contains("退款很快"));
    assert!(!html.contains("给这次处理打个分"), "no second form");
    let again = app.submit(&tracking, &rate, &[("score", "1")]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("每件投诉只能评一次"));
}
