//! `redress api-key add`: a key made from the command line works at once
//! against the running server, in the scope asked for, and only staff of
//! the right kind may be named as its maker.

use std::process::{Command, Output, Stdio};

use redress::domain::staff::Role;
use ureq::http::StatusCode;

use crate::helpers::*;

fn api_key_add(app: &TestApp, args: &[&str]) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_redress"))
        .env("DATABASE_URL", &app.config.database_url)
        .env("REDRESS_DATA_DIR", data.path())
        .env("RUST_LOG", "warn")
        .args(["api-key", "add"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("redress runs")
}

#[test]
fn a_key_made_on_the_command_line_works_in_its_scope() {
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    let other = app.merchant("广州美颜堂化妆品有限公司");
    let staff = app.staff(Role::Merchant, Some(m));
    let supervisor = app.staff(Role::Supervisor, None);
    let tracking = ComplaintBuilder::new(m).file(&app);
    let reference = tracking.reference(&app);

    let out = api_key_add(&app, &["--platform", "--supervisor", &supervisor.to_uppercase(), "--name", "订单页"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8(out.stdout).unwrap().trim_end().to_owned();
    assert!(key.starts_with("rdk_") && !key.contains('\n'), "the key alone: {key}");
    let platform = ApiClient::new(&app, Some(&key));
    assert_eq!(platform.get("/api/v1/queue").status, StatusCode::OK);

    let out = api_key_add(&app, &["--merchant", &m.to_string(), "--by", &staff, "--name", "客服系统"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let merchant = ApiClient::new(&app, Some(String::from_utf8(out.stdout).unwrap().trim_end()));
    assert_eq!(merchant.get(&format!("/api/v1/complaints/{reference}")).status, StatusCode::OK);
    merchant.get("/api/v1/queue").problem(StatusCode::FORBIDDEN, "forbidden");

    for (args, says) in [
        (vec!["--merchant", &other.to_string(), "--by", &staff, "--name", "x"], "not staff of merchant"),
        (vec!["--platform", "--by", &staff, "--name", "x"], "not a supervisor"),
        (vec!["--platform", "--by", "nobody@example.cn", "--name", "x"], "no staff account"),
        (vec!["--platform", "--by", &supervisor, "--name", " "], "--name"),
    ] {
        let out = api_key_add(&app, &args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "no key printed");
    }
    let out = api_key_add(&app, &["--by", &supervisor, "--name", "x"]);
    assert!(!out.status.success(), "a scope is required");
}

/// The demo prints a key of its first merchant's, made as its staff would
/// make one: it lists that merchant's demo complaints, and no other's.
#[test]
fn the_demo_key_lists_its_merchants_complaints() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    let seeded = redress::service::demo::seed(&mut conn, &app.config, redress::clock::Clock::now(&app.clock)).unwrap();
    drop(conn);
    let key = seeded.api_key.expect("the demo made a key");
    let page = ApiClient::new(&app, Some(&key)).get("/api/v1/complaints?limit=100");
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let items = page.json()["items"].as_array().cloned().unwrap_or_default();
    assert!(!items.is_empty(), "{}", page.body);
    let names: Vec<&str> = items.iter().filter_map(|c| c["merchant"]["name"].as_str()).collect();
    assert!(names.iter().all(|n| *n == "杭州星河优选电子商务有限公司"), "{names:?}");
}
