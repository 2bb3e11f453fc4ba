//! `/supervisor/rules`: editing the risk rules changes how the next
//! complaint is scored, each change on the audit log; bad input is refused
//! with every message next to its field; merchants never reach it; the
//! high-risk queue reads its own index.

use redress::clock::Clock;
use redress::store::supervision::{self, QueueFilter};
use ureq::http::StatusCode;

use super::queue_rows;
use crate::helpers::*;

/// The id of the rule labelled `label` on the rules page.
fn rule_id(html: &str, label: &str) -> String {
    let page = parse(html);
    let row = page
        .select_all("tr[data-rule]")
        .into_iter()
        .find(|row| row.select_text("a").as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no rule {label}"));
    row.attr("data-rule").unwrap().to_owned()
}

/// Whether the complaint `reference` is flagged in the queue.
fn flagged(boss: &Client, reference: &str) -> bool {
    queue_rows(&boss.get("/supervisor").body).iter().any(|(r, high)| r == reference && *high)
}

fn audit_kinds(boss: &Client) -> Vec<String> {
    parse(&boss.get("/supervisor/audit").body).select_attrs("li[data-audit-kind]", "data-audit-kind")
}

#[test]
fn editing_adding_and_switching_off_rules_changes_the_next_complaints_score_on_the_audit_log() {
    let app = spawn_app();
    let m = MerchantBuilder::new("四川蜀香源食品有限公司").build(&app);
    let boss = app.supervisor();
    let list = boss.get("/supervisor/rules");
    assert_eq!(list.status, StatusCode::OK);
    for label in ["健康功效宣称", "诱导站外交易", "老年消费者", "假冒用语", "收集个人信息", "受监管商品", "大额争议"]
    {
        rule_id(&list.body, label);
    }
    let health = rule_id(&list.body, "健康功效宣称");
    let page = format!("/supervisor/rules/{health}");
    let form = boss.get(&page);
    assert_eq!(textarea_value(&form.body, "pattern").unwrap().lines().next(), Some("治愈"), "the rule as it stands");

    let wonder = "主播说这是神药，吃了能年轻十岁。";
    ComplaintBuilder::new(m).description(wonder).file(&app);
    assert!(!flagged(&boss, "TS20261120000001"), "not a word of the rules yet");

    let pattern = format!("{}\n神药", textarea_value(&form.body, "pattern").unwrap());
    let fields = [("label", "健康功效宣称"), ("pattern", pattern.as_str()), ("weight", "60"), ("active", "on")];
    let saved = boss.submit(&page, &page, &fields);
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    ComplaintBuilder::new(m).order_ref("DY2").description(wonder).file(&app);
    assert!(flagged(&boss, "TS20261120000002"), "scored with the edited rule");
    assert!(!flagged(&boss, "TS20261120000001"), "what was filed before keeps its score");

    // A new rule matches from the next complaint on, in any script.
    let added = boss.submit(
        "/supervisor/rules",
        "/supervisor/rules",
        &[("label", "伪造检测报告"), ("pattern", "检测报告造假\n假报告"), ("weight", "50")],
    );
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let list = boss.get("/supervisor/rules").body;
    let new = rule_id(&list, "伪造检测报告");
    assert_eq!(parse(&list).select_attr(&format!("tr[data-rule='{new}']"), "data-active").as_deref(), Some("true"));
    ComplaintBuilder::new(m).order_ref("DY3").description("直播间展示的檢測報告造假，根本查不到。").file(&app);
    assert!(flagged(&boss, "TS20261120000003"));

    // Switched off (the box unticked), it scores nothing.
    let fields = [("label", "伪造检测报告"), ("pattern", "检测报告造假"), ("weight", "50")];
    let off = boss.submit(&format!("/supervisor/rules/{new}"), &format!("/supervisor/rules/{new}"), &fields);
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    ComplaintBuilder::new(m).order_ref("DY4").description("直播间展示的检测报告造假，根本查不到。").file(&app);
    assert!(!flagged(&boss, "TS20261120000004"));

    let kinds = audit_kinds(&boss);
    assert_eq!(kinds.iter().filter(|k| *k == "risk_rule_changed").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "risk_rule_added").count(), 1, "{kinds:?}");
}

#[test]
fn bad_rule_input_is_refused_with_every_message_next_to_its_field_and_kept() {
    let app = spawn_app();
    let boss = app.supervisor();
    let long = "长".repeat(31);
    let typed = format!("好词\n{long}");
    let refused =
        boss.submit("/supervisor/rules", "/supervisor/rules", &[("label", ""), ("pattern", &typed), ("weight", "999")]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&refused.body, "label").as_deref(), Some("这一项必须填写。"));
    assert!(field_error(&refused.body, "pattern").unwrap().contains("30"), "{}", refused.body);
    assert_eq!(field_error(&refused.body, "weight").as_deref(), Some("请填 1 到 100 的整数。"));
    assert_eq!(textarea_value(&refused.body, "pattern").as_deref(), Some(typed.as_str()), "what was typed is kept");
    assert_eq!(input_value(&refused.body, "weight").as_deref(), Some("999"));

    let list = boss.get("/supervisor/rules").body;
    let amount = rule_id(&list, "大额争议");
    let page = format!("/supervisor/rules/{amount}");
    assert_eq!(input_value(&boss.get(&page).body, "amount").as_deref(), Some("1000.00"));
    let bad =
        boss.submit(&page, &page, &[("label", "大额争议"), ("amount", "很多"), ("weight", "0"), ("active", "on")]);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.body, "amount").is_some());
    assert!(field_error(&bad.body, "weight").is_some());
    assert_eq!(input_value(&bad.body, "amount").as_deref(), Some("很多"));
    assert_eq!(boss.get("/supervisor/rules/999").status, StatusCode::NOT_FOUND);
    let kinds = audit_kinds(&boss);
    assert!(!kinds.iter().any(|k| k.starts_with("risk_rule")), "nothing refused is on the log: {kinds:?}");
}

#[test]
fn merchants_cannot_reach_the_rules() {
    let app = spawn_app();
    let m = MerchantBuilder::new("四川蜀香源食品有限公司").build(&app);
    let staff = app.merchant_staff(m);
    assert_eq!(staff.get("/supervisor/rules").status, StatusCode::FORBIDDEN);
    assert_eq!(staff.get("/supervisor/rules/1").status, StatusCode::FORBIDDEN);
    let token = csrf(&staff.get("/merchant").body);
    let fields = [("label", "商家的规则"), ("pattern", "好评"), ("weight", "1"), ("csrf_token", token.as_str())];
    assert_eq!(staff.post("/supervisor/rules", &fields).status, StatusCode::FORBIDDEN);
    assert_eq!(staff.post("/supervisor/rules/1", &fields).status, StatusCode::FORBIDDEN);
    assert!(app.client().get("/supervisor/rules").location.unwrap().starts_with("/login"));
    let nav = parse(&app.supervisor().get("/supervisor").body).select_attrs("nav a", "href");
    assert!(nav.iter().any(|href| href == "/supervisor/rules"), "supervisors find it in the header: {nav:?}");
    let theirs = parse(&staff.get("/merchant").body).select_attrs("nav a", "href");
    assert!(!theirs.iter().any(|href| href == "/supervisor/rules"));
}

#[test]
fn the_high_risk_queue_reads_its_own_index() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // the plans checked are SQLite's
    }
    let app = spawn_app();
    let m = MerchantBuilder::new("四川蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).description(super::HEALTH).file(&app);
    let mut conn = app.pool.get().unwrap();
    let queries = crate::plans::captured(&mut conn, |conn| {
        assert_eq!(supervision::high_risk(conn, QueueFilter::default(), 100).unwrap().len(), 1);
        let by_category =
            QueueFilter { category: Some(redress::domain::category::Category::HealthClaims), ..Default::default() };
        supervision::high_risk(conn, by_category, 100).unwrap();
        redress::store::risk::version(conn).unwrap();
        ComplaintBuilder::new(m).order_ref("DY2").insert(conn, &app.config, app.clock.now());
    });
    let high: Vec<&String> = queries.iter().filter(|q| q.contains("risk_state = 'high'")).collect();
    assert_eq!(high.len(), 2, "{queries:#?}");
    for sql in high {
        let plan = crate::plans::plan(&mut conn, sql);
        assert!(plan.iter().any(|d| d.contains("complaints_high_risk")), "{sql}\n{plan:#?}");
        assert!(!plan.iter().any(|d| d.starts_with("SCAN complaints") && !d.contains("INDEX")), "{plan:#?}");
    }
    let version: Vec<&String> = queries.iter().filter(|q| q.contains("`risk_rules_version`")).collect();
    assert!(!version.is_empty());
    for sql in version {
        let plan = crate::plans::plan(&mut conn, sql);
        assert!(plan.iter().all(|d| d.starts_with("SEARCH")), "one row by its key: {plan:#?}");
    }
}
