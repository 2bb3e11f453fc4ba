//! Test data made the way the application makes it, in the style of
//! crates.io's `crates_io_test_utils::builders`: every value has a valid
//! default, a test names only what matters to it.
//!
//! ```ignore
//! let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
//! let tracking = ComplaintBuilder::new(m).email("").overdue().file(&app);
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Duration, Utc};
use redress::clock::Clock;
use redress::config::Config;
use redress::domain::complaint::ComplaintForm;
use redress::domain::credit_code::CreditCode;
use redress::domain::merchant::MerchantForm;
use redress::i18n::Lang;
use redress::service::complaints::Intake;
use redress::store::DbConnection;
use ureq::http::StatusCode;

use super::app::TestApp;
use super::client::{Client, Page};
use super::html::reference;

/// A merchant, added as `redress merchant add` adds one.
#[derive(Clone)]
pub struct MerchantBuilder {
    name: String,
    credit_code: Option<String>,
    email: String,
    categories: Vec<String>,
}

impl MerchantBuilder {
    /// `name`, with a valid credit code no other merchant has, a customer
    /// service address and one category (apparel).
    pub fn new(name: &str) -> Self {
        MerchantBuilder {
            name: name.into(),
            credit_code: None,
            email: "kefu@merchant.example.cn".into(),
            categories: vec!["apparel".into()],
        }
    }

    /// The first 16 characters of its credit code (the check digits are
    /// worked out).
    pub fn credit_code(mut self, head: &str) -> Self {
        self.credit_code = Some(head.into());
        self
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = email.into();
        self
    }

    pub fn categories(mut self, categories: &[&str]) -> Self {
        self.categories = categories.iter().map(|c| c.to_string()).collect();
        self
    }

    /// Adds it to the app's database at the app's time; returns its id.
    pub fn build(self, app: &TestApp) -> i64 {
        self.insert(&mut app.pool.get().unwrap(), app.clock.now())
    }

    /// Adds it on `conn` at `at`; returns its id.
    pub fn insert(self, conn: &mut DbConnection, at: DateTime<Utc>) -> i64 {
        let head = self.credit_code.unwrap_or_else(unique_credit_code);
        let code = CreditCode::complete(&head).unwrap();
        let form = MerchantForm {
            name: self.name,
            credit_code: code.as_str().into(),
            email: self.email,
            categories: self.categories,
            ..MerchantForm::default()
        };
        redress::service::merchants::add(conn, &form.validate(false).unwrap(), at).unwrap()
    }
}

/// The first 16 characters of a credit code no other test's merchant has.
fn unique_credit_code() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    format!("913301{:02}MA{:06}", n % 100, (std::process::id() % 10_000) * 100 + n % 100)
}

/// The description every complaint has unless a test gives another.
pub const DESCRIPTION: &str = "主播说羽绒服是90%白鸭绒，收到后吊牌写的是50%灰鸭绒。";

/// A complaint as a consumer types it into the form: valid unless a test
/// says otherwise.
#[derive(Clone)]
pub struct ComplaintBuilder {
    /// The form's fields by name, in the form's order.
    fields: Vec<(&'static str, String)>,
    overdue: bool,
    /// Prove the phone number with a code first, as a consumer does.
    verified: bool,
}

impl ComplaintBuilder {
    /// A complaint against `merchant` (its id, as the form sends it).
    pub fn new(merchant: impl ToString) -> Self {
        let fields = [
            ("merchant", merchant.to_string().as_str()),
            ("order_ref", "DY4829301756"),
            ("category", "false_advertising"),
            ("desired_resolution", "return_refund"),
            ("amount", "299.00"),
            ("description", DESCRIPTION),
            ("consumer_name", "王芳"),
            ("consumer_phone", "138 0013 8000"),
            ("consumer_email", "WangFang@Example.com"),
        ]
        .map(|(name, value)| (name, value.to_owned()));
        ComplaintBuilder { fields: fields.into(), overdue: false, verified: false }
    }

    pub fn order_ref(self, order: &str) -> Self {
        self.field("order_ref", order)
    }

    pub fn category(self, category: &str) -> Self {
        self.field("category", category)
    }

    /// What the consumer asks for (`desired_resolution`).
    pub fn resolution(self, resolution: &str) -> Self {
        self.field("desired_resolution", resolution)
    }

    pub fn amount(self, amount: &str) -> Self {
        self.field("amount", amount)
    }

    pub fn description(self, description: &str) -> Self {
        self.field("description", description)
    }

    /// The consumer's name.
    pub fn name(self, name: &str) -> Self {
        self.field("consumer_name", name)
    }

    pub fn phone(self, phone: &str) -> Self {
        self.field("consumer_phone", phone)
    }

    pub fn email(self, email: &str) -> Self {
        self.field("consumer_email", email)
    }

    /// Any field of the form, set to `value` (added if the form has no
    /// such field yet).
    pub fn field(mut self, name: &'static str, value: &str) -> Self {
        match self.fields.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.fields.push((name, value.to_owned())),
        }
        self
    }

    /// The form sent without the field `name` at all.
    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|(n, _)| *n != name);
        self
    }

    /// Once filed, left unanswered until an hour past its 48-hour response
    /// deadline: [`file`](Self::file) moves the app's clock 49 hours on.
    pub fn overdue(mut self) -> Self {
        self.overdue = true;
        self
    }

    /// [`file`](Self::file) proves the phone number first, as a consumer
    /// does: "send code" on the form, the code read from the text message
    /// queued, and the form sent with it. (Each costs one of the number's
    /// three codes an hour and one of the address's ten.)
    pub fn verified(mut self) -> Self {
        self.verified = true;
        self
    }

    /// The form's fields as they are sent.
    pub fn fields(&self) -> Vec<(&str, &str)> {
        self.fields.iter().map(|(name, value)| (*name, value.as_str())).collect()
    }

    /// Sends the complaint form from `client`; the answer, whatever it is.
    pub fn submit(&self, client: &Client) -> Page {
        client.submit("/complaints/new", "/complaints", &self.fields())
    }

    /// Presses the form's "send code" button from `client` (the whole form
    /// posted to `/complaints/code`); the answer, whatever it is.
    pub fn send_code(&self, client: &Client) -> Page {
        client.submit("/complaints/new", "/complaints/code", &self.fields())
    }

    /// Files it through the form from the app's browser, as a consumer
    /// does; the form must accept it.
    pub fn file(self, app: &TestApp) -> Filed {
        let mut this = self;
        if this.verified {
            let sent = this.send_code(app);
            assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
            let phone = this.fields.iter().find(|(n, _)| *n == "consumer_phone").map(|(_, v)| v.clone()).unwrap();
            let code = app.last_code(&phone);
            this = this.field("phone_code", &code);
        }
        let res = this.submit(app);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let filed = Filed { path: res.tracking_path() };
        if this.overdue {
            app.clock.advance(Duration::hours(49));
        }
        filed
    }

    /// Files it by the service itself on `conn`, without HTTP, at `at`: for
    /// tests that watch the statements it runs, seed many, or have no
    /// server.
    pub fn insert(self, conn: &mut DbConnection, config: &Config, at: DateTime<Utc>) -> Filed {
        let value =
            |name: &str| self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
        let form = ComplaintForm {
            merchant: value("merchant"),
            order_ref: value("order_ref"),
            category: value("category"),
            desired_resolution: value("desired_resolution"),
            amount: value("amount"),
            description: value("description"),
            consumer_name: value("consumer_name"),
            consumer_phone: value("consumer_phone"),
            consumer_email: value("consumer_email"),
            publish: value("publish"),
        };
        let intake = Intake { config, now: at, lang: Lang::ZhCn };
        let mut complaint = form.validate().unwrap();
        (complaint.product_id, complaint.live_session_id) =
            (value("product").parse().ok(), value("live_session").parse().ok());
        let done = redress::service::complaints::submit(conn, &intake, &complaint).unwrap();
        Filed { path: format!("/t/{}", done.token) }
    }
}

/// A filed complaint: its private tracking link, used as the path it is
/// (`app.get(&filed)`, `format!("{filed}/reply")`).
pub struct Filed {
    path: String,
}

impl Filed {
    /// The tracking page's path, `/t/{token}`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The token in the tracking link.
    pub fn token(&self) -> &str {
        self.path.trim_start_matches("/t/")
    }

    /// The reference its tracking page shows, as `client` reads it.
    pub fn reference(&self, client: &Client) -> String {
        reference(&client.get(&self.path).body)
    }
}

impl std::ops::Deref for Filed {
    type Target = str;

    fn deref(&self) -> &str {
        &self.path
    }
}

impl std::fmt::Display for Filed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path)
    }
}

/// The browser journeys' (tests/browser) way of making the same data.
#[allow(dead_code)]
impl TestApp {
    /// The code in the last text message sent to `phone` (as typed: it
    /// is normalised first) with a phone code.
    pub fn last_code(&self, phone: &str) -> String {
        // Sent as the dispatcher sends it, and read as the consumer reads
        // it: from the newest text message to that number.
        self.dispatch();
        let to = redress::domain::contact::Phone::parse(phone).expect("a valid number");
        let dir = self.config.data_dir.join("outbox");
        let mut codes: Vec<_> = std::fs::read_dir(&dir)
            .expect("an outbox folder")
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("-phone_code-"))
            .collect();
        codes.sort();
        let text = codes
            .iter()
            .rev()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .find(|text| text.starts_with(&format!("To: +86{}\n", to.as_str())))
            .expect("a code was sent to this number");
        six_digits(&text).expect("a six-digit code in the text")
    }

    /// [`MerchantBuilder::new`]`(name).build(self)`.
    pub fn merchant(&self, name: &str) -> i64 {
        MerchantBuilder::new(name).build(self)
    }

    /// A valid complaint against `merchant` with the fields in `extra`
    /// changed, filed through the form; returns the tracking path.
    pub fn file_complaint(&self, merchant: i64, extra: &[(&'static str, &str)]) -> String {
        let complaint = extra.iter().fold(ComplaintBuilder::new(merchant), |c, (name, value)| c.field(name, value));
        complaint.file(self).path
    }
}

/// `merchants` merchants with `each` complaints apiece filed at `at`
/// through the service (the consumers give e-mail addresses, so each
/// complaint queues a receipt and the merchant's alert).
pub fn seed_complaints(conn: &mut DbConnection, config: &Config, merchants: usize, each: usize, at: DateTime<Utc>) {
    for m in 0..merchants {
        let merchant = MerchantBuilder::new(&format!("杭州第{m}号电子商务有限公司"))
            .credit_code(&format!("91330106MA2{m:05}"))
            .email(&format!("kefu{m}@merchant.example.cn"))
            .categories(&[])
            .insert(conn, at);
        for c in 0..each {
            ComplaintBuilder::new(merchant)
                .order_ref(&format!("DY{m:02}{c:08}"))
                .category("delivery")
                .resolution("refund")
                .amount("59.00")
                .description("付款后十天还没有发货，客服一直不回复。")
                .name("赵敏")
                .phone("13912345678")
                .email(&format!("consumer{m}-{c}@example.com"))
                .insert(conn, config, at);
        }
    }
}

/// The first run of exactly six digits in `text`.
pub fn six_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|i| {
        let run: String = chars[i..].iter().take_while(|c| c.is_ascii_digit()).collect();
        let starts = i == 0 || !chars[i - 1].is_ascii_digit();
        (starts && run.len() == 6).then_some(run)
    })
}
