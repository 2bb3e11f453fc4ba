//! The supervisors' routes are typed: a malformed id, reference or command
//! is not found before any work is done, and a merchant's action or appeal
//! is found only under that merchant; a request refused so changes
//! nothing and leaves nothing on the audit log.

use ureq::http::StatusCode;

use crate::helpers::*;

/// How many entries of `kind` the audit log lists.
fn audited(boss: &Client, kind: &str) -> usize {
    boss.get_query("/supervisor/audit", &[("kind", kind)]).body.matches("data-audit-kind=\"").count()
}

#[test]
fn malformed_ids_references_and_commands_are_not_found() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    app.file_complaint(m, &[]);
    let boss = app.supervisor();
    let reference = "/supervisor/complaints/TS20261120000001";
    assert_eq!(boss.get(reference).status, StatusCode::OK);
    let pages = [
        "/supervisor/merchants/abc",
        "/supervisor/merchants/0",
        "/supervisor/merchants/-1",
        "/supervisor/merchants/+1",
        "/supervisor/merchants/99999999",
        "/supervisor/complaints/TS1",
        "/supervisor/complaints/ts20261120000001",
    ];
    for bad in pages {
        assert_eq!(boss.get(bad).status, StatusCode::NOT_FOUND, "{bad}");
    }
    let page = format!("/supervisor/merchants/{m}");
    let forms = [
        format!("{page}/actions/x/lift"),
        format!("{page}/actions/0/lift"),
        format!("{page}/appeals/1.0"),
        "/supervisor/merchants/x/staff".to_owned(),
        "/supervisor/merchants/01x/actions".to_owned(),
        "/supervisor/flags/x".to_owned(),
        "/supervisor/mail/-2/retry".to_owned(),
        format!("{reference}/reopen"),
        format!("{reference}/Claim"),
        "/supervisor/complaints/TS2026112000000x/claim".to_owned(),
    ];
    for bad in &forms {
        let fields = [("kind", "warning"), ("reason", "整改完成。"), ("email", "a@b.cn"), ("decision", "dismiss")];
        assert_eq!(boss.submit(&page, bad, &fields).status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert_eq!(boss.get(&page).status, StatusCode::OK, "the merchant's page is there all along");
}

#[test]
fn a_merchant_that_does_not_exist_has_nothing_written_under_it() {
    let app = spawn_app();
    let m = app.merchant("上海暖阳服饰有限公司");
    let boss = app.supervisor();
    let page = format!("/supervisor/merchants/{m}");
    let taken =
        boss.submit(&page, &format!("{page}/actions"), &[("kind", "restrict_live"), ("reason", "整改期间限制直播。")]);
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    let taken = redress::store::actions::for_merchant(&mut app.pool.get().unwrap(), m).unwrap();
    let action = taken[0].id;
    let (before_taken, before_lifted) = (audited(&boss, "action_taken"), audited(&boss, "action_lifted"));

    let nobody = "/supervisor/merchants/99999999";
    let fields = [("kind", "warning"), ("reason", "不存在的商家。")];
    assert_eq!(boss.submit(&page, &format!("{nobody}/actions"), &fields).status, StatusCode::NOT_FOUND);
    let lift = boss.submit(&page, &format!("{nobody}/actions/{action}/lift"), &[("reason", "整改完成。")]);
    assert_eq!(lift.status, StatusCode::NOT_FOUND, "action {action} is not under merchant 99999999");
    let staff = boss.submit(&page, &format!("{nobody}/staff"), &[("email", "nobody@example.cn")]);
    assert_eq!(staff.status, StatusCode::NOT_FOUND);
    let appeal = boss.submit(&page, &format!("{nobody}/appeals/1"), &[("decision", "grant"), ("reason", "成立。")]);
    assert_eq!(appeal.status, StatusCode::NOT_FOUND);

    assert_eq!(audited(&boss, "action_taken"), before_taken, "nothing audited");
    assert_eq!(audited(&boss, "action_lifted"), before_lifted);
    assert_eq!(audited(&boss, "staff_created"), 0);
    assert!(boss.get(&page).body.contains(&format!("/actions/{action}/lift\"")), "the restriction stands");
}
