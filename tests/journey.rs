//! The first journey: a consumer files a complaint and follows it.

use chrono::Duration;
use redress::store::{complaints, outbox};
use ureq::http::StatusCode;

use crate::helpers::*;

#[test]
fn a_consumer_files_a_complaint_and_follows_it_by_the_private_link() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);

    let form = app.get("/complaints/new");
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("<option value=\"{merchant}\">杭州星河优选电子商务有限公司</option>")));
    for field in [
        "merchant",
        "order_ref",
        "category",
        "desired_resolution",
        "amount",
        "description",
        "consumer_name",
        "consumer_phone",
        "consumer_email",
    ] {
        assert!(form.body.contains(&format!("<label for=\"{field}\">")), "{field} has a visible label");
        assert!(form.body.contains(&format!("id=\"{field}-hint\"")), "{field} has a hint");
        assert!(form.body.contains(&format!("name=\"{field}\"")), "{field} is a field");
    }

    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let token = tracking.strip_prefix("/t/").expect("redirected to the tracking page");
    assert!(token.len() >= 22 && token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token}");

    let page = app.get(&tracking);
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.contains("TS20261120000001"), "the reference is shown");
    assert!(html.contains("杭州星河优选电子商务有限公司"));
    assert!(html.contains("data-status=\"submitted\""));
    assert!(html.contains("DY4829301756"));
    assert!(html.contains("主播说羽绒服是90%白鸭绒"));
    assert!(html.contains("¥299.00"));
    assert!(html.contains("138****8000"), "the phone is masked");
    assert!(!html.contains("13800138000"));
    assert!(html.contains("这是您的私密链接"), "the page says the link is private");
    assert!(html.contains("把链接发给我（短信和邮件）"), "and offers to send it");
    assert!(html.contains("投诉已提交"), "the timeline starts with the submission");
    // Both deadlines, machine-readable and in Shanghai time, 48 h and 7 days out.
    assert!(
        html.contains("<time datetime=\"2026-11-22T02:00:00Z\" data-deadline=\"response\">2026年11月22日 10:00</time>")
    );
    assert!(
        html.contains(
            "<time datetime=\"2026-11-27T02:00:00Z\" data-deadline=\"resolution\">2026年11月27日 10:00</time>"
        )
    );
    assert!(html.contains("还剩 48 小时 0 分"));

    app.clock.advance(Duration::minutes(61));
    let html = app.get(&tracking).body;
    assert!(html.contains("还剩 46 小时 59 分"), "the time left follows the clock");
    assert!(html.contains("还剩 6 天 22 小时"));

    // No sweeper has run: the page still never shows a passed deadline as on time.
    app.clock.advance(Duration::hours(47));
    let html = app.get(&tracking).body;
    assert!(html.contains("data-deadline=\"response\" data-overdue=\"true\""));
    assert!(html.contains("已超时 0 小时 1 分"));
    assert!(html.contains("data-deadline=\"resolution\">"), "the resolution deadline is still running");
}

#[test]
fn a_submission_stores_the_complaint_its_event_and_its_notices_together() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let token = tracking.token();

    let mut conn = app.pool.get().unwrap();
    let (complaint, _) = complaints::find_by_token(&mut conn, token).unwrap().unwrap();
    assert_eq!(complaint.consumer_email.as_deref(), Some("wangfang@example.com"), "e-mail is lowercased");
    assert_eq!(complaint.consumer_phone.as_deref(), Some("13800138000"), "phone is normalised");
    assert_eq!(complaint.amount_fen, Some(29_900));
    assert_eq!(complaint.state, "submitted");
    assert_eq!(complaint.response_due_at - complaint.submitted_at, Duration::hours(48));
    assert_eq!(complaint.resolution_due_at - complaint.submitted_at, Duration::days(7));
    let events = complaints::timeline(&mut conn, complaint.id, redress::domain::event::Viewer::Supervisor).unwrap();
    assert_eq!(events.iter().map(|(e, _)| e.kind.as_str()).collect::<Vec<_>>(), ["submitted"]);
    let mail = outbox::for_complaint(&mut conn, complaint.id).unwrap();
    assert_eq!(
        mail,
        [
            ("receipt".to_owned(), "wangfang@example.com".to_owned()),
            ("receipt".to_owned(), "13800138000".to_owned()),
            ("merchant_new_complaint".to_owned(), "kefu@merchant.example.cn".to_owned())
        ]
    );
}

#[test]
fn references_are_unique_and_dated_in_the_deployment_zone() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    // 16:30 UTC on the 20th is already 00:30 on the 21st in Shanghai.
    app.clock.set(start_time() + Duration::hours(14) + Duration::minutes(30));
    let first = app.get(&ComplaintBuilder::new(merchant).file(&app)).body;
    let second = app.get(&ComplaintBuilder::new(merchant).file(&app)).body;
    assert!(!first.contains("TS20261120000001") && first.contains("TS20261121000001"), "dated 21 Nov in Shanghai");
    assert!(second.contains("TS20261121000002"));
}

#[test]
fn a_complaint_is_found_again_by_reference_and_phone_or_email() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);

    assert_eq!(app.get("/track").status, StatusCode::OK);
    let look_up = |reference: &str, contact: &str| {
        app.submit("/track", "/track", &[("reference", reference), ("contact", contact)])
    };
    for contact in ["13800138000", "+86 138-0013-8000", "wangfang@example.com", "WANGFANG@example.com"] {
        let res = look_up("ts20261120000001", contact);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{contact}");
        assert_eq!(res.location.as_deref(), Some(tracking.path()));
    }

    let wrong_contact = look_up("TS20261120000001", "13900000000");
    let wrong_reference = look_up("TS20261120999999", "13800138000");
    for res in [&wrong_contact, &wrong_reference] {
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(res.body.contains("没有找到匹配的投诉"));
        assert!(!res.body.contains("/t/"), "no tracking link leaks");
    }
    // The two answers differ only in what was typed back into the form.
    let strip = |b: &str, typed: &[&str]| typed.iter().fold(b.to_owned(), |acc, t| acc.replace(t, ""));
    assert_eq!(
        strip(&wrong_contact.body, &["TS20261120000001", "13900000000"]),
        strip(&wrong_reference.body, &["TS20261120999999", "13800138000"])
    );

    let missing = look_up("", "13800138000");
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&missing.body, "reference").as_deref(), Some("这一项必须填写。"));
    assert_eq!(input_value(&missing.body, "contact").as_deref(), Some("13800138000"));
}

#[test]
fn e_mail_me_my_link_queues_one_notice_at_a_time() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let send = format!("{tracking}/send-link");

    let first = app.submit(&tracking, &send, &[]);
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location, Some(format!("{tracking}?done=link_queued")));
    assert!(app.get(&first.location.unwrap()).body.contains("已加入发送队列"));
    let again = app.submit(&tracking, &send, &[]);
    assert_eq!(again.location, Some(format!("{tracking}?done=link_already")));

    let forged = app.post(&send, &[("csrf_token", "forged-token-from-elsewhere")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let mut conn = app.pool.get().unwrap();
    let (complaint, _) = complaints::find_by_token(&mut conn, tracking.token()).unwrap().unwrap();
    let links = outbox::for_complaint(&mut conn, complaint.id)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k == "tracking_link")
        .count();
    assert_eq!(links, 2, "one by mail, one by SMS");

    // A phone number alone: the link goes by SMS.
    let phone_only = ComplaintBuilder::new(merchant).email("").file(&app);
    let sent = app.submit(&phone_only, &format!("{phone_only}/send-link"), &[]);
    assert_eq!(sent.location, Some(format!("{phone_only}?done=link_queued")));
    let (complaint, _) = complaints::find_by_token(&mut conn, phone_only.token()).unwrap().unwrap();
    let links: Vec<_> = outbox::channels_for(&mut conn, complaint.id, outbox::MailKind::TrackingLink)
        .unwrap()
        .into_iter()
        .map(|(c, _, _)| c)
        .collect();
    assert_eq!(links, [outbox::Channel::Sms]);
}
