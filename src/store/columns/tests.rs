//! Every slug column written and read back on either database; a stranger text refused.

use diesel::connection::SimpleConnection;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::{Nullable, Text};

use super::*;
use crate::store::{DbConnection, complaints, connect_one, merchants, migrate};

fn sqlite() -> (tempfile::TempDir, DbConnection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = connect_one(&format!("sqlite://{}", dir.path().join("c.db").display())).unwrap();
    (dir, conn)
}

/// Every backend at hand: SQLite, and PostgreSQL when the suites'
/// `TEST_DATABASE_URL` names one (these queries need no tables).
fn each_backend(check: impl Fn(&mut DbConnection)) {
    let (_dir, mut conn) = sqlite();
    check(&mut conn);
    if let Some(url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        check(&mut connect_one(&url).unwrap());
    }
}

#[test]
fn slugs_go_in_and_come_back_as_themselves() {
    each_backend(|conn| {
        for state in State::ALL {
            let back: State = diesel::select(state.into_sql::<Text>()).get_result(conn).unwrap();
            assert_eq!(back, *state);
        }
        let none: Option<Outcome> =
            diesel::select(None::<Outcome>.into_sql::<Nullable<Text>>()).get_result(conn).unwrap();
        assert_eq!(none, None);
        let lang: Lang = diesel::select(Lang::ZhCn.into_sql::<Text>()).get_result(conn).unwrap();
        assert_eq!(lang, Lang::ZhCn);
        let sold: SoldCategories = diesel::select(sql::<Text>("'apparel,drugs'")).get_result(conn).unwrap();
        assert_eq!(
            sold.0,
            [crate::domain::merchant::SoldCategory::Apparel, crate::domain::merchant::SoldCategory::Drugs]
        );
    });
}

#[test]
fn a_text_that_is_no_slug_is_an_error_not_a_default() {
    each_backend(|conn| {
        let read = diesel::select(sql::<Text>("'submited'")).get_result::<State>(conn);
        assert!(matches!(read, Err(Error::DeserializationError(_))), "{read:?}");
        let read = diesel::select(sql::<Nullable<Text>>("'upheld!'")).get_result::<Option<Outcome>>(conn);
        assert!(matches!(read, Err(Error::DeserializationError(_))), "{read:?}");
        // A language tag the browser side would take is still not what was stored.
        let read = diesel::select(sql::<Text>("'zh-Hans'")).get_result::<Lang>(conn);
        assert!(matches!(read, Err(Error::DeserializationError(_))), "{read:?}");
        let read = diesel::select(sql::<Text>("'apparel,bogus'")).get_result::<SoldCategories>(conn);
        assert!(matches!(read, Err(Error::DeserializationError(_))), "{read:?}");
    });
}

/// A complaint whose state column was damaged is not read as
/// `submitted` (or anything else): loading it fails, and says why.
#[test]
fn a_corrupt_complaint_row_fails_to_load() {
    let (_dir, mut conn) = sqlite();
    migrate(&mut conn).unwrap();
    let at = to_db(Utc::now());
    let merchant = merchants::insert(
        &mut conn,
        &merchants::NewMerchant {
            name: "杭州星河优选电子商务有限公司",
            credit_code: "91330106MA2H3K7P0R",
            email: "kefu@xinghe.example.cn",
            shop_url: "",
            phone: None,
            categories: "apparel",
            qualification: None,
            created_at: at,
        },
    )
    .unwrap();
    let row = complaints::NewComplaintRow {
        reference: "TS20261120-000001",
        token: "token",
        merchant_id: merchant,
        order_ref: "DY1",
        category: Category::Delivery.slug(),
        desired_resolution: Resolution::Refund.slug(),
        amount_fen: None,
        description: "付款后十天还没有发货。",
        consumer_name: "赵敏",
        consumer_phone: None,
        consumer_email: None,
        lang: Lang::ZhCn.code(),
        state: State::Submitted.slug(),
        submitted_at: at,
        response_due_at: at,
        resolution_due_at: at,
        next_due_at: None,
        product_id: None,
        live_session_id: None,
        room_id: None,
        host_id: None,
        risk_score: 0,
        risk_matches: None,
        risk_state: None,
    };
    let id = complaints::next_id(&mut conn).unwrap();
    let stored = complaints::insert_as(&mut conn, id, &row).unwrap();
    assert_eq!((stored.state, stored.category, stored.lang), (State::Submitted, Category::Delivery, Lang::ZhCn));
    for (column, value) in [
        ("state", "escalatd"),
        ("category", ""),
        ("outcome", "won"),
        ("escalation_reason", "why"),
        ("risk_state", "hi"),
    ] {
        conn.batch_execute(&format!("UPDATE complaints SET {column} = '{value}'")).unwrap();
        match complaints::find(&mut conn, id) {
            Err(Error::DeserializationError(why)) => {
                let cause = why.source().map(|s| s.to_string()).unwrap_or_default();
                assert!(why.to_string().contains(column) && cause.contains(&format!("{value:?}")), "{why}: {cause}");
            }
            other => panic!("{column} = {value:?} read as {other:?}"),
        }
        let repair =
            "state = 'submitted', category = 'delivery', outcome = NULL, escalation_reason = NULL, risk_state = NULL";
        conn.batch_execute(&format!("UPDATE complaints SET {repair}")).unwrap();
    }
    assert_eq!(complaints::find(&mut conn, id).unwrap().state, State::Submitted);
}
