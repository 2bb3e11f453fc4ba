//! Text messages to the consumer: every notice a phone-only consumer gets,
//! as written to `data/outbox/*.sms`, and through a stand-in for Tencent
//! Cloud SMS that checks each request's signature and answers success,
//! throttling or a wrong number as Tencent does.

use chrono::Duration;
use redress::clock::Clock;
use redress::store::outbox::{self, MailState};
use ureq::http::StatusCode;

use crate::helpers::*;

const PUBLIC: &str = "https://redress.example.cn";
const PHONE: &str = "13800138000";

/// The text messages written so far, in the order they were queued: (file
/// name, contents).
fn sms_files(app: &TestApp) -> Vec<(String, String)> {
    let dir = app.config.data_dir.join("outbox");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "sms"))
                .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The message of `kind` (the file's name holds it); exactly one.
fn message<'a>(files: &'a [(String, String)], kind: &str) -> &'a str {
    let found: Vec<&str> =
        files.iter().filter(|(name, _)| name.contains(&format!("-{kind}-"))).map(|(_, text)| text.as_str()).collect();
    assert_eq!(found.len(), 1, "one {kind} message in {files:?}");
    found[0]
}

/// The consumer's private link, as a notice gives it.
fn link(filed: &Filed) -> String {
    format!("{PUBLIC}{}", filed.path().split('?').next().unwrap())
}

fn phone_only(m: i64) -> ComplaintBuilder {
    ComplaintBuilder::new(m).phone("138 0013 8000").email("")
}

/// The merchant answers, then proposes 50 yuan back.
fn reply_and_propose(app: &TestApp, m: i64) {
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    let res = staff.submit(page, &format!("{page}/reply"), &[("body", "您好，已收到，正在核实。请拨 021-5555 0000。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = staff.submit(
        page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "50"), ("body", "退 50 元。")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

/// Only the `To:` line has the number in full.
fn assert_masked(text: &str) {
    let (to, rest) = text.split_once("\n\n").expect("a To: line, a blank line, the text");
    assert_eq!(to, format!("To: +86{PHONE}"));
    assert!(!rest.contains(PHONE) && !rest.contains("138 0013"), "the number only in To: {text}");
}

#[test]
fn a_phone_only_consumer_gets_the_receipt_the_reply_and_the_proposal_by_sms() {
    let app = spawn_app_with(|c| c.public_url = Some(PUBLIC.into()));
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = phone_only(m).file(&app);
    reply_and_propose(&app, m);
    app.clock.advance(Duration::hours(1));
    app.dispatch();

    let files = sms_files(&app);
    assert_eq!(files.len(), 3, "receipt, reply, proposal: {files:?}");
    let receipt = message(&files, "receipt");
    assert_masked(receipt);
    assert!(
        receipt.contains("\n\n【售后督办】订单DY4829301756（¥299.00）：投诉TS20261120000001已受理"),
        "the order and its amount first: {receipt}"
    );
    assert!(receipt.contains("2026年11月22日 10:00"), "the response deadline: {receipt}");
    assert!(receipt.trim_end().ends_with(&link(&filed)), "the tracking link last: {receipt}");

    let reply = message(&files, "consumer_reply");
    assert_masked(reply);
    assert!(reply.contains("订单DY4829301756（¥299.00）：商家回复了您的投诉TS20261120000001"), "{reply}");
    assert!(!reply.contains("021-5555"), "the merchant's words stay on the page: {reply}");
    assert!(reply.contains(&link(&filed)));

    let proposal = message(&files, "consumer_proposal");
    assert_masked(proposal);
    assert!(proposal.contains("退款 · ¥50.00"), "{proposal}");
    // 72 hours from its delivery, an hour after it was proposed.
    assert!(proposal.contains("请您在2026年11月23日 11:00前答复"), "the exact answer-by time: {proposal}");
    assert!(!proposal.contains('\u{27e6}'), "no marker left: {proposal}");
    assert!(proposal.contains(&link(&filed)));
    for (_, text) in &files {
        // Within three messages of 67 characters, sign and link included;
        // the receipt within two.
        let sent = text.split_once("\n\n").unwrap().1.trim_end();
        let most = if text.contains("已受理") { 2 } else { 3 };
        assert!(redress::sms::segments(sent) <= most, "short: {} characters: {sent}", sent.chars().count());
    }
    assert_eq!(app.dispatch().sent, 0, "nothing twice");
}

#[test]
fn an_english_complaint_gets_english_sms() {
    let app = spawn_app_with(|c| c.public_url = Some(PUBLIC.into()));
    let m = MerchantBuilder::new("Hangzhou Xinghe Youxuan E-commerce Co., Ltd.").build(&app);
    app.get("/?lang=en");
    let filed = phone_only(m).file(&app);
    reply_and_propose(&app, m);
    app.dispatch();
    let files = sms_files(&app);
    let receipt = message(&files, "receipt");
    assert_masked(receipt);
    let filed_as = "Order DY4829301756 (¥299.00): Complaint TS20261120000001 is filed";
    assert!(receipt.contains(&format!("\n\n[Redress] {filed_as}")), "{receipt}");
    assert!(receipt.contains(&link(&filed)));
    let proposal = message(&files, "consumer_proposal");
    assert!(proposal.contains("Please answer by 23 Nov 2026, 10:00"), "{proposal}");
    assert!(!proposal.contains("您"), "no Chinese: {proposal}");
}

#[test]
fn the_consumer_is_told_by_sms_when_the_platform_steps_in_and_when_it_rules() {
    let app = spawn_app_with(|c| c.public_url = Some(PUBLIC.into()));
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let filed = phone_only(m).file(&app);
    reply_and_propose(&app, m);
    let page = filed.path().split('?').next().unwrap();
    let res = app.submit(page, &format!("{page}/reject"), &[("reason", "只退 50 元不合理。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.submit(page, &format!("{page}/intervene"), &[("reason", "只退 50 元不合理。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let boss = app.supervisor();
    let ruling = "/supervisor/complaints/TS20261120000001";
    let res = boss.submit(ruling, &format!("{ruling}/rule"), &[("outcome", "upheld"), ("body", "全额退款。")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.dispatch();

    let files = sms_files(&app);
    let escalation = message(&files, "consumer_escalation");
    assert_masked(escalation);
    assert!(escalation.contains("您的投诉TS20261120000001已转平台介入处理"), "{escalation}");
    let ruled = message(&files, "consumer_ruling");
    assert!(ruled.contains("平台已对您的投诉TS20261120000001作出裁定：投诉成立"), "{ruled}");
    assert!(ruled.contains(&link(&filed)));
}

#[test]
fn the_consumer_is_told_by_sms_when_a_breach_hands_the_complaint_to_the_platform() {
    let app = spawn_app_with(|c| c.public_url = Some(PUBLIC.into()));
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let filed = phone_only(m).file(&app);
    app.clock.advance(Duration::hours(48) + Duration::minutes(1));
    assert_eq!(app.sweep().response_breaches, 1);
    app.dispatch();
    let files = sms_files(&app);
    let escalation = message(&files, "consumer_escalation");
    assert_masked(escalation);
    assert!(escalation.contains("您的投诉TS20261120000001已转平台介入处理"), "{escalation}");
    assert!(escalation.contains(&link(&filed)));
}

#[test]
fn a_consumer_with_both_gets_each_notice_by_mail_and_by_sms_under_one_key() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    let mut conn = app.pool.get().unwrap();
    let rows = outbox::in_states(&mut conn, &[MailState::Queued], 50).unwrap();
    let mut receipts: Vec<(String, String, String)> = rows
        .iter()
        .filter(|r| r.kind == "receipt")
        .map(|r| (r.channel.slug().to_owned(), r.recipient.clone(), r.dedupe_key.clone()))
        .collect();
    receipts.sort();
    let id = rows[0].complaint_id.unwrap();
    assert_eq!(
        receipts,
        [
            ("mail".into(), "wangfang@example.com".into(), format!("receipt:{id}")),
            ("sms".into(), PHONE.into(), format!("sms:receipt:{id}")),
        ]
    );
}

// --- Through the provider ---------------------------------------------------

fn with_provider(url: String) -> TestApp {
    spawn_app_with(move |c| {
        c.sms_url = Some(url);
        c.public_url = Some(PUBLIC.into());
    })
}

/// The outbox's text messages: (state, attempts, recipient).
fn sms_rows(app: &TestApp) -> Vec<outbox::Row> {
    let mut conn = app.pool.get().unwrap();
    let all = [MailState::Queued, MailState::Sending, MailState::Sent, MailState::Dead];
    outbox::in_states(&mut conn, &all, 100).unwrap().into_iter().filter(|r| r.channel.slug() == "sms").collect()
}

#[test]
fn through_the_provider_a_signed_request_is_delivered() {
    let provider = SmsProvider::start();
    let app = with_provider(provider.url("&template.consumer_proposal=1000009"));
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = phone_only(m).file(&app);
    reply_and_propose(&app, m);
    let report = app.dispatch();
    assert_eq!((report.sent, report.retrying, report.dead), (4, 0, 0), "the merchant's mail and three SMS");

    let got = provider.received();
    assert_eq!(got.len(), 3);
    for r in &got {
        assert!(r.signed, "signature checked: {r:?}");
        assert_eq!((r.phone.as_str(), r.app.as_str(), r.sign.as_str()), ("+8613800138000", APP, "售后督办"));
        assert_eq!(r.headers.get("x-tc-action").map(String::as_str), Some("SendSms"));
        assert_eq!(r.headers.get("x-tc-region").map(String::as_str), Some("ap-guangzhou"));
        assert_eq!(r.params.len(), 1, "the template's one parameter: the text");
        assert!(!r.params[0].starts_with('【'), "Tencent adds the sign itself: {:?}", r.params);
        assert!(r.params[0].ends_with(&link(&filed)));
    }
    let templates: Vec<&str> = got.iter().map(|r| r.template.as_str()).collect();
    assert_eq!(templates, [TEMPLATE, TEMPLATE, "1000009"], "a kind's own template when it has one");
    assert!(got[0].context.contains("-receipt-"), "the outbox name comes back in reports: {}", got[0].context);
    assert!(got[2].params[0].contains("请您在2026年11月23日 10:00前答复"), "{:?}", got[2].params);
    assert!(sms_rows(&app).iter().all(|r| r.state == MailState::Sent));
}

#[test]
fn throttled_by_the_provider_the_message_waits_and_goes_later() {
    let provider = SmsProvider::start();
    provider.answer("+8613900139000", &["LimitExceeded.PhoneNumberThirtySecondLimit"]);
    let app = with_provider(provider.url(""));
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).phone("13900139000").email("").file(&app);
    assert_eq!(app.dispatch().retrying, 1);
    let row = sms_rows(&app).remove(0);
    assert_eq!((row.state, row.attempts), (MailState::Queued, 1), "queued again");
    assert_eq!(row.next_attempt_at.and_utc(), app.clock.now() + Duration::seconds(10), "after a backoff");
    assert!(row.last_error.as_deref().unwrap_or("").contains("LimitExceeded.PhoneNumberThirtySecondLimit"));

    assert_eq!(app.dispatch().sent, 0, "not before its time");
    app.clock.advance(Duration::seconds(10));
    assert_eq!(app.dispatch().sent, 1);
    assert_eq!(sms_rows(&app)[0].state, MailState::Sent);
    assert_eq!(provider.received().len(), 2, "tried twice, delivered once");
}

#[test]
fn a_wrong_number_is_given_up_shown_masked_at_supervisor_mail_and_can_be_retried() {
    let provider = SmsProvider::start();
    provider.answer("+8613700137000", &["InvalidParameterValue.IncorrectPhoneNumber"]);
    let app = with_provider(provider.url(""));
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    ComplaintBuilder::new(m).phone("13700137000").email("").file(&app);
    assert_eq!(app.dispatch().dead, 1, "not tried again by itself");
    let row = sms_rows(&app).remove(0);
    assert_eq!(row.state, MailState::Dead);

    let boss = app.supervisor();
    let page = boss.get("/supervisor/mail");
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let item = format!("[data-mail=\"{}\"]", row.id);
    assert_eq!(html.select_attr(&item, "data-channel").as_deref(), Some("sms"));
    assert_eq!(html.select_attr(&item, "data-state").as_deref(), Some("dead"));
    let text = html.select_text(&format!("{item} .recipient")).unwrap_or_default();
    assert_eq!(text, "137****7000");
    assert_eq!(html.select_text(&format!("{item} .channel")).as_deref(), Some("短信"));
    assert!(page.body.contains("InvalidParameterValue.IncorrectPhoneNumber"), "the provider's reason shown");
    assert!(!page.body.contains("13700137000"), "the number never in full");
    assert!(!page.body.contains("/t/"), "nor the consumer's private link");

    let res = boss.submit("/supervisor/mail", &format!("/supervisor/mail/{}/retry", row.id), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.dispatch().sent, 1, "sent once the number is put right at the provider");
    assert_eq!(provider.received().len(), 2);
}

#[test]
fn a_request_signed_with_the_wrong_key_is_refused_and_the_message_given_up() {
    let provider = SmsProvider::start();
    let app = with_provider(provider.url_with_key("not-the-key", ""));
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    phone_only(m).file(&app);
    assert_eq!(app.dispatch().dead, 1);
    let got = provider.received();
    assert_eq!(got.len(), 1);
    assert!(!got[0].signed, "the provider's own check refused it");
    let row = sms_rows(&app).remove(0);
    assert!(row.last_error.as_deref().unwrap_or("").starts_with("AuthFailure.SignatureFailure"), "{row:?}");
}

#[test]
fn a_bad_sms_url_stops_the_start_naming_it() {
    let app = spawn_app();
    let mut config = app.config.clone();
    for (url, says) in [
        ("tencent://id:TOPSECRET@sms.tencentcloudapi.com/?sign=s&template=1", "app="),
        ("tencent://id:TOPSECRET@h/?app=1&sign=s&template=1&template.recipt=2", "recipt"),
    ] {
        config.sms_url = Some(url.into());
        let error = redress::service::dispatch::Transports::from_config(&config).err().expect("refused");
        assert!(error.starts_with("SMS_URL:") && error.contains(says), "{error}");
        assert!(!error.contains("TOPSECRET"), "{error}");
    }
}

// --- The real server, as a process ------------------------------------------

#[test]
fn the_server_logs_numbers_masked_and_never_the_key() {
    use crate::process::{eventually_within, redress, start};

    let provider = SmsProvider::start();
    provider.answer("+8613700137000", &["InvalidParameterValue.IncorrectPhoneNumber"]);
    provider.answer("+8613900139000", &["LimitExceeded.PhoneNumberThirtySecondLimit"]);
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let m = {
        let pool = redress::startup::prepare(&test_config(&db, data.path())).unwrap();
        MerchantBuilder::new("上海暖阳服饰有限公司").insert(&mut pool.get().unwrap(), chrono::Utc::now())
    };
    let log = data.path().join("stderr.log");
    let mut cmd = redress(&db, data.path());
    cmd.env("SMS_URL", provider.url(""))
        .env("RUST_LOG", "info")
        .env("REDRESS_SWEEP_INTERVAL", "0")
        .stderr(std::fs::File::create(&log).unwrap());
    let mut server = start(cmd, &[]);
    let banner = server.output.join("\n");
    assert!(banner.contains("SMS:               sent through SMS_URL"), "{banner}");
    assert!(!banner.contains(SECRET_KEY), "{banner}");

    let consumer = Client { base: server.base.clone(), agent: browser() };
    for phone in ["13700137000", "13900139000"] {
        let res = ComplaintBuilder::new(m).phone(phone).email("").submit(&consumer);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    let logged = || std::fs::read_to_string(&log).unwrap_or_default();
    eventually_within(std::time::Duration::from_secs(20), "tried both", || {
        let log = logged();
        log.contains("notice dead") && log.contains("notice retrying")
    });
    server.terminate();
    assert!(server.exited_within(std::time::Duration::from_secs(30)).success());

    let log = logged();
    assert!(log.contains("137****7000") && log.contains("139****9000"), "the rows' numbers, masked: {log}");
    for secret in ["13700137000", "13900139000", SECRET_KEY] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}

#[test]
fn a_bad_sms_url_stops_the_server_before_it_listens() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let mut cmd = crate::process::redress(&db, data.path());
    cmd.env("SMS_URL", "tencent://AKIDx:TOPSECRET@sms.tencentcloudapi.com/?app=1400000000&template=1").args([
        "serve",
        "--bind",
        "127.0.0.1:0",
    ]);
    let out = crate::process::run(&mut cmd);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("SMS_URL") && said.contains("sign="), "{said}");
    assert!(!said.contains("TOPSECRET"), "{said}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
}
