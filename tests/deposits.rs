//! The deposit (保证金) ledger through the real server: a supervisor's
//! top-ups and adjustments on the merchant's page (an adjustment needs its
//! reason), advance compensation paid from it (below zero, the difference
//! owed, a top-up due in 7 days, the merchant told), the merchant's own
//! page, the public scorecard's sufficient-or-not, and the requirement
//! table supervisors edit. The sweep's restriction and concurrency are in
//! `deposit_restrictions.rs`.

use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::staff::Role;
use redress::store::schema::{outbox, staff_audit};
use ureq::http::StatusCode;

use crate::helpers::*;

/// A merchant selling `categories`, with a complaint against it; (merchant,
/// complaint id, complaint reference).
pub fn shop_with_complaint(app: &TestApp, categories: &[&str]) -> (i64, i64, String) {
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").categories(categories).build(app);
    let (id, reference) = complaint_of(app, m);
    (m, id, reference)
}

/// A new complaint against `merchant`: (id, reference).
pub fn complaint_of(app: &TestApp, merchant: i64) -> (i64, String) {
    let filed = ComplaintBuilder::new(merchant).file(app);
    let conn = &mut app.pool.get().unwrap();
    let (c, _) = redress::store::complaints::find_by_token(conn, filed.token()).unwrap().unwrap();
    (c.id, c.reference)
}

/// A supervisor's id, for the service calls a ruling would make.
pub fn supervisor_id(app: &TestApp) -> i64 {
    let email = app.staff(Role::Supervisor, None);
    let conn = &mut app.pool.get().unwrap();
    redress::store::users::find_by_email(conn, &email).unwrap().unwrap().id
}

/// Pays `fen` to the consumer of `complaint` from `merchant`'s deposit, in
/// a write transaction, as a ruling would.
pub fn compensate(app: &TestApp, merchant: i64, complaint: i64, fen: i64, by: i64) -> diesel::QueryResult<i64> {
    let conn = &mut app.pool.get().unwrap();
    let now = app.clock.now();
    conn.write(|c| redress::service::deposits::compensate(c, &app.config, merchant, complaint, fen, by, now))
}

/// Records an entry through the merchant's page.
pub fn record(boss: &Client, merchant: i64, fields: &[(&str, &str)]) -> Page {
    let page = format!("/supervisor/merchants/{merchant}");
    boss.submit(&page, &format!("{page}/deposit"), fields)
}

/// The balance a page shows, in fen.
pub fn balance_on(page: &Page) -> i64 {
    page.html().select_attr("[data-deposit-balance]", "data-deposit-balance").expect("a balance").parse().unwrap()
}

/// Whether the public scorecard says the deposit is `sufficient` or `short`.
pub fn public_deposit(app: &TestApp, merchant: i64) -> String {
    app.client().get(&format!("/merchants/{merchant}")).html().select_attr("[data-deposit]", "data-deposit").unwrap()
}

fn audited(app: &TestApp, kind: &str) -> Vec<(String, String)> {
    let conn = &mut app.pool.get().unwrap();
    staff_audit::table
        .filter(staff_audit::kind.eq(kind))
        .select((staff_audit::subject, staff_audit::detail))
        .load(conn)
        .unwrap()
}

#[test]
fn a_top_up_is_on_the_ledger_and_makes_the_deposit_sufficient() {
    let app = spawn_app();
    let (m, _, _) = shop_with_complaint(&app, &["general"]);
    let boss = app.supervisor();
    let page = boss.get(&format!("/supervisor/merchants/{m}"));
    assert_eq!(balance_on(&page), 0);
    assert!(page.html().select_text("[data-deposit-required]").unwrap().contains("2000.00"), "general: 2,000 yuan");
    assert_eq!(public_deposit(&app, m), "short");

    let done = record(&boss, m, &[("kind", "top_up"), ("amount", "1,500"), ("note", "银行转账 DEP001")]);
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = boss.get(done.location.as_deref().unwrap());
    assert_eq!(balance_on(&page), 150_000);
    let html = page.html();
    assert_eq!(html.select_attr("[data-deposit]", "data-deposit").as_deref(), Some("short"));
    assert!(html.select_text("[data-deposit-short]").unwrap().contains("500.00"), "500 yuan still to top up");
    let entry = html.select_first("tr[data-deposit-entry=top_up]").expect("the entry");
    assert_eq!(entry.attr("data-amount"), Some("150000"));
    let row: String = entry.text().collect();
    assert!(row.contains("银行转账 DEP001") && row.contains("@supervisor.example.cn"), "why and who: {row}");
    assert_eq!(public_deposit(&app, m), "short");

    assert_eq!(record(&boss, m, &[("kind", "top_up"), ("amount", "500"), ("note", "")]).status, StatusCode::SEE_OTHER);
    assert_eq!(balance_on(&boss.get(&format!("/supervisor/merchants/{m}"))), 200_000);
    assert_eq!(public_deposit(&app, m), "sufficient");
    let card = app.client().get(&format!("/merchants/{m}")).body;
    assert!(!card.contains("2000.00") && !card.contains("data-deposit-balance"), "the public sees no amount");

    let shop = app.merchant_staff(m);
    let own = shop.get("/merchant/deposit");
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(balance_on(&own), 200_000);
    assert_eq!(own.html().select_all("tr[data-deposit-entry]").len(), 2);
    assert!(own.body.contains("平台") && !own.body.contains("@supervisor.example.cn"), "the platform recorded it");
    assert!(shop.get("/merchant").html().select_first("a[href=\"/merchant/deposit\"]").is_some(), "in the nav");

    let log = audited(&app, "deposit_recorded");
    assert_eq!(log.len(), 2);
    assert!(log[0].0.starts_with(&format!("merchant {m}, deposit entry ")), "{log:?}");
    assert_eq!(log[0].1, "top_up 1,500: 银行转账 DEP001");
}

#[test]
fn an_adjustment_needs_its_reason_and_bad_amounts_are_refused_in_both_languages() {
    let app = spawn_app();
    let (m, _, _) = shop_with_complaint(&app, &["general"]);
    let boss = app.supervisor();
    let refused = record(&boss, m, &[("kind", "adjustment"), ("amount", "-50"), ("note", "  ")]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(field_error(&refused.body, "deposit-note").as_deref(), Some("调整必须写明原因。"));
    assert_eq!(input_value_by_id(&refused.body, "deposit-amount").as_deref(), Some("-50"), "what was typed is kept");
    assert!(refused.html().select_first("input[name=kind][value=adjustment][checked]").is_some());

    for (kind, amount, field, zh) in [
        ("top_up", "-5", "deposit-amount", "缴纳金额必须大于 0。"),
        ("top_up", "五百", "deposit-amount", "请输入金额"),
        ("adjustment", "0", "deposit-amount", "调整金额不能为 0。"),
        ("adjustment", "99999999", "deposit-amount", "1,000,000"),
        ("compensation", "5", "deposit-kind", "请选择缴纳或调整。"),
    ] {
        let refused = record(&boss, m, &[("kind", kind), ("amount", amount), ("note", "原因")]);
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind} {amount}");
        let message = field_error(&refused.body, field).unwrap_or_default();
        assert!(message.contains(zh), "{kind} {amount}: {message}");
    }
    assert_eq!(boss.get("/?lang=en").status, StatusCode::OK);
    let refused = record(&boss, m, &[("kind", "adjustment"), ("amount", "-50"), ("note", "")]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&refused.body, "deposit-note").as_deref(), Some("An adjustment needs its reason."));
    assert!(audited(&app, "deposit_recorded").is_empty(), "nothing refused is on the log");
    assert_eq!(balance_on(&boss.get(&format!("/supervisor/merchants/{m}"))), 0);

    let done = record(&boss, m, &[("kind", "adjustment"), ("amount", "-50.5"), ("note", "银行退回手续费")]);
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = boss.get(&format!("/supervisor/merchants/{m}"));
    assert_eq!(balance_on(&page), -5050);
    let row = page.html().select_text("tr[data-deposit-entry=adjustment]").unwrap();
    assert!(row.contains("-¥50.50") && row.contains("银行退回手续费"), "{row}");
}

#[test]
fn compensation_beyond_the_deposit_is_owed_and_the_merchant_told_to_top_up() {
    let app = spawn_app();
    let (m, complaint, reference) = shop_with_complaint(&app, &["general"]);
    let boss = app.supervisor();
    assert_eq!(record(&boss, m, &[("kind", "top_up"), ("amount", "500"), ("note", "")]).status, StatusCode::SEE_OTHER);
    let by = supervisor_id(&app);
    compensate(&app, m, complaint, 80_000, by).expect("paid");

    let page = boss.get(&format!("/supervisor/merchants/{m}"));
    assert_eq!(balance_on(&page), -30_000, "500 paid in, 800 paid out");
    let html = page.html();
    assert!(html.select_text("[data-deposit-owed]").unwrap().contains("300.00"), "300 yuan owed");
    assert!(html.select_text("[data-deposit-short]").unwrap().contains("2300.00"), "to meet 2,000 again");
    let paid = html.select_first("tr[data-deposit-entry=compensation]").expect("the compensation");
    assert_eq!(paid.attr("data-amount"), Some("-80000"));
    let link = paid.select_attr("a[data-deposit-complaint]", "href").unwrap();
    assert_eq!(link, format!("/supervisor/complaints/{reference}"));

    let shop = app.merchant_staff(m);
    let own = shop.get("/merchant/deposit").html();
    assert!(own.select_first("[data-deposit-warning]").is_some(), "told it is below");
    assert!(own.select_text("[data-deposit-owed]").unwrap().contains("300.00"));
    let due = own.select_attr("time[data-deposit-due]", "datetime").unwrap();
    assert_eq!(due, "2026-11-27T02:00:00Z", "7 days after the payment");
    assert_eq!(own.select_attr("a[data-deposit-complaint]", "href"), Some(format!("/merchant/complaints/{reference}")));

    let conn = &mut app.pool.get().unwrap();
    let mails: Vec<(String, String)> = outbox::table
        .filter(outbox::kind.eq("merchant_deposit"))
        .select((outbox::subject, outbox::body_text))
        .load(conn)
        .unwrap();
    assert_eq!(mails.len(), 1);
    let (subject, body) = &mails[0];
    assert!(subject.contains(&reference) && subject.contains("800.00"), "{subject}");
    assert!(body.contains("300.00") && body.contains("2300.00") && body.contains("2026年11月27日"), "{body}");

    // The same complaint is never paid twice.
    let again = compensate(&app, m, complaint, 80_000, by);
    assert!(
        matches!(
            again,
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
        ),
        "{again:?}"
    );
    assert_eq!(redress::service::deposits::balance(conn, m).unwrap(), -30_000);
    let standing = redress::service::deposits::standing(conn, m).unwrap();
    assert_eq!((standing.owed, standing.sufficient, standing.required), (30_000, false, 200_000));
}

#[test]
fn a_merchant_sees_only_its_own_ledger_and_an_unknown_merchant_is_not_found() {
    let app = spawn_app();
    let (m, complaint, _) = shop_with_complaint(&app, &["general"]);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").categories(&["beauty"]).build(&app);
    compensate(&app, m, complaint, 10_000, supervisor_id(&app)).unwrap();
    let theirs = app.merchant_staff(other).get("/merchant/deposit");
    assert_eq!(balance_on(&theirs), 0);
    assert!(theirs.html().select_all("tr[data-deposit-entry]").is_empty());
    assert!(theirs.html().select_text("[data-deposit-required]").unwrap().contains("10000.00"), "beauty: 10,000");
    assert_eq!(app.client().get("/merchant/deposit").status, StatusCode::SEE_OTHER, "signed out: to the sign-in");
    assert_eq!(app.supervisor().get("/merchant/deposit").status, StatusCode::FORBIDDEN);

    let boss = app.supervisor();
    let token = csrf(&boss.get(&format!("/supervisor/merchants/{m}")).body);
    let fields = [("csrf_token", token.as_str()), ("kind", "top_up"), ("amount", "5"), ("note", "")];
    assert_eq!(boss.post("/supervisor/merchants/999999/deposit", &fields).status, StatusCode::NOT_FOUND);
    assert_eq!(boss.post("/supervisor/merchants/abc/deposit", &fields).status, StatusCode::NOT_FOUND);
    let shop = app.merchant_staff(m);
    assert_eq!(shop.post(&format!("/supervisor/merchants/{m}/deposit"), &fields).status, StatusCode::FORBIDDEN);
    assert!(compensate(&app, other, complaint, 100, supervisor_id(&app)).is_err(), "another merchant's complaint");
}

#[test]
fn supervisors_edit_the_requirements_on_the_audit_log() {
    let app = spawn_app();
    let (food, _, _) = shop_with_complaint(&app, &["general", "food"]);
    let boss = app.supervisor();
    let list = boss.get("/supervisor/deposits");
    assert_eq!(list.status, StatusCode::OK);
    let required = |html: &scraper::Html, key: &str| {
        html.select_attr(&format!("tr[data-requirement={key}]"), "data-required").unwrap().parse::<i64>().unwrap()
    };
    let html = list.html();
    assert_eq!(required(&html, "food"), 1_000_000, "documented default: 10,000 yuan");
    assert_eq!(required(&html, "drugs"), 5_000_000);
    assert_eq!(required(&html, "none"), 200_000);
    let page = format!("/supervisor/merchants/{food}");
    assert!(boss.get(&page).html().select_text("[data-deposit-required]").unwrap().contains("10000.00"), "the largest");

    let done =
        boss.submit("/supervisor/deposits", "/supervisor/deposits", &[("category", "food"), ("amount", "20,000")]);
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let html = boss.get(done.location.as_deref().unwrap()).html();
    assert_eq!(required(&html, "food"), 2_000_000);
    assert!(html.select_text("tr[data-requirement=food]").unwrap().contains("@supervisor.example.cn"), "who");
    assert!(boss.get(&page).html().select_text("[data-deposit-required]").unwrap().contains("20000.00"));
    let log = audited(&app, "deposit_requirement_changed");
    assert_eq!(log, vec![("deposit requirement food (was 10000.00)".to_owned(), "food: 20,000".to_owned())]);

    let refused =
        boss.submit("/supervisor/deposits", "/supervisor/deposits", &[("category", "food"), ("amount", "两万")]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.body, "req-food").unwrap().contains("请输入金额"), "next to its row");
    assert_eq!(input_value_by_id(&refused.body, "req-food").as_deref(), Some("两万"), "kept");
    assert_eq!(boss.get("/?lang=en").status, StatusCode::OK);
    let refused =
        boss.submit("/supervisor/deposits", "/supervisor/deposits", &[("category", "food"), ("amount", "-1")]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&refused.body, "req-food").unwrap().contains("Enter an amount"));
    let unknown =
        boss.submit("/supervisor/deposits", "/supervisor/deposits", &[("category", "yachts"), ("amount", "1")]);
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audited(&app, "deposit_requirement_changed").len(), 1, "what was refused is not on the log");
    assert_eq!(app.merchant_staff(food).get("/supervisor/deposits").status, StatusCode::FORBIDDEN);
}

#[test]
fn the_demo_merchants_have_paid_their_deposits_but_one_and_one_paid_a_consumer_from_it() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    redress::service::demo::seed(&mut conn, &app.config, app.clock.now()).unwrap();
    let ids: Vec<i64> = redress::store::schema::merchants::table
        .select(redress::store::schema::merchants::id)
        .order(redress::store::schema::merchants::id)
        .load(&mut conn)
        .unwrap();
    let states: Vec<String> = ids.iter().map(|m| public_deposit(&app, *m)).collect();
    // 深圳极光 (the third) paid 孙磊 300 yuan first from its deposit.
    assert_eq!(states, ["sufficient", "sufficient", "short", "sufficient", "short"]);
    let standing = redress::service::deposits::standing(&mut conn, ids[2]).unwrap();
    assert_eq!(standing.required - standing.balance, 30_000, "short by the compensation");
}
