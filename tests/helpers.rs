//! `spawn_app()` and what tests need around it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;
use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl};
use redress::clock::{Clock, ManualClock};
use redress::config::Config;
use redress::domain::credit_code::CreditCode;
use redress::domain::merchant::MerchantForm;
use redress::domain::staff::Role;
use redress::service::auth::{NewStaff, add_user};
use redress::service::merchants::add;
use redress::startup::{Application, prepare};
use redress::store::Pool;
use ureq::Agent;
use ureq::http::{Response, StatusCode};

/// Where every test's clock starts: 2026-11-20 10:00 in Shanghai.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").unwrap().with_timezone(&Utc)
}

/// A database of its own for one test, removed afterwards.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: String },
    Postgres { admin: String, name: String, url: String },
}

impl TestDb {
    pub fn new() -> TestDb {
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(admin) => {
                static N: AtomicU32 = AtomicU32::new(0);
                let name =
                    format!("redress_t{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst), rand_suffix());
                let mut conn = PgConnection::establish(&admin).expect("TEST_DATABASE_URL must reach PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).unwrap();
                let base = admin.split('?').next().unwrap();
                let (server, _) = base.rsplit_once('/').unwrap();
                TestDb::Postgres { url: format!("{server}/{name}"), admin, name }
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("redress.db").display());
                TestDb::Sqlite { _dir: dir, url }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin, name, .. } = self
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
        }
    }
}

fn rand_suffix() -> String {
    redress::service::complaints::new_token()[..6].to_ascii_lowercase()
}

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

/// A client that behaves like a browser with redirects shown, not followed:
/// cookies kept, error statuses returned as responses.
pub fn browser() -> Agent {
    Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into()
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

pub fn page(mut res: Response<ureq::Body>) -> Page {
    let status = res.status();
    let headers = res.headers().clone();
    let location = headers.get("location").map(|v| v.to_str().unwrap().to_owned());
    let body = res.body_mut().read_to_string().unwrap_or_default();
    Page { status, location, headers, body }
}

/// One browser: its own cookies (session, CSRF, language).
pub struct Client {
    pub base: String,
    pub agent: Agent,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> Page {
        page(self.agent.get(self.url(path)).call().unwrap())
    }

    pub fn get_query(&self, path: &str, query: &[(&str, &str)]) -> Page {
        let mut req = self.agent.get(self.url(path));
        for (k, v) in query {
            req = req.query(k, v);
        }
        page(req.call().unwrap())
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        page(self.agent.post(self.url(path)).send_form(fields.iter().copied()).unwrap())
    }

    /// Posts `fields` with the CSRF token of the form at `form_path`.
    pub fn submit(&self, form_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(form_path);
        let token = csrf(&form.body);
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all)
    }

    /// Signs in through the form; returns the answer to the POST.
    pub fn sign_in(&self, email: &str, password: &str) -> Page {
        self.submit("/login", "/login", &[("email", email), ("password", password)])
    }
}

impl std::ops::Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.browser
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// One deadline sweep now, as the server's job runs it.
    pub fn sweep(&self) -> redress::service::sweeper::SweepReport {
        let at = redress::service::conversation::At { config: &self.config, now: self.clock.now() };
        redress::service::sweeper::sweep(&mut self.pool.get().unwrap(), at).unwrap().expect("no other sweep")
    }

    /// One round of the mail dispatcher, as the server's job runs it.
    pub fn dispatch(&self) -> redress::service::dispatch::DispatchReport {
        let transport = redress::mail::transport::Transport::from_config(&self.config).unwrap();
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
        let page = self.client().get(&format!("/merchants/{merchant}")).body;
        between(&page, "data-supervision=\"", "\"").expect("a supervision status").to_owned()
    }

    /// A merchant with a valid, unique credit code; returns its id.
    pub fn merchant(&self, name: &str) -> i64 {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let head = format!("913301{:02}MA{:06}", n % 100, (std::process::id() % 10_000) * 100 + n % 100);
        let code = CreditCode::complete(&head).unwrap();
        let mut conn = self.pool.get().unwrap();
        let form = MerchantForm {
            name: name.into(),
            credit_code: code.as_str().into(),
            email: "kefu@merchant.example.cn".into(),
            categories: vec!["apparel".into()],
            ..MerchantForm::default()
        };
        add(&mut conn, &form.validate(true).unwrap(), self.clock.now()).unwrap()
    }

    /// Files a valid complaint (order `DY{n}`) against `merchant` by the
    /// service itself on `conn`, without HTTP: for tests that watch the
    /// statements it runs.
    pub fn submit_on(&self, conn: &mut redress::store::DbConnection, merchant: i64, n: usize) {
        let form = redress::domain::complaint::ComplaintForm {
            merchant: merchant.to_string(),
            order_ref: format!("DY{n}"),
            category: "false_advertising".into(),
            desired_resolution: "refund".into(),
            amount: "99.00".into(),
            description: "直播间说是纯棉，收到的是化纤。".into(),
            consumer_name: "王女士".into(),
            consumer_phone: "13800138000".into(),
            consumer_email: "wang@example.com".into(),
        };
        let lang = redress::i18n::Lang::ZhCn;
        let intake = redress::service::complaints::Intake { config: &self.config, now: self.clock.now(), lang };
        redress::service::complaints::submit(conn, &intake, &form.validate().unwrap()).unwrap();
    }

    /// Files a valid complaint against `merchant` through the form; returns
    /// the tracking path.
    pub fn file_complaint(&self, merchant: i64, extra: &[(&str, &str)]) -> String {
        let id = merchant.to_string();
        let mut fields = valid_complaint(&id);
        for (k, v) in extra {
            fields.retain(|(f, _)| f != k);
            fields.push((k, v));
        }
        let res = self.submit("/complaints/new", "/complaints", &fields);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        res.location.expect("a Location")
    }
}

pub fn valid_complaint(merchant: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("merchant", merchant),
        ("order_ref", "DY4829301756"),
        ("category", "false_advertising"),
        ("desired_resolution", "return_refund"),
        ("amount", "299.00"),
        ("description", "主播说羽绒服是90%白鸭绒，收到后吊牌写的是50%灰鸭绒。"),
        ("consumer_name", "王芳"),
        ("consumer_phone", "138 0013 8000"),
        ("consumer_email", "WangFang@Example.com"),
    ]
}

/// `merchants` merchants with `each` complaints apiece filed at `at`
/// through the service (the consumers give e-mail addresses, so each
/// complaint queues a receipt and the merchant's alert).
pub fn seed_complaints(
    conn: &mut redress::store::DbConnection,
    config: &Config,
    merchants: usize,
    each: usize,
    at: DateTime<Utc>,
) {
    for m in 0..merchants {
        let code = CreditCode::complete(&format!("91330106MA2{m:05}")).unwrap();
        let form = MerchantForm {
            name: format!("杭州第{m}号电子商务有限公司"),
            credit_code: code.as_str().into(),
            email: format!("kefu{m}@merchant.example.cn"),
            ..Default::default()
        };
        let merchant = add(conn, &form.validate(false).unwrap(), at).unwrap();
        for c in 0..each {
            let complaint = redress::domain::complaint::ComplaintForm {
                merchant: merchant.to_string(),
                order_ref: format!("DY{m:02}{c:08}"),
                category: "delivery".into(),
                desired_resolution: "refund".into(),
                amount: "59.00".into(),
                description: "付款后十天还没有发货，客服一直不回复。".into(),
                consumer_name: "赵敏".into(),
                consumer_phone: "13912345678".into(),
                consumer_email: format!("consumer{m}-{c}@example.com"),
            };
            let intake = redress::service::complaints::Intake { config, now: at, lang: redress::i18n::Lang::ZhCn };
            redress::service::complaints::submit(conn, &intake, &complaint.validate().unwrap()).unwrap();
        }
    }
}

/// The first merchant offered on the complaint form.
pub fn first_merchant(html: &str) -> String {
    let merchant = html.split("<option value=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).find(|v| !v.is_empty());
    merchant.expect("a merchant on the form").to_owned()
}

/// The hidden CSRF token of the (first) form on a page.
pub fn csrf(html: &str) -> String {
    between(html, "name=\"csrf_token\" value=\"", "\"").expect("a csrf_token field").to_owned()
}

/// The text between `start` and the next `end`.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)? + start.len();
    let len = html[from..].find(end)?;
    Some(&html[from..from + len])
}

/// The error message shown next to a form field, if any.
pub fn field_error(html: &str, field: &str) -> Option<String> {
    between(html, &format!("id=\"{field}-error\" role=\"alert\">"), "<").map(str::to_owned)
}

/// The text a `<textarea>` is rendered with.
pub fn textarea_value(html: &str, field: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{field}\""))?;
    between(&html[at..], ">", "</textarea>").map(str::to_owned)
}

/// The value of the `<input>` with this id.
pub fn input_value_by_id(html: &str, id: &str) -> Option<String> {
    between(html, &format!("id=\"{id}\""), ">").and_then(|attrs| between(attrs, "value=\"", "\"")).map(str::to_owned)
}

/// The value an `<input>` is rendered with.
pub fn input_value(html: &str, field: &str) -> Option<String> {
    between(html, &format!("id=\"{field}\" name=\"{field}\""), ">")
        .and_then(|attrs| between(attrs, "value=\"", "\""))
        .map(str::to_owned)
}
