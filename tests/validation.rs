//! Bad input: a clear message next to each field, everything typed kept,
//! the right status, nothing stored.

use redress::store::complaints;
use ureq::http::StatusCode;

use crate::helpers::*;

fn count(app: &TestApp) -> i64 {
    complaints::count(&mut app.pool.get().unwrap()).unwrap()
}

#[test]
fn every_invalid_field_is_explained_next_to_it_and_what_was_typed_is_kept() {
    let app = spawn_app();
    MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let res = ComplaintBuilder::new("")
        .order_ref("   ")
        .category("nonsense")
        .resolution("")
        .amount("12.345")
        .description("太短了<b>")
        .name("")
        .phone("12345")
        .email("not-an-email")
        .submit(&app);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = &res.body;
    let expected = [
        ("merchant", "这一项必须填写。"),
        ("order_ref", "这一项必须填写。"),
        ("category", "请从列表中选择一项。"),
        ("desired_resolution", "这一项必须填写。"),
        ("amount", "请输入金额，最多两位小数，如 199.00。"),
        ("description", "至少需要 10 个字。"),
        ("consumer_name", "这一项必须填写。"),
        ("consumer_phone", "请输入 11 位中国大陆手机号，如 13800138000。"),
        ("consumer_email", "邮箱格式不对，请检查，如 name@example.com。"),
    ];
    for (field, message) in expected {
        assert_eq!(field_error(html, field).as_deref(), Some(message), "{field}");
        assert!(
            html.contains(&format!("aria-describedby=\"{field}-hint {field}-error\" aria-invalid=\"true\"")),
            "{field}"
        );
    }
    assert!(html.contains("有几项需要修改"), "a summary is announced");
    assert_eq!(input_value(html, "amount").as_deref(), Some("12.345"));
    assert_eq!(input_value(html, "consumer_phone").as_deref(), Some("12345"));
    assert_eq!(input_value(html, "consumer_email").as_deref(), Some("not-an-email"));
    assert_eq!(textarea_value(html, "description").as_deref(), Some("太短了<b>"), "kept");
    assert!(html.contains(">太短了&#60;b&#62;</textarea>"), "and escaped");
    assert_eq!(count(&app), 0);
}

#[test]
fn a_valid_form_keeps_its_values_when_one_field_is_wrong() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let res = ComplaintBuilder::new(merchant).without("consumer_phone").without("consumer_email").submit(&app);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "consumer_phone").as_deref(), Some("手机号和邮箱至少填一项。"));
    assert!(res.body.contains(&format!("<option value=\"{merchant}\" selected>")), "the merchant stays chosen");
    assert!(res.body.contains("<option value=\"false_advertising\" selected>"));
    assert!(res.body.contains("<option value=\"return_refund\" selected>"));
    assert_eq!(input_value(&res.body, "order_ref").as_deref(), Some("DY4829301756"));
    assert_eq!(input_value(&res.body, "amount").as_deref(), Some("299.00"));
    assert_eq!(input_value(&res.body, "consumer_name").as_deref(), Some("王芳"));
    assert!(textarea_value(&res.body, "description").unwrap().starts_with("主播说羽绒服"));
    assert_eq!(count(&app), 0);
}

#[test]
fn an_unknown_merchant_is_refused_with_the_form_kept() {
    let app = spawn_app();
    MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    for bad in ["999999", "abc", "-1"] {
        let res = ComplaintBuilder::new(bad).submit(&app);
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(field_error(&res.body, "merchant").as_deref(), Some("找不到这个商家，请从列表中重新选择。"));
        assert_eq!(input_value(&res.body, "order_ref").as_deref(), Some("DY4829301756"));
    }
    assert_eq!(count(&app), 0);
}

#[test]
fn limits_are_stated_with_their_numbers() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let long = "差".repeat(2001);
    let res = ComplaintBuilder::new(merchant).description(&long).amount("1000000.01").name("").submit(&app);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "description").as_deref(), Some("最多 2000 个字。"));
    assert_eq!(field_error(&res.body, "amount").as_deref(), Some("金额不能超过 1,000,000 元。"));
    assert_eq!(textarea_value(&res.body, "description").map(|d| d.chars().count()), Some(2001), "kept whole");
}

#[test]
fn a_post_without_the_csrf_token_is_refused_but_nothing_typed_is_lost() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    app.get("/complaints/new");
    let complaint = ComplaintBuilder::new(merchant);
    let fields = complaint.fields();
    let mut forged = vec![("csrf_token", "not-the-cookie-value-at-all")];
    forged.extend_from_slice(&fields);
    let res = app.post("/complaints", &forged);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("页面已过期"));
    assert_eq!(input_value(&res.body, "order_ref").as_deref(), Some("DY4829301756"));
    assert_eq!(count(&app), 0);

    // Sending the re-rendered form again works.
    let mut again = vec![("csrf_token", csrf(&res.body))];
    again.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let ok =
        page(app.agent.post(app.url("/complaints")).send_form(again.iter().map(|(k, v)| (*k, v.as_str()))).unwrap());
    assert_eq!(ok.status, StatusCode::SEE_OTHER);

    // A fresh visitor with no cookie at all is refused too.
    let stranger = browser();
    let res = page(stranger.post(app.url("/complaints")).send_form(forged.iter().copied()).unwrap());
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app), 1);
}
