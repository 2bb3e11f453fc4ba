//! Choosing the merchant: a list when there are few, a search by name
//! when there are thousands (a list of them is no use on a phone).

use redress::web::consumer::file::LIST_AT_MOST;
use ureq::http::StatusCode;

use crate::helpers::{ComplaintBuilder, DESCRIPTION, MerchantBuilder, field_error, spawn_app, textarea_value};

#[test]
fn among_many_merchants_the_form_finds_one_by_name_and_keeps_what_was_typed() {
    let app = spawn_app();
    for n in 0..LIST_AT_MOST {
        MerchantBuilder::new(&format!("义乌第{n}号小商品有限公司")).build(&app);
    }
    let wanted = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);

    let form = app.get("/complaints/new");
    assert!(!form.body.contains("<option value=\"1\""), "no list of every merchant");
    assert!(form.body.contains("id=\"merchant_q\" name=\"merchant_q\""), "a search box");

    // The form with words in the search box instead of a merchant chosen.
    let searching = |words: &str| ComplaintBuilder::new("").without("merchant").field("merchant_q", words);
    let found = searching("星河").field("find", "merchant").submit(&app);
    assert_eq!(found.status, StatusCode::OK, "a search is not a mistake");
    assert!(found.body.contains(&format!("name=\"merchant\" value=\"{wanted}\" checked>")), "the one found is chosen");
    assert_eq!(found.body.matches("name=\"merchant\" value=").count(), 1);
    assert_eq!(textarea_value(&found.body, "description").as_deref(), Some(DESCRIPTION), "kept");
    assert!(found.body.contains("value=\"星河\""), "the words searched stay in the box");

    let several = searching("义乌第1").field("find", "merchant").submit(&app);
    assert_eq!(several.status, StatusCode::OK);
    assert_eq!(several.body.matches("name=\"merchant\" value=").count(), 10, "at most ten offered");
    assert!(!several.body.contains(" checked>"), "none chosen for the consumer among several");

    let none = searching("不存在的公司").field("find", "merchant").submit(&app);
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body.contains("没有找到名称含这几个字的商家"), "says nothing was found");

    // Sent without a merchant chosen: the error is on the search box.
    let unchosen = searching("不存在的公司").submit(&app);
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&unchosen.body, "merchant_q").is_some(), "{}", unchosen.body);
    assert!(unchosen.body.contains("aria-describedby=\"merchant_q-hint merchant_q-error\" aria-invalid=\"true\""));
    assert!(unchosen.body.contains("href=\"#merchant_q\""), "the summary links to it");

    // Chosen: filed.
    let filed = searching("不存在的公司").field("merchant", &wanted.to_string()).submit(&app);
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    assert!(app.get(&filed.tracking_path()).body.contains("杭州星河优选电子商务有限公司"));

    // A scorecard's "file a complaint" link arrives with it chosen.
    let from_scorecard = app.get(&format!("/complaints/new?merchant={wanted}"));
    assert!(from_scorecard.body.contains(&format!("name=\"merchant\" value=\"{wanted}\" checked>")));
    assert!(from_scorecard.body.contains("杭州星河优选电子商务有限公司"));
}

#[test]
fn a_few_merchants_are_listed_to_choose_from() {
    let app = spawn_app();
    let a = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let b = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    let form = app.get("/complaints/new");
    assert!(form.body.contains("<select id=\"merchant\" name=\"merchant\""));
    for id in [a, b] {
        assert!(form.body.contains(&format!("<option value=\"{id}\">")), "{id} listed");
    }
    assert!(!form.body.contains("merchant_q"), "no search needed");
}
