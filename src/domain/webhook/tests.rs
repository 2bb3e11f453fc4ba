use super::*;

fn form(url: &str, events: &[&str]) -> EndpointForm {
    EndpointForm { url: url.into(), events: events.iter().map(|e| e.to_string()).collect() }
}

#[test]
fn event_names_travel_as_their_slugs() {
    for e in WebhookEvent::ALL {
        assert_eq!(WebhookEvent::from_slug(e.slug()), Some(e));
    }
    // In two pieces, as in the enum (the catalog's test reads `merchant.…`).
    assert_eq!(WebhookEvent::ActionTaken.slug(), concat!("merchant", ".action_taken"));
    assert_eq!(WebhookEvent::ComplaintCreated.slug(), "complaint.created");
    assert_eq!(WebhookEvent::ProductReviewDecided.slug(), "product.review_decided");
    assert!(!WebhookEvent::subscribable().any(|e| e == WebhookEvent::Ping));
    let text = events_text(&[WebhookEvent::Breach, WebhookEvent::ComplaintCreated]);
    assert_eq!(text, "complaint.created complaint.breach");
    assert!(subscribed(&text, WebhookEvent::Breach));
    assert!(!subscribed(&text, WebhookEvent::Ruling));
    assert!(subscribed(&text, WebhookEvent::Ping), "a test delivery goes anywhere");
    assert_eq!(parse_events(&text), [WebhookEvent::ComplaintCreated, WebhookEvent::Breach]);
}

#[test]
fn an_endpoint_needs_an_https_url_and_an_event() {
    let ok =
        form(" https://hooks.example.cn/redress ", &["complaint.created", "complaint.breach", "complaint.created"])
            .validate(false)
            .unwrap();
    assert_eq!(ok.url, "https://hooks.example.cn/redress");
    assert_eq!(ok.events, [WebhookEvent::ComplaintCreated, WebhookEvent::Breach], "each once");

    let err = |url: &str| form(url, &["complaint.created"]).validate(false).unwrap_err().url;
    assert_eq!(err(""), Some(UrlProblem::Required));
    assert_eq!(err("http://hooks.example.cn/"), Some(UrlProblem::NotHttps));
    assert_eq!(err("ftp://hooks.example.cn/"), Some(UrlProblem::NotAUrl));
    assert_eq!(err("hooks.example.cn/x"), Some(UrlProblem::NotAUrl));
    assert_eq!(err("https://"), Some(UrlProblem::NotAUrl));
    assert_eq!(err("https://hooks.example.cn/a b"), Some(UrlProblem::NotAUrl));
    assert_eq!(err(&format!("https://hooks.example.cn/{}", "a".repeat(URL_MAX))), Some(UrlProblem::TooLong));
    assert_eq!(err("https://user:pw@hooks.example.cn/"), Some(UrlProblem::Credentials));
    for internal in [
        "https://127.0.0.1/",
        "https://10.0.0.8:8443/",
        "https://[::1]/",
        "https://localhost/",
        "https://169.254.169.254/",
    ] {
        assert_eq!(err(internal), Some(UrlProblem::Internal), "{internal}");
    }

    let none = form("https://hooks.example.cn/", &[]).validate(false).unwrap_err();
    assert_eq!(none, EndpointErrors { url: None, events: Some(EventsProblem::Required) });
    let unknown = form("https://hooks.example.cn/", &["complaint.deleted"]).validate(false).unwrap_err();
    assert_eq!(unknown.events, Some(EventsProblem::Unknown));
    let ping = form("https://hooks.example.cn/", &["ping"]).validate(false).unwrap_err();
    assert_eq!(ping.events, Some(EventsProblem::Unknown), "a test delivery is not subscribed to");
}

#[test]
fn local_testing_allows_plain_http_and_internal_hosts() {
    let ok = form("http://127.0.0.1:9000/hook", &["complaint.created"]).validate(true).unwrap();
    assert_eq!(ok.url, "http://127.0.0.1:9000/hook");
    assert!(form("http://localhost:9000/", &["complaint.created"]).validate(true).is_ok());
    assert_eq!(
        form("ftp://127.0.0.1/", &["complaint.created"]).validate(true).unwrap_err().url,
        Some(UrlProblem::NotAUrl)
    );
}

#[test]
fn retries_back_off_to_twice_a_day() {
    let schedule: Vec<i64> = (1..=8).map(|n| retry_after(n).num_minutes()).collect();
    assert_eq!(schedule, [1, 5, 30, 120, 360, 720, 720, 720]);
    assert!(delivered(200) && delivered(204) && !delivered(301) && !delivered(500) && !delivered(199));
}
