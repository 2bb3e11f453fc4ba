//! What every notice says of its complaint, and what every page says of
//! help and privacy: the order number, the amount and each deadline as a
//! date in mail and SMS; the help line (`REDRESS_HELP`) in every mail and
//! footer; links whole on their own lines in the text mail; a footer for
//! each reader; the privacy notice at `/privacy`.

use chrono::Duration;
use redress::config::Config;
use redress::service::retention::KEEP_MONTHS;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::smtp::{Received, SmtpServer};

const CONSUMER: &str = "wangfang@example.com";
const MERCHANT: &str = "kefu@merchant.example.cn";
const PUBLIC: &str = "https://redress.example.cn";
const ORDER: &str = "DY4829301756";
/// The builder's amount, as notices write it.
const AMOUNT: &str = "¥299.00";
/// The builder's complaint is filed at 2026-11-20 10:00: answer by then
/// + 48 h, resolve by then + 7 days.
const RESPONSE_DUE: &str = "2026年11月22日 10:00";
const RESOLUTION_DUE: &str = "2026年11月27日 10:00";
const DEFAULT_HELP: &str = "如需帮助：请联系平台客服。";
const CONSUMER_FOOTER: &str = "您填写的信息只用于处理您的投诉";

fn with_smtp(port: u16, configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_with(|c| {
        c.smtp_url = Some(SmtpServer::url(port));
        c.public_url = Some(PUBLIC.into());
        configure(c);
    })
}

/// The one mail to `to` whose subject starts with `subject`.
fn mail(smtp: &SmtpServer, to: &str, subject: &str) -> Received {
    let found: Vec<Received> = smtp.to(to).into_iter().filter(|m| m.subject().starts_with(subject)).collect();
    assert_eq!(found.len(), 1, "one mail {subject:?} to {to}: {:?}", smtp.to(to).iter().map(Received::subject));
    found.into_iter().next().unwrap()
}

/// The text message of `kind` (its file's name holds it), without its
/// `To:` line; exactly one.
fn sms(app: &TestApp, kind: &str) -> String {
    let dir = app.config.data_dir.join("outbox");
    let found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".sms"))
        .filter(|e| e.file_name().to_string_lossy().contains(&format!("-{kind}-")))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert_eq!(found.len(), 1, "one {kind} message");
    found[0].split_once("\n\n").expect("a To: line, a blank line, the text").1.trim_end().to_owned()
}

#[test]
fn the_receipt_restates_order_and_amount_and_gives_the_due_dates_by_mail_and_by_sms() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port, |_| {});
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).file(&app);
    app.dispatch();

    let text = mail(&smtp, CONSUMER, "投诉已受理").text();
    for said in [&format!("订单号：{ORDER}"), &format!("涉及金额：{AMOUNT}"), RESPONSE_DUE, RESOLUTION_DUE] {
        assert!(text.contains(said), "{said} in the receipt: {text}");
    }
    let alert = mail(&smtp, MERCHANT, "新投诉").text();
    for said in [&format!("订单号：{ORDER}"), &format!("涉及金额：{AMOUNT}"), RESPONSE_DUE, RESOLUTION_DUE] {
        assert!(alert.contains(said), "{said} for the merchant: {alert}");
    }

    let text = sms(&app, "receipt");
    assert!(text.starts_with(&format!("【售后督办】订单{ORDER}（{AMOUNT}）：")), "the order first: {text}");
    assert!(text.contains(&format!("投诉TS20261120000001已受理，商家须在{RESPONSE_DUE}前回应")), "as a date: {text}");
    assert!(text.ends_with(&format!("{PUBLIC}{}", filed.path().split('?').next().unwrap())), "the link last: {text}");
    assert!(!text.contains("48 小时") && !text.contains("7 天"), "dates, not durations: {text}");
    assert_eq!(redress::sms::segments(&text), 2, "short: {} characters: {text}", text.chars().count());
}

#[test]
fn an_english_receipt_says_the_same_in_english_and_without_an_amount_leaves_it_out() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port, |_| {});
    let m = MerchantBuilder::new("Hangzhou Xinghe Youxuan E-commerce Co., Ltd.").build(&app);
    app.get("/?lang=en");
    ComplaintBuilder::new(m).amount("").file(&app);
    app.dispatch();
    let text = mail(&smtp, CONSUMER, "Complaint received").text();
    assert!(text.contains(&format!("Order number: {ORDER}")), "{text}");
    assert!(!text.contains("Amount:") && !text.contains('¥'), "no amount given, none shown: {text}");
    assert!(text.contains("22 Nov 2026, 10:00") && text.contains("27 Nov 2026, 10:00"), "{text}");
    assert!(text.contains("Need help? Contact the platform's customer service."), "{text}");
    let text = sms(&app, "receipt");
    assert!(text.starts_with(&format!("[Redress] Order {ORDER}: Complaint TS")), "{text}");
    assert!(text.contains("must answer by 22 Nov 2026, 10:00"), "{text}");
    assert!(!text.contains('您'), "no Chinese: {text}");
}

/// Files a complaint, has the merchant answer and propose 50 yuan back an
/// hour later, and sends what that queued.
fn proposed(app: &TestApp, m: i64) {
    ComplaintBuilder::new(m).file(app);
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    staff.submit(page, &format!("{page}/reply"), &[("body", "您好，已收到。")]);
    let res = staff.submit(
        page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "50"), ("body", "退 50 元。")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.advance(Duration::hours(1));
    app.dispatch();
}

#[test]
fn a_proposal_notice_gives_the_answer_by_date_from_the_silence_the_deployment_keeps() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port, |c| c.policy.consumer_silence = Duration::hours(48));
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    proposed(&app, m);
    // Delivered at 11:00 on the 20th: 48 hours from then.
    let text = mail(&smtp, CONSUMER, "商家提出了解决方案").text();
    assert!(text.contains("请您在 2026年11月22日 11:00 前（收到本通知起 48 小时内）"), "{text}");
    assert!(!text.contains("72"), "the deployment's silence, not the default: {text}");
    assert!(text.contains(&format!("订单号：{ORDER}")) && text.contains(&format!("涉及金额：{AMOUNT}")), "{text}");
    let text = sms(&app, "consumer_proposal");
    assert!(text.contains("请您在2026年11月22日 11:00前答复"), "{text}");
    assert!(text.contains(&format!("订单{ORDER}（{AMOUNT}）")), "{text}");
    assert!(!text.contains('\u{27e6}'), "no marker left: {text}");
}

#[test]
fn the_reminder_and_the_breach_tell_the_merchant_the_order_and_the_due_date() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port, |_| {});
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    app.sweep();
    app.clock.advance(Duration::hours(36) + Duration::minutes(1));
    app.sweep();
    app.clock.advance(Duration::hours(12));
    app.sweep();
    app.dispatch();
    for subject in ["还剩 12 小时", "已超时"] {
        let text = mail(&smtp, MERCHANT, subject).text();
        assert!(text.contains(&format!("订单号：{ORDER}")), "{subject}: {text}");
        assert!(text.contains(&format!("涉及金额：{AMOUNT}")), "{subject}: {text}");
        assert!(text.contains(RESPONSE_DUE), "{subject}: the due date: {text}");
    }
}

#[test]
fn every_mail_ends_with_the_help_line_and_the_setting_changes_it_everywhere() {
    let smtp = SmtpServer::start();
    let app = with_smtp(smtp.port, |_| {});
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    app.dispatch();
    for (to, subject) in [(CONSUMER, "投诉已受理"), (MERCHANT, "新投诉")] {
        let text = mail(&smtp, to, subject).text();
        let help = text.lines().position(|l| l == DEFAULT_HELP).unwrap_or_else(|| panic!("the help line: {text}"));
        let signature = text.lines().position(|l| l.starts_with("售后督办（")).unwrap();
        assert!(help < signature, "above the signature: {text}");
        assert!(mail(&smtp, to, subject).parsed().body_html(0).unwrap().contains(DEFAULT_HELP));
    }

    let smtp = SmtpServer::start();
    let ours = "如需帮助：请致电 400-820-0000（每天 9:00–21:00）";
    let app = with_smtp(smtp.port, |c| c.help = redress::config::help::Help::with_line(ours));
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    ComplaintBuilder::new(m).file(&app);
    app.dispatch();
    for (to, subject) in [(CONSUMER, "投诉已受理"), (MERCHANT, "新投诉")] {
        let text = mail(&smtp, to, subject).text();
        assert!(text.contains(ours) && !text.contains(DEFAULT_HELP), "the deployment's line: {text}");
    }
    let page = app.get("/").html();
    assert_eq!(page.select_text("footer [data-help]").as_deref(), Some(ours), "and in the footer");
}

#[test]
fn long_links_stay_whole_on_lines_of_their_own_in_the_text_mail() {
    let smtp = SmtpServer::start();
    let base = "https://after-sales.redress.example.cn/platform/consumer-complaints";
    let app = spawn_app_with(|c| {
        c.smtp_url = Some(SmtpServer::url(smtp.port));
        c.public_url = Some(base.into());
    });
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).file(&app);
    let report = "https://files.example.cn/reports/2026/11/20/DY4829301756/quality-inspection-report-final.pdf";
    let staff = app.merchant_staff(m);
    let page = "/merchant/complaints/TS20261120000001";
    let body =
        format!("您好，检测报告已经上传，请打开 {report} 查看，报告显示这批货合格，如有疑问请随时联系我们的客服。");
    staff.submit(page, &format!("{page}/reply"), &[("body", &body)]);
    app.dispatch();

    let tracking = format!("{base}{}", filed.path().split('?').next().unwrap());
    assert!(tracking.len() > 76, "a link longer than a line: {tracking}");
    let receipt = mail(&smtp, CONSUMER, "投诉已受理");
    assert_eq!(receipt.text_format(), (Some("flowed".into()), Some("yes".into())), "readers may rejoin its lines");
    let lines: Vec<String> = receipt.wrapped().lines().map(|l| l.trim_end().to_owned()).collect();
    assert!(lines.contains(&tracking), "the tracking link whole on its own line: {lines:#?}");
    let reply = mail(&smtp, CONSUMER, "商家回复了您的投诉");
    let lines: Vec<String> = reply.wrapped().lines().map(|l| l.trim_end().to_owned()).collect();
    assert!(lines.iter().any(|l| l.starts_with(report)), "a link in the reply starts its line, whole: {lines:#?}");
    assert!(lines.contains(&tracking));
    for line in lines.iter().filter(|l| !l.contains("https://")) {
        let columns: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        assert!(columns <= 76, "prose wrapped at 76 columns: {line}");
    }
    assert!(reply.text().contains(&body), "rejoined, the merchant's words as written: {}", reply.text());
}

/// The footer of a page: its audience, its words, its help line and
/// whether it links the privacy notice.
fn footer(page: &Page) -> (String, String, String, bool) {
    let html = page.html();
    let audience = html.select_attr("footer[data-footer]", "data-footer").expect("a footer with its audience");
    let words = html.select_text("footer .site-footer__about").unwrap_or_default();
    let help = html.select_text("footer [data-help]").unwrap_or_default();
    (audience, words, help, html.select_first("footer a[href='/privacy']").is_some())
}

#[test]
fn each_reader_gets_a_footer_of_their_own_with_help_and_the_privacy_link() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let filed = ComplaintBuilder::new(m).file(&app);
    let consumer = app.get(filed.path());
    let staff = app.merchant_staff(m).get("/merchant/complaints/TS20261120000001");
    let boss = app.supervisor().get("/supervisor/complaints/TS20261120000001");
    for page in [&consumer, &staff, &boss] {
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    }
    let (audiences, words): (Vec<String>, Vec<String>) = [&consumer, &staff, &boss]
        .into_iter()
        .map(|page| {
            let (audience, words, help, privacy) = footer(page);
            assert_eq!(help, DEFAULT_HELP, "the help line for {audience}");
            assert!(privacy, "the privacy notice linked for {audience}");
            (audience, words)
        })
        .unzip();
    assert_eq!(audiences, ["consumer", "merchant", "supervisor"]);
    assert!(words[0].contains(CONSUMER_FOOTER) && words[0].contains("48 小时"), "{}", words[0]);
    assert!(words[1].contains("商户后台") && words[2].contains("督办后台"), "{words:?}");
    assert!(words[0] != words[1] && words[1] != words[2] && words[0] != words[2], "{words:?}");
    for page in [&staff, &boss] {
        assert!(!page.body.contains(CONSUMER_FOOTER), "the consumer's footer reaches no staff page");
    }

    // The form names what the contact details are for, beside them.
    let form = app.client().get("/complaints/new").html();
    let near = form
        .select_all("fieldset")
        .into_iter()
        .find(|f| f.select_first("[name=consumer_phone]").is_some())
        .expect("the contact fields");
    assert!(near.select_first("a[href='/privacy']").is_some(), "the privacy notice linked by the contact fields");
}

#[test]
fn the_privacy_notice_is_public_in_both_languages_with_the_deployments_figures() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("privacy.txt");
    std::fs::write(&file, "数据保存在境内服务器。\n\n个人信息保护负责人：privacy@example.cn").unwrap();
    let path = file.to_str().unwrap().to_owned();
    let help = Config::from_lookup(|k| (k == "REDRESS_PRIVACY_FILE").then(|| path.clone())).unwrap().help;
    let app = spawn_app_with(|c| {
        c.help = help;
        c.policy.response = Duration::hours(24);
    });

    let zh = app.client().get("/privacy");
    assert_eq!(zh.status, StatusCode::OK);
    let html = zh.html();
    assert_eq!(html.select_text("h1").as_deref(), Some("隐私说明"));
    let kept = html.select_text("[data-retention]").unwrap_or_default();
    assert!(kept.contains(&format!("{KEEP_MONTHS} 个月（{} 年）", KEEP_MONTHS / 12)), "the retention kept: {kept}");
    let why = html.select_text("#why").unwrap_or_default();
    assert!(why.contains("24 小时") && why.contains("7 天"), "the deployment's deadlines: {why}");
    for collected in ["姓名", "手机号", "电子邮箱", "订单号", "证据"] {
        assert!(html.select_text("#collect").unwrap_or_default().contains(collected), "{collected}");
    }
    assert!(html.select_text("#who").unwrap_or_default().contains("被投诉的商家"));
    assert_eq!(html.select_text("#help [data-help]").as_deref(), Some(DEFAULT_HELP));
    assert_eq!(
        html.select_texts("[data-privacy-more] p"),
        ["数据保存在境内服务器。", "个人信息保护负责人：privacy@example.cn"],
        "the deployment's own words"
    );
    assert_eq!(footer(&zh).0, "consumer");

    let en = app.client().get("/privacy?lang=en");
    assert_eq!(en.status, StatusCode::OK);
    let html = en.html();
    assert_eq!(html.select_text("h1").as_deref(), Some("Privacy notice"));
    let kept = html.select_text("[data-retention]").unwrap_or_default();
    assert!(kept.contains(&format!("{KEEP_MONTHS} months ({} years)", KEEP_MONTHS / 12)), "{kept}");
    assert!(html.select_text("#why").unwrap_or_default().contains("24 hours"));
    let main = html.select_text("main").unwrap_or_default();
    assert!(!main.contains("隐私") && !main.contains("商家"), "English throughout (but the deployment's file)");

    // Staff read it too, under their own footer.
    let staff = app.supervisor().get("/privacy");
    assert_eq!(staff.status, StatusCode::OK);
    assert_eq!(footer(&staff).0, "supervisor");
}
