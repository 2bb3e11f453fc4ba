//! Repeat offenders among hosts and products: the merchant's thresholds,
//! counted over the complaints that name the host (through the live
//! session) or the product; a flag each, with its reasons, on the flags
//! page with what it is about; kept current and cleared by the sweeper;
//! the merchant's own flag as it always was.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::live::{ProductCategory, Review};
use scraper::{ElementRef, Html};
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::plans::{captured, plan};

/// A merchant selling one approved product through one host, in a session
/// the day before the test starts.
struct Shop {
    merchant: i64,
    host: i64,
    product: i64,
    session: i64,
}

fn shop(app: &TestApp, name: &str) -> Shop {
    let merchant = MerchantBuilder::new(name).build(app);
    let room = live::room(app, merchant);
    let host = live::host(app, merchant, false);
    let product = live::product(app, merchant, ProductCategory::General, Review::Approved);
    let session = live::session(app, merchant, (room, host), &[product], app.clock.now() - Duration::days(1));
    Shop { merchant, host, product, session }
}

impl Shop {
    /// A complaint about the live session (and so its host).
    fn via_host(&self) -> ComplaintBuilder {
        ComplaintBuilder::new(self.merchant).field("live_session", &self.session.to_string())
    }

    fn about_product(&self) -> ComplaintBuilder {
        ComplaintBuilder::new(self.merchant).field("product", &self.product.to_string())
    }

    fn host_name(&self, app: &TestApp) -> String {
        let conn = &mut app.pool.get().unwrap();
        redress::store::live::find_host(conn, self.host).unwrap().unwrap().display_name
    }

    fn product_name(&self, app: &TestApp) -> String {
        let conn = &mut app.pool.get().unwrap();
        redress::store::live::find_product(conn, self.product).unwrap().unwrap().name
    }
}

/// The rows of the flags page about `subject` (`merchant`, `host`, `product`).
fn rows<'a>(page: &'a Html, subject: &str) -> Vec<ElementRef<'a>> {
    page.select_all(&format!("li[data-flag][data-subject=\"{subject}\"]"))
}

fn flags(boss: &Client) -> Html {
    boss.get("/supervisor/flags").html()
}

fn references(app: &TestApp, filed: &[Filed]) -> String {
    filed.iter().map(|f| f.reference(app)).collect::<Vec<_>>().join(", ")
}

#[test]
fn three_breaches_of_one_hosts_complaints_flag_the_host_two_do_not() {
    let app = spawn_app();
    let two = shop(&app, "杭州星河优选电子商务有限公司");
    let three = shop(&app, "广州美颜堂化妆品有限公司");
    let boss = app.supervisor();
    // Three breaches for `two`'s merchant, but only two of them its host's.
    for _ in 0..2 {
        two.via_host().file(&app);
    }
    ComplaintBuilder::new(two.merchant).file(&app);
    let filed: Vec<Filed> = (0..3).map(|_| three.via_host().file(&app)).collect();
    app.clock.advance(Duration::hours(49));
    app.sweep();

    let page = flags(&boss);
    assert_eq!(rows(&page, "merchant").len(), 2, "both merchants flagged for their own three");
    let hosts = rows(&page, "host");
    assert_eq!(hosts.len(), 1, "two breaches are below the threshold for a host");
    let row = hosts[0];
    assert_eq!(row.select_text("a.flag-about"), Some(three.host_name(&app)));
    assert_eq!(row.select_attr("a.flag-about", "href"), Some(format!("/supervisor/hosts/{}", three.host)));
    let merchant_page = format!("/supervisor/merchants/{}", three.merchant);
    assert_eq!(row.select_attr("a.flag-merchant", "href"), Some(merchant_page.clone()));
    // The merchant's page marks the flagged host among its things.
    let record = boss.get(&merchant_page).html();
    let flagged = record.select_attrs("[data-flag]", "data-flag");
    assert_eq!(flagged, vec!["flagged"], "one flagged thing, the host");
    let line = record.select_attr("li:has([data-flag]) a", "href");
    assert_eq!(line, Some(format!("/supervisor/hosts/{}", three.host)));
    assert_eq!(row.select_text(".flag-subject").as_deref(), Some("主播"));
    assert_eq!(row.select_text(".flag-merchant").as_deref(), Some("广州美颜堂化妆品有限公司"));
    let reasons = row.select_texts("li.flag-reason");
    assert_eq!(reasons, [format!("30 天内 3 次超时：{}", references(&app, &filed))], "in words and numbers");
    assert!(rows(&page, "product").is_empty(), "the complaints named no product");

    let subjects: Vec<String> = {
        use redress::store::schema::outbox;
        let conn = &mut app.pool.get().unwrap();
        outbox::table.filter(outbox::kind.eq("supervisor_flag")).select(outbox::subject).load(conn).unwrap()
    };
    let told = format!("主播被列入督办观察：{}（广州美颜堂化妆品有限公司）", three.host_name(&app));
    let (host, merchant) = (told.as_str(), "商家被列入督办观察：广州美颜堂化妆品有限公司");
    let count = |subject: &str| subjects.iter().filter(|s| *s == subject).count();
    assert!(count(host) >= 1 && count(host) == count(merchant), "each supervisor told which host: {subjects:?}");
    assert!(!subjects.iter().any(|s| s.contains(&two.host_name(&app))), "not the host below the threshold");
}

#[test]
fn ten_complaints_about_one_product_flag_the_product() {
    let app = spawn_app();
    let s = shop(&app, "深圳极光数码科技有限公司");
    let boss = app.supervisor();
    // Ten against the merchant, nine of them about the product.
    ComplaintBuilder::new(s.merchant).file(&app);
    for _ in 0..9 {
        s.about_product().file(&app);
    }
    let page = flags(&boss);
    assert_eq!(rows(&page, "merchant").len(), 1, "the merchant is flagged by its ten");
    assert!(rows(&page, "product").is_empty(), "nine are below the threshold for a product");

    s.about_product().file(&app);
    let page = flags(&boss);
    let products = rows(&page, "product");
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].select_text("a.flag-about"), Some(s.product_name(&app)));
    assert_eq!(products[0].select_text(".flag-subject").as_deref(), Some("商品"));
    assert_eq!(products[0].select_texts("li.flag-reason"), ["30 天内收到 10 件投诉"]);
    assert_eq!(rows(&page, "merchant").len(), 1, "still one flag for the merchant");
    assert_eq!(app.supervision(s.merchant), "none", "volume alone waits for a supervisor, as before");
}

#[test]
fn two_upheld_fraud_rulings_on_one_product_flag_the_product() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let boss = app.supervisor();
    let filed: Vec<Filed> = (0..2).map(|_| s.about_product().category("price_fraud").file(&app)).collect();
    app.clock.advance(Duration::hours(49));
    app.sweep(); // two breaches, escalated: below every threshold
    assert!(rows(&flags(&boss), "product").is_empty());
    let rule = |f: &Filed| {
        let page = format!("/supervisor/complaints/{}", f.reference(&app));
        let ruled =
            boss.submit(&page, &format!("{page}/rule"), &[("outcome", "upheld"), ("body", "经核实，投诉成立。")]);
        assert_eq!(ruled.status, StatusCode::SEE_OTHER, "{}", ruled.body);
    };
    rule(&filed[0]);
    assert!(rows(&flags(&boss), "product").is_empty(), "one upheld is below the threshold");
    rule(&filed[1]);
    let page = flags(&boss);
    let product = rows(&page, "product");
    assert_eq!(product.len(), 1);
    let upheld = format!("30 天内 2 件虚假宣传或价格欺诈投诉被认定成立：{}", references(&app, &filed));
    assert_eq!(product[0].select_texts("li.flag-reason"), [upheld]);
}

#[test]
fn the_flags_page_says_what_each_flag_is_about_in_both_languages() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let boss = app.supervisor();
    let filed: Vec<Filed> = (0..3).map(|_| s.via_host().field("product", &s.product.to_string()).file(&app)).collect();
    app.clock.advance(Duration::hours(49));
    app.sweep();

    let page = flags(&boss);
    let (merchant, host, product) = (rows(&page, "merchant"), rows(&page, "host"), rows(&page, "product"));
    assert_eq!((merchant.len(), host.len(), product.len()), (1, 1, 1), "one flag each, from the same breaches");
    assert_eq!(merchant[0].select_text("a").as_deref(), Some("成都蜀香源食品有限公司"));
    assert!(merchant[0].select_first("a.flag-about").is_none());
    assert_eq!(host[0].select_text("a.flag-about"), Some(s.host_name(&app)));
    assert_eq!(product[0].select_text("a.flag-about"), Some(s.product_name(&app)));
    assert_eq!(host[0].select_attr("a.flag-about", "href"), Some(format!("/supervisor/hosts/{}", s.host)));
    assert_eq!(product[0].select_attr("a.flag-about", "href"), Some(format!("/supervisor/products/{}", s.product)));
    for row in [host[0], product[0]] {
        assert_eq!(row.select_attr("a.flag-merchant", "href"), Some(format!("/supervisor/merchants/{}", s.merchant)));
    }

    let english = boss.get("/supervisor/flags?lang=en").html();
    assert_eq!(rows(&english, "host")[0].select_text(".flag-subject").as_deref(), Some("Host"));
    assert_eq!(rows(&english, "product")[0].select_text(".flag-subject").as_deref(), Some("Product"));
    assert_eq!(
        rows(&english, "product")[0].select_texts("li.flag-reason"),
        [format!("3 deadlines breached in 30 days: {}", references(&app, &filed))]
    );
}

#[test]
fn confirming_a_hosts_flag_opens_its_case_and_leaves_the_merchant_as_it_stands() {
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    let boss = app.supervisor();
    for _ in 0..3 {
        s.via_host().file(&app);
    }
    app.clock.advance(Duration::hours(49));
    app.sweep();
    let page = flags(&boss);
    let flag_of = |page: &Html, subject| rows(page, subject)[0].attr("data-flag").unwrap().to_owned();
    let (merchant_flag, host_flag) = (flag_of(&page, "merchant"), flag_of(&page, "host"));
    assert_eq!(app.supervision(s.merchant), "flagged");

    // The merchant's flag dismissed; the host's stays.
    let note = [("decision", "dismiss"), ("note", "系统故障导致超时，已核实。")];
    boss.submit("/supervisor/flags", &format!("/supervisor/flags/{merchant_flag}"), &note);
    assert_eq!(app.supervision(s.merchant), "none");
    assert_eq!(rows(&flags(&boss), "host").len(), 1, "the host's flag is not the merchant's");

    let confirmed =
        boss.submit("/supervisor/flags", &format!("/supervisor/flags/{host_flag}"), &[("decision", "confirm")]);
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let done = confirmed.location.expect("back to the list");
    assert_eq!(done, "/supervisor/flags?done=confirm&about=host");
    let back = boss.get(&done).html();
    assert_eq!(
        back.select_text("[role=status]").as_deref(),
        Some("已立案，该主播或商品进入重点督办；商家本身的督办状态不变。")
    );
    assert_eq!(
        rows(&back, "host")[0].select_attr("[data-supervision]", "data-supervision").as_deref(),
        Some("supervised")
    );
    assert_eq!(app.supervision(s.merchant), "none", "the public scorecard speaks of the merchant's own record");
    let audited: Vec<String> = {
        use redress::store::schema::staff_audit as a;
        let conn = &mut app.pool.get().unwrap();
        a::table.filter(a::kind.eq("flag_decided")).select(a::subject).order(a::id).load(conn).unwrap()
    };
    let host_subject = format!("host {} of merchant {} flag {host_flag}", s.host, s.merchant);
    assert_eq!(audited, [format!("merchant {} flag {merchant_flag}", s.merchant), host_subject]);

    // The merchant's own flag is raised again by new breaches of its own,
    // the host's open case notwithstanding.
    for _ in 0..3 {
        ComplaintBuilder::new(s.merchant).file(&app);
    }
    app.clock.advance(Duration::hours(49));
    app.sweep();
    assert_eq!(app.supervision(s.merchant), "flagged");
    let page = flags(&boss);
    assert_eq!(rows(&page, "merchant").len(), 1);
    assert_eq!(rows(&page, "merchant")[0].select_texts("li.flag-reason").len(), 1);
}

#[test]
fn the_sweeper_keeps_a_hosts_flag_current_and_clears_it_once_quiet() {
    let app = spawn_app();
    let s = shop(&app, "上海暖阳服饰有限公司");
    let boss = app.supervisor();
    let mut filed: Vec<Filed> = (0..3).map(|_| s.via_host().file(&app)).collect();
    app.clock.advance(Duration::hours(49));
    app.sweep();
    let host_reasons =
        || rows(&flags(&boss), "host").iter().flat_map(|r| r.select_texts("li.flag-reason")).collect::<Vec<_>>();
    assert_eq!(host_reasons(), [format!("30 天内 3 次超时：{}", references(&app, &filed))]);

    // A fourth complaint: counted by the next sweep (still three breaches)…
    filed.push(s.via_host().file(&app));
    app.clock.advance(Duration::seconds(30));
    app.sweep();
    assert_eq!(host_reasons(), [format!("30 天内 3 次超时：{}", references(&app, &filed[..3]))]);
    // …and its breach, when the host's flag was last counted after it was
    // filed, by the sweep that records it.
    app.clock.advance(Duration::hours(49));
    app.sweep();
    assert_eq!(host_reasons(), [format!("30 天内 4 次超时：{}", references(&app, &filed))]);

    // Resolution deadlines (7 days) breach too; then quiet.
    app.clock.advance(Duration::days(29));
    app.sweep();
    assert_eq!(host_reasons().len(), 1, "still inside the window");
    app.clock.advance(Duration::days(9));
    app.sweep();
    assert!(!host_reasons().is_empty(), "out of the window, but not yet quiet for a whole one");
    app.clock.advance(Duration::days(30));
    let report = app.sweep();
    assert!(host_reasons().is_empty(), "dropped off by itself");
    assert_eq!(report.flags_cleared, 2, "the host's and the merchant's");
    assert!(rows(&flags(&boss), "merchant").is_empty());
}

#[test]
fn a_hosts_and_a_products_figures_are_ranges_of_their_own_indexes() {
    use redress::domain::offender::Subject;
    use redress::service::offenders::{self, Trigger};
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; the PostgreSQL run checks the behaviour
    }
    let app = spawn_app();
    let s = shop(&app, "杭州星河优选电子商务有限公司");
    for _ in 0..3 {
        s.via_host().field("product", &s.product.to_string()).file(&app);
    }
    app.clock.advance(Duration::hours(49));
    let (now, config) = (app.clock.now(), &app.config);
    let mut conn = app.pool.get().unwrap();
    let mut queries = captured(&mut conn, |conn| {
        // The sweep breaches them: the host's and the product's flags are
        // raised, then re-counted.
        let at = redress::service::conversation::At { config, now };
        redress::service::sweeper::sweep(conn, at).unwrap().expect("no other sweep");
        app.clock.advance(Duration::seconds(30));
        let later = app.clock.now();
        redress::service::sweeper::sweep(conn, redress::service::conversation::At { config, now: later }).unwrap();
        for subject in [Subject::Host(s.host), Subject::Product(s.product)] {
            for trigger in [Trigger::NewComplaint, Trigger::Breach, Trigger::Ruling] {
                let flagged = redress::store::flags::live::open_flag(conn, subject).unwrap().is_some();
                offenders::live::after(conn, s.merchant, subject, trigger, flagged, config, later).unwrap();
            }
        }
    });
    queries.dedup();
    // Those that pick complaints or flags by host or product.
    let by_subject = |q: &&String| {
        let picks = q
            .split("WHERE")
            .skip(1)
            .any(|w| w.contains("host_id") || w.contains("product_id") || w.contains("subject_id"));
        q.trim_start().starts_with("SELECT") && picks
    };
    let picked: Vec<&String> = queries.iter().filter(by_subject).collect();
    assert!(picked.len() >= 8, "the work ran the host's and the product's counts: {queries:#?}");
    let mut bad = Vec::new();
    for sql in picked {
        for d in plan(&mut conn, sql).iter().map(String::as_str) {
            let ranged = match d.split(' ').take(2).collect::<Vec<_>>()[..] {
                [_, "complaints"] => {
                    d.contains("complaints_host_submitted (host_id=?")
                        || d.contains("complaints_product_submitted (product_id=?")
                }
                // One subject's flags; `to_recount`, all hosts' (products').
                // or at intake the open flags about one merchant's things.
                [_, "merchant_flags"] => {
                    d.contains("USING INDEX merchant_flags_subject (subject=?")
                        || d.contains("USING INDEX merchant_flags_merchant (merchant_id=?")
                }
                _ => true,
            };
            if !ranged {
                bad.push(format!("{sql}\n  -> {d}"));
            }
        }
    }
    assert!(bad.is_empty(), "not a range of the host's, product's or flag's index:\n{}", bad.join("\n"));
}
