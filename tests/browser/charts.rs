//! The overview's charts as a supervisor sees them, with the demo data and
//! a month of complaints and breaches, on a 390 px phone and a 1366 px
//! screen: every label is drawn at 11 px or more, none reaches outside its
//! chart or overlaps its neighbour, nothing scrolls sideways. Screenshots in
//! `target/screenshots/overview-{width}.png`.

use chrono::Duration;
use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::staff::Role;
use redress::service::conversation::At;
use redress::store::schema::merchants;
use serde_json::Value;

use crate::harness::{Driver, run};
use crate::helpers::{ComplaintBuilder, MerchantBuilder, TestApp, spawn_app};
use crate::tab::Tab;

/// What is wrong with the charts on the page, one line each. The text of a
/// chart is its SVG `text` and the HTML labels around it; its box is the
/// chart (`.columns`, `.hbars`), or the SVG itself for a bare one.
const CHECK: &str = r#"
const problems = [];
const doc = document.documentElement;
if (doc.scrollWidth > doc.clientWidth) problems.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
const shown = el => el.getClientRects().length > 0 && el.textContent.trim() !== '';
const texts = [...document.querySelectorAll('main svg text, .columns__y span, .hbar__name, .hbar__n')].filter(shown);
if (texts.length === 0) problems.push('no chart text at all');
for (const el of texts) {
  const label = `"${el.textContent.trim()}"`;
  const svg = el.closest('svg');
  const scale = svg ? Math.abs(el.getScreenCTM().a) : 1;
  const r = el.getBoundingClientRect();
  const size = Math.min(parseFloat(getComputedStyle(el).fontSize) * scale, r.height);
  if (size < 11) problems.push(`${label} is drawn ${size.toFixed(1)} px high`);
  const chart = (el.closest('.columns, .hbars') || svg).getBoundingClientRect();
  if (r.left < chart.left - 0.5 || r.right > chart.right + 0.5 || r.top < chart.top - 0.5 || r.bottom > chart.bottom + 0.5)
    problems.push(`${label} (${Math.round(r.left)}–${Math.round(r.right)} px) reaches outside its chart (${Math.round(chart.left)}–${Math.round(chart.right)} px)`);
}
for (const row of document.querySelectorAll('main svg')) {
  const boxes = [...row.querySelectorAll(':scope > text')].filter(shown).map(t => [t.textContent, t.getBoundingClientRect()]).sort((a, b) => a[1].left - b[1].left);
  for (let i = 1; i < boxes.length; i++)
    if (boxes[i][1].left < boxes[i - 1][1].right) problems.push(`"${boxes[i - 1][0]}" and "${boxes[i][0]}" overlap`);
}
return problems;
"#;

async fn chart_problems(tab: &Tab) -> Vec<String> {
    let found = tab.js(CHECK).await;
    found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// The demo data, then thirty days of complaints (none answered, so each
/// breaches two days on), swept each day as the server would, against the
/// demo's merchants and one with a long name.
fn a_month_of_complaints(app: &TestApp) {
    let conn = &mut app.pool.get().unwrap();
    let now = app.clock.now();
    redress::service::demo::seed(conn, &app.config, now).unwrap();
    let mut ids: Vec<i64> = merchants::table.select(merchants::id).order(merchants::id).load(conn).unwrap();
    ids.push(
        MerchantBuilder::new("内蒙古自治区呼和浩特市草原优品乳业销售有限责任公司")
            .email("kefu@caoyuan-youpin.example.cn")
            .insert(conn, now - Duration::days(40)),
    );
    for d in (1..=30).rev() {
        let at = now - Duration::days(d) + Duration::hours(2);
        for i in 0..(d as usize * 7 % 13 + d as usize % 3) {
            ComplaintBuilder::new(ids[(i * i + d as usize) % ids.len()]).order_ref(&format!("DY{d:02}{i:08}")).insert(
                conn,
                &app.config,
                at,
            );
        }
        redress::service::sweeper::sweep(conn, At { config: &app.config, now: at + Duration::hours(1) }).unwrap();
    }
}

/// Saves what the window shows as `target/screenshots/{name}.png`, and each
/// chart's card as `{name}-{its heading's id}.png`.
async fn shots(tab: &Tab, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), tab.client.screenshot().await.unwrap()).unwrap();
    let cards = "section.card:has(.columns, .hbars)";
    for (i, card) in tab.client.find_all(fantoccini::Locator::Css(cards)).await.unwrap().into_iter().enumerate() {
        let id = card.attr("aria-labelledby").await.unwrap().unwrap_or_default();
        // Chromium draws only what is on the screen: the card is brought there first.
        tab.js(&format!("document.querySelectorAll('{cards}')[{i}].scrollIntoView(); return true;")).await;
        let png = card.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}-{}.png", id.trim_end_matches("-title"))), png).unwrap();
    }
}

#[test]
fn the_overview_charts_are_readable_on_a_phone_and_a_wide_screen() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    a_month_of_complaints(&app);
    app.sweep();
    let supervisor = app.staff(Role::Supervisor, None);
    run(async {
        for width in [360, 390, 1366] {
            let name = format!("overview-{width}");
            let tab = if width < 600 {
                driver.phone(&app.base, &name, width).await
            } else {
                driver.desktop(&app.base, &name, width).await
            };
            tab.sign_in(&supervisor).await;
            tab.open("/supervisor/overview").await;
            shots(&tab, &name).await;
            let mut problems = chart_problems(&tab).await;
            problems.extend(tab.problems().await);
            assert!(problems.is_empty(), "at {width} px:\n{}", problems.join("\n"));
            // The month is drawn: a scale of round numbers, the newest day named.
            let ticks: Value = tab
                .js("return [...document.querySelectorAll('.columns__y span')].map(s => Number(s.textContent)).reverse();")
                .await;
            let ticks: Vec<u64> = ticks.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
            let step = ticks[1];
            assert!(ticks.len() >= 3 && ticks[0] == 0, "at {width} px: {ticks:?}");
            assert!(ticks.windows(2).all(|w| w[1] - w[0] == step), "at {width} px: {ticks:?}");
            assert!([1, 2, 5, 10, 20, 50].contains(&step), "a round step: {ticks:?}");
            let labels: Value = tab
                .js("return [...document.querySelectorAll('.columns__x text')].filter(t => t.getClientRects().length).map(t => t.textContent);")
                .await;
            let labels: Vec<&str> = labels.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
            assert!(labels.len() >= 4, "at {width} px: {labels:?}");
            assert_eq!(labels.last(), Some(&"11-20"), "at {width} px: today is named");
            assert_eq!(tab.count(".hbar").await, 6, "every merchant with a breach");

            // The check sees what it must: a chart drawn the old way, an
            // SVG scaled to the page with its last label past its edge.
            tab.js(r#"const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
                svg.setAttribute('viewBox', '0 0 640 210');
                svg.setAttribute('width', '100%');
                svg.innerHTML = '<text x="640" y="198" text-anchor="middle" font-size="11">11-20</text>';
                document.querySelector('main').append(svg);
                return true;"#)
                .await;
            let caught = chart_problems(&tab).await.join("\n");
            if width < 600 {
                assert!(caught.contains("\"11-20\" is drawn"), "{caught}");
            }
            assert!(caught.contains("\"11-20\" (") && caught.contains("reaches outside its chart"), "{caught}");
            tab.close().await;
        }
    });
}
