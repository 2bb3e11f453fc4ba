//! Every staff page as merchant staff and supervisors use it, on a 390 px
//! phone and a 1366 px screen, with the demo data: nothing scrolls
//! sideways, and on a complaint page the summary (what was asked, the
//! money, the order, the consumer's words) comes before the first form —
//! above it on the phone, in the left column beside it on the wide screen.
//! Screenshots in `target/e2e/staff-*.png`.

use diesel::prelude::*;
use redress::clock::Clock;
use redress::domain::staff::Role;
use redress::store::schema::{complaints, incidents, merchants};

use crate::harness::{Driver, run};
use crate::helpers::spawn_app;
use crate::tab::Tab;

/// What the page does wrong at this width, one line each: sideways
/// scrolling, an element reaching past the window.
async fn sideways(tab: &Tab) -> Vec<String> {
    let found = tab
        .js(r#"const problems = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > doc.clientWidth) problems.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
            for (const el of document.querySelectorAll('body *')) {
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.right > doc.clientWidth + 1 && getComputedStyle(el).position !== 'fixed') problems.push(`${el.tagName.toLowerCase()}.${el.className} reaches ${Math.round(r.right)} px`);
            }
            return problems;"#)
        .await;
    found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// Where the summary stands against the first form of the page's main
/// part: on a phone wholly above it; on a wide screen, level with or above
/// its top, and in the column to its left.
async fn summary_first(tab: &Tab, wide: bool) -> Result<(), String> {
    let found = tab
        .js(r#"const s = document.querySelector('main [data-summary]');
            const f = document.querySelector('main form');
            if (!s) return 'no summary';
            if (!f) return 'no form';
            const a = s.getBoundingClientRect(), b = f.getBoundingClientRect();
            return [a.top, a.bottom, a.left, a.right, b.top, b.left].map(Math.round);"#)
        .await;
    let Some(v) = found.as_array() else { return Err(found.as_str().unwrap_or("?").to_owned()) };
    let n: Vec<i64> = v.iter().map(|x| x.as_i64().unwrap()).collect();
    let [top, bottom, _left, right, form_top, form_left] = n[..] else { unreachable!() };
    let ok = if wide { top <= form_top && right <= form_left } else { bottom <= form_top };
    if ok {
        Ok(())
    } else {
        Err(format!("summary {top}–{bottom} px (right edge {right}), first form at {form_top} px (left {form_left})"))
    }
}

#[test]
fn staff_pages_put_the_case_first_and_fit_a_phone_and_a_wide_screen() {
    let Some(driver) = Driver::start() else { return };
    let app = spawn_app();
    let (merchant, open, escalated, incident) = {
        let conn = &mut app.pool.get().unwrap();
        redress::service::demo::seed(conn, &app.config, app.clock.now()).unwrap();
        let merchant: i64 = merchants::table.select(merchants::id).order(merchants::id).first(conn).unwrap();
        let pick = |conn: &mut _, state: &str| -> String {
            complaints::table
                .filter(complaints::merchant_id.eq(merchant))
                .filter(complaints::state.eq(state))
                .select(complaints::reference)
                .first(conn)
                .unwrap_or_else(|e| panic!("a demo complaint of the first merchant {state}: {e}"))
        };
        let open = pick(conn, "submitted");
        let escalated: String = complaints::table
            .filter(complaints::state.eq("escalated"))
            .select(complaints::reference)
            .first(conn)
            .expect("an escalated demo complaint");
        let incident: i64 = incidents::table.select(incidents::id).first(conn).expect("a demo incident");
        (merchant, open, escalated, incident)
    };
    let staff = app.staff(Role::Merchant, Some(merchant));
    let supervisor = app.staff(Role::Supervisor, None);
    let merchant_pages = [
        "/merchant".to_owned(),
        format!("/merchant/complaints/{open}"),
        "/merchant/actions".into(),
        "/merchant/deposit".into(),
        "/merchant/violations".into(),
        "/merchant/rooms".into(),
        "/merchant/hosts".into(),
        "/merchant/products".into(),
        "/merchant/sessions".into(),
        "/merchant/templates".into(),
        "/merchant/api-keys".into(),
        "/merchant/webhooks".into(),
    ];
    let supervisor_pages = [
        "/supervisor".to_owned(),
        format!("/supervisor/complaints/{escalated}"),
        format!("/supervisor/complaints/{open}"),
        "/supervisor/overview".into(),
        "/supervisor/flags".into(),
        "/supervisor/merchants".into(),
        format!("/supervisor/merchants/{merchant}"),
        "/supervisor/products".into(),
        "/supervisor/incidents".into(),
        format!("/supervisor/incidents/{incident}"),
        "/supervisor/deposits".into(),
        "/supervisor/violations".into(),
        "/supervisor/rules".into(),
        "/supervisor/reports".into(),
        "/supervisor/inspections".into(),
        "/supervisor/audit".into(),
        "/supervisor/api-keys".into(),
        "/supervisor/mail".into(),
    ];
    run(async {
        let mut problems = Vec::new();
        for (width, wide) in [(390, false), (1366, true)] {
            for (who, email, pages) in
                [("merchant", &staff, &merchant_pages[..]), ("supervisor", &supervisor, &supervisor_pages[..])]
            {
                let name = format!("{who}-{width}");
                let tab = if wide {
                    driver.desktop(&app.base, &name, width).await
                } else {
                    driver.phone(&app.base, &name, width).await
                };
                tab.sign_in(email).await;
                for path in pages {
                    tab.open(path).await;
                    let slug: String = path
                        .trim_matches('/')
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                        .collect();
                    tab.shot(&format!("staff-{slug}-{width}")).await;
                    problems.extend(sideways(&tab).await.into_iter().map(|p| format!("{path} at {width} px: {p}")));
                    if path.contains("/complaints/") {
                        let forms = tab.count("main form").await;
                        assert!(forms > 0 || path.ends_with(open.as_str()) && who == "supervisor", "{path} has forms");
                        if forms > 0
                            && let Err(e) = summary_first(&tab, wide).await
                        {
                            problems.push(format!("{path} at {width} px: {e}"));
                        }
                    }
                }
                tab.close().await;
            }
        }
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    });
}
