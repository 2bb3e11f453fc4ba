//! The public register from the staff's side, through the real server
//! (issue 24): the merchant's public response (a fixed list, changeable
//! for 180 days, its own complaints only), a supervisor hiding a case (a
//! reason required, audit-logged, the consumer told) and showing it again,
//! and the register's columns in the supervisors' export.

use chrono::Duration;
use diesel::prelude::*;
use redress::store::schema::{outbox, register_entries, staff_audit};
use ureq::http::StatusCode;

use crate::export_injection::parse_csv;
use crate::helpers::*;
use crate::register_consent::{standing, titles};

fn merchant_page(reference: &str) -> String {
    format!("/merchant/complaints/{reference}")
}

fn supervisor_page(reference: &str) -> String {
    format!("/supervisor/complaints/{reference}")
}

fn respond(staff: &Client, reference: &str, response: &str) -> Page {
    let page = merchant_page(reference);
    staff.submit(&page, &format!("{page}/public-response"), &[("response", response)])
}

fn register_cmd(boss: &Client, reference: &str, command: &str, reason: &str) -> Page {
    let page = supervisor_page(reference);
    boss.submit(&page, &format!("{page}/register/{command}"), &[("reason", reason)])
}

fn stored_response(app: &TestApp) -> Option<String> {
    let conn = &mut app.pool.get().unwrap();
    register_entries::table.select(register_entries::response).first::<Option<String>>(conn).unwrap()
}

/// The staff audit log's entries of `kind`: (subject, detail).
fn audited(app: &TestApp, kind: &str) -> Vec<(String, String)> {
    let conn = &mut app.pool.get().unwrap();
    staff_audit::table
        .filter(staff_audit::kind.eq(kind))
        .order(staff_audit::id)
        .select((staff_audit::subject, staff_audit::detail))
        .load(conn)
        .unwrap()
}

#[test]
fn the_merchant_chooses_a_public_response_from_the_fixed_list_for_180_days() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let filed = ComplaintBuilder::new(m).field("publish", "1").file(&app);
    let reference = filed.reference(&app);
    let staff = app.merchant_staff(m);
    let html = staff.get(&merchant_page(&reference)).html();
    let offered = html.select_attrs("select[name=response] option", "value");
    assert_eq!(offered, ["", "settled", "platform_rules", "disputed", "explained", "third_party", "no_comment"]);
    assert!(html.select_texts("select[name=response] option").contains(&"已与消费者协商解决".to_owned()));
    assert!(html.select_first("select[name=response] option[selected]").is_none(), "none chosen yet");
    let en = app.merchant_staff(m).get(&format!("{}?lang=en", merchant_page(&reference))).html();
    assert!(
        en.select_texts("select[name=response] option").contains(&"Disputes the facts of the complaint".to_owned())
    );

    let chosen = respond(&staff, &reference, "disputed");
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(chosen.location, Some(format!("{}?done=public_response", merchant_page(&reference))));
    let html = staff.get(&merchant_page(&reference)).html();
    assert_eq!(html.select_attr("select[name=response] option[selected]", "value").as_deref(), Some("disputed"));
    assert_eq!(html.select_text("[data-public-response-chosen]").as_deref(), Some("对投诉事实有异议"));
    // Public: the consumer reads it on the timeline with the rest.
    let tracking = app.get(&filed).html();
    let timeline = tracking.select_texts("#timeline li").join("|");
    assert!(timeline.contains("商家选择了公开回应") && timeline.contains("对投诉事实有异议"), "{timeline}");

    // Not one of the list: the page again, saying so.
    let bad = respond(&staff, &reference, "we_are_right");
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reference_of(&bad), reference, "the page is kept");
    assert_eq!(field_error(&bad.body, "public-response").as_deref(), Some("请从列表中选择一项公开回应。"));
    assert_eq!(stored_response(&app).as_deref(), Some("disputed"));
    let forged = staff.post(&format!("{}/public-response", merchant_page(&reference)), &[("response", "settled")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Another merchant's staff: no such complaint.
    let other = app.merchant_staff(app.merchant("广州美颜堂化妆品有限公司"));
    assert_eq!(other.get(&merchant_page(&reference)).status, StatusCode::NOT_FOUND);
    let page = "/merchant";
    let theirs =
        other.submit(page, &format!("{}/public-response", merchant_page(&reference)), &[("response", "settled")]);
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(stored_response(&app).as_deref(), Some("disputed"));

    app.clock.advance(Duration::days(180) - Duration::minutes(1));
    assert_eq!(respond(&staff, &reference, "settled").status, StatusCode::SEE_OTHER, "changed on day 179");
    assert_eq!(stored_response(&app).as_deref(), Some("settled"));
    app.clock.advance(Duration::minutes(1));
    let html = staff.get(&merchant_page(&reference)).html();
    assert!(html.select_first("select[name=response]").is_none(), "no form after 180 days");
    assert!(html.select_first("[data-public-response-closed]").is_some());
    let late = respond(&staff, &reference, "explained");
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("公开回应不能再更改"), "{}", late.body);
    assert_eq!(stored_response(&app).as_deref(), Some("settled"));
}

fn reference_of(page: &Page) -> String {
    reference(&page.body)
}

#[test]
fn a_supervisor_hides_a_case_with_a_reason_the_consumer_is_told_and_it_is_shown_again() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let filed = ComplaintBuilder::new(m).field("publish", "1").file(&app);
    let reference = filed.reference(&app);
    app.clock.advance(Duration::days(15));
    let boss = app.supervisor();
    let html = boss.get(&supervisor_page(&reference)).html();
    assert_eq!(html.select_attr("#register", "data-register").as_deref(), Some("published"));
    assert_eq!(html.select_attr("#register", "data-listed").as_deref(), Some("true"));

    let missing = register_cmd(&boss, &reference, "hide", "  ");
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&missing.body, "hide-reason").as_deref(), Some("请写明隐藏的原因。"));
    let long = "诽".repeat(501);
    let too_long = register_cmd(&boss, &reference, "hide", &long);
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&too_long.body, "hide-reason").as_deref(), Some("原因最多 500 个字。"));
    assert_eq!(too_long.html().select_text("textarea#hide-reason"), Some(long), "what was typed is kept");
    assert!(audited(&app, "register_hidden").is_empty());

    let reason = "描述里有消费者的门牌号，去除程序没有识别出来。";
    let hidden = register_cmd(&boss, &reference, "hide", reason);
    assert_eq!(hidden.status, StatusCode::SEE_OTHER, "{}", hidden.body);
    assert_eq!(hidden.location, Some(format!("{}?done=register_hidden", supervisor_page(&reference))));
    let html = boss.get(&supervisor_page(&reference)).html();
    assert_eq!(html.select_attr("#register", "data-register").as_deref(), Some("hidden"));
    assert_eq!(html.select_attr("#register", "data-listed").as_deref(), Some("false"));
    assert_eq!(html.select_text("[data-hidden-reason]").as_deref(), Some(reason));
    assert!(html.select_attr("[data-hidden-by]", "data-hidden-by").is_some_and(|e| e.ends_with(".example.cn")));
    assert_eq!(audited(&app, "register_hidden"), [(format!("complaint {reference}"), reason.to_owned())]);
    assert_eq!(standing(&app, &filed), "hidden");
    assert!(titles(&app.get(&filed)).contains(&"平台已将投诉从公示中隐藏".to_owned()));

    // The consumer is told by mail and SMS, in general terms.
    let told: Vec<(String, String, String)> = {
        let conn = &mut app.pool.get().unwrap();
        outbox::table
            .filter(outbox::kind.eq("consumer_register_hidden"))
            .order(outbox::channel)
            .select((outbox::channel, outbox::recipient, outbox::body_text))
            .load(conn)
            .unwrap()
    };
    let channels: Vec<(&str, &str)> = told.iter().map(|(c, r, _)| (c.as_str(), r.as_str())).collect();
    assert_eq!(channels, [("mail", "wangfang@example.com"), ("sms", "13800138000")]);
    for (_, _, text) in &told {
        assert!(text.contains(&reference) && text.contains("隐藏"), "{text}");
        assert!(!text.contains("门牌号"), "not the supervisor's own words: {text}");
    }

    assert_eq!(register_cmd(&boss, &reference, "hide", reason).status, StatusCode::CONFLICT, "hidden already");
    let shown = register_cmd(&boss, &reference, "unhide", "");
    assert_eq!(shown.status, StatusCode::SEE_OTHER, "{}", shown.body);
    assert_eq!(standing(&app, &filed), "published");
    assert_eq!(audited(&app, "register_unhidden"), [(format!("complaint {reference}"), String::new())]);
    assert!(titles(&app.get(&filed)).contains(&"平台已恢复公示这件投诉".to_owned()));
    assert_eq!(register_cmd(&boss, &reference, "unhide", "").status, StatusCode::CONFLICT, "not hidden");

    // Not in the register, unknown, forged, not a supervisor.
    let plain = ComplaintBuilder::new(m).order_ref("DY0000000009").file(&app).reference(&app);
    assert_eq!(register_cmd(&boss, &plain, "hide", reason).status, StatusCode::CONFLICT);
    assert_eq!(register_cmd(&boss, "TS20261120999999", "hide", reason).status, StatusCode::NOT_FOUND);
    let path = format!("{}/register/hide", supervisor_page(&reference));
    assert_eq!(boss.post(&path, &[("reason", reason)]).status, StatusCode::FORBIDDEN);
    let staff = app.merchant_staff(m);
    assert_ne!(staff.submit("/merchant", &path, &[("reason", reason)]).status, StatusCode::SEE_OTHER);
    assert_eq!(standing(&app, &filed), "published");
}

#[test]
fn the_export_says_for_each_complaint_consent_publication_hiding_and_the_public_response() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let staff = app.merchant_staff(m);
    let boss = app.supervisor();
    let plain = ComplaintBuilder::new(m).order_ref("DY0000000001").file(&app).reference(&app);
    let answered = ComplaintBuilder::new(m).order_ref("DY0000000002").field("publish", "1").file(&app).reference(&app);
    let page = merchant_page(&answered);
    staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已为您退款。"), ("visibility", "public")]);
    respond(&staff, &answered, "settled");
    let hidden = ComplaintBuilder::new(m).order_ref("DY0000000003").field("publish", "1").file(&app).reference(&app);
    assert_eq!(register_cmd(&boss, &hidden, "hide", "涉嫌诽谤，待核实。").status, StatusCode::SEE_OTHER);
    let due = ComplaintBuilder::new(m).order_ref("DY0000000004").field("publish", "1").file(&app).reference(&app);

    let res = boss.get("/supervisor/export.csv?lang=en");
    assert_eq!(res.status, StatusCode::OK);
    let rows = parse_csv(res.body.trim_start_matches('\u{feff}'));
    let header = &rows[0];
    assert_eq!(header.len(), 31);
    assert_eq!(header[27..], ["Consent to publish", "Published", "Hidden", "Merchant's public response"]);
    let of = |reference: &str| {
        let row = rows.iter().find(|r| r[1] == reference).unwrap_or_else(|| panic!("{reference}: {rows:?}"));
        row[27..].to_vec()
    };
    assert_eq!(of(&plain), ["No", "No", "No", ""]);
    assert_eq!(of(&answered), ["Yes", "Yes", "No", "settled"]);
    assert_eq!(of(&hidden), ["Yes", "No", "Yes", ""]);
    assert_eq!(of(&due), ["Yes", "No", "No", ""], "consented, not due yet");
    // Fifteen days on, the one not yet due is published in the export too.
    app.clock.advance(Duration::days(15));
    let rows = parse_csv(boss.get("/supervisor/export.csv?lang=en").body.trim_start_matches('\u{feff}'));
    let row = rows.iter().find(|r| r[1] == due).unwrap();
    assert_eq!(row[27..], ["Yes", "Yes", "No", ""]);
    let zh = boss.get("/supervisor/export.csv?lang=zh-CN").body;
    let header = &parse_csv(zh.trim_start_matches('\u{feff}'))[0];
    assert_eq!(header[27..], ["同意公开", "已公示", "已隐藏", "商家公开回应"]);
}
