//! The inspections' queries on SQLite: ranges of their indexes.

use chrono::Duration;
use redress::clock::Clock;

use crate::helpers::*;
use crate::incidents::shop;
use crate::inspections::{during, record};
use crate::plans::{captured, ranges_of};

/// The inspections' lists and the session found by the time are ranges of
/// their indexes, not scans of the tables.
#[test]
fn the_inspections_queries_use_their_indexes() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    let app = spawn_app();
    let boss = app.supervisor();
    let s = shop(&app, "上海暖阳服饰有限公司");
    let page = record(&boss, s.room, &during(&app), "violation");
    boss.submit(&page, &page, &[("act", "open_incident")]);
    let mut conn = app.pool.get().unwrap();
    use redress::store::inspections as store;
    let queries = captured(&mut conn, |conn| {
        assert_eq!(store::newest(conn, 200).unwrap().len(), 1);
        assert_eq!(store::of_room(conn, s.room, 50).unwrap().len(), 1);
        assert_eq!(store::of_incident(conn, 1).unwrap().len(), 1);
        assert!(store::session_on(conn, s.room, app.clock.now() - Duration::hours(23)).unwrap().is_some());
        assert_eq!(store::room_sessions(conn, s.room, 30).unwrap().len(), 1);
        assert_eq!(store::count_of_merchant(conn, s.merchant).unwrap(), 1);
    });
    assert!(queries.len() >= 6, "{queries:#?}");
    let (bad, _) = ranges_of(&mut conn, &queries, &["inspections", "live_sessions"]);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
}
