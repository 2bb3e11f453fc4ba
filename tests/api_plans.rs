//! The API list's queries read a range of an index in the list's order:
//! a merchant's by `(merchant_id, updated_at, id)`, everyone's by
//! `(updated_at, id)`; neither scans `complaints` nor sorts it.

use chrono::Duration;
use redress::clock::Clock;
use redress::store::api_list::{self, ListFilter};
use redress::store::to_db;

use crate::helpers::*;
use crate::plans::{captured, plan};

#[test]
fn the_api_list_reads_its_index_in_order() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; the PostgreSQL run checks behaviour.
    }
    let app = spawn_app();
    let m = app.merchant("杭州星河优选电子商务有限公司");
    for i in 0..3 {
        ComplaintBuilder::new(m).order_ref(&format!("DY{i}")).file(&app);
    }
    let now = to_db(app.clock.now());
    let mut conn = app.pool.get().unwrap();
    let after = Some((now - Duration::minutes(1), 1));
    let cases = [
        ("complaints_merchant_updated", ListFilter { merchant: Some(m), now, ..Default::default() }),
        ("complaints_merchant_updated", ListFilter { merchant: Some(m), now, after, ..Default::default() }),
        (
            "complaints_merchant_updated",
            ListFilter { merchant: Some(m), now, updated_since: Some(now), overdue: Some(true), ..Default::default() },
        ),
        ("complaints_updated", ListFilter { now, ..Default::default() }),
        ("complaints_updated", ListFilter { now, after, ..Default::default() }),
    ];
    for (index, filter) in cases {
        let sql = captured(&mut conn, |conn| {
            api_list::page(conn, &filter, 51).unwrap();
        });
        let list = sql.iter().find(|q| q.contains("`complaints`")).expect("the list's query");
        let steps = plan(&mut conn, list);
        let read = steps.iter().find(|s| s.contains(" complaints ")).expect("complaints read");
        assert!(read.contains(&format!("USING INDEX {index}")), "{filter:?}: {steps:#?}");
        assert!(!steps.iter().any(|s| s.contains("TEMP B-TREE")), "sorted: {filter:?}: {steps:#?}");
    }
}
