use super::*;
use proptest::prelude::*;

#[test]
fn decodes_what_browsers_send() {
    let f = parse(b"a=1&b=hello+world&c=%E4%B8%AD%E6%96%87&d=&e").unwrap();
    assert_eq!(f.get("b"), "hello world");
    assert_eq!(f.get("c"), "中文");
    assert_eq!(f.get("d"), "");
    assert_eq!(f.get("e"), "");
    assert_eq!(f.get("missing"), "");
}

#[test]
fn refuses_malformed_bodies() {
    assert!(parse(b"a=%ZZ").is_err());
    assert!(parse(b"a=%E4").is_err());
    assert!(parse(b"a=%4").is_err());
    // Found by tests/fuzz.rs: a sign is not a hex digit.
    assert!(parse(b"a=%+a").is_err());
    assert!(parse(b"%-1=x").is_err());
    assert!(parse(b"a=1&a=2").is_err());
    assert!(parse(b"a=\xff").is_err());
}

proptest! {
    #[test]
    fn encoded_fields_round_trip(fields in prop::collection::hash_map("[a-z_]{1,12}", "\\PC{0,40}", 0..8)) {
        let body = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let form = parse(body.as_bytes()).unwrap();
        for (k, v) in &fields {
            prop_assert_eq!(&form.get(k), v);
        }
    }

    #[test]
    fn never_panics(body in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse(&body);
    }
}

#[derive(serde::Deserialize, Debug, PartialEq)]
#[serde(default)]
#[derive(Default)]
struct Reply {
    body: String,
    visibility: String,
}

#[derive(serde::Deserialize, Debug, PartialEq, Default)]
#[serde(default)]
struct Boxes {
    name: String,
    #[serde(deserialize_with = "list")]
    categories: Vec<String>,
}

async fn posted<F: FromRequest>(body: &str, cookie: Option<&str>) -> Result<F, F::Error> {
    let mut req = actix_web::test::TestRequest::post()
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .set_payload(body.to_owned());
    if let Some(token) = cookie {
        req = req.cookie(actix_web::cookie::Cookie::new(crate::web::csrf::COOKIE, token.to_owned()));
    }
    let (req, mut payload) = req.to_http_parts();
    F::from_request(&req, &mut payload).await
}

const TOKEN: &str = "abcdefghijklmnopqrstuvwx";

#[actix_web::test]
async fn typed_forms_check_their_token_once() {
    let ok: CsrfForm<Reply> =
        posted("body=hi+there&csrf_token=abcdefghijklmnopqrstuvwx&go=", Some(TOKEN)).await.unwrap();
    let fields = ok.checked().ok().expect("the token matches").fields;
    assert_eq!(fields, Reply { body: "hi there".into(), visibility: String::new() });

    let forged: CsrfForm<Reply> = posted("body=kept&csrf_token=wrong", Some(TOKEN)).await.unwrap();
    match forged.checked() {
        Err(Forged(posted)) => assert_eq!(posted.fields.body, "kept", "what was typed is kept"),
        Ok(_) => panic!("a wrong token passed"),
    }
    let no_cookie: CsrfForm<Reply> = posted("body=x&csrf_token=abcdefghijklmnopqrstuvwx", None).await.unwrap();
    assert!(no_cookie.checked().is_err());
    let no_token: CsrfForm<Reply> = posted("body=x", Some(TOKEN)).await.unwrap();
    assert!(no_token.checked().is_err());
    let bare: CsrfForm<Reply> = posted("body=x", Some(TOKEN)).await.unwrap();
    assert!(matches!(bare.or_forbidden(), Err(AppError::Forbidden)));
    let good: CsrfForm<Reply> = posted("csrf_token=abcdefghijklmnopqrstuvwx", Some(TOKEN)).await.unwrap();
    assert!(good.or_forbidden().is_ok());
}

#[actix_web::test]
async fn typed_forms_stay_strict() {
    for body in ["body=a&body=b", "body=%ZZ", "csrf_token=a&csrf_token=b", "x=1&x=2"] {
        let read = posted::<CsrfForm<Reply>>(body, Some(TOKEN)).await;
        assert!(matches!(read, Err(AppError::BadRequest(_))), "{body}");
    }
    let big = format!("body={}", "a".repeat(FORM_LIMIT));
    assert!(matches!(posted::<CsrfForm<Reply>>(&big, Some(TOKEN)).await, Err(AppError::PayloadTooLarge)));
}

#[actix_web::test]
async fn checkbox_groups_are_lists() {
    let read: CsrfListForm<Boxes> =
        posted("name=n&categories=a&categories=b&csrf_token=abcdefghijklmnopqrstuvwx", Some(TOKEN)).await.unwrap();
    let fields = read.checked().ok().unwrap().fields;
    assert_eq!(fields.categories, ["a", "b"]);
    let one: CsrfListForm<Boxes> = posted("categories=a", Some(TOKEN)).await.unwrap();
    assert_eq!(one.0.posted.fields.categories, ["a"]);
    let none: CsrfListForm<Boxes> = posted("name=n", Some(TOKEN)).await.unwrap();
    assert!(none.0.posted.fields.categories.is_empty());
    let twice = posted::<CsrfListForm<Boxes>>("name=a&name=b", Some(TOKEN)).await;
    assert!(matches!(twice, Err(AppError::BadRequest(_))), "a single field stays single");
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
