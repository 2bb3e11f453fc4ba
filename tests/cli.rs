//! The `redress` binary: migrate, merchant add, serve --demo, and a
//! complaint that survives the server being killed.

use std::process::Stdio;

use redress::domain::credit_code::CreditCode;
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::process::*;

#[test]
fn migrate_and_merchant_add() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let out = run(redress(&db, data.path()).arg("migrate"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let code = CreditCode::complete("91330106MA2H3K7P").unwrap();
    let add = |code: &str| {
        run(redress(&db, data.path()).args([
            "merchant",
            "add",
            "--name",
            "杭州星河优选电子商务有限公司",
            "--credit-code",
            code,
            "--email",
            "kefu@xinghe.example.cn",
        ]))
    };
    let out = add(code.as_str());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n", "prints the new id");

    let again = add(&code.as_str().to_lowercase());
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn merchant_add_refuses_bad_credit_codes_with_a_reason() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let individual = CreditCode::complete("9233010219880101").unwrap();
    for (code, reason) in [
        ("91350100M000100Y44", "check digit"),
        ("9135010", "18 characters"),
        ("91350100M000100YI3", "letters"),
        (individual.as_str(), "individual business"),
    ] {
        let out = run(redress(&db, data.path()).args([
            "merchant",
            "add",
            "--name",
            "某某商贸有限公司",
            "--credit-code",
            code,
            "--email",
            "a@b.cn",
        ]));
        assert!(!out.status.success(), "{code}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(reason), "{code}: {stderr}");
    }
}

#[test]
fn serve_seeds_the_demo_once_and_a_filed_complaint_survives_kill_9() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let first = serve(&db, data.path());
    assert!(
        first.output.iter().any(|l| l.starts_with("Demo data seeded: 5 merchants, 20 complaints")),
        "{:?}",
        first.output
    );
    let demo_link =
        first.output.iter().find_map(|l| l.split_whitespace().find(|w| w.contains("/t/"))).unwrap().to_owned();

    let agent = browser();
    let form = page(agent.get(format!("{}/complaints/new", first.base)).call().unwrap());
    assert_eq!(form.body.matches("有限公司</option>").count(), 5, "the demo merchants are offered");
    let merchant = first_merchant(&form.body);
    let token = csrf(&form.body);
    let mut fields = vec![("csrf_token", token.as_str())];
    let complaint = ComplaintBuilder::new(&merchant);
    fields.extend(complaint.fields());
    let filed = page(agent.post(format!("{}/complaints", first.base)).send_form(fields).unwrap());
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let tracking = filed.tracking_path();

    drop(first); // SIGKILL: no chance to flush anything after the 303.

    let second = serve(&db, data.path());
    assert!(second.output.iter().any(|l| l.contains("nothing seeded")), "{:?}", second.output);
    let res = page(agent.get(format!("{}{tracking}", second.base)).call().unwrap());
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("TS") && res.body.contains("DY4829301756"));
    let demo =
        page(agent.get(demo_link.replace(&demo_link[..demo_link.find("/t/").unwrap()], &second.base)).call().unwrap());
    assert_eq!(demo.status, StatusCode::OK, "demo complaints survive too");
    let form = page(agent.get(format!("{}/complaints/new", second.base)).call().unwrap());
    assert_eq!(form.body.matches("有限公司</option>").count(), 5, "not seeded twice");
}

#[test]
fn user_add_reads_the_password_from_standard_input() {
    use std::io::Write;
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let code = CreditCode::complete("91440101MA5CXY2R").unwrap();
    let out = run(redress(&db, data.path()).args([
        "merchant",
        "add",
        "--name",
        "广州美颜堂化妆品有限公司",
        "--credit-code",
        code.as_str(),
        "--email",
        "kefu@meiyantang.example.cn",
    ]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let add = |args: &[&str], password: &str| {
        let mut child = redress(&db, data.path())
            .args(["user", "add"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = add(&["--role", "merchant", "--merchant", "1", "--email", "Staff@MeiYanTang.example.cn"], PASSWORD);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "1\n");
    let supervisor = add(&["--role", "supervisor", "--email", "duban@platform.example.cn"], PASSWORD);
    assert!(supervisor.status.success(), "{}", String::from_utf8_lossy(&supervisor.stderr));

    for (args, password, says) in [
        (
            &["--role", "merchant", "--merchant", "1", "--email", "staff@meiyantang.example.cn"][..],
            PASSWORD,
            "already exists",
        ),
        (&["--role", "merchant", "--email", "x@meiyantang.example.cn"][..], PASSWORD, "--merchant"),
        (
            &["--role", "merchant", "--merchant", "99", "--email", "y@meiyantang.example.cn"][..],
            PASSWORD,
            "no merchant with id 99",
        ),
        (&["--role", "supervisor", "--email", "z@platform.example.cn"][..], "short", "at least 10 characters"),
    ] {
        let out = add(args, password);
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }

    // Each account made is on the staff audit log, made by the command line.
    let config = test_config(&db, data.path());
    let mut conn = redress::startup::prepare(&config).unwrap().get().unwrap();
    let made = redress::store::audit::list(&mut conn, &Default::default(), 10).unwrap();
    let made: Vec<_> = made.iter().map(|r| (r.kind.as_str(), r.actor.as_str(), r.detail.as_str())).collect();
    assert_eq!(
        made,
        [
            ("staff_created", "cli", "supervisor duban@platform.example.cn"),
            ("staff_created", "cli", "merchant staff@meiyantang.example.cn")
        ]
    );

    // The account works: sign in through the real server.
    let server = serve(&db, data.path());
    let client = Client { base: server.base.clone(), agent: browser() };
    let res = client.sign_in("staff@meiyantang.example.cn", PASSWORD);
    assert_eq!(res.location.as_deref(), Some("/merchant"), "{}", res.body);
}

#[test]
fn sweep_runs_once_and_says_what_it_did() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    // A complaint filed three days ago, never answered.
    let config = test_config(&db, data.path());
    let pool = redress::startup::prepare(&config).unwrap();
    let mut conn = pool.get().unwrap();
    let now = chrono::Utc::now();
    let merchant = MerchantBuilder::new("成都蜀香源食品有限公司").insert(&mut conn, now);
    let complaint = ComplaintBuilder::new(merchant).order_ref("TB5566778899").category("counterfeit").email("");
    complaint.insert(&mut conn, &config, now - chrono::Duration::days(3));
    drop(conn);
    drop(pool);

    let out = run(redress(&db, data.path()).arg("sweep"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "swept: 1 response breaches, 0 resolution breaches, 1 escalated, 0 accepted after 72 h of silence\n"
    );
    let again = run(redress(&db, data.path()).arg("sweep"));
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("swept: 0 response breaches"), "nothing twice");
}

#[test]
fn the_server_runs_its_sweeper_and_its_mail_dispatcher() {
    use diesel::prelude::*;
    use redress::store::schema::complaints;

    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let _server = serve(&db, data.path());
    // The demo has complaints past their 48 hours that nothing has swept yet.
    let mut conn = redress::store::connect_one(db.url()).unwrap();
    eventually("swept the demo's overdue complaints", || {
        let breached: i64 = complaints::table
            .filter(complaints::response_breached_at.is_not_null())
            .count()
            .get_result(&mut conn)
            .unwrap();
        breached > 0
    });
    let outbox = data.path().join("outbox");
    eventually("wrote the demo's notices as .eml files", || {
        std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(Result::ok).any(|e| e.path().to_string_lossy().contains("receipt")))
            .unwrap_or(false)
    });
}

#[test]
fn backup_copies_the_live_database_or_points_to_pg_dump() {
    use diesel::prelude::*;
    use redress::store::schema::complaints;

    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let _server = serve(&db, data.path());
    let copy = data.path().join("copy.db");
    let out = run(redress(&db, data.path()).arg("backup").arg(&copy));
    if db.url().starts_with("postgres") {
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"), "says what to use instead");
        return;
    }
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The copy is a database of its own with the running server's data.
    let mut conn = redress::store::connect_one(&format!("sqlite://{}", copy.display())).unwrap();
    let n: i64 = complaints::table.count().get_result(&mut conn).unwrap();
    assert_eq!(n, 27, "the demo's complaints (15, 7 settled months ago, 5 filed with consent to publish)");
    let again = run(redress(&db, data.path()).arg("backup").arg(&copy));
    assert!(!again.status.success(), "never overwrites");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[test]
fn instances_starting_together_migrate_one_at_a_time() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..3)
        .map(|_| {
            redress(&db, data.path()).arg("migrate").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}
