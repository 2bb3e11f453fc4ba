//! Hostile text (issue 16): names, replies and evidence file names refuse
//! characters that turn the text's direction, and names refuse to be made
//! of nothing visible; a clear message next to the field, the form kept.

use redress::domain::credit_code::CreditCode;
use redress::domain::staff::Role;
use redress::store::complaints;
use ureq::http::StatusCode;

use crate::evidence::{file_with, send_with_files};
use crate::helpers::*;

const BIDI: &str = "直播间里\u{202E}款退意同\u{202C}的说法";

fn stored(app: &TestApp) -> i64 {
    complaints::count(&mut app.pool.get().unwrap()).unwrap()
}

#[test]
fn a_consumer_name_that_turns_or_shows_nothing_is_refused_with_the_form_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let turned = "王\u{202E}芳";
    let res = ComplaintBuilder::new(merchant).name(turned).submit(&app);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "consumer_name").unwrap().contains("改变文字方向的不可见字符"));
    assert_eq!(input_value(&res.body, "consumer_name").as_deref(), Some(turned), "kept as typed");
    assert_eq!(textarea_value(&res.body, "description").as_deref(), Some(DESCRIPTION));
    for blank in ["\u{200B}\u{200C}\u{200D}", "\u{2060}\u{FEFF}", "\u{3000}\u{200B}\u{A0}"] {
        let res = ComplaintBuilder::new(merchant).name(blank).submit(&app);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{blank:?}");
        let error = field_error(&res.body, "consumer_name").unwrap();
        assert_eq!(error, "只有空白或不可见字符，请填写看得见的文字。", "{blank:?}");
    }
    // In English too, and an ordinary name still goes through.
    let client = app.client();
    client.get("/complaints/new?lang=en");
    let res = ComplaintBuilder::new(merchant).name("\u{2067}Zhang\u{2069}").submit(&client);
    assert!(field_error(&res.body, "consumer_name").unwrap().contains("change the direction of the text"));
    assert_eq!(stored(&app), 0, "nothing filed");
    assert_eq!(ComplaintBuilder::new(merchant).name("Zoë O'Brien").submit(&app).status, StatusCode::SEE_OTHER);
}

#[test]
fn replies_from_either_side_refuse_direction_turning_characters_with_the_text_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let reference = tracking.reference(&app);
    let res = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", BIDI)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(field_error(&res.body, "body").unwrap().contains("改变文字方向的不可见字符"));
    assert_eq!(textarea_value(&res.body, "body").as_deref(), Some(BIDI), "kept");
    let res = app.submit(&tracking, &format!("{tracking}/reply"), &[("body", "\u{200B}\u{3000}\u{2060}")]);
    assert_eq!(field_error(&res.body, "body").as_deref(), Some("只有空白或不可见字符，请填写看得见的文字。"));

    let staff = app.merchant_staff(merchant);
    let mine = format!("/merchant/complaints/{reference}");
    let res = staff.submit(&mine, &format!("{mine}/reply"), &[("body", BIDI), ("visibility", "public")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(field_error(&res.body, "reply-body").unwrap().contains("改变文字方向的不可见字符"));
    assert_eq!(textarea_value(&res.body, "body").as_deref(), Some(BIDI), "kept");
    assert!(!app.get(&tracking).body.contains("款退意同"), "nothing stored");
}

#[test]
fn an_evidence_file_name_that_turns_its_text_is_refused_not_cleaned() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 30, image::Rgb([9, 9, 9])));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    let res = file_with(&app.browser, merchant, &[("发票\u{202E}gpj.exe", &jpeg)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let error = field_error(&res.body, "evidence").unwrap();
    assert!(error.contains("文件名“发票gpj.exe”包含改变文字方向的不可见字符"), "{error}");
    assert_eq!(textarea_value(&res.body, "description").as_deref(), Some(DESCRIPTION), "kept");
    assert_eq!(stored(&app), 0);

    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let reply = format!("{tracking}/reply");
    let res = send_with_files(&app.browser, &tracking, &reply, &[("body", "补充发票。")], &[("\u{2066}a.jpg", &jpeg)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "reply-evidence").unwrap().contains("文件名“a.jpg”"));
    assert_eq!(textarea_value(&res.body, "body").as_deref(), Some("补充发票。"));
}

#[test]
fn a_merchant_name_that_turns_or_shows_nothing_is_refused_at_onboarding() {
    let app = spawn_app();
    let boss = app.client();
    assert_eq!(boss.sign_in(&app.staff(Role::Supervisor, None), PASSWORD).status, StatusCode::SEE_OTHER);
    let code = CreditCode::complete("91330106MA2H3K7P").unwrap();
    let onboard = |name: &str| {
        let fields = [
            ("name", name),
            ("credit_code", code.as_str()),
            ("email", "kefu@xinghe.example.cn"),
            ("categories", "general"),
        ];
        boss.submit("/supervisor/merchants/new", "/supervisor/merchants", &fields)
    };
    let turned = "杭州星河\u{202D}优选\u{202C}有限公司";
    let res = onboard(turned);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "name").unwrap().contains("改变文字方向的不可见字符"));
    assert_eq!(input_value(&res.body, "name").as_deref(), Some(turned), "kept");
    let res = onboard("\u{200B}\u{200B}\u{FEFF}");
    assert_eq!(field_error(&res.body, "name").as_deref(), Some("只有空白或不可见字符，请填写看得见的文字。"));
    let ok = onboard("杭州星河优选电子商务有限公司");
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}

#[test]
fn a_complaint_description_that_turns_its_text_is_refused_with_the_form_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let res = ComplaintBuilder::new(merchant).description(BIDI).submit(&app);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(field_error(&res.body, "description").unwrap().contains("改变文字方向的不可见字符"));
    assert_eq!(textarea_value(&res.body, "description").as_deref(), Some(BIDI), "kept as typed");
    assert_eq!(input_value(&res.body, "consumer_name").as_deref(), Some("王芳"), "the rest kept too");
    // In English too.
    let client = app.client();
    client.get("/complaints/new?lang=en");
    let isolated = "The seller said \u{2067}pure cotton\u{2069} but it is polyester.";
    let res = ComplaintBuilder::new(merchant).description(isolated).submit(&client);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "description").unwrap().contains("change the direction of the text"));
    assert_eq!(stored(&app), 0, "nothing filed");
}

#[test]
fn a_rating_comment_that_turns_its_text_is_refused_with_the_comment_kept() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let tracking = ComplaintBuilder::new(merchant).file(&app);
    let reference = tracking.reference(&app);
    let staff = app.merchant_staff(merchant);
    let mine = format!("/merchant/complaints/{reference}");
    let proposed = staff.submit(
        &mine,
        &format!("{mine}/propose"),
        &[("resolution", "refund"), ("amount", "299"), ("body", "全额退款。")],
    );
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    app.submit(&tracking, &format!("{tracking}/accept"), &[]);

    let rate = format!("{tracking}/rate");
    let res = app.submit(&tracking, &rate, &[("score", "1"), ("comment", BIDI)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(field_error(&res.body, "comment").unwrap().contains("改变文字方向的不可见字符"), "{}", res.body);
    assert_eq!(textarea_value(&res.body, "comment").as_deref(), Some(BIDI), "kept");
    let res = app.submit(&tracking, &format!("{rate}?lang=en"), &[("score", "1"), ("comment", BIDI)]);
    assert!(field_error(&res.body, "comment").unwrap().contains("change the direction of the text"));
    assert!(!app.get(&tracking).body.contains("款退意同"), "nothing stored");
    // A plain comment still goes through.
    let rated = app.submit(&tracking, &rate, &[("score", "4"), ("comment", "退款很快。")]);
    assert_eq!(rated.location, Some(format!("{tracking}?done=rated")));
}
