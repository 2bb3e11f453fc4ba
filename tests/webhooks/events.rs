//! Each event reaches the endpoints that subscribed to it, signed, with
//! the payload's fields, once.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use ureq::http::StatusCode;

use super::*;

const REF: &str = "TS20261120000001";

/// What the receiver got, each checked against `secret` at `now`: the
/// payloads, in order.
fn got(app: &TestApp, receiver: &Receiver, secret: &str) -> Vec<Value> {
    let now = app.clock.now();
    receiver.take().iter().map(|h| h.verified(secret, now)).collect()
}

fn types(payloads: &[Value]) -> Vec<&str> {
    payloads.iter().map(|p| p["type"].as_str().unwrap()).collect()
}

#[test]
fn a_complaints_events_arrive_signed_as_they_happen() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let e = register(&staff, &receiver.url(), &COMPLAINT_EVENTS);

    // Filed: created, with its deadlines.
    let tracking = ComplaintBuilder::new(m).file(&app);
    assert_eq!(app.deliver_webhooks().delivered, 1);
    let created = got(&app, &receiver, &e.secret);
    assert_eq!(types(&created), ["complaint.created"]);
    let data = &created[0]["data"];
    assert_eq!(data["reference"], REF);
    assert_eq!(data["state"], "submitted");
    assert_eq!(data["category"], "false_advertising");
    assert_eq!(data["response_due_at"], "2026-11-22T02:00:00Z");
    assert_eq!(data["resolution_due_at"], "2026-11-27T02:00:00Z");
    assert_eq!(created[0]["created_at"], "2026-11-20T02:00:00Z");
    assert!(created[0]["id"].as_str().unwrap().starts_with("evt_"));
    let keys: Vec<&String> = created[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "id, type, created_at, data: {keys:?}");

    // The consumer replies; the merchant answers and proposes (neither is
    // an event the endpoint hears of); the consumer rejects, then accepts.
    app.clock.advance(Duration::hours(1));
    let res = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "请尽快处理，谢谢。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = format!("/merchant/complaints/{REF}");
    staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，我们在核实。"), ("visibility", "public")]);
    let propose = [("resolution", "refund"), ("amount", "100"), ("body", "退一半货款。")];
    staff.submit(&page, &format!("{page}/propose"), &propose);
    app.submit(&tracking, &format!("{tracking}/reject"), &[("reason", "只退一半不合理。")]);
    staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "199"), ("body", "全额退款。")],
    );
    app.submit(&tracking, &format!("{tracking}/accept"), &[]);
    assert_eq!(app.deliver_webhooks().delivered, 3);
    let conversation = got(&app, &receiver, &e.secret);
    let mut seen = types(&conversation);
    seen.sort();
    assert_eq!(seen, ["complaint.consumer_replied", "complaint.proposal_accepted", "complaint.proposal_rejected"]);
    let accepted = conversation.iter().find(|p| p["type"] == "complaint.proposal_accepted").unwrap();
    assert_eq!((&accepted["data"]["state"], &accepted["data"]["by"]), (&"resolved".into(), &"consumer".into()));
    let rejected = conversation.iter().find(|p| p["type"] == "complaint.proposal_rejected").unwrap();
    assert_eq!(rejected["data"]["state"], "responded");
    assert!(!rejected.to_string().contains("不合理"), "the payload is small: the reason is read from the API");

    // Nothing twice: a round later, with the clock moved, nothing more.
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.deliver_webhooks().claimed(), 0);
    assert!(receiver.take().is_empty());
}

#[test]
fn the_sweeper_sends_the_reminder_the_breach_and_the_escalation_and_a_ruling_follows() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let e = register(&staff, &receiver.url(), &COMPLAINT_EVENTS[1..]);
    ComplaintBuilder::new(m).file(&app);
    app.sweep();
    assert_eq!(app.deliver_webhooks().claimed(), 0, "complaint.created was not asked for");

    // 12 hours before the response deadline: the reminder.
    app.clock.advance(Duration::hours(37));
    assert_eq!(app.sweep().reminders, 1);
    assert_eq!(app.deliver_webhooks().delivered, 1);
    let reminder = got(&app, &receiver, &e.secret);
    assert_eq!(types(&reminder), ["complaint.reminder"]);
    assert_eq!(reminder[0]["data"]["deadline"], "response");
    assert_eq!(reminder[0]["data"]["due_at"], "2026-11-22T02:00:00Z");
    app.clock.advance(Duration::hours(1));
    app.sweep();
    assert_eq!(app.deliver_webhooks().claimed(), 0, "one reminder per deadline");

    // Past it: the breach and the escalation it causes.
    app.clock.advance(Duration::hours(11));
    assert_eq!(app.sweep().response_breaches, 1);
    assert_eq!(app.deliver_webhooks().delivered, 2);
    let swept = got(&app, &receiver, &e.secret);
    assert_eq!(types(&swept), ["complaint.breach", "complaint.escalated"]);
    assert_eq!(swept[0]["data"]["deadline"], "response");
    assert_eq!(swept[0]["data"]["due_at"], "2026-11-22T02:00:00Z");
    assert_eq!(swept[0]["data"]["state"], "escalated");
    assert_eq!(swept[1]["data"]["reason"], "response_breach");
    assert_ne!(swept[0]["id"], swept[1]["id"]);
    app.sweep();
    assert_eq!(app.deliver_webhooks().claimed(), 0, "a breach is recorded once");

    // The supervisor's ruling.
    let boss = app.supervisor();
    let page = format!("/supervisor/complaints/{REF}");
    let res = boss.submit(&page, &format!("{page}/rule"), &[("outcome", "partly_upheld"), ("body", "部分支持。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.deliver_webhooks().delivered, 1);
    let ruling = got(&app, &receiver, &e.secret);
    assert_eq!(types(&ruling), ["complaint.ruling"]);
    assert_eq!(ruling[0]["data"]["outcome"], "partly_upheld");
    assert_eq!(ruling[0]["data"]["state"], "closed");
}

#[test]
fn asking_the_platform_is_an_escalation_and_only_the_merchants_subscribers_hear_of_it() {
    let app = local_app();
    let (all, few) = (Receiver::start(), Receiver::start());
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let everything = register(&staff, &all.url(), &COMPLAINT_EVENTS);
    let created_only = register(&staff, &few.url(), &["complaint.created"]);
    // Another merchant's endpoint hears nothing of this one's complaints.
    let other = Receiver::start();
    let stranger = MerchantBuilder::new("成都天府优品商贸有限公司").build(&app);
    register(&app.merchant_staff(stranger), &other.url(), &COMPLAINT_EVENTS);

    let tracking = ComplaintBuilder::new(m).file(&app);
    let page = format!("/merchant/complaints/{REF}");
    staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，我们在核实。"), ("visibility", "public")]);
    staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "50"), ("body", "退 50 元。")],
    );
    app.submit(&tracking, &format!("{tracking}/reject"), &[("reason", "太少了。")]);
    let res = app.submit(&tracking, &format!("{tracking}/intervene"), &[("reason", "商家只肯退一点。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.deliver_webhooks();
    let heard = got(&app, &all, &everything.secret);
    assert_eq!(types(&heard), ["complaint.created", "complaint.proposal_rejected", "complaint.escalated"]);
    assert_eq!(heard[2]["data"]["reason"], "consumer_request");
    assert_eq!(heard[2]["data"]["state"], "escalated");
    let few_heard = got(&app, &few, &created_only.secret);
    assert_eq!(types(&few_heard), ["complaint.created"]);
    assert_eq!(few_heard[0]["id"], heard[0]["id"], "one event, one id, at every endpoint");
    assert!(other.take().is_empty(), "nothing of another merchant's");
}

#[test]
fn a_supervisors_action_and_a_product_review_reach_the_merchants_endpoint() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let e = register(&staff, &receiver.url(), &["merchant.action_taken", "product.review_decided"]);
    let boss = app.supervisor();
    let page = format!("/supervisor/merchants/{m}");
    let res =
        boss.submit(&page, &format!("{page}/actions"), &[("kind", "warning"), ("points", ""), ("reason", "虚假宣传")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let product = live::product(&app, m, ProductCategory::General, Review::Pending);
    let path = format!("/supervisor/products/{product}");
    let res = boss.submit("/supervisor/products", &path, &[("decision", "approve")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = boss.submit("/supervisor/products", &path, &[("decision", "delist"), ("reason", "宣传用语夸大。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.deliver_webhooks().delivered, 4);
    let heard = got(&app, &receiver, &e.secret);
    assert_eq!(
        types(&heard),
        ["merchant.action_taken", "product.review_decided", "merchant.action_taken", "product.review_decided"]
    );
    let warning = &heard[0]["data"];
    assert_eq!(
        (&warning["kind"], &warning["target"], &warning["reason"]),
        (&"warning".into(), &"merchant".into(), &"虚假宣传".into())
    );
    assert_eq!(warning["target_id"], Value::Null);
    assert_eq!(heard[1]["data"]["decision"], "approve");
    assert_eq!(heard[1]["data"]["review"], "approved");
    assert_eq!(heard[1]["data"]["product_id"], product);
    let delisted = &heard[2]["data"];
    assert_eq!(
        (&delisted["kind"], &delisted["target"], &delisted["target_id"]),
        (&"delist".into(), &"product".into(), &product.into())
    );
    assert_eq!(heard[3]["data"]["review"], "delisted");
    assert_eq!(heard[3]["data"]["reason"], "宣传用语夸大。");
}
