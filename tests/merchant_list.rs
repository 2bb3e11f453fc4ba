//! The public merchant list (`/merchants`): each merchant's figures as its
//! scorecard shows them, sorted by any of them either way, a page at a
//! time, searched by name or credit code.

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::credit_code::CreditCode;
use scraper::Html;
use ureq::http::StatusCode;

use crate::helpers::*;

/// One round of the list's figures, as the sweeper's thread runs it.
fn refresh(app: &TestApp) -> usize {
    let mut conn = app.pool.get().unwrap();
    redress::service::merchant_list::refresh(&mut conn, app.clock.now()).unwrap().expect("no other round")
}

fn list(app: &TestApp, query: &[(&str, &str)]) -> Html {
    let page = app.get_query("/merchants", query);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.html()
}

/// The merchants' names, top to bottom.
fn names(page: &Html) -> Vec<String> {
    page.select_texts("tbody tr th[data-column=\"name\"]").iter().map(|n| n.trim().to_owned()).collect()
}

const FIGURES: [&str; 4] = ["received_30", "response_rate", "on_time_resolution", "satisfaction"];

/// What the list shows of merchant `m`: its figures and supervision status.
fn listed(page: &Html, m: i64) -> Vec<String> {
    let row = page.select_first(&format!("tr[data-merchant=\"{m}\"]")).unwrap_or_else(|| panic!("{m} is listed"));
    let mut shown: Vec<String> =
        FIGURES.iter().map(|f| row.select_text(&format!("[data-figure=\"{f}\"]")).unwrap()).collect();
    shown.push(row.select_attr("[data-supervision]", "data-supervision").unwrap());
    shown
}

/// The same of its scorecard.
fn scorecard(app: &TestApp, m: i64) -> Vec<String> {
    let page = app.client().get(&format!("/merchants/{m}")).html();
    let mut shown: Vec<String> =
        FIGURES.iter().map(|f| page.select_text(&format!("[data-figure=\"{f}\"]")).unwrap()).collect();
    shown.push(page.select_attr("[data-supervision]", "data-supervision").unwrap());
    shown
}

/// Merchant staff answering, proposing a refund, and the consumer
/// accepting it (and rating it, when `score` is given).
struct Desk<'a> {
    app: &'a TestApp,
    staff: Client,
}

impl Desk<'_> {
    fn answer(&self, filed: &Filed) {
        let page = format!("/merchant/complaints/{}", filed.reference(self.app));
        let res = self.staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已收到，正在核实。")]);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }

    fn settle(&self, filed: &Filed, score: Option<&str>) {
        let page = format!("/merchant/complaints/{}", filed.reference(self.app));
        let res =
            self.staff.submit(&page, &format!("{page}/propose"), &[("resolution", "refund"), ("body", "全额退款。")]);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = self.app.submit(filed, &format!("{filed}/accept"), &[]);
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        if let Some(score) = score {
            let res = self.app.submit(filed, &format!("{filed}/rate"), &[("score", score)]);
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
    }
}

fn desk(app: &TestApp, m: i64) -> Desk<'_> {
    Desk { app, staff: app.merchant_staff(m) }
}

/// Four merchants whose figures order differently by every column:
///
/// | merchant | complaints | answered | resolved on time | satisfaction |
/// |---|---|---|---|---|
/// | Aurora | 2 | 100 % | 50 % | 2.0 |
/// | Beacon | 3 | 33.3 % | 33.3 % | 5.0 |
/// | Cobalt | 1 | 100 % | 100 % | — |
/// | Delta | 0 | — | — | — |
///
/// Filed now; eight days on, every deadline has come.
fn four_merchants(app: &TestApp) -> [i64; 4] {
    let ids =
        ["Aurora 星光贸易有限公司", "Beacon 灯塔商贸有限公司", "Cobalt 钴蓝数码有限公司", "Delta 三角洲食品有限公司"]
            .map(|name| app.merchant(name));
    let [a, b, c, _] = ids;
    let file = |m: i64, n: usize| (0..n).map(|_| ComplaintBuilder::new(m).file(app)).collect::<Vec<_>>();
    let (fa, fb, fc) = (file(a, 2), file(b, 3), file(c, 1));
    app.clock.advance(Duration::hours(2));
    let (da, db, dc) = (desk(app, a), desk(app, b), desk(app, c));
    da.answer(&fa[0]);
    da.answer(&fa[1]);
    da.settle(&fa[0], Some("2"));
    db.answer(&fb[0]);
    db.settle(&fb[0], Some("5"));
    dc.answer(&fc[0]);
    dc.settle(&fc[0], None);
    app.clock.advance(Duration::days(8));
    app.sweep();
    ids
}

#[test]
fn every_merchant_shows_the_figures_of_its_scorecard() {
    let app = spawn_app();
    let ids = four_merchants(&app);
    let [a, b, ..] = ids;
    let staff = desk(&app, b);
    // Before a round has counted them, the list shows what was counted.
    assert_eq!(listed(&list(&app, &[]), a)[0], "0", "nothing counted yet: the list is a copy");

    assert!(refresh(&app) >= 4);
    let page = list(&app, &[]);
    for m in ids {
        assert_eq!(listed(&page, m), scorecard(&app, m), "merchant {m}");
    }
    // Worked out by hand, so that the comparison above compares something.
    assert_eq!(listed(&page, a), ["2", "100.0%", "50.0%", "2.0 / 5（1 人评分）", "none"]);
    assert_eq!(listed(&page, ids[3]), ["0", "—", "—", "—", "none"]);
    // Each name links to its scorecard.
    let link = page.select_attr(&format!("tr[data-merchant=\"{a}\"] th a"), "href").unwrap();
    assert_eq!(link, format!("/merchants/{a}"));

    // A complaint, a rating (which leaves no timeline event) and a
    // supervision status change what the next round shows.
    let filed = ComplaintBuilder::new(b).file(&app);
    staff.answer(&filed);
    staff.settle(&filed, Some("1"));
    let mut conn = app.pool.get().unwrap();
    redress::store::merchants::set_supervision(&mut conn, b, "supervised").unwrap();
    drop(conn);
    refresh(&app);
    let page = list(&app, &[]);
    assert_eq!(listed(&page, b), scorecard(&app, b));
    assert_eq!(listed(&page, b), ["4", "50.0%", "50.0%", "3.0 / 5（2 人评分）", "supervised"]);

    // Forty days on, nothing happened, and the 30-day window moved past
    // every complaint: rows older than an hour are counted again.
    app.clock.advance(Duration::days(40));
    refresh(&app);
    let page = list(&app, &[]);
    for m in ids {
        assert_eq!(listed(&page, m), scorecard(&app, m), "merchant {m}, 40 days on");
        assert_eq!(listed(&page, m)[0], "0");
    }
}

#[test]
fn the_list_sorts_by_each_column_either_way() {
    let app = spawn_app();
    four_merchants(&app);
    refresh(&app);
    let [a, b, c, d] = ["Aurora", "Beacon", "Cobalt", "Delta"];
    let expected: [(&str, &str, [&str; 4]); 10] = [
        ("name", "asc", [a, b, c, d]),
        ("name", "desc", [d, c, b, a]),
        ("complaints_30", "desc", [b, a, c, d]),
        ("complaints_30", "asc", [d, c, a, b]),
        // Ties by name; no figure yet comes last either way.
        ("response_rate", "desc", [a, c, b, d]),
        ("response_rate", "asc", [b, a, c, d]),
        ("resolution_rate", "desc", [c, a, b, d]),
        ("resolution_rate", "asc", [b, a, c, d]),
        ("satisfaction", "desc", [b, a, c, d]),
        ("satisfaction", "asc", [a, b, c, d]),
    ];
    for (sort, dir, order) in expected {
        let page = list(&app, &[("sort", sort), ("dir", dir)]);
        let shown: Vec<String> = names(&page).iter().map(|n| n.split(' ').next().unwrap().to_owned()).collect();
        assert_eq!(shown, order, "sorted by {sort} {dir}");
        // The heading says so, and links to the other way round.
        let heading = format!("th[data-column=\"{sort}\"]");
        let aria = if dir == "asc" { "ascending" } else { "descending" };
        assert_eq!(page.select_attr(&heading, "aria-sort").as_deref(), Some(aria), "{sort} {dir}");
        assert_eq!(page.select_all("th[aria-sort]").len(), 1);
        let other = if dir == "asc" { "desc" } else { "asc" };
        let href = page.select_attr(&format!("{heading} a"), "href").unwrap();
        assert_eq!(href, format!("/merchants?sort={sort}&dir={other}"));
    }
    // Another column's heading links to its own first way: figures
    // highest first, names A to Z.
    let page = list(&app, &[("sort", "name"), ("dir", "asc")]);
    let href = page.select_attr("th[data-column=\"satisfaction\"] a", "href").unwrap();
    assert_eq!(href, "/merchants?sort=satisfaction&dir=desc");
    // What is not a sort is the default order, as the site's other
    // filters treat what is not one of their values; a sort without a
    // direction takes its first one.
    for query in [&[("sort", "bogus"), ("dir", "desc")][..], &[("sort", "name'--")], &[]] {
        let page = list(&app, query);
        assert_eq!(names(&page).first().map(|n| n.starts_with("Aurora")), Some(true), "{query:?}");
        assert_eq!(page.select_attr("th[data-column=\"name\"]", "aria-sort").as_deref(), Some("ascending"));
    }
    let page = list(&app, &[("sort", "complaints_30"), ("dir", "sideways")]);
    assert_eq!(page.select_attr("th[data-column=\"complaints_30\"]", "aria-sort").as_deref(), Some("descending"));
}

#[test]
fn the_list_comes_a_page_at_a_time() {
    let app = spawn_app_with(|c| c.merchant_list_page = 3);
    let made: Vec<String> = (1..=7).map(|i| format!("第{i}号直播电商有限公司")).collect();
    for name in &made {
        app.merchant(name);
    }
    let mut seen = Vec::new();
    for n in 1..=3 {
        let page = list(&app, &[("page", &n.to_string())]);
        let rows = names(&page);
        assert_eq!(rows.len(), if n < 3 { 3 } else { 1 }, "page {n}");
        seen.extend(rows);
        let current = page.select_text("nav.pager a[aria-current=\"page\"]").unwrap();
        assert_eq!(current, n.to_string());
        let numbered: Vec<String> = page.select_texts("nav.pager a:not([rel])");
        assert_eq!(numbered, ["1", "2", "3"], "page {n}");
        assert_eq!(page.select_first("a[rel=\"prev\"]").is_some(), n > 1);
        assert_eq!(page.select_first("a[rel=\"next\"]").is_some(), n < 3);
        assert!(page.select_text("[data-total]").unwrap().contains(&format!("第 {n} / 3 页")));
    }
    let mut sorted = made.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "every merchant once, by name");
    // The links keep the search and the order.
    let page = list(&app, &[("q", "直播"), ("sort", "complaints_30"), ("dir", "asc")]);
    let next = page.select_attr("a[rel=\"next\"]", "href").unwrap();
    assert_eq!(next, format!("/merchants?q={}&sort=complaints_30&dir=asc&page=2", "%E7%9B%B4%E6%92%AD"));

    // Past the last page: a clear answer, with the pages there are.
    for lang in ["zh-CN", "en"] {
        let res = app.get_query("/merchants", &[("page", "4"), ("lang", lang)]);
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let page = res.html();
        let notice = page.select_text("[role=\"alert\"]").unwrap();
        let wanted = if lang == "en" {
            "There is no page 4: this list has 3 pages."
        } else {
            "没有第 4 页：列表共 3 页"
        };
        assert!(notice.contains(wanted), "{notice}");
        assert_eq!(page.select_texts("nav.pager a").iter().filter(|t| t.trim() == "3").count(), 1);
    }
    // Not a page number at all: the first page, as before.
    for odd in ["0", "-2", "abc", "99999999999999999999999", "1.5"] {
        let page = list(&app, &[("page", odd)]);
        assert_eq!(names(&page).len(), 3, "page={odd}");
        assert_eq!(page.select_text("nav.pager a[aria-current=\"page\"]").as_deref(), Some("1"));
    }
    // A huge page that is a number is past the end, not an overflow.
    assert_eq!(app.get_query("/merchants", &[("page", "9223372036854775807")]).status, StatusCode::NOT_FOUND);
    // An empty search is one empty page, not a missing one.
    let page = list(&app, &[("q", "没有这个商家")]);
    assert!(names(&page).is_empty());
    assert!(page.select_text(".empty").is_some());
    assert_eq!(app.get_query("/merchants", &[("q", "没有这个商家"), ("page", "2")]).status, StatusCode::NOT_FOUND);
}

#[test]
fn the_list_is_searched_by_name_or_credit_code() {
    let app = spawn_app();
    let aurora = MerchantBuilder::new("Aurora Trading 星光贸易有限公司").credit_code("91330106MA2HAUR0").build(&app);
    let other = MerchantBuilder::new("Éclair Café 甜点有限公司").build(&app);
    app.merchant("深圳極光數碼科技有限公司");
    app.merchant("100%_纯棉服饰有限公司");
    let found = |q: &str| names(&list(&app, &[("q", q)]));
    // Latin letters in any case, full-width or not, on both databases.
    for q in ["aurora", "AURORA", "ＡＵＲＯＲＡ", "trading 星光", "星光贸易"] {
        assert_eq!(found(q), ["Aurora Trading 星光贸易有限公司"], "{q}");
    }
    assert_eq!(found("éclair"), ["Éclair Café 甜点有限公司"]);
    assert_eq!(found("CAFÉ"), ["Éclair Café 甜点有限公司"]);
    // Traditional characters find the simplified name and back.
    assert_eq!(found("极光数码"), ["深圳極光數碼科技有限公司"]);
    // LIKE's wildcards are characters like any other.
    assert_eq!(found("100%_"), ["100%_纯棉服饰有限公司"]);
    assert!(found("1%纯").is_empty() && found("0__纯").is_empty(), "as wildcards they would match");
    // The exact credit code, typed in any case; part of one is no code.
    let code = CreditCode::complete("91330106MA2HAUR0").unwrap();
    assert_eq!(found(code.as_str()), ["Aurora Trading 星光贸易有限公司"]);
    assert_eq!(found(&code.as_str().to_lowercase()), ["Aurora Trading 星光贸易有限公司"]);
    assert!(found(&code.as_str()[..12]).is_empty());
    // The search box keeps what was typed and the order.
    let page = list(&app, &[("q", "aurora"), ("sort", "satisfaction"), ("dir", "asc")]);
    assert_eq!(page.select_attr("input#q", "value").as_deref(), Some("aurora"));
    assert_eq!(
        page.select_attr("form[role=\"search\"] input[name=\"sort\"]", "value").as_deref(),
        Some("satisfaction")
    );
    let row = page.select_first(&format!("tr[data-merchant=\"{aurora}\"]"));
    assert!(row.is_some() && page.select_first(&format!("tr[data-merchant=\"{other}\"]")).is_none());
}

#[test]
fn the_supervision_status_is_the_scorecards() {
    let app = spawn_app();
    let [plain, flagged, supervised] =
        ["杭州星河优选电子商务有限公司", "广州美颜堂化妆品有限公司", "深圳极光数码科技有限公司"]
            .map(|n| app.merchant(n));
    let mut conn = app.pool.get().unwrap();
    redress::store::merchants::set_supervision(&mut conn, flagged, "flagged").unwrap();
    redress::store::merchants::set_supervision(&mut conn, supervised, "supervised").unwrap();
    drop(conn);
    // Read from the merchant itself: no round needed.
    for lang in ["zh-CN", "en"] {
        let page = list(&app, &[("lang", lang)]);
        for (m, status) in [(plain, "none"), (flagged, "flagged"), (supervised, "supervised")] {
            let row = format!("tr[data-merchant=\"{m}\"] [data-supervision]");
            assert_eq!(page.select_attr(&row, "data-supervision").as_deref(), Some(status));
            assert_eq!(app.supervision(m), status);
        }
        let label = page.select_text(&format!("tr[data-merchant=\"{supervised}\"] [data-supervision]")).unwrap();
        assert_eq!(label, if lang == "en" { "Under key supervision" } else { "重点督办中" }, "{lang}");
    }
}

#[test]
fn merchants_loaded_without_onboarding_are_listed_after_a_round() {
    let app = spawn_app();
    let mut conn = app.pool.get().unwrap();
    let now = redress::store::to_db(app.clock.now());
    let new = redress::store::merchants::NewMerchant {
        name: "批量导入商贸有限公司",
        credit_code: "91330106MA2HBULK",
        email: "bulk@example.cn",
        shop_url: "",
        phone: None,
        categories: "general",
        qualification: None,
        created_at: now,
    };
    let id = redress::store::merchants::insert(&mut conn, &new).unwrap();
    drop(conn);
    assert!(list(&app, &[]).select_first(&format!("tr[data-merchant=\"{id}\"]")).is_none());
    ComplaintBuilder::new(id).file(&app);
    refresh(&app);
    let page = list(&app, &[]);
    assert_eq!(listed(&page, id), scorecard(&app, id));
    assert_eq!(listed(&page, id)[0], "1");
}

#[test]
fn each_sort_reads_a_range_of_its_own_index() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; PostgreSQL runs the same queries above.
    }
    use redress::domain::merchant_list::{Dir, Order, SortKey};
    use redress::service::merchant_list::{Asked, list};
    let app = spawn_app();
    for i in 0..5 {
        app.merchant(&format!("第{i}号直播电商有限公司"));
    }
    let mut conn = app.pool.get().unwrap();
    for &key in SortKey::ALL {
        for dir in [Dir::Asc, Dir::Desc] {
            let asked = Asked { q: String::new(), order: Order { key, dir }, page: 1, size: 50 };
            let queries = crate::plans::captured(&mut conn, |c| {
                list(c, &asked).unwrap();
            });
            let sorted = queries.iter().find(|q| q.contains("ORDER BY")).expect("the page's query");
            let plan = crate::plans::plan(&mut conn, sorted).join("\n");
            let index = match (key.slug().split('_').next().unwrap(), key, dir) {
                (_, SortKey::Name, _) => "merchant_figures_name".to_owned(),
                (figure, _, Dir::Asc) => format!("merchant_figures_{figure}_up"),
                (figure, _, Dir::Desc) => format!("merchant_figures_{figure}_down"),
            };
            assert!(plan.contains(&format!("INDEX {index}")), "{key:?} {dir:?} walks {index}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{key:?} {dir:?} sorts in memory: {plan}");
        }
    }
}
