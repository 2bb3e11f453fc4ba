//! The lists' search box on either database: PostgreSQL's generic plans
//! beside SQLite's.

use chrono::Duration;
use diesel::prelude::*;
use diesel::sql_types::Text;
use redress::clock::Clock;
use redress::store::{DbConnection, dashboard, search, supervision};

use crate::helpers::*;
use crate::plans::{captured, plan};

#[derive(QueryableByName)]
struct PgPlanRow {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// PostgreSQL's generic plan of `sql` (parameters `$1`…, whatever their
/// values), a line a step.
fn pg_plan(conn: &mut DbConnection, sql: &str) -> Vec<String> {
    use diesel::connection::SimpleConnection;
    let params = (1..=20).filter(|n| sql.contains(&format!("${n}"))).count();
    conn.batch_execute(&format!("SET plan_cache_mode = force_generic_plan; PREPARE plan_me AS {sql}")).unwrap();
    let nulls = vec!["NULL"; params].join(", ");
    let explain =
        if params == 0 { "EXPLAIN EXECUTE plan_me".to_owned() } else { format!("EXPLAIN EXECUTE plan_me({nulls})") };
    let rows: Vec<PgPlanRow> = diesel::sql_query(explain).load(conn).unwrap();
    conn.batch_execute("DEALLOCATE plan_me; RESET plan_cache_mode").unwrap();
    rows.into_iter().map(|r| r.line).collect()
}

/// The lists' search box (`store::search`): every look-up, the merchant's
/// and the supervisors', with and without the lists' filters and a page
/// cursor, is a range of the index for what it matches (reference, order
/// number, phone) on SQLite and on PostgreSQL, among thousands of one
/// merchant's complaints: never a scan of the table, nor of the
/// merchant's rows.
#[test]
fn the_lists_search_uses_its_indexes_on_either_database() {
    use diesel::connection::SimpleConnection;
    use redress::domain::search::parse;
    use redress::domain::state::State;

    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let other = MerchantBuilder::new("广州美颜堂化妆品有限公司").build(&app);
    ComplaintBuilder::new(m).order_ref("DY1").file(&app);
    ComplaintBuilder::new(other).order_ref("DY1").file(&app);
    let now = app.clock.now();
    let mut conn = app.pool.get().unwrap();
    let pg = matches!(*conn, DbConnection::Pg(_));
    // Thousands of one merchant's complaints, each with its own order
    // number and phone, copied from the first.
    conn.batch_execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO complaints (reference, token, merchant_id, order_ref, category, desired_resolution,
             description, consumer_name, consumer_phone, lang, state, submitted_at, response_due_at,
             resolution_due_at, next_due_at)
         SELECT 'TSX' || i, 'token-x' || i, c.merchant_id, 'BULK' || i, c.category, c.desired_resolution,
             c.description, c.consumer_name, '139' || (10000000 + i), c.lang, c.state, c.submitted_at,
             c.response_due_at, c.resolution_due_at, c.next_due_at
         FROM n, complaints c WHERE c.id = 1",
    )
    .unwrap();
    if pg {
        // What autovacuum does on a live database.
        conn.batch_execute("ANALYZE complaints").unwrap();
    }
    let soon = Duration::hours(12);
    let filtered = dashboard::ListQuery {
        state: Some(State::Submitted),
        category: Some(redress::domain::category::Category::FalseAdvertising),
        due: Some(dashboard::Due::Soon),
        after: None,
    };
    let by_name = supervision::QueueFilter { merchant_name: Some("星河".into()), ..Default::default() };
    let by_id = supervision::QueueFilter {
        merchant_id: Some(m),
        category: Some(redress::domain::category::Category::FalseAdvertising),
        ..Default::default()
    };
    let mut found = Vec::new();
    let mut queries = captured(&mut conn, |conn| {
        for q in ["TS20261120000001", "DY1", "dy1", "138 0013 8000", "13800138000"] {
            let s = parse(q).unwrap().unwrap();
            let (rows, _) = search::merchant(conn, m, &s, &Default::default(), None, (now, soon), 25).unwrap();
            found.push((q, rows.len()));
            search::merchant(conn, m, &s, &filtered, Some(1_000_000), (now, soon), 25).unwrap();
            let (rows, _) = supervision::search(conn, &s, Default::default(), None, 25).unwrap();
            found.push((q, rows.len()));
            supervision::search(conn, &s, by_name.clone(), Some(1_000_000), 25).unwrap();
            supervision::search(conn, &s, by_id.clone(), None, 25).unwrap();
        }
    });
    assert_eq!(
        found,
        [("TS20261120000001", 1), ("TS20261120000001", 1), ("DY1", 1), ("DY1", 2), ("dy1", 1), ("dy1", 2)]
            .into_iter()
            .chain(["138 0013 8000", "13800138000"].into_iter().flat_map(|q| [(q, 1), (q, 2)]))
            .collect::<Vec<_>>(),
        "what each search found"
    );
    queries.sort();
    queries.dedup();
    // Each look-up names one of the columns searched; the index it must use.
    let wanted = |sql: &str| {
        let compared = |col: &str| ["`", "\""].iter().any(|q| sql.contains(&format!("{q}{col}{q} =")));
        [
            ("reference", "complaints_reference"),
            ("consumer_phone", "complaints_consumer_phone"),
            ("order_ref", "complaints_order_ref"),
        ]
        .into_iter()
        .find(|(col, _)| compared(col))
        .map(|(_, index)| index)
    };
    let searches: Vec<(&String, &str)> = queries.iter().filter_map(|sql| wanted(sql).map(|i| (sql, i))).collect();
    // Reference, phone and order number, each the merchant's (with filters
    // and without) and the supervisors' (without filters, by merchant name,
    // by id).
    assert_eq!(searches.len(), 3 * 5, "the look-ups ran: {}", searches.len());
    let mut bad = Vec::new();
    for (sql, index) in searches {
        let plan = if pg { pg_plan(&mut conn, sql) } else { plan(&mut conn, sql) };
        let reads: Vec<&String> = plan.iter().filter(|d| d.contains("complaints")).collect();
        let uses = reads.iter().any(|d| d.contains(&format!(" {index} ")));
        // Not the whole table, nor a range of the merchant's complaints.
        let scans = reads.iter().any(|d| {
            d.contains("Seq Scan on complaints")
                || (d.starts_with("SCAN complaints") && !d.contains("INDEX"))
                || d.contains("complaints_merchant")
                || d.contains("complaints_pkey")
        });
        if !uses || scans {
            let filter = sql.split(" WHERE ").nth(1).unwrap_or(sql);
            bad.push(format!("WHERE {filter}\n  should use {index}: {plan:#?}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
