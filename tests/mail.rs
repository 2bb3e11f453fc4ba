//! Notices, delivered to a real SMTP server over TCP: what each trigger
//! sends, in which language, and that none is lost or sent twice when the
//! mail server is away.

use chrono::Duration;
use redress::domain::staff::Role;
use redress::store::outbox;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::smtp::SmtpServer;

const CONSUMER: &str = "wangfang@example.com";
const MERCHANT: &str = "kefu@merchant.example.cn";

fn with_smtp(port: u16) -> TestApp {
    spawn_app_with(|c| {
        c.smtp_url = Some(SmtpServer::url(port));
        c.public_url = Some("https://redress.example.cn".into());
    })
}

/// Kinds of the notices queued, in order.
fn kinds(app: &TestApp) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    outbox::in_states(&mut conn, &[outbox::MailState::Queued, outbox::MailState::Sent, outbox::MailState::Dead], 500)
        .unwrap()
        .into_iter()
        .rev()
        .filter(|r| r.channel == outbox::Channel::Mail)
        .map(|r| r.kind)
        .collect()
}

#[test]
fn the_receipt_arrives_with_the_tracking_link_and_a_chinese_subject() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port);
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(m).file(&app);
    assert_eq!(app.dispatch().sent, 3, "and the receipt by SMS");

    let receipt = smtp.to(CONSUMER);
    assert_eq!(receipt.len(), 1);
    let mail = &receipt[0];
    assert_eq!(mail.subject(), "投诉已受理：TS20261120000001");
    let raw = String::from_utf8_lossy(&mail.raw);
    assert!(raw.contains("Subject: =?utf-8?"), "RFC 2047-encoded: {raw}");
    let text = mail.text();
    assert!(text.contains(&format!("https://redress.example.cn{tracking}")), "{text}");
    assert!(text.contains("2026年11月22日 10:00") && text.contains("2026年11月27日 10:00"), "both deadlines");
    assert!(mail.parsed().body_html(0).unwrap().contains("<a href=\"https://redress.example.cn/t/"));

    let alert = smtp.to(MERCHANT);
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0].subject(), "新投诉：TS20261120000001（虚假宣传）");
    assert!(alert[0].text().contains("https://redress.example.cn/merchant/complaints/TS20261120000001"));
    assert_eq!(app.dispatch().sent, 0, "nothing twice");

    // The same receipt as sent (wrapped, its soft breaks ending in a
    // space), with what changes from run to run taken out.
    let token = tracking.token();
    insta::assert_snapshot!("receipt_mail", mail.wrapped().replace(token, "[token]"));
}

#[test]
fn an_english_complaint_gets_its_notices_in_english() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port);
    let m = MerchantBuilder::new("Hangzhou Xinghe Youxuan E-commerce Co., Ltd.").build(&app);
    app.get("/?lang=en");
    ComplaintBuilder::new(m).file(&app);
    app.dispatch();
    assert_eq!(smtp.to(CONSUMER)[0].subject(), "Complaint received: TS20261120000001");
    assert_eq!(smtp.to(MERCHANT)[0].subject(), "新投诉：TS20261120000001（虚假宣传）", "the merchant's in Chinese");
}

#[test]
fn each_step_of_a_complaint_sends_exactly_its_notices() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port);
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let boss = app.client();
    let supervisor = app.staff(Role::Supervisor, None);
    boss.sign_in(&supervisor, PASSWORD);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(page, &format!("{page}/reply"), &[("body", "内部备注"), ("visibility", "internal")]);
    staff.submit(page, &format!("{page}/reply"), &[("body", "您好，已收到，正在核实。")]);
    staff.submit(
        page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "50"), ("body", "退 50 元。")],
    );
    app.submit(&tracking, &format!("{tracking}/reject"), &[("reason", "只退 50 元太少了。")]);
    app.submit(&tracking, &format!("{tracking}/intervene"), &[("reason", "只退 50 元不合理。")]);
    let ruling = "/supervisor/complaints/TS20261120000001";
    boss.submit(ruling, &format!("{ruling}/rule"), &[("outcome", "upheld"), ("body", "全额退款。")]);

    assert_eq!(
        kinds(&app),
        [
            "receipt",
            "merchant_new_complaint",
            "consumer_reply",
            "consumer_proposal",
            "consumer_escalation",
            "merchant_escalation",
            "supervisor_escalation",
            "consumer_ruling",
            "merchant_ruling",
        ],
        "an internal note and a rejection send nothing"
    );
    assert_eq!(app.dispatch().sent, 9 + 5, "and the consumer's five by SMS");
    let consumer: Vec<String> = smtp.to(CONSUMER).iter().map(|m| m.subject()).collect();
    assert_eq!(
        consumer,
        [
            "投诉已受理：TS20261120000001",
            "商家回复了您的投诉：TS20261120000001",
            "商家提出了解决方案：TS20261120000001",
            "您的投诉已转平台处理：TS20261120000001",
            "平台已作出裁定：TS20261120000001"
        ]
    );
    assert!(smtp.to(CONSUMER)[1].text().contains("您好，已收到，正在核实。"));
    assert!(smtp.to(CONSUMER)[2].text().contains("退款 · ¥50.00"));
    assert_eq!(smtp.to(&supervisor).len(), 1, "one escalation notice for the supervisor");
}

#[test]
fn reminders_come_before_the_deadline_and_breaches_as_they_happen_not_after_downtime() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port);
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let supervisor = app.staff(Role::Supervisor, None);
    ComplaintBuilder::new(m).file(&app); // will be reminded, then breached
    let staff = app.merchant_staff(m);
    ComplaintBuilder::new(m).file(&app); // answered before its reminder
    staff.submit(
        "/merchant/complaints/TS20261120000002",
        "/merchant/complaints/TS20261120000002/reply",
        &[("body", "您好。")],
    );
    app.sweep(); // the reminder scan starts here

    app.clock.advance(Duration::hours(36) + Duration::minutes(1));
    app.sweep();
    app.clock.advance(Duration::hours(12));
    app.sweep();
    let mut seen = kinds(&app);
    seen.retain(|k| k.starts_with("merchant_") && k != "merchant_new_complaint" || k.starts_with("supervisor_"));
    assert_eq!(seen, ["merchant_response_reminder", "merchant_breach", "merchant_escalation", "supervisor_escalation"]);
    app.dispatch();
    let subjects: Vec<String> = smtp.to(MERCHANT).iter().map(|m| m.subject()).collect();
    assert!(subjects.contains(&"还剩 12 小时：请回应投诉 TS20261120000001".to_owned()));
    assert!(!subjects.iter().any(|s| s.contains("TS20261120000002") && s.contains("还剩")), "met: no reminder");
    assert_eq!(smtp.to(&supervisor).len(), 1);

    // 24 h before the answered one's 7 days are up; the escalated one is
    // the platform's now, so it gets none.
    app.clock.set(start_time() + Duration::days(6) + Duration::minutes(1));
    app.sweep();
    let mut conn = app.pool.get().unwrap();
    let rows = outbox::in_states(&mut conn, &[outbox::MailState::Queued], 50).unwrap();
    let reminders: Vec<&str> =
        rows.iter().filter(|r| r.kind == "merchant_resolution_reminder").map(|r| r.subject.as_str()).collect();
    assert_eq!(reminders, ["还剩 24 小时：请解决投诉 TS20261120000002"]);
    drop(conn);

    // A complaint whose deadline passed while nothing ran: recorded and
    // escalated, but no late reminder and no burst of breach notices.
    let before = kinds(&app).len();
    ComplaintBuilder::new(m).email("").file(&app);
    app.clock.advance(Duration::days(3));
    let report = app.sweep();
    assert_eq!(report.response_breaches, 1);
    let after: Vec<String> = kinds(&app).split_off(before);
    assert!(after.contains(&"merchant_new_complaint".to_owned()));
    for late in ["reminder", "breach", "escalation"] {
        assert!(!after.iter().any(|k| k.contains(late)), "no late {late} notice: {after:?}");
    }
}

#[test]
fn nothing_is_lost_while_the_mail_server_is_down_and_nothing_is_sent_twice() {
    let port = SmtpServer::unused_port();
    let app = with_smtp(port);
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    for i in 0..3 {
        ComplaintBuilder::new(m).email(&format!("buyer{i}@example.com")).file(&app);
    }
    let down = app.dispatch();
    assert_eq!((down.sent, down.retrying), (3, 6), "connection refused: all six queued again (the SMS went)");
    let smtp = SmtpServer::start_on(port);
    assert_eq!(app.dispatch().sent, 0, "not before the backoff");
    app.clock.advance(Duration::seconds(10));
    assert_eq!(app.dispatch().sent, 6, "first retry within 10 s");
    assert_eq!(app.dispatch().sent, 0);
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.dispatch().sent, 0, "and never again");
    assert_eq!(smtp.received().len(), 6);
    for i in 0..3 {
        assert_eq!(smtp.to(&format!("buyer{i}@example.com")).len(), 1);
    }
    assert_eq!(smtp.to(MERCHANT).len(), 3);
}

#[test]
fn an_address_that_fails_for_good_ends_dead_with_its_error_and_can_be_retried() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port);
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    ComplaintBuilder::new(m).email("nobody@bounce.example.cn").file(&app);
    let report = app.dispatch();
    assert_eq!((report.sent, report.dead), (2, 1), "the merchant's alert and the SMS receipt sent");
    let boss = app.client();
    boss.sign_in(&app.staff(Role::Supervisor, None), PASSWORD);
    let page = boss.get("/supervisor/mail").body;
    assert!(page.contains("data-state=\"dead\"") && page.contains("nobody@bounce.example.cn"));
    assert!(page.contains("550"), "with the server's answer: {page}");
    let id = parse(&page).select_attr("[data-mail]", "data-mail").unwrap();
    let retried = boss.submit("/supervisor/mail", &format!("/supervisor/mail/{id}/retry"), &[]);
    assert_eq!(retried.status, StatusCode::SEE_OTHER);
    assert!(boss.get("/supervisor/mail").body.contains("data-state=\"queued\""));
}

#[test]
fn without_smtp_url_notices_are_written_as_eml_files() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    assert_eq!(app.dispatch().sent, 3);
    let dir = app.config.data_dir.join("outbox");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 2);
    let receipt = files.iter().find(|p| p.to_string_lossy().contains("receipt")).unwrap();
    let raw = std::fs::read(receipt).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(parsed.subject(), Some("投诉已受理：TS20261120000001"));
}

#[test]
fn actions_appeals_and_flags_notify_merchant_and_supervisors() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port);
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let boss = app.client();
    let supervisor = app.staff(Role::Supervisor, None);
    boss.sign_in(&supervisor, PASSWORD);
    let admin = format!("/supervisor/merchants/{m}");
    boss.submit(
        &admin,
        &format!("{admin}/actions"),
        &[("kind", "deduction"), ("points", "10"), ("reason", "虚构原价。")],
    );
    let staff = app.merchant_staff(m);
    let action = staff.get("/merchant/actions").html().select_attr("[data-action]", "data-action").unwrap();
    staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal"), &[]);
    staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{action}/appeal/submit"),
        &[("statement", "历史成交价确为原价，附截图。")],
    );
    let html = boss.get(&admin).body;
    let decide = parse(&html).select_attr("form[action*='/appeals/']", "action").expect("an appeal to decide");
    let appeal = decide.rsplit('/').next().unwrap().to_owned();
    boss.submit(&admin, &format!("{admin}/appeals/{appeal}"), &[("decision", "reject"), ("reason", "证据不足。")]);
    for _ in 0..10 {
        ComplaintBuilder::new(m).email("").file(&app);
    }
    app.dispatch();
    let merchant: Vec<String> = smtp.to(MERCHANT).iter().map(|m| m.subject()).collect();
    assert!(merchant.contains(&"平台对您采取了措施：扣信用分".to_owned()));
    assert!(merchant.contains(&"申诉结果：申诉驳回".to_owned()));
    let flagged = smtp.to(&supervisor);
    assert_eq!(flagged.len(), 1, "one notice of the flag");
    assert_eq!(flagged[0].subject(), "商家被列入督办观察：杭州星河优选电子商务有限公司");
    assert!(flagged[0].text().contains("30 天内收到 10 件投诉"));
}
