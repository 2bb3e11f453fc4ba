//! Onboarding on the web, actions against merchants and appeals against
//! them, with the appeal windows checked on a test clock.

use chrono::Duration;
use redress::domain::credit_code::CreditCode;
use ureq::http::StatusCode;

use crate::helpers::*;

/// Takes an action through the supervisor's form.
fn act(boss: &Client, merchant: i64, kind: &str, points: &str, reason: &str) -> Page {
    let page = format!("/supervisor/merchants/{merchant}");
    boss.submit(&page, &format!("{page}/actions"), &[("kind", kind), ("points", points), ("reason", reason)])
}

fn figure(html: &str, name: &str) -> String {
    parse(html).select_text(&format!("[data-figure=\"{name}\"]")).unwrap()
}

#[test]
fn supervisors_onboard_merchants_with_every_problem_explained() {
    let app = spawn_app();
    let boss = app.supervisor();
    let individual = CreditCode::complete("9233010219880101").unwrap();
    let bad = boss.submit(
        "/supervisor/merchants/new",
        "/supervisor/merchants",
        &[("name", "张三个体店"), ("credit_code", individual.as_str()), ("email", "x@y"), ("categories", "drugs")],
    );
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&bad.body, "credit_code").as_deref(), Some("这是个体工商户的代码，平台只接入企业等组织。"));
    assert_eq!(field_error(&bad.body, "email").as_deref(), Some("邮箱格式不对，请检查，如 name@example.com。"));
    assert!(field_error(&bad.body, "qualification").unwrap().contains("必须填写相应的许可证编号"));
    assert!(bad.body.contains("value=\"drugs\" checked"), "the ticked categories stay ticked");
    assert_eq!(input_value(&bad.body, "name").as_deref(), Some("张三个体店"));

    let code = CreditCode::complete("91330106MA2H3K7P").unwrap();
    let fields = [
        ("name", "杭州星河大药房连锁有限公司"),
        ("credit_code", code.as_str()),
        ("email", "kefu@xinghe-pharmacy.example.cn"),
        ("shop_url", "抖音直播间 ID 88886666"),
        ("categories", "drugs"),
        ("categories", "health_food"),
        ("qualification", "药网B20260001"),
    ];
    let ok = boss.submit("/supervisor/merchants/new", "/supervisor/merchants", &fields);
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = ok.location.unwrap();
    let html = boss.get(&page).body;
    assert!(html.contains("药品 *、保健食品 *") && html.contains("药网B20260001"));
    let again = boss.submit("/supervisor/merchants/new", "/supervisor/merchants", &fields);
    assert_eq!(field_error(&again.body, "credit_code").as_deref(), Some("这个统一社会信用代码已经登记过了。"));

    // A staff account with a password shown once, which works.
    let path = page.split('?').next().unwrap().to_owned();
    let created = boss.submit(&path, &format!("{path}/staff"), &[("email", "Staff@XingHe-Pharmacy.example.cn")]);
    assert_eq!(created.status, StatusCode::CREATED);
    let notice = created.html().select_text(".alert--info").expect("a notice");
    let password = between(&notice, "临时密码：", " ").unwrap().to_owned();
    assert_eq!(password.len(), 16);
    let staff = app.client();
    assert_eq!(staff.sign_in("staff@xinghe-pharmacy.example.cn", &password).location.as_deref(), Some("/merchant"));
    assert!(!boss.get(&path).body.contains(&password), "shown once only");
}

#[test]
fn actions_show_on_the_portal_and_the_scorecard_and_lift() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);

    let missing = act(&boss, m, "deduction", "", "直播间虚构原价");
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("扣信用分需要填写 1 到 100 的分数"));
    // The form keeps what was typed, the message next to the field.
    assert!(missing.body.contains("<option value=\"deduction\" selected>"), "the kind stays chosen");
    assert!(missing.body.contains(">直播间虚构原价</textarea>"), "the reason is kept");
    assert!(missing.body.contains("<p class=\"field-error\" id=\"points-error\" role=\"alert\">扣信用分需要填写"));
    assert!(missing.body.contains("aria-invalid=\"true\" aria-describedby=\"points-hint points-error\""));
    assert_eq!(act(&boss, m, "warning", "", "直播间宣称“七天祛斑”，属虚假功效宣传。").status, StatusCode::SEE_OTHER);
    assert_eq!(act(&boss, m, "deduction", "30", "一个月内 3 次超时未回应。").status, StatusCode::SEE_OTHER);
    assert_eq!(act(&boss, m, "restrict_live", "", "整改期间限制直播带货。").status, StatusCode::SEE_OTHER);

    let card = app.client().get(&format!("/merchants/{m}")).body;
    assert_eq!(figure(&card, "credit_points"), "70");
    assert!(card.contains("限制直播带货") && card.contains("整改期间限制直播带货"), "the restriction is public");
    assert!(card.contains("扣 30 分") && card.contains("七天祛斑"), "the record too");
    let dashboard = staff.get("/merchant").body;
    assert!(dashboard.contains("data-banner=\"限制直播带货\""), "a banner while it applies");
    assert!(staff.get("/merchant/actions").body.contains("一个月内 3 次超时未回应"), "with its reason");

    let page = format!("/supervisor/merchants/{m}");
    let html = boss.get(&page).body;
    let lift = parse(&html).select_attr("form[action$='/lift']", "action").expect("an action to lift");
    let restriction = lift.trim_end_matches("/lift").rsplit('/').next().unwrap().to_owned();
    let lifted = boss.submit(&page, &format!("{page}/actions/{restriction}/lift"), &[("reason", "整改完成。")]);
    assert_eq!(lifted.status, StatusCode::SEE_OTHER);
    assert!(!staff.get("/merchant").body.contains("data-banner"), "no banner once lifted");
    let again = boss.submit(&page, &format!("{page}/actions/{restriction}/lift"), &[("reason", "再解除一次。")]);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(act(&boss, m, "suspend", "", "销售假冒商品，暂停经营。").status, StatusCode::SEE_OTHER);
    assert!(staff.get("/merchant").body.contains("data-banner=\"暂停经营\""));
    assert!(app.client().get(&format!("/merchants/{m}")).body.contains("销售假冒商品，暂停经营。"));
    let warning = act(&boss, m, "warning", "5", "警告不扣分。");
    assert_eq!(warning.status, StatusCode::UNPROCESSABLE_ENTITY, "only a deduction takes points");
}

#[test]
fn a_rejected_appeal_says_why_and_changes_nothing() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);
    act(&boss, m, "deduction", "10", "直播间引导私下交易。");
    let action = staff.get("/merchant/actions").html().select_attr("[data-action]", "data-action").unwrap();
    staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal"), &[]);
    staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{action}/appeal/submit"),
        &[("statement", "主播个人行为，公司不知情，已辞退该主播。")],
    );
    let admin = format!("/supervisor/merchants/{m}");
    let html = boss.get(&admin).body;
    let decide = parse(&html).select_attr("form[action*='/appeals/']", "action").expect("an appeal to decide");
    let appeal = decide.rsplit('/').next().unwrap().to_owned();
    let undecided = boss.submit(&admin, &format!("{admin}/appeals/{appeal}"), &[("reason", "看看")]);
    assert_eq!(undecided.status, StatusCode::UNPROCESSABLE_ENTITY, "grant or reject must be chosen");
    assert!(undecided.body.contains(">看看</textarea>"), "the reason is kept");
    assert!(undecided.body.contains(&format!("id=\"decision-{appeal}-choice-error\" role=\"alert\"")));
    boss.submit(
        &admin,
        &format!("{admin}/appeals/{appeal}"),
        &[("decision", "reject"), ("reason", "主播行为由商家负责。")],
    );
    assert!(appeal_line(&staff, &action).contains("申诉被驳回：主播行为由商家负责。"));
    assert_eq!(
        figure(&app.client().get(&format!("/merchants/{m}")).body, "credit_points"),
        "90",
        "the deduction stands"
    );
}

/// The status line of the merchant's appeal against `action`.
fn appeal_line(staff: &Client, action: &str) -> String {
    staff.get("/merchant/actions").html().select_text(&format!("[data-appeal=\"{action}\"]")).unwrap()
}

#[test]
fn appeals_open_for_5_days_take_one_submission_within_3_and_reverse_when_granted() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);
    act(&boss, m, "deduction", "20", "虚构原价。");
    let actions = staff.get("/merchant/actions").body;
    let first = parse(&actions).select_attr("[data-action]", "data-action").unwrap();
    act(&boss, m, "warning", "", "客服辱骂消费者。");
    let actions = staff.get("/merchant/actions").body;
    let second = parse(&actions).select_attr("[data-action]", "data-action").unwrap();
    assert_ne!(first, second);

    app.clock.advance(Duration::days(4) + Duration::hours(23));
    assert!(appeal_line(&staff, &first).starts_with("可以在"));
    let started = staff.submit("/merchant/actions", &format!("/merchant/actions/{first}/appeal"), &[]);
    assert_eq!(started.status, StatusCode::SEE_OTHER, "at 4 d 23 h it may start");
    app.clock.advance(Duration::hours(2)); // 5 d 1 h
    let late = staff.submit("/merchant/actions", &format!("/merchant/actions/{second}/appeal"), &[]);
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY, "at 5 d 1 h it may not");
    assert!(late.body.contains("已经超过 5 天的申诉期"));
    assert!(appeal_line(&staff, &second).starts_with("申诉期已于"));

    let page = staff.get("/merchant/actions").body;
    assert!(page.contains("只能提交一次：提交后不能撤回"), "the portal says so before submitting");
    let short = staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{first}/appeal/submit"),
        &[("statement", "不服")],
    );
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("不服"), "what was typed is kept");
    let statement = "该商品在其他平台的历史成交价确为 3999 元，附历史订单截图。";
    let submitted = staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{first}/appeal/submit"),
        &[("statement", statement), ("materials", "订单 DY123、DY456")],
    );
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let twice = staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{first}/appeal/submit"),
        &[("statement", "补充：还有更多截图。")],
    );
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "no second supplement");
    assert!(twice.body.contains("只能申诉一次、提交一次"));

    let card = app.client().get(&format!("/merchants/{m}")).body;
    assert_eq!(figure(&card, "credit_points"), "80");
    let admin = format!("/supervisor/merchants/{m}");
    let html = boss.get(&admin).body;
    assert!(html.contains(statement), "the supervisor reads the statement");
    let decide = parse(&html).select_attr("form[action*='/appeals/']", "action").expect("an appeal to decide");
    let appeal = decide.rsplit('/').next().unwrap().to_owned();
    let granted = boss.submit(
        &admin,
        &format!("{admin}/appeals/{appeal}"),
        &[("decision", "grant"), ("reason", "历史价格属实，撤销扣分。")],
    );
    assert_eq!(granted.status, StatusCode::SEE_OTHER);
    let card = app.client().get(&format!("/merchants/{m}")).body;
    assert_eq!(figure(&card, "credit_points"), "100", "points restored");
    assert!(!card.contains("虚构原价"), "a reversed action leaves the public record");
    assert!(appeal_line(&staff, &first).contains("申诉成立：历史价格属实"));
}

#[test]
fn a_started_appeal_lapses_after_3_days_without_a_submission() {
    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let boss = app.supervisor();
    let staff = app.merchant_staff(m);
    act(&boss, m, "warning", "", "食品标签不全。");
    let action = staff.get("/merchant/actions").html().select_attr("[data-action]", "data-action").unwrap();
    staff.submit("/merchant/actions", &format!("/merchant/actions/{action}/appeal"), &[]);
    app.clock.advance(Duration::days(3) + Duration::hours(1));
    let late = staff.submit(
        "/merchant/actions",
        &format!("/merchant/actions/{action}/appeal/submit"),
        &[("statement", "标签已按要求补全，附整改照片。")],
    );
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("3 天内没有提交材料"));
}
