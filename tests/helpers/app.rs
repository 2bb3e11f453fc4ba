//! `spawn_app()`: the real server on a free port, with a fresh database and
//! a clock that stands still; staff accounts, and the server's jobs run on
//! demand.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use chrono::{DateTime, Utc};
use redress::clock::{Clock, ManualClock};
use redress::config::Config;
use redress::domain::staff::Role;
use redress::service::auth::{NewStaff, add_user};
use redress::startup::{Application, prepare};
use redress::store::Pool;
use ureq::http::StatusCode;

use super::client::{Client, browser};
use super::db::TestDb;
use super::html::Markup;

/// Where every test's clock starts: 2026-11-20 10:00 in Shanghai.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc)
}

/// The password of every staff account the tests make.
pub const PASSWORD: &str = "correct horse battery staple";

pub fn test_config(db: &TestDb, data: &std::path::Path) -> Config {
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.data_dir = data.to_owned();
    config.upload_dir = data.join("uploads");
    config.database_url = db.url().to_owned();
    config.bind = "127.0.0.1:0".into();
    config.pool_size = 4;
    // Every test's requests come from 127.0.0.1; the limits' own tests
    // switch them on.
    config.rate_limits = redress::domain::limit::RateLimits::OFF;
    // Supervisors sign in with a password alone; the two-factor tests
    // switch it on.
    config.supervisor_2fa = false;
    // Phone numbers are not verified, so every complaint counts toward a
    // merchant's volume as before; the verification tests (tests/
    // verification.rs, tests/my.rs) switch it on.
    config.verify_phone = redress::domain::contact::VerifyPhone::Off;
    // Tests move the clock by days with staff signed in; the sessions' own
    // tests (tests/sessions.rs) set the real lifetimes.
    let forever = chrono::Duration::days(3650);
    config.sessions = redress::domain::session::Lifetimes { idle: forever, absolute: forever };
    config
}

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub pool: Pool,
    /// The default browser: `app.get(…)` etc. go through it.
    pub browser: Client,
    /// The server's configuration.
    pub config: Config,
    handle: Option<(ServerHandle, JoinHandle<()>)>,
    _db: TestDb,
    _data: tempfile::TempDir,
}

/// The real application on a free port, a fresh database and a clock that
/// stands still until the test moves it.
pub fn spawn_app() -> TestApp {
    spawn_app_with(|_| {})
}

/// `spawn_app` with settings changed first.
pub fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(&db, data.path());
    configure(&mut config);
    let kept = config.clone();
    let pool = prepare(&config).expect("database ready");
    let clock = ManualClock::new(start_time());
    let (tx, rx) = std::sync::mpsc::channel();
    let (server_pool, server_clock) = (pool.clone(), clock.clone());
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(config, server_pool, Arc::new(server_clock), 1).expect("server starts");
            tx.send((app.addr, app.server.handle())).unwrap();
            app.server.await.unwrap();
        })
    });
    let (addr, handle) = rx.recv().expect("server started");
    let base = format!("http://{addr}");
    let browser = Client { base: base.clone(), agent: browser() };
    TestApp { base, clock, pool, browser, config: kept, handle: Some((handle, thread)), _db: db, _data: data }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((handle, thread)) = self.handle.take() {
            drop(handle.stop(false));
            let _ = thread.join();
        }
    }
}

impl std::ops::Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.browser
    }
}

impl TestApp {
    /// One deadline sweep now, as the server's job runs it.
    pub fn sweep(&self) -> redress::service::sweeper::SweepReport {
        let at = redress::service::conversation::At { config: &self.config, now: self.clock.now() };
        redress::service::sweeper::sweep(&mut self.pool.get().unwrap(), at).unwrap().expect("no other sweep")
    }

    /// One round of the mail dispatcher, as the server's job runs it.
    pub fn dispatch(&self) -> redress::service::dispatch::DispatchReport {
        let transport = redress::service::dispatch::Transports::from_config(&self.config).unwrap();
        redress::service::dispatch::dispatch(
            &mut self.pool.get().unwrap(),
            &transport,
            &self.config,
            self.clock.now(),
            100,
        )
        .unwrap()
    }

    /// Another browser, with no cookies yet.
    pub fn client(&self) -> Client {
        Client { base: self.base.clone(), agent: browser() }
    }

    /// A staff account; returns its e-mail (the password is `PASSWORD`).
    pub fn staff(&self, role: Role, merchant: Option<i64>) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let email = format!("staff{}@{}.example.cn", N.fetch_add(1, Ordering::SeqCst), role.slug());
        let mut conn = self.pool.get().unwrap();
        let new = NewStaff { role, email: &email, merchant_id: merchant, password: PASSWORD };
        add_user(&mut conn, &new, self.clock.now()).unwrap();
        email
    }

    /// A new browser signed in as new staff of `merchant`.
    pub fn merchant_staff(&self, merchant: i64) -> Client {
        let client = self.client();
        let res = client.sign_in(&self.staff(Role::Merchant, Some(merchant)), PASSWORD);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        client
    }

    /// A new browser signed in as a new supervisor.
    pub fn supervisor(&self) -> Client {
        let client = self.client();
        let res = client.sign_in(&self.staff(Role::Supervisor, None), PASSWORD);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        client
    }

    /// The supervision status the public scorecard of `merchant` shows.
    pub fn supervision(&self, merchant: i64) -> String {
        let page = self.client().get(&format!("/merchants/{merchant}")).html();
        page.select_attr("[data-supervision]", "data-supervision").expect("a supervision status")
    }
}
