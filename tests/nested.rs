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
    between(&staff.get("/merchant/actions").body, "data-action=\"", "\"").unwrap().to_owned()
}

fn points(app: &TestApp, merchant: i64) -> String {
    between(&app.client().get(&format!("/merchants/{merchant}")).body, "data-figure=\"credit_points\">", "<")
        .unwrap()
        .to_owned()
}

#[test]
fn an_appeal_is_decided_only_under_its_own_merchant() {
    let app = spawn_app();
    let first = app.merchant("上海暖阳服饰有限公司");
    let second = app.merchant("广州美颜堂化妆品有限公司");
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
    let appeal = html.split("\" class=\"form\">").next().unwrap().rsplit("/appeals/").next().unwrap().to_owned();

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
    let first = app.merchant("上海暖阳服饰有限公司");
    let second = app.merchant("广州美颜堂化妆品有限公司");
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
    let action = html.split("/lift\"").next().unwrap().rsplit("/actions/").next().unwrap().to_owned();

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
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let with_file = file_with(&app, &app.browser, m, &[("订单.pdf", PDF)]).location.unwrap();
    let html = app.get(&with_file).body;
    let reference = between(&html, "<h1 class=\"reference\">", "<").unwrap().to_owned();
    let id = links(&html, &format!("{with_file}/evidence/"))[0].rsplit('/').next().unwrap().to_owned();
    // A second complaint of the same merchant: staff and supervisors may
    // see both, but not one's file under the other's reference.
    let other = file_with(&app, &app.client(), m, &[]).location.unwrap();
    let other_ref = between(&app.client().get(&other).body, "<h1 class=\"reference\">", "<").unwrap().to_owned();
    assert_ne!(other_ref, reference);

    let staff = app.merchant_staff(m);
    let boss = app.supervisor();
    for (client, part) in [(&staff, "merchant"), (&boss, "supervisor")] {
        let own = format!("/{part}/complaints/{reference}/evidence/{id}");
        assert_eq!(client.get(&own).status, StatusCode::OK, "{own}");
        for tail in ["", "/thumb"] {
            let wrong = format!("/{part}/complaints/{other_ref}/evidence/{id}{tail}");
            assert_eq!(client.get(&wrong).status, StatusCode::NOT_FOUND, "{wrong}");
        }
    }
    assert_eq!(app.client().get(&format!("{other}/evidence/{id}")).status, StatusCode::NOT_FOUND);
}
