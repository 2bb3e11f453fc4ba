//! Retention: complaints are kept 3 years after they end; a purge removes
//! what ended before its date, with what hangs on it, and never an open one.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use redress::clock::Clock;
use redress::service::retention::{PurgeError, purge};
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::process::*;

#[test]
fn a_purge_removes_only_complaints_ended_more_than_3_years_ago() {
    let app = spawn_app();
    let merchant = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let ended = ComplaintBuilder::new(merchant).file(&app);
    let open = ComplaintBuilder::new(merchant).order_ref("DY0000000002").file(&app);
    // Published with consent, and its search terms written: the register's
    // rows go with it.
    app.consent(&ended, true);
    let ended_id = app.complaint_id(&ended);
    assert_eq!(app.submit(&ended, &format!("{ended}/withdraw"), &[]).status, StatusCode::SEE_OTHER);
    app.dispatch();

    let tz = app.config.tz;
    let day_after = (start_time() + Duration::days(1)).with_timezone(&tz).date_naive();
    let mut conn = app.pool.get().unwrap();
    // Not yet: the day after it ended is less than 3 years ago.
    match purge(&mut conn, &app.config.upload_dir, day_after, tz, app.clock.now(), false) {
        Err(PurgeError::TooRecent { latest }) => assert_eq!(latest, NaiveDate::from_ymd_opt(2023, 11, 20).unwrap()),
        other => panic!("{other:?}"),
    }
    app.clock.advance(Duration::days(3 * 365 + 2));
    app.index_register();

    let preview = purge(&mut conn, &app.config.upload_dir, day_after, tz, app.clock.now(), true).unwrap();
    assert_eq!(preview.complaints, 1);
    assert!(preview.events >= 2 && preview.mails >= 1, "{preview:?}");
    assert_eq!(app.get(&ended).status, StatusCode::OK, "a dry run removes nothing");

    let removed = purge(&mut conn, &app.config.upload_dir, day_after, tz, app.clock.now(), false).unwrap();
    assert_eq!(removed, preview);
    assert_eq!(app.get(&ended).status, StatusCode::NOT_FOUND, "gone, with its timeline and mail");
    let register_rows: i64 = redress::store::schema::register_entries::table
        .filter(redress::store::schema::register_entries::complaint_id.eq(ended_id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(register_rows, 0, "and its place in the public register");
    let kept = app.get(&open);
    assert_eq!(kept.status, StatusCode::OK, "an open complaint stays, however old");
    assert!(kept.body.contains("DY0000000002"));
    assert_eq!(
        purge(&mut conn, &app.config.upload_dir, day_after, tz, app.clock.now(), false).unwrap().complaints,
        0,
        "once"
    );
}

#[test]
fn purge_on_the_command_line_refuses_a_date_less_than_3_years_ago() {
    let db = TestDb::new();
    let data = tempfile::tempdir().unwrap();
    assert!(run(redress(&db, data.path()).arg("migrate")).status.success());
    let refused = run(redress(&db, data.path()).args(["purge", "--before", "2099-01-01"]));
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("kept for 3 years"), "{refused:?}");
    let preview = run(redress(&db, data.path()).args(["purge", "--before", "2020-01-01", "--dry-run"]));
    assert!(preview.status.success(), "{preview:?}");
    assert_eq!(
        String::from_utf8_lossy(&preview.stdout).trim(),
        "would remove 0 complaints that ended before 2020-01-01, with 0 timeline events, 0 mails, 0 ratings and 0 evidence files\n\
         would remove 0 user reports decided before 2020-01-01"
    );
}
