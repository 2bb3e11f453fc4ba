//! Registering endpoints: https required (unless local testing is on),
//! internal hosts refused, mistakes answered 422 with what was typed kept,
//! another merchant's endpoint a 404, each change on the audit log.

use ureq::http::StatusCode;

use super::*;

#[test]
fn staff_register_change_turn_off_and_delete_an_endpoint() {
    let app = local_app();
    let receiver = Receiver::start();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let nav = staff.get("/merchant").html().select_attrs("nav.site-nav a", "href");
    assert!(nav.contains(&LIST.to_owned()), "the portal's navigation links to the webhooks: {nav:?}");
    let empty = staff.get(LIST);
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.html().select_first("[data-webhook]").is_none());
    let boxes = empty.html().select_attrs("input[type=checkbox][name=events]", "value");
    assert_eq!(boxes.len(), 10, "every event but the test delivery: {boxes:?}");

    let e = register(&staff, &receiver.url(), &["complaint.created", "complaint.breach"]);
    assert!(e.secret.starts_with("whsec_") && e.secret.len() > 40, "{}", e.secret);
    let list = staff.get(LIST).html();
    assert_eq!(list.select_attrs("[data-webhook]", "data-webhook"), std::slice::from_ref(&e.id));
    assert_eq!(list.select_attr("[data-webhook]", "data-webhook-status").as_deref(), Some("active"));
    assert!(!list.root_element().html().contains(&e.secret), "the secret is shown once only");
    let mut conn = app.pool.get().unwrap();
    let stored = redress::store::webhooks::of_merchant(&mut conn, m).unwrap();
    assert!(!stored[0].secret_sealed.contains(&e.secret[6..]), "sealed, never in clear");
    drop(conn);

    // Changed to the ruling only: a new complaint is not sent.
    let page = e.page();
    let res = staff.submit(&page, &page, &fields(&receiver.url(), &["complaint.ruling"]));
    assert_eq!((res.status, res.location), (StatusCode::SEE_OTHER, Some(format!("{page}?done=saved"))));
    let checked = staff.get(&page).html().select_attrs("input[name=events][checked]", "value");
    assert_eq!(checked, ["complaint.ruling"]);
    ComplaintBuilder::new(m).file(&app);
    assert_eq!(app.deliver_webhooks().claimed(), 0);

    // Off, then on: nothing queued while off.
    let res = staff.submit(&page, &format!("{page}/disable"), &[]);
    assert_eq!(res.location, Some(format!("{page}?done=off")));
    assert_eq!(
        staff.get(LIST).html().select_attr("[data-webhook]", "data-webhook-status").as_deref(),
        Some("disabled")
    );
    staff.submit(&page, &format!("{page}/enable"), &[]);
    assert_eq!(staff.get(LIST).html().select_attr("[data-webhook]", "data-webhook-status").as_deref(), Some("active"));

    let res = staff.submit(&page, &format!("{page}/delete"), &[]);
    assert_eq!(res.location.as_deref(), Some("/merchant/webhooks?done=deleted"));
    assert!(staff.get(LIST).html().select_first("[data-webhook]").is_none());
    assert_eq!(staff.get(&page).status, StatusCode::NOT_FOUND);

    let boss = app.supervisor();
    let kinds = boss.get("/supervisor/audit").html().select_attrs("li[data-audit-kind]", "data-audit-kind");
    let hooks: Vec<&String> = kinds.iter().filter(|k| k.starts_with("webhook_")).collect();
    assert_eq!(
        hooks,
        ["webhook_deleted", "webhook_changed", "webhook_changed", "webhook_changed", "webhook_created"],
        "newest first: {kinds:?}"
    );
}

#[test]
fn without_local_testing_an_endpoint_must_be_https_and_public() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let res = staff.submit(LIST, LIST, &fields("http://hooks.example.cn/redress", &["complaint.created"]));
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "url").as_deref(), Some("接收地址必须使用 https://。"));
    assert_eq!(
        input_value(&res.body, "url").as_deref(),
        Some("http://hooks.example.cn/redress"),
        "what was typed is kept"
    );
    let checked = res.html().select_attrs("input[name=events][checked]", "value");
    assert_eq!(checked, ["complaint.created"], "and what was checked");

    for internal in ["https://127.0.0.1:8443/x", "https://localhost/x", "https://169.254.169.254/latest/meta-data"] {
        let res = staff.submit(LIST, LIST, &fields(internal, &["complaint.created"]));
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{internal}");
        assert!(field_error(&res.body, "url").is_some_and(|e| e.contains("内部网络")), "{internal}");
    }
    let res = staff.submit(LIST, LIST, &fields("https://hooks.example.cn/redress", &[]));
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.html().select_text("#events-error").is_some_and(|e| e.contains("至少选择一个事件")));
    let res = staff.submit(LIST, LIST, &fields("https://hooks.example.cn/redress", &["complaint.deleted"]));
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = staff.submit(LIST, LIST, &fields(&"https://hooks.example.cn/".repeat(30), &["complaint.created"]));
    assert_eq!(field_error(&res.body, "url").as_deref(), Some("接收地址最多 500 个字符。"));

    // In English too.
    staff.get(&format!("{LIST}?lang=en"));
    let en = staff.submit(LIST, LIST, &fields("http://hooks.example.cn/", &["complaint.created"]));
    assert_eq!(field_error(&en.body, "url").as_deref(), Some("The endpoint must use https://."));

    // https and public: taken, on a deployment that does not allow local testing.
    let ok = staff.submit(LIST, LIST, &fields("https://hooks.example.cn/redress", &["complaint.created"]));
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert!(staff.get(LIST).html().select_first("[data-webhook]").is_some());
}

#[test]
fn another_merchants_endpoint_is_not_found() {
    let app = local_app();
    let mine = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let theirs = MerchantBuilder::new("成都天府优品商贸有限公司").build(&app);
    let owner = app.merchant_staff(theirs);
    let e = register(&owner, "http://127.0.0.1:9/x", &["complaint.created"]);
    let me = app.merchant_staff(mine);
    let page = e.page();
    assert_eq!(me.get(&page).status, StatusCode::NOT_FOUND);
    let form = fields("http://127.0.0.1:9/mine", &["complaint.ruling"]);
    assert_eq!(me.submit(LIST, &page, &form).status, StatusCode::NOT_FOUND);
    for action in ["disable", "enable", "delete", "secret", "ping"] {
        assert_eq!(me.submit(LIST, &format!("{page}/{action}"), &[]).status, StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(me.get("/merchant/webhooks/0").status, StatusCode::NOT_FOUND);
    assert_eq!(me.get("/merchant/webhooks/x1").status, StatusCode::NOT_FOUND);
    // Untouched: still the owner's, still on, same events.
    let html = owner.get(&page).html();
    assert_eq!(html.select_attr("[data-webhook]", "data-webhook-status").as_deref(), Some("active"));
    assert_eq!(html.select_attrs("input[name=events][checked]", "value"), ["complaint.created"]);
    // A supervisor is no merchant's staff.
    assert_eq!(app.supervisor().get(LIST).status, StatusCode::FORBIDDEN);
}

#[test]
fn a_stale_token_keeps_what_was_typed() {
    let app = local_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    staff.get(LIST);
    let mut form = fields("http://127.0.0.1:9/typed", &["complaint.breach"]);
    form.push(("csrf_token", "forged"));
    let res = staff.post(LIST, &form);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(input_value(&res.body, "url").as_deref(), Some("http://127.0.0.1:9/typed"));
    assert!(staff.get(LIST).html().select_first("[data-webhook]").is_none(), "nothing registered");
}
