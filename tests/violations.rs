//! The violation schedule (违规处理分览表): actions under it take their
//! points and measure from it (lighter only, with a reason), points of 12
//! months reach thresholds once, restrictions of N days end by
//! themselves, granted appeals give the points back, and supervisors'
//! edits are validated and audited.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;

/// An action under the schedule through the supervisor's form.
fn act(boss: &Client, merchant: i64, fields: &[(&str, &str)]) -> Page {
    let page = format!("/supervisor/merchants/{merchant}");
    boss.submit(&page, &format!("{page}/actions"), fields)
}

/// `violation` at `level` as the schedule has it, with `reason`.
fn scheduled(boss: &Client, merchant: i64, violation: &str, level: &str) -> Page {
    let done =
        act(boss, merchant, &[("violation", violation), ("level", level), ("reason", "直播间违规，见巡查记录。")]);
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    done
}

fn figure(html: &str, name: &str) -> String {
    parse(html).select_text(&format!("[data-figure=\"{name}\"]")).unwrap()
}

/// The merchant's actions page: each action's id and text, newest first.
fn actions(staff: &Client) -> Vec<(String, String)> {
    let html = staff.get("/merchant/actions").html();
    html.select_all("li[data-action]")
        .into_iter()
        .map(|li| (li.attr("data-action").unwrap().to_owned(), li.text().collect::<String>()))
        .collect()
}

/// The actions a threshold brought.
fn automatic(staff: &Client) -> Vec<String> {
    actions(staff).into_iter().filter(|(_, text)| text.contains("分的门槛")).map(|(_, text)| text).collect()
}

#[test]
fn the_schedule_decides_points_and_measure_and_a_supervisor_goes_only_lighter_with_a_reason() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳优品汇电子商务有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);

    // Price fraud, serious: 6 points and live selling restricted for 3 days.
    scheduled(&boss, m, "price_fraud", "serious");
    let page = staff.get("/merchant/actions").body;
    let html = parse(&page);
    assert_eq!(html.select_attr("[data-violation]", "data-violation").as_deref(), Some("price_fraud"));
    assert!(html.select_text("[data-violation]").unwrap().contains("价格欺诈 · 严重"));
    assert!(html.select_text(".timeline__title").unwrap().contains("限制直播"));
    assert!(html.select_text(".timeline__detail").unwrap().contains("扣 6 分"));
    assert!(html.select_text("[data-days]").unwrap().contains("3 天"));
    assert_eq!(figure(&page, "window_points"), "6");
    assert_eq!(figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"), "94");

    // Heavier than the schedule, in points or in measure: refused.
    let base = [("violation", "price_fraud"), ("level", "serious"), ("reason", "虚构原价 3999 元。")];
    let heavier = act(&boss, m, &[&base[..], &[("points", "7")]].concat());
    assert_eq!(heavier.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&heavier.body, "v-points").unwrap().contains("不能重于分览表"));
    assert_eq!(input_value_by_id(&heavier.body, "v-points").as_deref(), Some("7"), "what was typed is kept");
    assert!(heavier.body.contains("<option value=\"price_fraud\" selected>"));
    let suspend = act(&boss, m, &[&base[..], &[("measure", "suspend")]].concat());
    assert_eq!(suspend.status, StatusCode::UNPROCESSABLE_ENTITY);
    let longer = act(&boss, m, &[&base[..], &[("days", "4")]].concat());
    assert_eq!(longer.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Lighter needs its reason.
    let lighter = [&base[..], &[("points", "3"), ("measure", "warning")]].concat();
    let bare = act(&boss, m, &lighter);
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bare.body, "mitigation").unwrap().contains("从轻处理须写明理由"));
    let unknown = act(&boss, m, &[("violation", "spam"), ("level", "serious"), ("reason", "刷单。")]);
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&unknown.body, "violation").is_some());
    assert_eq!(actions(&staff).len(), 1, "nothing refused was taken");

    let reasoned = act(&boss, m, &[&lighter[..], &[("mitigation", "首次违规，已主动退还差价。")]].concat());
    assert_eq!(reasoned.status, StatusCode::SEE_OTHER, "{}", reasoned.body);
    let page = staff.get("/merchant/actions").body;
    let html = parse(&page);
    assert!(html.select_text("[data-mitigation]").unwrap().contains("首次违规"));
    assert_eq!(figure(&page, "window_points"), "9");

    // In English too.
    boss.get("/supervisor/violations?lang=en");
    let english = act(&boss, m, &lighter);
    assert!(field_error(&english.body, "mitigation").unwrap().contains("Going lighter needs a reason"));
    let page = staff.get("/merchant/actions?lang=en").body;
    assert!(parse(&page).select_text("[data-violation]").unwrap().contains("Price fraud · Serious"));
}

#[test]
fn points_of_12_months_reach_a_threshold_once_and_expire() {
    let app = spawn_app();
    let m = MerchantBuilder::new("义乌好物直供商贸有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);

    for _ in 0..3 {
        scheduled(&boss, m, "price_fraud", "general"); // 3 points each
    }
    assert!(automatic(&staff).is_empty(), "9 points reach no threshold");
    scheduled(&boss, m, "refusing_after_sales", "particularly_serious"); // 6: 15 points
    let auto = automatic(&staff);
    assert_eq!(auto.len(), 1, "12 points reached: restricted for 7 days");
    assert!(auto[0].contains("累计扣分 15 分，达到 12 分的门槛") && auto[0].contains("7 天"), "{}", auto[0]);
    // The form sent again: more points, not a second restriction.
    scheduled(&boss, m, "refusing_after_sales", "particularly_serious"); // 21
    assert_eq!(automatic(&staff).len(), 1);
    assert_eq!(figure(&staff.get("/merchant/actions").body, "window_points"), "21");

    // Two supervisors at once bring another merchant over 12: one measure.
    let other = MerchantBuilder::new("温州鞋都精品鞋业有限公司").build(&app);
    let other_staff = app.merchant_staff(other);
    for _ in 0..3 {
        scheduled(&boss, other, "price_fraud", "general");
    }
    let (a, b) = (app.supervisor(), app.supervisor());
    let path = format!("/supervisor/merchants/{other}");
    let fields = |token: String| {
        vec![
            ("csrf_token".to_owned(), token),
            ("violation".into(), "refusing_after_sales".into()),
            ("level".into(), "particularly_serious".into()),
            ("reason".into(), "拒绝七天无理由退货。".into()),
        ]
    };
    let (fa, fb) = (fields(csrf(&a.get(&path).body)), fields(csrf(&b.get(&path).body)));
    std::thread::scope(|s| {
        for (client, f) in [(&a, &fa), (&b, &fb)] {
            let path = format!("{path}/actions");
            s.spawn(move || {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                assert_eq!(client.post(&path, &f).status, StatusCode::SEE_OTHER);
            });
        }
    });
    assert_eq!(automatic(&other_staff).len(), 1, "crossed once");
    assert_eq!(figure(&other_staff.get("/merchant/actions").body, "window_points"), "21");

    // A year and a day later the points no longer count, and the next
    // violation reaching 12 crosses the threshold anew.
    app.clock.advance(Duration::days(366));
    let page = staff.get("/merchant/actions").body;
    assert_eq!(figure(&page, "window_points"), "0");
    assert_eq!(figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"), "100");
    scheduled(&boss, m, "counterfeit", "serious"); // 12
    assert_eq!(automatic(&staff).len(), 2);
    assert_eq!(figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"), "88");
}

#[test]
fn a_restriction_of_n_days_ends_by_itself() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蓉城鲜果供应链有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);
    scheduled(&boss, m, "price_fraud", "serious"); // restricted for 3 days
    let card = || app.client().get(&format!("/merchants/{m}")).body;
    let admin = format!("/supervisor/merchants/{m}");
    assert!(parse(&staff.get("/merchant").body).select_text("[data-banner]").is_some(), "in force");
    assert!(card().contains("alert--error"), "the scorecard shows it in force");
    assert!(boss.get(&admin).body.contains("/lift\""), "a supervisor may lift it");

    app.clock.advance(Duration::days(3) + Duration::hours(1));
    // Not swept yet: it has ended all the same.
    assert!(parse(&staff.get("/merchant").body).select_text("[data-banner]").is_none());
    assert!(!card().contains("alert--error"));
    assert!(!boss.get(&admin).body.contains("/lift\""));
    let ended = parse(&staff.get("/merchant/actions").body).select_text("[data-days]").unwrap();
    assert!(ended.contains("已到期结束于"), "{ended}");

    assert_eq!(app.sweep().restrictions_ended, 1);
    assert_eq!(app.sweep().restrictions_ended, 0, "once");
    let ended = parse(&staff.get("/merchant/actions").body).select_text("[data-days]").unwrap();
    assert!(ended.contains("已到期结束于"), "{ended}");
    assert_eq!(figure(&card(), "credit_points"), "94", "the points still count");
}

/// The merchant appeals action `action`: starts and submits.
fn appeal(staff: &Client, action: &str) {
    let started = staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal"), &[]);
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let statement = [("statement", "该宣传有检测报告支持，附报告编号。")];
    let submitted = staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal/submit"), &statement);
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
}

/// The supervisor grants the one appeal waiting.
fn grant(boss: &Client, merchant: i64) -> Page {
    let admin = format!("/supervisor/merchants/{merchant}");
    let html = boss.get(&admin).body;
    let decide = parse(&html).select_attr("form[action*='/appeals/']", "action").expect("an appeal to decide");
    boss.submit(&admin, &decide, &[("decision", "grant"), ("reason", "检测报告属实，撤销处罚。")])
}

#[test]
fn a_granted_appeal_gives_the_points_back_once_and_they_stop_counting() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州臻选健康科技有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);
    scheduled(&boss, m, "false_efficacy", "serious"); // 12 points: the threshold too
    assert_eq!(automatic(&staff).len(), 1);
    let violation = actions(&staff).into_iter().find(|(_, t)| t.contains("虚假功效宣传")).unwrap().0;
    assert_eq!(figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"), "88");

    appeal(&staff, &violation);
    assert_eq!(grant(&boss, m).status, StatusCode::SEE_OTHER);
    assert_eq!(figure(&staff.get("/merchant/actions").body, "window_points"), "0");
    assert_eq!(figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"), "100");
    // The reversed points no longer hold the threshold: 12 new ones cross it.
    scheduled(&boss, m, "counterfeit", "serious");
    assert_eq!(automatic(&staff).len(), 2);
    assert_eq!(figure(&staff.get("/merchant/actions").body, "window_points"), "12");

    // Lifted, then granted: the points come back once.
    scheduled(&boss, m, "price_fraud", "serious"); // 6, restricted 3 days
    let restricted = actions(&staff)[0].0.clone();
    appeal(&staff, &restricted);
    let admin = format!("/supervisor/merchants/{m}");
    let lift = format!("{admin}/actions/{restricted}/lift");
    assert_eq!(boss.submit(&admin, &lift, &[("reason", "已整改。")]).status, StatusCode::SEE_OTHER);
    assert_eq!(figure(&staff.get("/merchant/actions").body, "window_points"), "18", "a lift keeps the points");
    assert_eq!(grant(&boss, m).status, StatusCode::SEE_OTHER);
    assert_eq!(figure(&staff.get("/merchant/actions").body, "window_points"), "12");
    assert!(parse(&boss.get(&admin).body).select_attr("form[action*='/appeals/']", "action").is_none());
    assert_eq!(figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"), "88");
}

#[test]
fn supervisors_edit_the_schedule_with_every_mistake_explained_and_every_change_audited() {
    let app = spawn_app();
    let boss = app.supervisor();
    let html = boss.get("/supervisor/violations").body;
    let types = parse(&html).select_attrs("[data-violation-type]", "data-violation-type");
    for t in [
        "false_advertising",
        "false_efficacy",
        "price_fraud",
        "counterfeit",
        "refusing_after_sales",
        "off_platform",
        "personal_data",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} is in the schedule");
    }
    assert_eq!(parse(&html).select_attr("[data-entry=\"price_fraud/serious\"]", "data-points").as_deref(), Some("6"));

    let edit = "/supervisor/violations/price_fraud/serious";
    let bad =
        boss.submit("/supervisor/violations", edit, &[("points", "abc"), ("measure", "restrict_live"), ("days", "5")]);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.body, "entry-price_fraud-serious-points").unwrap().contains("0 到 100 的整数"));
    assert_eq!(input_value_by_id(&bad.body, "entry-price_fraud-serious-points").as_deref(), Some("abc"));
    let no_days = boss.submit("/supervisor/violations", edit, &[("points", "8"), ("measure", "restrict_live")]);
    assert_eq!(no_days.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&no_days.body, "entry-price_fraud-serious-days").unwrap().contains("1 到 365 天"));
    boss.get("/supervisor/violations?lang=en");
    let english = boss.submit("/supervisor/violations", edit, &[("points", "8"), ("measure", "ban")]);
    assert_eq!(english.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&english.body, "entry-price_fraud-serious-measure").unwrap().contains("Choose a measure"));
    boss.get("/supervisor/violations?lang=zh-CN");
    let missing = boss.submit(
        "/supervisor/violations",
        "/supervisor/violations/spam/serious",
        &[("points", "1"), ("measure", "warning")],
    );
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let ok =
        boss.submit("/supervisor/violations", edit, &[("points", "8"), ("measure", "restrict_live"), ("days", "5")]);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let html = boss.get("/supervisor/violations").body;
    let entry = parse(&html);
    assert_eq!(entry.select_attr("[data-entry=\"price_fraud/serious\"]", "data-points").as_deref(), Some("8"));
    assert!(
        entry.select_text("[data-entry=\"price_fraud/serious\"] [data-measure]").unwrap().contains("限制直播 5 天")
    );

    // Thresholds: not two at the same points.
    let html = boss.get("/supervisor/violations").body;
    let first = parse(&html).select_attr("[data-threshold=\"12\"] form", "action").unwrap();
    let same =
        boss.submit("/supervisor/violations", &first, &[("points", "24"), ("measure", "restrict_live"), ("days", "7")]);
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.body.contains("不能与其他门槛相同"));
    let raised =
        boss.submit("/supervisor/violations", &first, &[("points", "10"), ("measure", "restrict_live"), ("days", "3")]);
    assert_eq!(raised.status, StatusCode::SEE_OTHER);

    let audit = parse(&boss.get("/supervisor/audit").body).select_attrs("li[data-audit-kind]", "data-audit-kind");
    assert_eq!(audit.iter().filter(|k| *k == "violation_schedule_changed").count(), 1, "{audit:?}");
    assert_eq!(
        audit.iter().filter(|k| *k == "violation_threshold_changed").count(),
        1,
        "refused edits are not changes"
    );

    // The next action takes the new figures; the merchant reads them.
    let m = MerchantBuilder::new("南京金陵数码科技有限公司").build(&app);
    let staff = app.merchant_staff(m);
    scheduled(&boss, m, "price_fraud", "serious");
    let page = staff.get("/merchant/actions").body;
    assert_eq!(figure(&page, "window_points"), "8");
    assert!(parse(&page).select_text("[data-days]").unwrap().contains("5 天"));
    assert_eq!(automatic(&staff).len(), 0, "8 is below the threshold of 10");
    let read = staff.get("/merchant/violations");
    assert_eq!(read.status, StatusCode::OK);
    let read = read.html();
    assert_eq!(read.select_attr("[data-entry=\"price_fraud/serious\"]", "data-points").as_deref(), Some("8"));
    assert!(read.select_text("[data-threshold=\"10\"]").unwrap().contains("限制直播 3 天"));
    assert!(read.select_all("main form[action^='/supervisor']").is_empty(), "read only");
}
