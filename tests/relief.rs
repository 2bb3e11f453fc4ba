//! Relief through the real server: every ruling and every accepted
//! proposal records what the consumer was given; for money the consumer is
//! asked after seven days (test clock) whether it arrived, by SMS and
//! mail, once; "yes" is kept, "no" brings the complaint back to the
//! platform (`relief_not_delivered`) and counts against the merchant, and
//! silence stays unconfirmed on the scorecard and the overview.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::store::schema::{complaints, outbox, reliefs};
use ureq::http::StatusCode;

use crate::helpers::*;

fn supervisor_page(reference: &str) -> String {
    format!("/supervisor/complaints/{reference}")
}

/// A complaint about `merchant` left unanswered past its 48 hours and
/// swept: escalated, waiting for a ruling. Its tracking path and reference.
fn escalated(app: &TestApp, merchant: i64, boss: &Client) -> (Filed, String) {
    let filed = ComplaintBuilder::new(merchant).resolution("refund").amount("199").overdue().file(app);
    app.sweep();
    let reference = filed.reference(boss);
    (filed, reference)
}

fn rule(boss: &Client, reference: &str, fields: &[(&str, &str)]) -> Page {
    let page = supervisor_page(reference);
    boss.submit(&page, &format!("{page}/rule"), fields)
}

fn relief_marks(page: &Page) -> (Option<String>, Option<String>) {
    let html = page.html();
    (html.select_attr("[data-relief]", "data-relief"), html.select_attr("[data-relief]", "data-relief-status"))
}

fn questions(app: &TestApp) -> Vec<(String, String)> {
    let conn = &mut app.pool.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq("consumer_relief_question"))
        .order(outbox::id)
        .select((outbox::channel, outbox::recipient))
        .load(conn)
        .unwrap()
}

fn answer(app: &TestApp, filed: &Filed, received: &str) -> Page {
    app.client().submit(filed.path(), &format!("{}/relief", filed.path()), &[("received", received)])
}

fn scorecard_figure(app: &TestApp, merchant: i64, attr: &str) -> Option<String> {
    app.client().get(&format!("/merchants/{merchant}")).html().select_attr(&format!("[{attr}]"), attr)
}

#[test]
fn a_ruling_records_its_relief_and_after_seven_days_the_consumer_is_asked_once_and_yes_is_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let boss = app.supervisor();
    let (filed, reference) = escalated(&app, merchant, &boss);

    let res = rule(
        &boss,
        &reference,
        &[
            ("outcome", "upheld"),
            ("body", "商家拒绝退款无依据，支持全额退款。"),
            ("relief", "monetary"),
            ("relief_amount", "199"),
        ],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let tracking = app.get(filed.path());
    assert_eq!(relief_marks(&tracking), (Some("monetary".into()), Some("unconfirmed".into())));
    assert!(tracking.body.contains("¥199.00"), "the consumer sees the amount");
    assert!(tracking.html().select_first("[data-relief-question]").is_none(), "not asked before its time");
    // Too early: the merchant still has its seven days to pay.
    assert_eq!(answer(&app, &filed, "yes").status, StatusCode::CONFLICT);
    assert_eq!(app.sweep().relief_questions, 0);

    app.clock.advance(Duration::days(7) + Duration::minutes(1));
    assert_eq!(app.sweep().relief_questions, 1);
    assert_eq!(app.sweep().relief_questions, 0, "asked once");
    let asked = questions(&app);
    let channels: Vec<&str> = asked.iter().map(|(channel, _)| channel.as_str()).collect();
    assert_eq!(channels, ["mail", "sms"], "by mail and by SMS: {asked:?}");

    let tracking = app.get(filed.path());
    assert!(tracking.html().select_first("[data-relief-question]").is_some(), "{}", tracking.body);
    // Neither yes nor no: refused with a message, nothing recorded.
    let res = answer(&app, &filed, "maybe");
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("请选择“已收到”或“没有收到”"), "{}", res.body);

    let res = answer(&app, &filed, "yes");
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location, Some(format!("{}?done=relief_received", filed.path())));
    let tracking = app.get(filed.path());
    assert_eq!(relief_marks(&tracking).1.as_deref(), Some("confirmed"));
    assert!(tracking.body.contains("您确认已收到款项"), "on the timeline");
    assert_eq!(answer(&app, &filed, "no").status, StatusCode::CONFLICT, "answered once");
    // Staff read it in the third person.
    let staff = app.merchant_staff(merchant).get(&format!("/merchant/complaints/{reference}"));
    assert_eq!(relief_marks(&staff).1.as_deref(), Some("confirmed"));
    assert!(staff.body.contains("消费者已确认收到"), "{}", staff.body);
    assert_eq!(scorecard_figure(&app, merchant, "data-relief-confirmed").as_deref(), Some("1"));
    assert_eq!(scorecard_figure(&app, merchant, "data-money-returned").as_deref(), Some("19900"));
    let overview = boss.get("/supervisor/overview").html();
    assert_eq!(overview.select_attr("[data-money-returned]", "data-money-returned").as_deref(), Some("19900"));
}

#[test]
fn no_brings_the_complaint_back_to_the_platform_counts_against_the_merchant_and_is_ruled_again() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let filed = ComplaintBuilder::new(merchant).resolution("refund").amount("299").file(&app);
    let boss = app.supervisor();
    let reference = filed.reference(&boss);
    // The merchant proposes a refund and the consumer accepts it.
    let staff = app.merchant_staff(merchant);
    let page = format!("/merchant/complaints/{reference}");
    let res = staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "299"), ("body", "全额退款 299 元。")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.submit(filed.path(), &format!("{}/accept", filed.path()), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (kind, fen, source): (String, Option<i64>, String) = {
        let conn = &mut app.pool.get().unwrap();
        reliefs::table.select((reliefs::kind, reliefs::amount_fen, reliefs::source)).first(conn).unwrap()
    };
    assert_eq!((kind.as_str(), fen, source.as_str()), ("monetary", Some(29_900), "accepted"));

    app.clock.advance(Duration::days(8));
    assert_eq!(app.sweep().relief_questions, 1);
    let res = answer(&app, &filed, "no");
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (state, reason, response_breach): (String, Option<String>, Option<chrono::NaiveDateTime>) = {
        let conn = &mut app.pool.get().unwrap();
        complaints::table
            .select((complaints::state, complaints::escalation_reason, complaints::resolution_breached_at))
            .first(conn)
            .unwrap()
    };
    assert_eq!((state.as_str(), reason.as_deref()), ("escalated", Some("relief_not_delivered")));
    assert_eq!(response_breach, None, "the merchant's deadlines ended with the resolution: no breach afterwards");
    let tracking = app.get(filed.path());
    assert_eq!(tracking.html().select_attr("[data-status]", "data-status").as_deref(), Some("escalated"));
    assert_eq!(relief_marks(&tracking).1.as_deref(), Some("not_delivered"));
    // In the supervisors' queue with its reason; the merchant was told.
    let queue = boss.get("/supervisor");
    assert!(queue.body.contains(&reference) && queue.body.contains("消费者表示没有收到补偿款"), "{}", queue.body);
    let told: i64 = {
        let conn = &mut app.pool.get().unwrap();
        outbox::table.filter(outbox::kind.eq("merchant_escalation")).count().get_result(conn).unwrap()
    };
    assert_eq!(told, 1);
    // It counts against the merchant as a breach does.
    let since = app.clock.now() - Duration::days(30);
    let figures = redress::store::flags::figures(&mut app.pool.get().unwrap(), merchant, since).unwrap();
    assert_eq!(figures.breaches, std::slice::from_ref(&reference));
    assert_eq!(scorecard_figure(&app, merchant, "data-relief-not-delivered").as_deref(), Some("1"));

    // Ruled again: closed, with a new relief and a new ruling notice.
    let res = rule(&boss, &reference, &[("outcome", "upheld"), ("body", "商家未实际退款，责令退款。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let conn = &mut app.pool.get().unwrap();
    let state: String = complaints::table.select(complaints::state).first(conn).unwrap();
    assert_eq!(state, "closed");
    let kinds: Vec<(String, Option<bool>)> =
        reliefs::table.order(reliefs::id).select((reliefs::source, reliefs::received)).load(conn).unwrap();
    assert_eq!(kinds, [("accepted".into(), Some(false)), ("ruling".into(), None)]);
    let rulings: i64 = outbox::table.filter(outbox::kind.eq("consumer_ruling")).count().get_result(conn).unwrap();
    assert!(rulings >= 1, "the consumer is told of the new ruling");
}

#[test]
fn silence_is_not_yes_and_relief_other_than_money_is_not_followed_up() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let boss = app.supervisor();
    let (money, money_ref) = escalated(&app, merchant, &boss);
    let (other, other_ref) = escalated(&app, merchant, &boss);
    let res = rule(
        &boss,
        &money_ref,
        &[("outcome", "partly_upheld"), ("body", "部分支持，退款 99 元。"), ("relief_amount", "99")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = rule(&boss, &other_ref, &[("outcome", "not_upheld"), ("body", "商品与宣传一致，不支持。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(relief_marks(&app.get(other.path())), (Some("explanation".into()), Some(String::new())));

    app.clock.advance(Duration::days(30));
    assert_eq!(app.sweep().relief_questions, 1, "only the money is followed up");
    // Nobody answered: unconfirmed, never counted as returned.
    assert_eq!(relief_marks(&app.get(money.path())).1.as_deref(), Some("unconfirmed"));
    assert_eq!(scorecard_figure(&app, merchant, "data-relief-unconfirmed").as_deref(), Some("1"));
    assert_eq!(scorecard_figure(&app, merchant, "data-relief-confirmed").as_deref(), Some("0"));
    assert_eq!(scorecard_figure(&app, merchant, "data-money-returned").as_deref(), Some("0"));
    // The export says so in its own columns.
    let csv = boss.get("/supervisor/export.csv").body;
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(
            "解决结果,补偿金额（元）,先行赔付（元）,消费者确认到账,商家首次查看时间,同意公开,已公示,已隐藏,商家公开回应"
        ),
        "{header}"
    );
    let line = csv.lines().find(|l| l.contains(&money_ref)).unwrap();
    assert!(line.ends_with("金钱补偿,99.00,,未确认,,否,否,否,"), "{line}");
    let line = csv.lines().find(|l| l.contains(&other_ref)).unwrap();
    assert!(line.ends_with("解释说明,,,,,否,否,否,"), "{line}");
}

#[test]
fn the_ruling_forms_relief_is_checked_and_what_was_typed_is_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let boss = app.supervisor();
    let (_, reference) = escalated(&app, merchant, &boss);
    let body = "经核查，商品与宣传不符。";
    for (fields, field, says) in [
        (
            vec![("outcome", "not_upheld"), ("compensation", "50")],
            "compensation",
            "只有支持或部分支持的裁决才能先行赔付",
        ),
        (
            vec![("outcome", "upheld"), ("relief", "explanation"), ("compensation", "50")],
            "compensation",
            "请选择“金钱补偿”",
        ),
        (
            vec![("outcome", "upheld"), ("relief_amount", "20"), ("compensation", "50")],
            "relief_amount",
            "不能少于先行赔付",
        ),
        (vec![("outcome", "upheld"), ("relief", "cash")], "relief", "请从列表中选择"),
        (vec![("outcome", "upheld"), ("compensation", "-5")], "compensation", "金额"),
    ] {
        let mut fields = fields;
        fields.push(("body", body));
        let res = rule(&boss, &reference, &fields);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let error = field_error(&res.body, field).unwrap_or_default();
        assert!(error.contains(says), "{fields:?}: {error:?}");
        assert_eq!(textarea_value(&res.body, "body").as_deref(), Some(body), "the ruling's text kept");
        if let Some((_, typed)) = fields.iter().find(|(name, _)| *name == "compensation") {
            assert_eq!(input_value(&res.body, "compensation").as_deref(), Some(*typed));
        }
    }
    let conn = &mut app.pool.get().unwrap();
    let state: String = complaints::table.select(complaints::state).first(conn).unwrap();
    assert_eq!(state, "escalated", "nothing ruled");
    let n: i64 = reliefs::table.count().get_result(conn).unwrap();
    assert_eq!(n, 0);
    // In English too.
    let res = boss.submit(
        &format!("{}?lang=en", supervisor_page(&reference)),
        &format!("{}/rule", supervisor_page(&reference)),
        &[("outcome", "not_upheld"), ("compensation", "50"), ("body", body)],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Only a ruling that upholds the complaint"), "{}", res.body);
}
