//! The staff audit log: what staff did, who, when and from where, read by
//! supervisors at /supervisor/audit, and never changed.

use diesel::RunQueryDsl;
use redress::clock::Clock;
use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::evidence::{PDF, file_with};
use crate::helpers::*;

/// The entries the audit page lists: (kind, actor, address, subject).
fn entries(html: &str) -> Vec<(String, String, String, String)> {
    parse(html)
        .select_all("li[data-audit-kind]")
        .into_iter()
        .map(|row| {
            let kind = row.attr("data-audit-kind").unwrap().to_owned();
            let actor = row.select_text("span[data-actor]").unwrap_or_default();
            let address = row.select_text("span[data-address]").unwrap_or_default();
            let subject = row.select_text("p[data-subject]").unwrap_or_default();
            (kind, actor, address, subject)
        })
        .collect()
}

#[test]
fn staff_actions_exports_and_evidence_opened_are_on_the_log_with_who_and_where() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = file_with(&app.browser, merchant, &[("订单.pdf", PDF)]);
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let html = app.get(&filed.tracking_path()).body;
    let reference = reference(&html);

    let boss_email = app.staff(Role::Supervisor, None);
    let boss = app.client();
    assert_eq!(boss.sign_in(&boss_email, PASSWORD).status, StatusCode::SEE_OTHER);
    let page = format!("/supervisor/merchants/{merchant}");
    let acted =
        boss.submit(&page, &format!("{page}/actions"), &[("kind", "warning"), ("points", ""), ("reason", "虚假宣传")]);
    assert_eq!(acted.status, StatusCode::SEE_OTHER, "{}", acted.body);
    let refused =
        boss.submit(&page, &format!("{page}/actions"), &[("kind", "warning"), ("points", ""), ("reason", "")]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "an action without its reason is refused");
    let made = boss.submit(&page, &format!("{page}/staff"), &[("email", "Kefu2@XingHe.example.cn")]);
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(boss.get("/supervisor/export.csv?state=submitted").status, StatusCode::OK);
    let evidence = format!("/supervisor/complaints/{reference}/evidence/1");
    assert_eq!(boss.get(&evidence).status, StatusCode::OK);
    assert_eq!(boss.get(&format!("{evidence}/thumb")).status, StatusCode::NOT_FOUND, "a PDF has no thumbnail");

    let staff_email = app.staff(Role::Merchant, Some(merchant));
    let staff = app.client();
    assert_eq!(staff.sign_in(&staff_email, PASSWORD).status, StatusCode::SEE_OTHER);
    assert_eq!(staff.get(&format!("/merchant/complaints/{reference}/evidence/1")).status, StatusCode::OK);

    let log = boss.get("/supervisor/audit");
    assert_eq!(log.status, StatusCode::OK);
    let all = entries(&log.body);
    let find = |kind: &str, actor: &str| all.iter().find(|e| e.0 == kind && e.1 == actor).cloned();
    let action = find("action_taken", &boss_email).expect("the action is on the log");
    assert_eq!(
        (action.2.as_str(), action.3.as_str()),
        ("127.0.0.1", format!("merchant {merchant}, action 1").as_str())
    );
    assert!(log.body.contains("warning: 虚假宣传"), "what was done, with its reason");
    assert_eq!(all.iter().filter(|e| e.0 == "action_taken").count(), 1, "what was refused is not on the log");
    let created = find("staff_created", &boss_email).expect("the staff account made");
    assert_eq!(created.3, format!("merchant {merchant}"));
    assert!(log.body.contains("merchant kefu2@xinghe.example.cn"));
    assert!(find("export", &boss_email).is_some());
    assert!(log.body.contains("state=submitted"), "what was exported");
    let opened = find("evidence_opened", &staff_email).expect("the merchant's look at the file");
    assert_eq!(opened.3, format!("complaint {reference}"));
    assert!(find("evidence_opened", &boss_email).is_some());
    assert_eq!(all.iter().filter(|e| e.0 == "evidence_opened").count(), 2, "thumbnails are not a look at evidence");
    assert!(log.body.contains("采取处置") && log.body.contains("员工操作日志"), "in the reader's language");

    // Filters: by kind, by person, by day.
    let exports = entries(&boss.get_query("/supervisor/audit", &[("kind", "export")]).body);
    assert!(!exports.is_empty() && exports.iter().all(|e| e.0 == "export"), "{exports:?}");
    let theirs = entries(&boss.get_query("/supervisor/audit", &[("person", &staff_email.to_uppercase())]).body);
    assert!(!theirs.is_empty() && theirs.iter().all(|e| e.1 == staff_email), "{theirs:?}");
    let today = app.clock.now().with_timezone(&app.config.tz).format("%Y-%m-%d").to_string();
    let tomorrow = (app.clock.now() + chrono::Duration::days(1)).with_timezone(&app.config.tz).format("%Y-%m-%d");
    let on_day = entries(&boss.get_query("/supervisor/audit", &[("from", &today), ("until", &today)]).body);
    assert_eq!(on_day.len(), all.len(), "everything happened today");
    let later = boss.get_query("/supervisor/audit", &[("from", &tomorrow.to_string())]);
    assert!(entries(&later.body).is_empty());

    let bad = boss.get_query("/supervisor/audit?lang=en", &[("from", "20/11/2026"), ("person", "someone@x.cn")]);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Give a day as YYYY-MM-DD"), "{}", bad.body);
    assert!(bad.body.contains("value=\"20/11/2026\"") && bad.body.contains("value=\"someone@x.cn\""), "kept");
}

#[test]
fn the_log_is_for_supervisors_only_and_cannot_be_changed() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let staff = app.merchant_staff(merchant);
    assert_eq!(staff.get("/supervisor/audit").status, StatusCode::FORBIDDEN);
    let anonymous = app.client().get("/supervisor/audit");
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.unwrap().starts_with("/login"));

    let boss = app.client();
    assert_eq!(boss.sign_in(&app.staff(Role::Supervisor, None), PASSWORD).status, StatusCode::SEE_OTHER);
    let page = format!("/supervisor/merchants/{merchant}");
    boss.submit(&page, &format!("{page}/actions"), &[("kind", "warning"), ("points", ""), ("reason", "虚假宣传")]);
    let mut conn = app.pool.get().unwrap();
    for change in ["UPDATE staff_audit SET detail = 'nothing happened'", "DELETE FROM staff_audit"] {
        let refused = diesel::sql_query(change).execute(&mut conn);
        assert!(refused.is_err(), "{change} must be refused");
    }
    assert!(boss.get("/supervisor/audit").body.contains("虚假宣传"), "the entry is still there");
}
