//! The public register's list reads ranges of indexes, never the whole of
//! `complaints` or of the search terms, whatever it is filtered by: at a
//! million complaints the page is as quick as at ten (SQLite's plans; the
//! PostgreSQL run checks behaviour).

use chrono::Duration;
use redress::clock::Clock;
use redress::domain::category::Category;
use redress::domain::published::Filter;
use redress::service::published;

use crate::helpers::*;
use crate::plans::{captured, plan};

#[test]
fn the_register_list_reads_ranges_of_its_indexes() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    for i in 0..3 {
        let filed = ComplaintBuilder::new(m).order_ref(&format!("DY{i}")).file(&app);
        app.consent(&filed, true);
    }
    app.clock.advance(Duration::days(16));
    assert_eq!(app.index_register().indexed, 3);
    let now = app.clock.now();
    let terms = |q: &str| redress::domain::register::terms::query(q);
    let filters = [
        Filter::default(),
        Filter { merchant: Some(m), ..Default::default() },
        Filter { category: Some(Category::FalseAdvertising), ..Default::default() },
        Filter { terms: terms("羽绒服"), ..Default::default() },
        Filter { merchant: Some(m), terms: terms("白鸭绒 90"), ..Default::default() },
        Filter { received_from: Some(now - Duration::days(20)), before: Some(2), ..Default::default() },
    ];
    let mut conn = app.pool.get().unwrap();
    for filter in filters {
        let sql = captured(&mut conn, |conn| {
            let page = published::list(conn, &filter, now).unwrap();
            assert!(!page.items.is_empty() || filter.before.is_some(), "{filter:?} lists the cases");
        });
        let selects: Vec<&String> = sql.iter().filter(|q| q.trim_start().starts_with("SELECT")).collect();
        assert!(!selects.is_empty(), "{filter:?}: no query captured");
        for q in selects {
            let steps = plan(&mut conn, q);
            for step in &steps {
                // A whole table read, or a sort of what was read: what
                // would grow with the register.
                let whole = ["complaints", "register_terms", "merchants"]
                    .iter()
                    .any(|t| step.starts_with(&format!("SCAN {t}")));
                // The newest-first walk of the register's key, stopped by
                // the page's LIMIT, is the one scan allowed.
                let unindexed = step.starts_with("SCAN register_entries") && !step.contains("USING INDEX");
                assert!(!whole && !unindexed && !step.contains("TEMP B-TREE"), "{filter:?}\n{q}\n{steps:#?}");
            }
        }
    }
}
