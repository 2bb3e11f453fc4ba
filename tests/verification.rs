//! Proving the phone number on the complaint form: a six-digit code sent by
//! SMS, which lives ten minutes, works once and takes five answers; sends
//! are limited per number and per address; `REDRESS_VERIFY_PHONE` decides
//! whether it is offered, asked for, or not shown.

use chrono::Duration;
use redress::domain::contact::VerifyPhone;
use ureq::http::StatusCode;

use crate::helpers::*;

const PHONE: &str = "13800138000";

/// The text messages written to the app's outbox folder to `+86{phone}`.
fn texts_to(app: &TestApp, phone: &str) -> Vec<String> {
    let dir = app.config.data_dir.join("outbox");
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "sms"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .filter(|text| text.starts_with(&format!("To: +86{phone}\n\n")))
        .collect()
}

fn complaints(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use redress::store::schema::complaints;
    complaints::table.count().get_result(&mut app.pool.get().unwrap()).unwrap()
}

fn verified(app: &TestApp) -> Vec<bool> {
    use diesel::prelude::*;
    use redress::store::schema::complaints;
    complaints::table
        .order(complaints::id)
        .select(complaints::phone_verified_at.is_not_null())
        .load(&mut app.pool.get().unwrap())
        .unwrap()
}

#[test]
fn a_code_sent_by_sms_verifies_the_complaint_and_the_form_keeps_what_was_typed() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint =
        ComplaintBuilder::new(m).phone("138 0013 8000").description("直播间说是真丝，到手是涤纶，商家不认。");
    let sent = complaint.send_code(&app);
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let said = sent.html().select_text("[data-code-sent]").expect("says the code was sent");
    assert!(said.contains("138****8000") && !said.contains(PHONE), "masked: {said}");
    assert_eq!(textarea_value(&sent.body, "description").unwrap(), "直播间说是真丝，到手是涤纶，商家不认。");
    assert_eq!(input_value(&sent.body, "order_ref").unwrap(), "DY4829301756");
    assert_eq!(complaints(&app), 0, "nothing filed by the button");

    app.dispatch();
    let texts = texts_to(&app, PHONE);
    assert_eq!(texts.len(), 1, "one text message with the code: {texts:?}");
    assert!(texts[0].contains("验证码") && texts[0].contains("10 分钟"), "{}", texts[0]);
    let code = six_digits(&texts[0]).expect("six digits");
    {
        use diesel::prelude::*;
        use redress::store::schema::phone_codes;
        let hashes: Vec<String> =
            phone_codes::table.select(phone_codes::code_hash).load(&mut app.pool.get().unwrap()).unwrap();
        assert_eq!(hashes.len(), 1);
        assert!(!hashes[0].contains(&code) && hashes[0].len() == 64, "stored hashed: {}", hashes[0]);
        use redress::store::schema::outbox;
        let kept: Vec<String> = outbox::table
            .filter(outbox::kind.eq("phone_code"))
            .select(outbox::body_text)
            .load(&mut app.pool.get().unwrap())
            .unwrap();
        assert_eq!(kept, [""], "once sent, the code is not kept in the outbox");
    }

    let filed = complaint.field("phone_code", &code).submit(&app);
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    assert_eq!(verified(&app), [true]);

    // Unverified, as ever, when no code is typed.
    ComplaintBuilder::new(m).file(&app);
    assert_eq!(verified(&app), [true, false]);
}

#[test]
fn a_wrong_code_files_nothing_and_says_what_to_do() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint = ComplaintBuilder::new(m).name("李秀英");
    complaint.send_code(&app);
    let right = app.last_code(PHONE);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let res = complaint.clone().field("phone_code", wrong).submit(&app);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let why = field_error(&res.body, "phone_code").expect("the message next to the code");
    assert!(why.contains("验证码不正确") && why.contains("清空验证码"), "{why}");
    assert_eq!(input_value(&res.body, "consumer_name").unwrap(), "李秀英", "what was typed is kept");
    assert_eq!(input_value(&res.body, "phone_code").unwrap(), wrong);
    assert_eq!(complaints(&app), 0, "not filed: the consumer asked to verify");

    let malformed = complaint.clone().field("phone_code", "12345").submit(&app);
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&malformed.body, "phone_code").unwrap().contains("6 位数字"));

    // Cleared, the complaint is filed unverified.
    let cleared = complaint.field("phone_code", "").submit(&app);
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.body);
    assert_eq!(verified(&app), [false]);
}

#[test]
fn a_code_expires_after_ten_minutes_and_works_once() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint = ComplaintBuilder::new(m);
    complaint.send_code(&app);
    let code = app.last_code(PHONE);
    app.clock.advance(Duration::minutes(10));
    let late = complaint.clone().field("phone_code", &code).submit(&app);
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&late.body, "phone_code").unwrap().contains("已过期"), "{}", late.body);

    complaint.send_code(&app);
    let code = app.last_code(PHONE);
    app.clock.advance(Duration::minutes(9));
    let first = complaint.clone().field("phone_code", &code).submit(&app);
    assert_eq!(first.status, StatusCode::SEE_OTHER, "in time: {}", first.body);
    let again = complaint.field("phone_code", &code).submit(&app);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "used once");
    assert!(field_error(&again.body, "phone_code").unwrap().contains("已经用过"));
    assert_eq!(complaints(&app), 1);
}

#[test]
fn five_wrong_answers_kill_a_code_even_for_the_right_one() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint = ComplaintBuilder::new(m);
    complaint.send_code(&app);
    let right = app.last_code(PHONE);
    let wrong: Vec<String> = (0..6).map(|n| format!("{n}{n}{n}{n}{n}{n}")).filter(|c| *c != right).collect();
    for guess in &wrong[..5] {
        let res = complaint.clone().field("phone_code", guess).submit(&app);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&res.body, "phone_code").unwrap().contains("不正确"));
    }
    let sixth = complaint.clone().field("phone_code", &right).submit(&app);
    assert_eq!(sixth.status, StatusCode::UNPROCESSABLE_ENTITY, "the sixth answer is refused, right or not");
    assert!(field_error(&sixth.body, "phone_code").unwrap().contains("输错 5 次"), "{}", sixth.body);
    assert_eq!(complaints(&app), 0);

    // A new code works.
    complaint.send_code(&app);
    let fresh = complaint.field("phone_code", &app.last_code(PHONE)).submit(&app);
    assert_eq!(fresh.status, StatusCode::SEE_OTHER);
}

#[test]
fn sends_are_limited_per_number_and_per_address_with_retry_after() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint = ComplaintBuilder::new(m);
    for _ in 0..3 {
        assert_eq!(complaint.send_code(&app).status, StatusCode::OK);
        app.clock.advance(Duration::minutes(10));
    }
    // Sent at 0, 10 and 20 minutes; at 30 the first leaves the hour in 30.
    let refused = complaint.send_code(&app);
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "1800");
    let why = field_error(&refused.body, "phone_code").expect("said next to the code");
    assert!(why.contains("1800 秒"), "{why}");
    assert_eq!(textarea_value(&refused.body, "description").unwrap(), DESCRIPTION, "kept");

    // Other numbers from the same address: ten an hour in all.
    for n in 0..7 {
        let other = complaint.clone().phone(&format!("1391234560{n}"));
        assert_eq!(other.send_code(&app).status, StatusCode::OK, "send {n}");
    }
    let eleventh = complaint.clone().phone("13987654321").send_code(&app);
    assert_eq!(eleventh.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(eleventh.headers.get("retry-after").unwrap(), "1800", "the oldest send leaves in 30 minutes");
    assert!(field_error(&eleventh.body, "phone_code").unwrap().contains("您的网络"));

    app.clock.advance(Duration::minutes(30));
    assert_eq!(complaint.send_code(&app).status, StatusCode::OK, "the hour has moved on");

    let bad = complaint.clone().phone("12345").send_code(&app);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&bad.body, "consumer_phone").is_some());
}

#[test]
fn required_mode_asks_for_a_number_and_its_code() {
    let app = spawn_app_with(|c| c.verify_phone = VerifyPhone::Required);
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let no_code = ComplaintBuilder::new(m).submit(&app);
    assert_eq!(no_code.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&no_code.body, "phone_code").unwrap().contains("请填写手机号"), "{}", no_code.body);
    let no_phone = ComplaintBuilder::new(m).phone("").field("phone_code", "123456").submit(&app);
    assert_eq!(no_phone.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(complaints(&app), 0);

    let filed = ComplaintBuilder::new(m).verified().file(&app);
    assert!(app.get(&filed).status.is_success());
    assert_eq!(verified(&app), [true]);
}

#[test]
fn off_mode_shows_no_code_and_reads_none() {
    let app = spawn_app_with(|c| c.verify_phone = VerifyPhone::Off);
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let form = app.get("/complaints/new");
    assert!(form.html().select_first("input[name=phone_code]").is_none());
    assert!(form.html().select_first("button[formaction=\"/complaints/code\"]").is_none());
    assert_eq!(ComplaintBuilder::new(m).send_code(&app).status, StatusCode::UNPROCESSABLE_ENTITY);
    let filed = ComplaintBuilder::new(m).field("phone_code", "123456").submit(&app);
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "a code sent anyway is not read");
    assert_eq!(verified(&app), [false]);
}

#[test]
fn the_form_offers_the_code_with_a_button_that_needs_no_script() {
    let app = on();
    let form = app.get("/complaints/new").html();
    assert!(form.select_first("input[name=phone_code][autocomplete=one-time-code]").is_some());
    let button = form.select_first("form[action=\"/complaints\"] button[formaction=\"/complaints/code\"]");
    assert!(button.is_some(), "a submit button of the complaint form itself");
}

/// The app with verification offered (the default outside the tests).
pub fn on() -> TestApp {
    spawn_app_with(|c| c.verify_phone = VerifyPhone::Optional)
}

#[test]
fn verified_complaints_are_marked_for_merchants_and_supervisors_and_in_the_export() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let proved = ComplaintBuilder::new(m).verified().overdue().file(&app).reference(&app);
    let plain = ComplaintBuilder::new(m).phone("13912345678").overdue().file(&app).reference(&app);
    app.sweep();

    let marked = |page: &Page, css: &str| -> Vec<String> {
        let html = page.html();
        html.select_all(css)
            .into_iter()
            .filter(|row| row.select_first("[data-verified=true]").is_some())
            .filter_map(|row| row.select_text("a.reference"))
            .collect()
    };
    let staff = app.merchant_staff(m);
    assert_eq!(
        marked(&staff.get("/merchant"), "li.complaint-row"),
        std::slice::from_ref(&proved),
        "the dashboard's rows"
    );
    let page = staff.get(&format!("/merchant/complaints/{proved}")).html();
    assert_eq!(page.select_text("[data-verified=true]").unwrap().trim(), "号码已验证");
    let page = staff.get(&format!("/merchant/complaints/{plain}")).html();
    assert!(page.select_first("[data-verified]").is_none());

    let boss = app.supervisor();
    assert_eq!(marked(&boss.get("/supervisor"), "li.complaint-row"), std::slice::from_ref(&proved), "the queue's rows");
    let page = boss.get(&format!("/supervisor/complaints/{proved}")).html();
    assert!(page.select_first("[data-verified=true]").is_some());
    assert!(boss.get(&format!("/supervisor/complaints/{plain}")).html().select_first("[data-verified]").is_none());

    let csv = boss.get("/supervisor/export.csv").body;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    let at = lines[0].split(',').position(|h| h == "号码已验证").expect("a phone_verified column");
    let value = |reference: &str| {
        let line = lines.iter().find(|l| l.contains(reference)).unwrap();
        line.split(',').nth(at).unwrap().to_owned()
    };
    assert_eq!((value(&proved), value(&plain)), ("是".to_owned(), "否".to_owned()));
}

#[test]
fn only_verified_complaints_count_toward_volume_once_verification_is_on() {
    let app = on();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let boss = app.supervisor();
    for _ in 0..12 {
        ComplaintBuilder::new(m).file(&app);
    }
    assert!(!boss.get("/supervisor/flags").body.contains("深圳极光数码科技有限公司"), "unproved numbers do not count");
    for n in 0..9 {
        ComplaintBuilder::new(m).phone(&format!("1371234560{n}")).verified().file(&app);
    }
    assert!(!boss.get("/supervisor/flags").body.contains("深圳极光数码科技有限公司"), "nine verified do not");
    ComplaintBuilder::new(m).phone("13712345699").verified().file(&app);
    let flags = boss.get("/supervisor/flags").body;
    assert!(flags.contains("深圳极光数码科技有限公司"), "ten verified do");
    assert!(flags.contains("30 天内收到 10 件投诉"), "counting the verified ones only: {flags}");

    // With verification off, every complaint counts (as tests/volume_flags.rs
    // checks at length): ten unverified flag a merchant.
    let off = spawn_app_with(|c| c.verify_phone = VerifyPhone::Off);
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&off);
    for _ in 0..10 {
        ComplaintBuilder::new(m).file(&off);
    }
    assert!(off.supervisor().get("/supervisor/flags").body.contains("深圳极光数码科技有限公司"));
}

#[test]
fn the_code_button_keeps_the_text_and_says_the_files_need_choosing_again() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint = ComplaintBuilder::new(m).description("主播承诺七天无理由，收到后客服拒绝退货。");
    let fields = complaint.fields();
    let photo: &[u8] = b"\x89PNG\r\n\x1a\n not really a photo";
    let res =
        crate::evidence::send_with_files(&app, "/complaints/new", "/complaints/code", &fields, &[("a.png", photo)]);
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.html().select_first("[data-code-sent]").is_some());
    assert_eq!(textarea_value(&res.body, "description").unwrap(), "主播承诺七天无理由，收到后客服拒绝退货。");
    assert!(field_error(&res.body, "evidence").unwrap().contains("重新选择"), "the files must be chosen again");
    assert_eq!(complaints(&app), 0);
}

#[test]
fn sends_at_once_still_count_three_a_number() {
    let app = on();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let complaint = ComplaintBuilder::new(m);
    let clients: Vec<Client> = (0..6).map(|_| app.client()).collect();
    let statuses: Vec<StatusCode> = std::thread::scope(|s| {
        let running: Vec<_> = clients.iter().map(|c| s.spawn(|| complaint.send_code(c).status)).collect();
        running.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let sent = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(sent, 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}
