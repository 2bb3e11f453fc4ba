//! Quick replies: a merchant's staff keep reply templates at
//! `/merchant/templates` and fill one into a complaint's reply form, its
//! placeholders filled once from the complaint, without any script.

use ureq::http::StatusCode;

use crate::helpers::*;

const LIST: &str = "/merchant/templates";

/// The ids of the templates the list shows, in order.
fn ids(client: &Client) -> Vec<String> {
    client.get(LIST).html().select_attrs("[data-template]", "data-template")
}

/// The titles the list shows, in order.
fn titles(client: &Client) -> Vec<String> {
    client.get(LIST).html().select_texts("[data-template] h2")
}

fn add(client: &Client, title: &str, text: &str) -> Page {
    client.submit(LIST, LIST, &[("title", title), ("text", text)])
}

#[test]
fn staff_add_edit_and_delete_templates() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let staff = app.merchant_staff(m);
    let nav = staff.get("/merchant").html().select_attrs("nav.site-nav a", "href");
    assert!(nav.contains(&LIST.to_owned()), "the portal's navigation links to the templates: {nav:?}");
    let empty = staff.get(LIST);
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.html().select_first("[data-template]").is_none());

    let res = add(&staff, "首次回复", "{consumer_name}您好，投诉 {reference} 已收到。");
    assert_eq!(
        (res.status, res.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/merchant/templates?done=created"))
    );
    add(&staff, "退款", "订单 {order_ref} 同意退款。");
    assert_eq!(titles(&staff), ["首次回复", "退款"]);
    let done = staff.get("/merchant/templates?done=created").html();
    assert_eq!(done.select_text("[role=status]").as_deref(), Some("模板已添加。"));

    // Another staff member of the same merchant shares them.
    let colleague = app.merchant_staff(m);
    assert_eq!(titles(&colleague), ["首次回复", "退款"]);

    let id = ids(&staff)[0].clone();
    let edit = format!("{LIST}/{id}");
    let res = staff.submit(LIST, &edit, &[("title", "首次回复（新）"), ("text", "{consumer_name}您好！")]);
    assert_eq!((res.status, res.location.as_deref()), (StatusCode::SEE_OTHER, Some("/merchant/templates?done=saved")));
    let page = staff.get(LIST).html();
    let card = page.select_first(&format!("[data-template=\"{id}\"]")).unwrap();
    assert_eq!(card.select_text("h2").as_deref(), Some("首次回复（新）"));
    assert_eq!(card.select_text("textarea[name=text]").as_deref(), Some("{consumer_name}您好！"));

    let res = staff.submit(LIST, &format!("{edit}/delete"), &[]);
    assert_eq!(
        (res.status, res.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/merchant/templates?done=deleted"))
    );
    assert_eq!(titles(&staff), ["退款"]);
    // Deleted is gone: neither saved nor deleted again.
    assert_eq!(staff.submit(LIST, &edit, &[("title", "再来"), ("text", "您好")]).status, StatusCode::NOT_FOUND);
    assert_eq!(staff.submit(LIST, &format!("{edit}/delete"), &[]).status, StatusCode::NOT_FOUND);
}

#[test]
fn a_template_with_a_mistake_comes_back_with_its_message_and_what_was_typed() {
    let app = spawn_app();
    let m = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let staff = app.merchant_staff(m);

    let long_title = "标".repeat(61);
    let text = "{name}您好，请拨打 {phone}，订单 {order_ref}，再次感谢 {name}。";
    let res = add(&staff, &long_title, text);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.html();
    assert!(field_error(&res.body, "title-new").unwrap().contains("60"), "{:?}", field_error(&res.body, "title-new"));
    let why = field_error(&res.body, "text-new").unwrap();
    assert!(why.contains("{name}、{phone}"), "each unknown placeholder named once: {why}");
    assert!(!why.contains("{order_ref}、"), "{why}");
    assert_eq!(html.select_attr("#title-new", "value"), Some(long_title));
    assert_eq!(html.select_text("#text-new").as_deref(), Some(text));
    assert!(ids(&staff).is_empty(), "nothing stored");

    let too_long = "字".repeat(2001);
    let res = add(&staff, "太长", &too_long);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "text-new").unwrap().contains("2000"));
    assert_eq!(res.html().select_text("#text-new"), Some(too_long));

    // In English, named too; and editing keeps what was typed in that
    // template's own form.
    add(&staff, "致歉", "{consumer_name}您好");
    let id = ids(&staff)[0].clone();
    let res = staff.submit(LIST, &format!("{LIST}/{id}?lang=en"), &[("title", ""), ("text", "Dear {Consumer_Name}")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let why = field_error(&res.body, &format!("text-{id}")).unwrap();
    assert!(why.contains("{Consumer_Name}"), "{why}");
    assert!(field_error(&res.body, &format!("title-{id}")).is_some(), "a title is required");
    let html = res.html();
    assert_eq!(html.select_text(&format!("#text-{id}")).as_deref(), Some("Dear {Consumer_Name}"));
    assert!(html.select_first(&format!("[data-template=\"{id}\"] details[open]")).is_some(), "its form is shown open");
    assert_eq!(titles(&staff), ["致歉"], "the stored one is unchanged");
}

#[test]
fn another_merchants_template_is_not_found() {
    let app = spawn_app();
    let a = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let b = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    let staff_a = app.merchant_staff(a);
    add(&staff_a, "A 的模板", "您好");
    let id = ids(&staff_a)[0].clone();

    let staff_b = app.merchant_staff(b);
    assert!(ids(&staff_b).is_empty(), "B sees none of A's");
    let res = staff_b.submit(LIST, &format!("{LIST}/{id}"), &[("title", "B 改的"), ("text", "被改了")]);
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(staff_b.submit(LIST, &format!("{LIST}/{id}/delete"), &[]).status, StatusCode::NOT_FOUND);
    assert_eq!(titles(&staff_a), ["A 的模板"], "unchanged and still there");

    // Nor can B fill A's template into B's own complaint.
    let reference = ComplaintBuilder::new(b).file(&app).reference(&app);
    let page = format!("/merchant/complaints/{reference}");
    let res = staff_b.submit(&page, &format!("{page}/quick-reply"), &[("template", &id), ("body", "")]);
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    for bad in ["0", "abc", "-1"] {
        assert_eq!(
            staff_b.submit(LIST, &format!("{LIST}/{bad}"), &[("title", "x"), ("text", "y")]).status,
            StatusCode::NOT_FOUND
        );
    }
}

#[test]
fn a_merchant_keeps_at_most_fifty_templates() {
    let app = spawn_app();
    let m = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let staff = app.merchant_staff(m);
    for i in 0..50 {
        assert_eq!(add(&staff, &format!("模板 {i}"), "您好").status, StatusCode::SEE_OTHER);
    }
    let res = add(&staff, "第五十一个", "{consumer_name}您好");
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.html();
    assert!(html.select_text("[role=alert]").unwrap().contains("50"));
    assert_eq!(html.select_attr("#title-new", "value").as_deref(), Some("第五十一个"), "kept");
    assert_eq!(ids(&staff).len(), 50);
}

#[test]
fn using_a_template_fills_the_reply_once_and_the_staff_send_it_as_a_reply() {
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    // The consumer's name has a placeholder in it: shown as typed.
    let filed = ComplaintBuilder::new(m).name("{order_ref}小王{reference}").order_ref("DY-{consumer_name}").file(&app);
    let reference = filed.reference(&app);
    let staff = app.merchant_staff(m);
    let page = format!("/merchant/complaints/{reference}");
    let none = staff.get(&page).html();
    assert!(none.select_first("select[name=template]").is_none(), "no templates, no picker");
    assert!(none.select_first("[data-quick-reply] a[href='/merchant/templates']").is_some(), "but a way to make one");

    add(&staff, "首次回复", "{consumer_name}您好，投诉 {reference}（订单 {order_ref}）已收到。{unknown");
    let id = ids(&staff)[0].clone();
    let form = staff.get(&page);
    let html = form.html();
    let picker =
        html.select_first("form[action$='/reply'] select[name=template]").expect("the picker in the reply form");
    assert_eq!(picker.select_texts("option")[1..], ["首次回复"]);
    let button = html.select_first("form[action$='/reply'] button[formaction]").unwrap();
    assert_eq!(button.attr("formaction"), Some(format!("{page}/quick-reply").as_str()));
    assert_eq!(button.text().collect::<String>(), "使用模板");

    let res = staff.submit(
        &page,
        &format!("{page}/quick-reply"),
        &[("template", &id), ("body", "原来写的"), ("visibility", "internal")],
    );
    assert_eq!(res.status, StatusCode::OK);
    let filled =
        format!("{{order_ref}}小王{{reference}}您好，投诉 {reference}（订单 DY-{{consumer_name}}）已收到。{{unknown");
    assert_eq!(textarea_value(&res.body, "body").as_deref(), Some(filled.as_str()));
    let html = res.html();
    assert_eq!(html.select_attr("select[name=template] option[selected]", "value"), Some(id.clone()));
    assert_eq!(html.select_attr("input[name=visibility][checked]", "value").as_deref(), Some("internal"), "kept");
    assert!(html.select_text("[role=status]").unwrap().contains("已按模板填入"));

    // Nothing was sent by using it.
    assert!(!app.get(&filed).body.contains("您好，投诉"));
    // The staff edit it and send it with the reply's own form.
    let edited = format!("{filled} 我们会在 24 小时内联系您。");
    let res = staff.submit(
        &page,
        &format!("{page}/reply"),
        &[("body", &edited), ("visibility", "public"), ("template", &id)],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let bodies = app.get(&filed).html().select_texts(".timeline__body");
    assert!(bodies.contains(&edited), "the consumer reads exactly what was sent: {bodies:?}");

    // Without a template chosen: the page again, what was typed kept.
    let res = staff.submit(&page, &format!("{page}/quick-reply"), &[("template", ""), ("body", "我写了一半")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(textarea_value(&res.body, "body").as_deref(), Some("我写了一半"));
    assert!(res.html().select_text("[role=alert]").unwrap().contains("请先选择一个模板"));
}
