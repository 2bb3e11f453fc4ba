//! Answering through the API does what the merchant's complaint page does:
//! the same state, deadlines and notices; the same refusals, as problems.

use redress::store::{outbox, supervision};
use serde_json::json;
use ureq::http::StatusCode;

use crate::evidence::{BOUNDARY, PDF, multipart};
use crate::helpers::*;

/// The kinds of notice queued for complaint `reference`, oldest first.
fn notices(app: &TestApp, reference: &str) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    let (c, _) = supervision::find(&mut conn, reference).unwrap().unwrap();
    outbox::for_complaint(&mut conn, c.id).unwrap().into_iter().map(|(kind, _)| kind).collect()
}

/// Two complaints of one merchant, filed alike: (merchant, first, second).
fn twins(app: &TestApp) -> (i64, String, String) {
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let a = ComplaintBuilder::new(merchant).file(app).reference(app);
    let b = ComplaintBuilder::new(merchant).order_ref("DY5555").file(app).reference(app);
    (merchant, a, b)
}

#[test]
fn a_reply_and_a_proposal_through_the_api_do_what_the_page_does() {
    let app = spawn_app();
    let (merchant, site, api_ref) = twins(&app);
    let staff = app.merchant_staff(merchant);
    let api = app.merchant_api(merchant);
    app.clock.advance(chrono::Duration::hours(3));
    let page = format!("/merchant/complaints/{site}");
    let before = (notices(&app, &site), notices(&app, &api_ref));
    assert_eq!(before.0, before.1);

    let replied =
        staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已核实。"), ("visibility", "public")]);
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    let answer = api.post_json(
        &format!("/api/v1/complaints/{api_ref}/replies"),
        &json!({"body": "您好，已核实。", "visibility": "public"}),
    );
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert_eq!(answer.header("location"), Some(format!("/api/v1/complaints/{api_ref}").as_str()));
    let c = answer.json();
    assert_eq!(c["state"], "responded");
    assert_eq!(c["deadlines"]["response"]["status"], "met");
    assert_eq!(c["deadlines"]["response"]["met_at"], "2026-11-20T05:00:00Z");
    let last = c["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), last["body"].as_str()), (Some("reply"), Some("您好，已核实。")));
    assert!(last["staff"].as_str().is_some(), "the key's maker answered: {last}");
    let (site_n, api_n) = (notices(&app, &site), notices(&app, &api_ref));
    assert_eq!(site_n, api_n, "the same notices");
    assert!(site_n.len() > before.0.len(), "the consumer is told: {site_n:?}");
    // The merchant's page shows the API's reply as its own.
    let shown = staff.get(&format!("/merchant/complaints/{api_ref}"));
    assert_eq!(parse(&shown.body).select_attr("[data-status]", "data-status").as_deref(), Some("responded"));

    // An internal note: no notice.
    let noted = api.post_json(
        &format!("/api/v1/complaints/{api_ref}/replies"),
        &json!({"body": "内部：查物流", "visibility": "internal"}),
    );
    assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.body);
    assert_eq!(notices(&app, &api_ref), api_n, "a note tells nobody");
    let tracking =
        app.get(&format!("/t/{}", supervision::find(&mut app.pool.get().unwrap(), &api_ref).unwrap().unwrap().0.token));
    assert!(!tracking.body.contains("查物流") && tracking.body.contains("您好，已核实。"));

    let proposed = staff.submit(
        &page,
        &format!("{page}/propose"),
        &[("resolution", "refund"), ("amount", "199"), ("body", "全额退款")],
    );
    assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
    let answer = api.post_json(
        &format!("/api/v1/complaints/{api_ref}/proposals"),
        &json!({"resolution": "refund", "amount": "199", "body": "全额退款"}),
    );
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let c = answer.json();
    assert_eq!(c["state"], "proposed");
    assert_eq!(c["proposal"]["resolution"], "refund");
    assert_eq!(c["proposal"]["amount"]["fen"], 19900);
    assert_eq!(notices(&app, &site), notices(&app, &api_ref), "the same proposal notices");

    // A second proposal while one waits: the state refuses it, as the page does.
    let again = api.post_json(
        &format!("/api/v1/complaints/{api_ref}/proposals"),
        &json!({"resolution": "refund", "amount": "199", "body": "全额退款"}),
    );
    again.problem(StatusCode::CONFLICT, "state_conflict");
}

#[test]
fn refused_fields_bodies_and_keys_are_problems_with_the_right_status() {
    let app = spawn_app();
    let (merchant, reference, _) = twins(&app);
    let api = app.merchant_api(merchant).lang("en");
    let replies = format!("/api/v1/complaints/{reference}/replies");
    let proposals = format!("/api/v1/complaints/{reference}/proposals");

    let p = api
        .post_json(&replies, &json!({"body": "  ", "visibility": "secret"}))
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["body", "visibility"], "{p}");
    assert_eq!(p["errors"][0]["code"], "error.required");
    assert!(p["errors"][0]["message"].as_str().unwrap().is_ascii(), "in English: {p}");
    let p = api
        .post_json(&proposals, &json!({"resolution": "money", "amount": "-5", "body": "x"}))
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");
    let long = "长".repeat(2001);
    api.post_json(&replies, &json!({ "body": long })).problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");

    api.post(&replies, "application/json", b"{\"body\":").problem(StatusCode::BAD_REQUEST, "malformed_json");
    api.post(&replies, "application/json", b"{\"body\":5}").problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    api.post(&replies, "application/json", b"[]").problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    api.post(&replies, "text/plain", b"hello").problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    api.post(&replies, "application/x-www-form-urlencoded", b"body=x")
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let huge = json!({ "body": "x".repeat(70 * 1024) });
    api.post_json(&replies, &huge).problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Nothing of the above reached the complaint.
    let c = api.get(&format!("/api/v1/complaints/{reference}")).json();
    assert_eq!(c["state"], "submitted");

    let other = app.merchant("义乌某某日用品有限公司");
    let theirs = app.merchant_api(other);
    theirs.post_json(&replies, &json!({"body": "您好"})).problem(StatusCode::NOT_FOUND, "not_found");
    let platform = app.platform_api();
    platform.post_json(&replies, &json!({"body": "您好"})).problem(StatusCode::FORBIDDEN, "forbidden");
    platform
        .post_json(&proposals, &json!({"resolution": "refund", "body": "退款"}))
        .problem(StatusCode::FORBIDDEN, "forbidden");
    ApiClient::new(&app, None)
        .post_json(&replies, &json!({"body": "您好"}))
        .problem(StatusCode::UNAUTHORIZED, "unauthorized");

    // A withdrawn complaint takes no reply: 409.
    let tracking = supervision::find(&mut app.pool.get().unwrap(), &reference).unwrap().unwrap().0.token;
    let tracking = format!("/t/{tracking}");
    let withdrawn = app.submit(&tracking, &format!("{tracking}/withdraw"), &[]);
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER, "{}", withdrawn.body);
    api.post_json(&replies, &json!({"body": "您好"})).problem(StatusCode::CONFLICT, "state_conflict");
}

fn png() -> Vec<u8> {
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 32, Rgb([20, 120, 200])));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn evidence_goes_with_a_public_reply_checked_as_on_the_site() {
    let app = spawn_app();
    let (merchant, reference, _) = twins(&app);
    let api = app.merchant_api(merchant).lang("en");
    let path = format!("/api/v1/complaints/{reference}/evidence");
    let form = format!("multipart/form-data; boundary={BOUNDARY}");

    let sent = api.post(&path, &form, &multipart(&[("body", "发票见附件")], &[("发票.pdf", PDF), ("图.png", &png())]));
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let c = sent.json();
    assert_eq!(c["state"], "responded");
    let files: Vec<(&str, &str)> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["added_by"].as_str().unwrap()))
        .collect();
    assert_eq!(files, [("发票.pdf", "merchant"), ("图.png", "merchant")]);
    assert_eq!(c["evidence"][1]["media_type"], "image/png");

    let p = api
        .post(&path, &form, &multipart(&[("body", "见附件")], &[("evil.png", b"MZ\x90\x00 not an image")]))
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    assert_eq!(p["errors"][0]["field"], "evidence");
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("evil.png"), "{p}");
    let broken = b"\x89PNG\r\n\x1a\n broken";
    let p = api
        .post(&path, &form, &multipart(&[("body", "见附件")], &[("坏.png", broken)]))
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["code"], "form.evidence_broken");
    api.post(&path, &form, &multipart(&[("body", "见附件")], &[]))
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    let p = api
        .post(&path, &form, &multipart(&[], &[("发票.pdf", PDF)]))
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(p["errors"][0]["field"], "body");
    let many: Vec<(&str, &[u8])> = (0..10).map(|_| ("发票.pdf", PDF)).collect();
    api.post(&path, &form, &multipart(&[("body", "见附件")], &many))
        .problem(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    api.post_json(&path, &json!({"body": "x"})).problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    app.platform_api()
        .post(&path, &form, &multipart(&[("body", "见附件")], &[("发票.pdf", PDF)]))
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let after = api.get(&format!("/api/v1/complaints/{reference}")).json();
    assert_eq!(after["evidence"].as_array().unwrap().len(), 2, "nothing refused was kept");
}
