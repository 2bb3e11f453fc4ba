//! Nested routes load the child through the parent in the URL: another
//! parent's child is not found (404), and nothing changes.

use ureq::http::StatusCode;

use crate::evidence::{PDF, file_with, links};
use crate::helpers::*;

/// Takes a deduction against `merchant` and returns the action's id as
/// the merchant's staff see it.
fn deduction(boss: &Client, staff: &Client, merchant: i64) -> String {
    let page = format!("/supervisor/merchants/{merchant}");
    let taken = boss.submit(
        &page,
        &format!("{page}/actions"),
        &[("kind", "deduction"), ("points", "10"), ("reason", "直播间引导私下交易。")],
    );
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    staff.get("/merchant/actions").html().select_attr("[data-action]", "data-action").unwrap()
}

fn points(app: &TestApp, merchant: i64) -> String {
    let card = app.client().get(&format!("/merchants/{merchant}")).html();
    card.select_text("[data-figure=credit_points]").unwrap()
}

#[test]
fn an_appeal_is_decided_only_under_its_own_merchant() {
    let app = spawn_app();
    let first = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let second = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(first);
    let action = deduction(&boss, &staff, first);
    staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal"), &[]);
    staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{action}/appeal/submit"),
        &[("statement", "主播个人行为，公司不知情，已辞退该主播。")],
    );
    let own = format!("/supervisor/merchants/{first}");
    let html = boss.get(&own).body;
    let decide = parse(&html).select_attr("form[action*='/appeals/']", "action").expect("an appeal to decide");
    let appeal = decide.rsplit('/').next().unwrap().to_owned();

    let other = format!("/supervisor/merchants/{second}");
    let fields = [("decision", "grant"), ("reason", "历史价格属实。")];
    let wrong = boss.submit(&other, &format!("{other}/appeals/{appeal}"), &fields);
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "merchant {second} has no appeal {appeal}");
    assert_eq!(points(&app, first), "90", "nothing was reversed");
    assert!(boss.get(&own).body.contains(&format!("/appeals/{appeal}\"")), "still waiting for a decision");

    let right = boss.submit(&own, &format!("{own}/appeals/{appeal}"), &fields);
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(points(&app, first), "100", "granted under its own merchant");
}

#[test]
fn an_action_is_lifted_only_under_its_own_merchant() {
    let app = spawn_app();
    let first = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let second = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(first);
    let page = format!("/supervisor/merchants/{first}");
    let taken = boss.submit(
        &page,
        &format!("{page}/actions"),
        &[("kind", "restrict_live"), ("points", ""), ("reason", "一个月内 3 次超时未回应。")],
    );
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    let html = boss.get(&page).body;
    let lift = parse(&html).select_attr("form[action$='/lift']", "action").expect("an action to lift");
    let action = lift.trim_end_matches("/lift").rsplit('/').next().unwrap().to_owned();

    let other = format!("/supervisor/merchants/{second}");
    let wrong = boss.submit(&other, &format!("{other}/actions/{action}/lift"), &[("reason", "整改完成。")]);
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(staff.get("/merchant").body.contains("data-banner"), "the restriction stands");
    let right = boss.submit(&page, &format!("{page}/actions/{action}/lift"), &[("reason", "整改完成。")]);
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert!(!staff.get("/merchant").body.contains("data-banner"));
}

#[test]
fn evidence_is_served_only_under_its_own_complaint() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let with_file = file_with(&app.browser, m, &[("订单.pdf", PDF)]).tracking_path();
    let html = app.get(&with_file).body;
    let own_ref = reference(&html);
    let id = links(&html, &format!("{with_file}/evidence/"))[0].rsplit('/').next().unwrap().to_owned();
    // A second complaint of the same merchant: staff and supervisors may
    // see both, but not one's file under the other's reference.
    let other = file_with(&app.client(), m, &[]).tracking_path();
    let other_ref = reference(&app.client().get(&other).body);
    assert_ne!(other_ref, own_ref);

    let staff = app.merchant_staff(m);
    let boss = app.supervisor();
    for (client, part) in [(&staff, "merchant"), (&boss, "supervisor")] {
        let own = format!("/{part}/complaints/{own_ref}/evidence/{id}");
        assert_eq!(client.get(&own).status, StatusCode::OK, "{own}");
        for tail in ["", "/thumb"] {
            let wrong = format!("/{part}/complaints/{other_ref}/evidence/{id}{tail}");
            assert_eq!(client.get(&wrong).status, StatusCode::NOT_FOUND, "{wrong}");
        }
    }
    assert_eq!(app.client().get(&format!("{other}/evidence/{id}")).status, StatusCode::NOT_FOUND);
}
