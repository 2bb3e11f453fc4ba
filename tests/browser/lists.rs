//! The staff lists and their search on a 390 px phone and a laptop: the
//! rows are cards that fit (nothing scrolls sideways, however long the
//! order number), the consumer's words stay on one line, and a search and
//! a refused query pass axe-core (`target/e2e/lists-*.png`).

use chrono::Duration;
use redress::domain::staff::Role;

use crate::harness::{Driver, run};
use crate::helpers::{ComplaintBuilder, MerchantBuilder, spawn_app};
use crate::tab::Tab;

const LONG: &str =
    "主播在直播间反复说这件羽绒服是90%白鸭绒，收到后吊牌写的是50%灰鸭绒，客服一直不回复，要求退货退款并赔偿来回运费。";

/// The problems of each list page (axe-core, and at 390 px sideways
/// scrolling and small controls), each excerpt's lines, and a screenshot.
async fn lists(tab: &Tab, who: &str, paths: &[&str], problems: &mut Vec<String>) {
    for path in paths {
        tab.open(path).await;
        problems.extend(tab.problems().await);
        let lines = tab
            .js("return [...document.querySelectorAll('.complaint-row__excerpt')].map(e =>
                   Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)));")
            .await;
        for n in lines.as_array().unwrap() {
            if n.as_f64() != Some(1.0) {
                problems.push(format!("{path}: an excerpt takes {n} lines"));
            }
        }
        tab.js("document.querySelector('.complaint-list, [data-search-outcome], .field-error')?.scrollIntoView(); return true;")
            .await;
        let slug: String = path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).take(40).collect();
        tab.shot(&format!("lists-{who}{slug}")).await;
    }
}

#[test]
fn the_lists_and_their_search_fit_a_phone_and_keep_each_excerpt_on_one_line() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    ComplaintBuilder::new(m).order_ref("JD-2026112000000000000000000000000042").description(LONG).file(&app);
    ComplaintBuilder::new(m).amount("").resolution("compensation").file(&app);
    app.clock.advance(Duration::hours(49));
    app.sweep();
    let staff = app.staff(Role::Merchant, Some(m));
    let supervisor = app.staff(Role::Supervisor, None);
    run(async {
        let mut problems = Vec::new();
        for (who, phone) in [("phone", true), ("laptop", false)] {
            let tab = if phone { driver.phone(&app.base, who, 390).await } else { driver.laptop(&app.base, who).await };
            tab.sign_in(&staff).await;
            let merchant = ["/merchant", "/merchant?q=138+0013+8000", "/merchant?q=%E7%BE%BD%E7%BB%92%E6%9C%8D"];
            lists(&tab, who, &merchant, &mut problems).await;
            tab.click(".site-header form[action='/logout'] button").await;
            tab.sign_in(&supervisor).await;
            lists(&tab, who, &["/supervisor", "/supervisor?q=DY4829301756"], &mut problems).await;
            tab.close().await;
        }
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    });
}
