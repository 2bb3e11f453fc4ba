//! Advance compensation (先行赔付) through the real server: a ruling that
//! upholds a complaint pays the consumer first from the merchant's deposit
//! — the whole award, the balance going below zero when it is short — and
//! tells the consumer the amount; rulings at once on one deposit each write
//! their entry once (on SQLite and PostgreSQL alike), and one complaint is
//! never paid twice; a collective case pays each of its consumers once.

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use redress::store::schema::{deposit_entries, outbox};
use ureq::http::StatusCode;

use crate::helpers::*;

fn supervisor_page(reference: &str) -> String {
    format!("/supervisor/complaints/{reference}")
}

/// A complaint about `merchant` left unanswered past its 48 hours and
/// swept: escalated. Its tracking path and reference.
fn escalated(app: &TestApp, merchant: i64, boss: &Client, phone: &str) -> (Filed, String) {
    let filed = ComplaintBuilder::new(merchant).phone(phone).resolution("refund").amount("199").overdue().file(app);
    app.sweep();
    let reference = filed.reference(boss);
    (filed, reference)
}

fn top_up(boss: &Client, merchant: i64, yuan: &str) {
    let page = format!("/supervisor/merchants/{merchant}");
    let res = boss.submit(
        &page,
        &format!("{page}/deposit"),
        &[("kind", "top_up"), ("amount", yuan), ("note", "保证金缴纳（银行回单）")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

fn balance(boss: &Client, merchant: i64) -> i64 {
    let page = boss.get(&format!("/supervisor/merchants/{merchant}")).html();
    page.select_attr("[data-deposit-balance]", "data-deposit-balance").expect("the balance").parse().unwrap()
}

/// The compensation entries: (complaint, fen), in order.
fn paid(app: &TestApp) -> Vec<(Option<i64>, i64)> {
    let conn = &mut app.pool.get().unwrap();
    deposit_entries::table
        .filter(deposit_entries::kind.eq("compensation"))
        .order(deposit_entries::id)
        .select((deposit_entries::complaint_id, deposit_entries::amount_fen))
        .load(conn)
        .unwrap()
}

fn ruling_texts(app: &TestApp) -> Vec<String> {
    let conn = &mut app.pool.get().unwrap();
    outbox::table.filter(outbox::kind.eq("consumer_ruling")).select(outbox::body_text).load(conn).unwrap()
}

#[test]
fn an_upheld_ruling_pays_the_whole_award_first_from_the_deposit_and_tells_the_consumer_the_amount() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let boss = app.supervisor();
    top_up(&boss, merchant, "100");
    assert_eq!(balance(&boss, merchant), 10_000);
    let (filed, reference) = escalated(&app, merchant, &boss, "13800138000");
    let page = supervisor_page(&reference);
    let res = boss.submit(
        &page,
        &format!("{page}/rule"),
        &[("outcome", "upheld"), ("body", "支持退款，平台先行赔付。"), ("compensation", "150")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // The whole 150 paid though the deposit held 100: 50 owed.
    assert_eq!(balance(&boss, merchant), -5_000);
    assert_eq!(paid(&app).iter().map(|(_, fen)| *fen).collect::<Vec<_>>(), [-15_000]);
    let tracking = app.get(filed.path()).body;
    assert!(tracking.contains("¥150.00") && tracking.contains("先行赔付"), "{tracking}");
    let told = ruling_texts(&app);
    assert!(!told.is_empty() && told.iter().all(|t| t.contains("¥150.00")), "{told:?}");
    // The merchant sees its ledger and the money owed.
    let mine = app.merchant_staff(merchant).get("/merchant/deposit");
    assert_eq!(mine.html().select_attr("[data-deposit-balance]", "data-deposit-balance").as_deref(), Some("-5000"));
    assert!(mine.body.contains(&reference), "the entry names the complaint");
}

#[test]
fn rulings_at_once_on_one_deposit_each_pay_once_and_one_complaint_is_never_paid_twice() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let bosses: Vec<Client> = (0..2).map(|_| app.supervisor()).collect();
    top_up(&bosses[0], merchant, "1000");
    let (_, first) = escalated(&app, merchant, &bosses[0], "13800138001");
    let (_, second) = escalated(&app, merchant, &bosses[0], "13800138002");
    let (_, third) = escalated(&app, merchant, &bosses[0], "13800138003");

    // Two complaints of one merchant, ruled at the same moment.
    let post_at_once = |plan: [(&str, &str); 2]| -> Vec<StatusCode> {
        let tokens: Vec<(String, String)> = plan
            .iter()
            .zip(&bosses)
            .map(|((reference, _), boss)| {
                let page = supervisor_page(reference);
                (csrf(&boss.get(&page).body), format!("{page}/rule"))
            })
            .collect();
        let barrier = Arc::new(Barrier::new(2));
        std::thread::scope(|scope| {
            let handles: Vec<_> = bosses
                .iter()
                .zip(&tokens)
                .zip(plan)
                .map(|((boss, (token, action)), (_, yuan))| {
                    let barrier = barrier.clone();
                    scope.spawn(move || {
                        let fields = [
                            ("csrf_token", token.as_str()),
                            ("outcome", "upheld"),
                            ("body", "支持，平台先行赔付。"),
                            ("compensation", yuan),
                        ];
                        barrier.wait();
                        boss.post(action, &fields).status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let statuses = post_at_once([(first.as_str(), "300"), (second.as_str(), "400")]);
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::SEE_OTHER]);
    let mut fen: Vec<i64> = paid(&app).iter().map(|(_, f)| *f).collect();
    fen.sort();
    assert_eq!(fen, [-40_000, -30_000], "each ruling's entry, once");
    assert_eq!(balance(&bosses[0], merchant), 100_000 - 70_000, "the balance is the sum of both");

    // One complaint ruled by two supervisors at once: paid once.
    let statuses = post_at_once([(third.as_str(), "500"), (third.as_str(), "500")]);
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted[0], StatusCode::SEE_OTHER, "{statuses:?}");
    assert_ne!(sorted[1], StatusCode::SEE_OTHER, "{statuses:?}");
    assert_ne!(sorted[1], StatusCode::INTERNAL_SERVER_ERROR, "{statuses:?}");
    assert_eq!(paid(&app).len(), 3, "the third complaint paid once");
    assert_eq!(balance(&bosses[0], merchant), 100_000 - 120_000);
}

#[test]
fn a_collective_ruling_pays_each_consumer_of_the_case_once() {
    use redress::store::schema::{incidents, reliefs};
    let app = spawn_app();
    let s = crate::incidents::shop(&app, "成都蜀香源食品有限公司");
    let filed: Vec<Filed> = (0..5)
        .map(|i| s.about_product().phone(&format!("1360002000{i}")).without("consumer_email").file(&app))
        .collect();
    let boss = app.supervisor();
    top_up(&boss, s.merchant, "50");
    let id: i64 = incidents::table.select(incidents::id).first(&mut app.pool.get().unwrap()).unwrap();
    let page = format!("/supervisor/incidents/{id}");
    assert_eq!(boss.submit(&page, &page, &[("act", "collective")]).status, StatusCode::SEE_OTHER);
    // Compensation on a case not upheld is refused, the form kept.
    let body = "经核查，该批腊肠无生产日期，支持退款，平台先行赔付每位消费者 20 元。";
    let res = boss.submit(&page, &page, &[("outcome", "not_upheld"), ("body", body), ("compensation", "20")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "compensation").is_some_and(|e| e.contains("支持或部分支持")), "{}", res.body);
    assert_eq!(input_value(&res.body, "compensation").as_deref(), Some("20"));
    assert!(paid(&app).is_empty());

    let res = boss.submit(&page, &page, &[("outcome", "upheld"), ("body", body), ("compensation", "20")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let entries = paid(&app);
    assert_eq!(entries.len(), 5, "each consumer paid once: {entries:?}");
    assert!(entries.iter().all(|(complaint, fen)| complaint.is_some() && *fen == -2_000));
    assert_eq!(balance(&boss, s.merchant), 5_000 - 10_000, "the whole award paid, 50 owed");
    let conn = &mut app.pool.get().unwrap();
    let reliefs: Vec<(String, Option<i64>, String)> =
        reliefs::table.select((reliefs::kind, reliefs::compensation_fen, reliefs::source)).load(conn).unwrap();
    assert_eq!(reliefs.len(), 5);
    assert!(reliefs.iter().all(|r| *r == ("monetary".into(), Some(2_000), "case".into())), "{reliefs:?}");
    let tracking = app.get(filed[0].path()).body;
    assert!(tracking.contains("¥20.00"), "each consumer sees the amount");
}
