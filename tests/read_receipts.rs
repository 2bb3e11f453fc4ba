//! Read receipts: the first time the merchant's staff open a complaint,
//! its timeline says "商家已查看", once, and the consumer sees it; the
//! reminder before the response deadline says whether anyone opened it.

use chrono::Duration;
use redress::store::outbox;
use ureq::http::StatusCode;

use crate::helpers::*;

const VIEWED: &str = "商家已查看";

/// The timeline's entries as the page shows them: title, and the staff
/// account when the page names one.
fn timeline(page: &Page) -> Vec<(String, Option<String>)> {
    let html = page.html();
    html.select_all("ol.timeline > li")
        .into_iter()
        .map(|li| (li.select_text(".timeline__title").unwrap_or_default(), li.select_text(".timeline__who")))
        .collect()
}

fn viewed_entries(page: &Page) -> Vec<(String, Option<String>)> {
    timeline(page).into_iter().filter(|(title, _)| title == VIEWED).collect()
}

fn path(reference: &str) -> String {
    format!("/merchant/complaints/{reference}")
}

#[test]
fn the_first_opening_is_recorded_once_with_who_and_the_consumer_sees_it() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).file(&app);
    let reference = filed.reference(&app);
    assert!(viewed_entries(&app.get(&filed)).is_empty(), "nobody has opened it yet");

    // A supervisor reading it is not the merchant.
    let boss = app.supervisor();
    assert_eq!(boss.get(&format!("/supervisor/complaints/{reference}")).status, StatusCode::OK);
    assert!(viewed_entries(&app.get(&filed)).is_empty(), "a supervisor's view records nothing");

    let first = app.staff(redress::domain::staff::Role::Merchant, Some(m));
    let staff = app.client();
    staff.sign_in(&first, PASSWORD);
    app.clock.advance(Duration::minutes(90));
    let page = staff.get(&path(&reference));
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(viewed_entries(&page), [(VIEWED.to_owned(), Some(first.clone()))], "the first view, by whom");

    // Opened again, by the same and by another staff member, later on.
    app.clock.advance(Duration::hours(2));
    staff.get(&path(&reference));
    let other = app.merchant_staff(m);
    let again = other.get(&path(&reference));
    assert_eq!(viewed_entries(&again), [(VIEWED.to_owned(), Some(first))], "recorded once, for the first");

    // The consumer's tracking page shows it, when it happened, and no
    // staff account.
    let tracking = app.get(&filed);
    assert_eq!(viewed_entries(&tracking), [(VIEWED.to_owned(), None)]);
    let html = tracking.html();
    let at = html
        .select_all("ol.timeline > li")
        .into_iter()
        .find(|li| li.select_text(".timeline__title").as_deref() == Some(VIEWED))
        .and_then(|li| li.select_attr("time", "datetime"));
    assert_eq!(at.as_deref(), Some("2026-11-20T03:30:00Z"), "the time of the first view");
    let en = app.client().get(&format!("{filed}?lang=en"));
    assert!(timeline(&en).iter().any(|(t, _)| t == "The merchant has viewed the complaint"));

    // Nothing else changed: the complaint still waits for its answer.
    assert_eq!(tracking.html().select_attr("[data-status]", "data-status").as_deref(), Some("submitted"));
}

#[test]
fn pages_after_a_form_and_other_merchants_record_nothing() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).file(&app);
    let reference = filed.reference(&app);

    // Another merchant's staff: a 404, and no receipt.
    assert_eq!(app.merchant_staff(other).get(&path(&reference)).status, StatusCode::NOT_FOUND);
    assert!(viewed_entries(&app.get(&filed)).is_empty());

    // The reply's page shown again with a mistake is no opening either:
    // only the GET is (a forged token from another browser's page).
    let staff = app.merchant_staff(m);
    let res = staff.post(&format!("{}/reply", path(&reference)), &[("csrf_token", "forged"), ("body", "您好")]);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(viewed_entries(&app.get(&filed)).is_empty());
}

#[test]
fn two_staff_opening_it_at_once_record_it_once() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).file(&app);
    let reference = filed.reference(&app);
    let staff: Vec<Client> = (0..6).map(|_| app.merchant_staff(m)).collect();
    let statuses: Vec<StatusCode> = std::thread::scope(|s| {
        let opened: Vec<_> = staff.iter().map(|c| s.spawn(|| c.get(&path(&reference)).status)).collect();
        opened.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert_eq!(viewed_entries(&app.get(&filed)).len(), 1);
}

/// The text of the response reminder queued for complaint `reference`.
fn reminder(app: &TestApp, reference: &str) -> String {
    let mut conn = app.pool.get().unwrap();
    let rows = outbox::in_states(&mut conn, &[outbox::MailState::Queued], 100).unwrap();
    let mut found: Vec<_> =
        rows.into_iter().filter(|r| r.kind == "merchant_response_reminder" && r.subject.contains(reference)).collect();
    assert_eq!(found.len(), 1, "one reminder for {reference}");
    found.remove(0).body_text
}

#[test]
fn the_reminder_says_whether_the_merchant_has_opened_the_complaint() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let unopened = ComplaintBuilder::new(m).file(&app).reference(&app);
    let opened = ComplaintBuilder::new(m).file(&app).reference(&app);
    app.sweep(); // the reminder scan starts here
    app.clock.advance(Duration::hours(3));
    assert_eq!(app.merchant_staff(m).get(&path(&opened)).status, StatusCode::OK);

    // 12 h before the 48 h are up.
    app.clock.set(start_time() + Duration::hours(36) + Duration::minutes(1));
    assert!(app.sweep().reminders >= 2);
    let text = reminder(&app, &unopened);
    assert!(text.contains("您尚未查看这件投诉"), "{text}");
    assert!(!text.contains("您已于"), "{text}");
    let text = reminder(&app, &opened);
    assert!(text.contains("您已于 2026年11月20日 13:00 查看这件投诉"), "{text}");
    assert!(!text.contains("尚未查看"), "{text}");
}

#[test]
fn the_export_ends_with_when_the_merchant_first_viewed_it() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let unopened = ComplaintBuilder::new(m).order_ref("UNOPENED-1").file(&app).reference(&app);
    let opened = ComplaintBuilder::new(m).order_ref("OPENED-1").file(&app).reference(&app);
    app.clock.advance(Duration::minutes(5));
    app.merchant_staff(m).get(&path(&opened));
    app.clock.advance(Duration::hours(5));
    app.merchant_staff(m).get(&path(&opened));

    let csv = app.supervisor().get("/supervisor/export.csv").body;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("收到日期,投诉编号,商家,问题类型"), "the columns before stay where they were");
    assert!(lines[0].ends_with(",消费者确认到账,商家首次查看时间,同意公开,已公示,已隐藏,商家公开回应"), "{}", lines[0]);
    let line = |reference: &str| *lines.iter().find(|l| l.contains(reference)).unwrap();
    assert!(line(&opened).ends_with(",2026-11-20 10:05,否,否,否,"), "the first view: {}", line(&opened));
    assert!(line(&unopened).ends_with(",,否,否,否,"), "{}", line(&unopened));
}
