//! Two `redress serve` processes on one database, each running its own
//! deadline sweeper (every second) and mail dispatcher against one real
//! SMTP server: every breach is recorded once, every merchant flagged once,
//! every notice sent once, every incident opened once. On SQLite (one
//! file, two processes), or on PostgreSQL when `TEST_DATABASE_URL` is set.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use diesel::dsl::count_star;
use diesel::prelude::*;
use redress::store::schema::{complaint_events, complaints, merchant_flags, outbox};

use crate::helpers::*;
use crate::process::*;
use crate::smtp::SmtpServer;

const MERCHANTS: usize = 6;
const EACH: usize = 8;

#[test]
fn two_instances_record_each_breach_once_and_send_each_notice_once() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let config = test_config(&db, data.path());
    let pool = redress::startup::prepare(&config).unwrap();
    let mut conn = pool.get().unwrap();
    // Complaints filed 48 hours and a minute ago, never answered: their
    // response deadlines passed a minute ago, so the breach is news and
    // each breach notice goes out.
    let filed_at = Utc::now() - chrono::Duration::hours(48) - chrono::Duration::minutes(1);
    seed_complaints(&mut conn, &config, MERCHANTS, EACH, filed_at);

    let smtp = SmtpServer::start_slow(Duration::from_millis(10));
    let smtp_url = SmtpServer::url(smtp.port);
    let env = [
        ("SMTP_URL", smtp_url.as_str()),
        ("REDRESS_SWEEP_INTERVAL", "1"),
        ("REDRESS_SECRET", "the same secret on every instance, 32+ chars"),
    ];
    let data_b = tempfile::tempdir().unwrap();
    let mut a = serve_with(&db, data.path(), &[], &env);
    let mut b = serve_with(&db, data_b.path(), &[], &env);

    let total = (MERCHANTS * EACH) as i64;
    eventually_within(Duration::from_secs(60), "breached every complaint and emptied the outbox", || {
        let breached: i64 = complaints::table
            .filter(complaints::response_breached_at.is_not_null())
            .select(count_star())
            .get_result(&mut conn)
            .unwrap();
        let waiting: i64 = outbox::table
            .filter(outbox::state.eq_any(["queued", "sending"]))
            .select(count_star())
            .get_result(&mut conn)
            .unwrap();
        breached == total && waiting == 0
    });
    // Another second: any second recording or sending would happen now.
    std::thread::sleep(Duration::from_millis(1500));
    a.terminate();
    b.terminate();
    assert!(a.exited_within(Duration::from_secs(30)).success());
    assert!(b.exited_within(Duration::from_secs(30)).success());

    let per_kind: Vec<(String, i64)> = complaint_events::table
        .filter(complaint_events::kind.eq_any(["response_breach", "escalated"]))
        .group_by(complaint_events::kind)
        .select((complaint_events::kind, count_star()))
        .load(&mut conn)
        .unwrap();
    let per_kind: HashMap<_, _> = per_kind.into_iter().collect();
    assert_eq!(per_kind.get("response_breach"), Some(&total), "one breach per complaint");
    assert_eq!(per_kind.get("escalated"), Some(&total), "one escalation per complaint");
    let most: Option<i64> = complaint_events::table
        .filter(complaint_events::kind.eq("response_breach"))
        .group_by(complaint_events::complaint_id)
        .select(count_star())
        .load::<i64>(&mut conn)
        .unwrap()
        .into_iter()
        .max();
    assert_eq!(most, Some(1));

    // Every event carries its complaint's merchant (what sharding splits by).
    let strays: i64 = complaint_events::table
        .inner_join(complaints::table)
        .filter(complaint_events::merchant_id.ne(complaints::merchant_id))
        .select(count_star())
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(strays, 0);

    // Each merchant crossed the 3-breach threshold: flagged once.
    let flags: Vec<i64> = merchant_flags::table.select(merchant_flags::merchant_id).load(&mut conn).unwrap();
    assert_eq!(flags.len(), MERCHANTS, "{flags:?}");

    // Every notice the outbox holds arrived once: receipts, breaches, and
    // escalations for consumers and merchants, and nothing else.
    let sent: Vec<(i64, String)> =
        // (The text messages beside them went to files: tests/sms.rs.)
        outbox::table
            .filter(outbox::state.eq("sent").and(outbox::channel.eq("mail")))
            .select((outbox::id, outbox::kind))
            .load(&mut conn)
            .unwrap();
    let received = smtp.received();
    assert!(sent.len() >= 2 * MERCHANTS * EACH, "receipts and breach notices at least: {}", sent.len());
    assert_eq!(received.len(), sent.len(), "as many messages arrived as the outbox sent");
    let mut ids: Vec<String> =
        received.iter().map(|m| m.parsed().message_id().expect("a Message-ID").to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), received.len(), "no notice arrived twice");
    for (id, kind) in &sent {
        let prefix = format!("{id:08}-{kind}-");
        assert!(ids.iter().any(|m| m.starts_with(&prefix)), "notice {id} ({kind}) arrived");
    }
}

/// The moment the test above leaves to chance, made certain: a dispatcher
/// claims while another's claim is still open. PostgreSQL skips the rows
/// the first holds locked; SQLite makes the second wait for the first's
/// commit. Either way the two never hold the same notice.
#[test]
fn two_dispatchers_claiming_at_once_never_take_the_same_notice() {
    use redress::clock::Clock;
    use redress::mail::Rendered;
    use redress::service::dispatch::dispatch;
    use redress::store::outbox::{Enqueue, MailKind, claim_due, enqueue};

    let app = spawn_app();
    let now = app.clock.now();
    let mut conn = app.pool.get().unwrap();
    let mail = Rendered { subject: "回执".into(), text: "已收到".into(), html: "<p>已收到</p>".into() };
    for i in 0..30 {
        let notice = Enqueue {
            channel: redress::store::outbox::Channel::Mail,
            kind: MailKind::Receipt,
            dedupe_key: format!("test:{i}"),
            complaint_id: None,
            recipient: "consumer@example.com",
            lang: "zh-CN",
            mail: &mail,
        };
        assert!(enqueue(&mut conn, notice, now).unwrap());
    }
    let lease = chrono::Duration::seconds(120);
    let (started, claimed) = std::sync::mpsc::channel();
    let pool = app.pool.clone();
    let first = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        conn.write(|c| {
            let rows = claim_due(c, now, 10, lease)?;
            started.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            Ok::<_, diesel::result::Error>(rows)
        })
        .unwrap()
    });
    claimed.recv().unwrap();
    let second = conn.write(|c| claim_due(c, now, 10, lease)).unwrap();
    let first = first.join().unwrap();
    let ids = |rows: &[redress::store::outbox::Row]| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    assert_eq!((first.len(), second.len()), (10, 10));
    assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)), "{:?} and {:?}", ids(&first), ids(&second));
    // And a whole round by each, through the real transport: 10 left.
    let transport = redress::service::dispatch::Transports::from_config(&app.config).unwrap();
    let report = dispatch(&mut conn, &transport, &app.config, now, 100).unwrap();
    assert_eq!(report.sent, 10, "the 20 claimed are held until their lease ends");
}

/// A sweep that starts while another process sweeps: on PostgreSQL it
/// skips its turn (the other holds the advisory lock); on SQLite it runs,
/// each of its transactions taking the write lock in turn. Either way each
/// breach is recorded once.
#[test]
fn a_sweep_while_another_runs_records_nothing_twice() {
    use redress::clock::Clock;
    use redress::service::conversation::At;
    use redress::service::sweeper::sweep;
    use redress::store::jobs::exclusive;

    let app = spawn_app();
    let m = MerchantBuilder::new("成都蜀香源食品有限公司").build(&app);
    for _ in 0..3 {
        ComplaintBuilder::new(m).file(&app);
    }
    app.clock.advance(chrono::Duration::hours(49));
    let (started, running) = std::sync::mpsc::channel();
    let (finish, finished) = std::sync::mpsc::channel::<()>();
    let pool = app.pool.clone();
    let other = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        exclusive(&mut conn, "sweeper", |_| {
            started.send(()).unwrap();
            finished.recv().unwrap();
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap()
    });
    running.recv().unwrap();
    let at = At { config: &app.config, now: app.clock.now() };
    let during = sweep(&mut app.pool.get().unwrap(), at).unwrap();
    finish.send(()).unwrap();
    assert_eq!(other.join().unwrap(), Some(()));
    let after = app.sweep();
    let postgres = app.config.database_url.starts_with("postgres");
    match during {
        None => assert!(postgres, "only PostgreSQL skips a turn"),
        Some(report) => {
            assert!(!postgres, "PostgreSQL must skip while another sweeps");
            assert_eq!(report.response_breaches, 3);
        }
    }
    let recorded = during.map_or(0, |r| r.response_breaches) + after.response_breaches;
    assert_eq!(recorded, 3, "each breach recorded once");
}

/// A job that panics must not leave its lock behind on a pooled
/// connection, or no instance would run that job again.
#[test]
fn a_job_that_panics_leaves_no_lock_behind() {
    use redress::store::jobs::exclusive;

    let app = spawn_app_with(|config| config.pool_size = 1);
    let pool = app.pool.clone();
    let crashed = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        let _ = exclusive(&mut conn, "sweeper", |_| -> Result<(), diesel::result::Error> { panic!("a bug") });
    })
    .join();
    assert!(crashed.is_err(), "the panic went on up");
    // The pool's one connection, back in the pool, holds no lock; and one
    // from elsewhere can take it too.
    let again = exclusive(&mut app.pool.get().unwrap(), "sweeper", |_| Ok::<_, diesel::result::Error>(1));
    assert_eq!(again.unwrap(), Some(1));
    let mut other = redress::store::connect_one(&app.config.database_url).unwrap();
    assert_eq!(exclusive(&mut other, "sweeper", |_| Ok::<_, diesel::result::Error>(2)).unwrap(), Some(2));
}

/// Two `redress serve` processes on one database, five complaints about
/// one product sent through both at once: one incident between them (on
/// PostgreSQL the two write in parallel; on SQLite one after the other).
#[test]
fn two_instances_open_one_incident_between_them() {
    use redress::domain::live::{ProductCategory, Review};
    use redress::domain::staff::Role;
    use redress::service::auth::{NewStaff, add_user};
    use redress::store::live::{NewProduct, insert_product, set_review};
    use redress::store::schema::{incident_complaints, incidents};
    use std::sync::{Arc, Barrier};
    use ureq::http::StatusCode;

    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let pool = redress::startup::prepare(&test_config(&db, data.path())).unwrap();
    let now = chrono::Utc::now();
    let (merchant, product) = {
        let conn = &mut pool.get().unwrap();
        let merchant = MerchantBuilder::new("成都蜀香源食品有限公司").insert(conn, now);
        let new =
            NewProduct {
                name: "手工川味腊肠", category: ProductCategory::Food, claims: "古法烟熏", licence: None
            };
        let product = insert_product(conn, merchant, &new, now).unwrap();
        let staff = NewStaff {
            role: Role::Supervisor,
            email: "boss@redress.example.cn",
            merchant_id: None,
            password: PASSWORD,
        };
        let by = add_user(conn, &staff, now).unwrap();
        set_review(conn, product, Review::Approved, None, by, now).unwrap();
        (merchant, product)
    };
    let data_b = tempfile::tempdir().unwrap();
    let env = [("REDRESS_SWEEP_INTERVAL", "0")];
    let a = crate::process::serve_with(&db, data.path(), &[], &env);
    let b = crate::process::serve_with(&db, data_b.path(), &[], &env);
    let start = Arc::new(Barrier::new(5));
    std::thread::scope(|scope| {
        for i in 0..5 {
            let base = if i % 2 == 0 { a.base.clone() } else { b.base.clone() };
            let client = Client { base, agent: browser() };
            let complaint = ComplaintBuilder::new(merchant).field("product", &product.to_string());
            let start = start.clone();
            scope.spawn(move || {
                let token = csrf(&client.get("/complaints/new").body);
                let mut fields = vec![("csrf_token", token.as_str())];
                fields.extend(complaint.fields());
                start.wait();
                let res = client.post("/complaints", &fields);
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            });
        }
    });
    let conn = &mut pool.get().unwrap();
    let opened: Vec<(i64, i32)> =
        incidents::table.select((incidents::subject_id, incidents::complaint_count)).load(conn).unwrap();
    assert_eq!(opened, [(product, 5)]);
    let members: i64 = incident_complaints::table.count().get_result(conn).unwrap();
    assert_eq!(members, 5);
    let told: i64 = outbox::table.filter(outbox::kind.eq("supervisor_incident")).count().get_result(conn).unwrap();
    assert_eq!(told, 1, "the one supervisor, once");
}
