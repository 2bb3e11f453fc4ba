//! The consumer's typed edge: what a route carries is parsed before any
//! work (a malformed token, id or decision is not found), and a complaint
//! is filed with its evidence together or not at all.

use diesel::prelude::*;
use redress::store::schema::evidence;
use ureq::http::StatusCode;

use crate::evidence::{PDF, file_with, stored};
use crate::helpers::*;

fn evidence_rows(app: &TestApp) -> i64 {
    evidence::table.count().get_result(&mut app.pool.get().unwrap()).unwrap()
}

#[test]
fn a_complaint_against_a_merchant_that_is_not_there_keeps_neither_it_nor_its_files() {
    let app = spawn_app();
    app.merchant("杭州星河优选电子商务有限公司");
    let res = file_with(&app, 999_999, &[("订单.pdf", PDF)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_error(&res.body, "merchant").as_deref(), Some("找不到这个商家，请从列表中重新选择。"));
    assert!(field_error(&res.body, "evidence").is_some(), "the files need choosing again");
    assert_eq!((stored(&app), evidence_rows(&app)), (0, 0), "nothing filed, no file recorded");
}

#[test]
fn a_complaint_filed_with_evidence_records_its_files_with_it() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let res = file_with(&app, m, &[("订单.pdf", PDF), ("发票.pdf", PDF)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!((stored(&app), evidence_rows(&app)), (1, 2));
}

#[test]
fn an_unknown_decision_or_a_malformed_link_is_not_found() {
    let app = spawn_app();
    let m = app.merchant("上海暖阳服饰有限公司");
    let merchant = app.merchant("广州美颜堂化妆品有限公司").to_string();
    let tracking = app.file_complaint(m, &[]);
    for decision in ["frobnicate", "Accept", "accept2"] {
        let res = app.submit(&tracking, &format!("{tracking}/{decision}"), &[]);
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{decision}");
    }
    assert!(app.get(&tracking).body.contains("data-status=\"submitted\""), "nothing decided");
    let malformed = [
        "/t/short".to_owned(),
        "/t/not-a-token-but-long-enough".to_owned(),
        format!("{tracking}/evidence/x"),
        format!("{tracking}/evidence/0"),
        format!("{tracking}/evidence/1/thumbnail"),
        "/merchants/x".to_owned(),
        format!("/merchants/{merchant}x"),
    ];
    for path in malformed {
        assert_eq!(app.get(&path).status, StatusCode::NOT_FOUND, "{path}");
    }
    let withdrawn = app.submit(&tracking, &format!("{tracking}/withdraw"), &[]);
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "a known decision still goes through");
}
