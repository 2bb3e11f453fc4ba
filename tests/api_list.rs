//! `GET /api/v1/complaints`: a merchant key's own complaints (a platform
//! key's: everyone's), oldest update first, filtered, a page at a time
//! with a signed cursor.

use chrono::Duration;
use redress::clock::Clock;
use serde_json::{Value, json};
use ureq::http::StatusCode;

use crate::helpers::*;

fn references(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_list_pages_by_update_with_a_cursor_and_filters() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let other = app.merchant("义乌某某日用品有限公司");
    let mut mine = Vec::new();
    for i in 0..5 {
        mine.push(ComplaintBuilder::new(merchant).order_ref(&format!("DY{i}")).file(&app).reference(&app));
        app.clock.advance(Duration::minutes(10));
    }
    let theirs = ComplaintBuilder::new(other).file(&app).reference(&app);
    let api = app.merchant_api(merchant);

    // The first complaint answered now: it moves to the end.
    let answered = api.post_json(&format!("/api/v1/complaints/{}/replies", mine[0]), &json!({"body": "您好"}));
    assert_eq!(answered.status, StatusCode::CREATED, "{}", answered.body);
    let expected: Vec<String> = mine[1..].iter().chain(&mine[..1]).cloned().collect();

    let all = api.get("/api/v1/complaints");
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    assert_eq!(references(&all), expected, "its own only, by update time");
    assert!(all["next_cursor"].is_null());
    assert_eq!(all["items"][4]["state"], "responded");
    assert!(all["items"][0]["deadlines"]["response"]["due_at"].is_string());

    let mut seen = Vec::new();
    let mut path = "/api/v1/complaints?limit=2".to_owned();
    loop {
        let page = api.get(&path).json();
        seen.extend(references(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/complaints?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, expected, "the pages together are the list, once each");

    let responded = api.get("/api/v1/complaints?state=responded").json();
    assert_eq!(references(&responded), [mine[0].clone()]);
    let since = app.clock.now() - Duration::minutes(1);
    let since = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let recent = api.get(&format!("/api/v1/complaints?updated_since={}", since.replace('+', "%2B"))).json();
    assert_eq!(references(&recent), [mine[0].clone()]);

    app.clock.advance(Duration::hours(48) - Duration::minutes(15));
    let overdue = api.get("/api/v1/complaints?overdue=true").json();
    // Filed 10 minutes apart, due 10 minutes apart: three are past 48 h.
    assert_eq!(references(&overdue), mine[1..4].to_vec(), "evaluated on read, before any sweep");
    let on_time = api.get("/api/v1/complaints?overdue=false").json();
    assert_eq!(references(&on_time), vec![mine[4].clone(), mine[0].clone()]);

    let everyone = app.platform_api().get("/api/v1/complaints?limit=100").json();
    assert_eq!(references(&everyone).len(), 6);
    assert!(references(&everyone).contains(&theirs));
}

#[test]
fn bad_parameters_and_tampered_cursors_are_400() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    for i in 0..3 {
        ComplaintBuilder::new(merchant).order_ref(&format!("DY{i}")).file(&app);
    }
    let api = app.merchant_api(merchant).lang("en");
    for bad in ["state=open", "updated_since=yesterday", "overdue=yes", "limit=0", "limit=101", "limit=ten"] {
        let p = api.get(&format!("/api/v1/complaints?{bad}")).problem(StatusCode::BAD_REQUEST, "invalid_query");
        let name = bad.split('=').next().unwrap();
        assert!(p["detail"].as_str().unwrap().contains(name), "{p}");
    }
    let cursor = api.get("/api/v1/complaints?limit=1").json()["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(api.get(&format!("/api/v1/complaints?limit=1&cursor={cursor}")).status, StatusCode::OK);
    let mut tampered = cursor.clone().into_bytes();
    tampered[2] = if tampered[2] == b'3' { b'4' } else { b'3' };
    let tampered = String::from_utf8(tampered).unwrap();
    api.get(&format!("/api/v1/complaints?cursor={tampered}")).problem(StatusCode::BAD_REQUEST, "invalid_cursor");
    api.get("/api/v1/complaints?cursor=abc").problem(StatusCode::BAD_REQUEST, "invalid_cursor");
    api.get("/api/v1/complaints?limit=1&limit=2").problem(StatusCode::BAD_REQUEST, "bad_request");
}
