//! The sharding plan of `docs/deploy.md` against the schema as it is: every
//! table has its place (distributed by merchant, reference, coordinator),
//! a distributed table has `merchant_id` (or the plan says it gains it),
//! and the statements of the hot paths — intake, the sweep, the merchant's
//! dashboard, the scorecard — each name their merchant whenever they touch
//! a distributed table, so that Citus routes them to one shard. The ones
//! that do not are listed below with why that is acceptable.

use std::collections::{BTreeMap, BTreeSet};

use redress::clock::Clock;

use crate::helpers::*;
use crate::statements::recorded;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Distributed { gains: bool },
    Reference,
    Coordinator,
}

fn deploy_doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/deploy.md")).unwrap()
}

/// The plan's table: each table's place, as `docs/deploy.md` says.
fn plan() -> BTreeMap<String, Place> {
    let doc = deploy_doc();
    let mut out = BTreeMap::new();
    let table = doc.split("| table | placement | why |").nth(1).expect("the plan's table");
    let rows = table.lines().skip(2).take_while(|l| l.starts_with('|'));
    for row in rows {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let place = match cells[2] {
            p if p.starts_with("distributed") => Place::Distributed { gains: p.contains("gains `merchant_id`") },
            "reference" => Place::Reference,
            "coordinator" => Place::Coordinator,
            other => panic!("unknown placement {other:?} in {row}"),
        };
        for name in cells[1].split(',').map(|n| n.trim().trim_matches('`')) {
            assert!(out.insert(name.to_owned(), place).is_none(), "{name} is placed twice");
        }
    }
    out
}

/// The schema's tables and whether each has `merchant_id`, from diesel's
/// `table!` declarations.
fn schema() -> BTreeMap<String, bool> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/schema.rs")).unwrap();
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if line.starts_with("    ") && !line.starts_with("     ") && t.ends_with('{') && t.contains(" (") {
            let name = t.split(' ').next().unwrap().to_owned();
            out.insert(name.clone(), false);
            current = Some(name);
        } else if t.starts_with("merchant_id ->")
            && let Some(name) = &current
        {
            out.insert(name.clone(), true);
        }
    }
    out
}

#[test]
fn every_table_has_its_place_in_the_sharding_plan() {
    let (plan, schema) = (plan(), schema());
    assert!(schema.len() > 40, "the schema was read: {schema:?}");
    let planned: BTreeSet<&String> = plan.keys().collect();
    let tables: BTreeSet<&String> = schema.keys().collect();
    assert_eq!(
        tables.difference(&planned).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "tables docs/deploy.md does not place"
    );
    assert_eq!(planned.difference(&tables).collect::<Vec<_>>(), Vec::<&&String>::new(), "placed but not in the schema");
    for (table, place) in &plan {
        let has = schema[table];
        match place {
            Place::Distributed { gains: false } => assert!(has, "{table} is distributed by merchant_id it lacks"),
            Place::Distributed { gains: true } => assert!(!has, "{table} has merchant_id already"),
            _ => {}
        }
    }
    // The SQL that distributes them names exactly the plan's tables.
    let doc = deploy_doc();
    let sql = doc.split("```sql").nth(1).and_then(|s| s.split("```").next()).unwrap();
    let named = |from: &str, to: &str| -> BTreeSet<String> {
        let part = sql.split(from).nth(1).unwrap().split(to).next().unwrap();
        part.split('\'').skip(1).step_by(2).map(str::to_owned).collect()
    };
    let reference: BTreeSet<String> =
        plan.iter().filter(|(_, p)| **p == Place::Reference).map(|(t, _)| t.clone()).collect();
    assert_eq!(named("create_reference_table", "create_distributed_table"), reference);
    let distributed: BTreeSet<String> =
        plan.iter().filter(|(_, p)| matches!(p, Place::Distributed { .. })).map(|(t, _)| t.clone()).collect();
    let mut in_sql = named("create_distributed_table('complaints'", "```");
    // The anchor is named before the split; the column is quoted too.
    in_sql.insert("complaints".into());
    in_sql.remove("merchant_id");
    assert_eq!(in_sql, distributed);
}

/// The statements of the hot paths that touch a distributed table without
/// naming its merchant, by a piece of their SQL, and why each is
/// acceptable on a sharded database.
const ACROSS_MERCHANTS: &[(&str, &str)] = &[
    (
        "`complaints`.`merchant_id`, `complaints`.`id` FROM `complaints` WHERE",
        "the sweep's due complaints, by deadline across merchants: a range of each shard's deadline index, \
         returning only ids and merchants, once a sweep round",
    ),
    (
        "FROM `complaints` WHERE (`complaints`.`id` IN (",
        "the sweep reads a chunk of due complaints by primary key; a chunk spans merchants (a sales \
         festival's burst hits all of them), so it is one multi-shard read a chunk of 500",
    ),
    (
        "SELECT max(`complaints`.`id`) FROM `complaints`",
        "SQLite's id for a new complaint; PostgreSQL takes it from the sequence",
    ),
    (
        "FROM `deposit_entries` WHERE (((`deposit_entries`.`top_up_due` IS NOT NULL)",
        "the sweep's deposits due for a top-up, across merchants: a range of a partial index, once a round",
    ),
    (
        "FROM `merchant_actions` WHERE (((`merchant_actions`.`ends_at` IS NOT NULL)",
        "the sweep's expired restrictions, across merchants: an EXISTS probe of a partial index, once a round",
    ),
    (
        "FROM `reliefs` WHERE ((`reliefs`.`asked_at` IS NULL)",
        "the sweep's reliefs to follow up, across merchants: a range of a partial index, once a round",
    ),
    (
        "complaints.host_id = merchant_flags.subject_id",
        "the hosts' flags to re-count, once a round: Citus needs the correlation on the distribution column, \
         so for the move the probe gains `complaints.merchant_id = merchant_flags.merchant_id` (a host is one merchant's)",
    ),
    (
        "complaints.product_id = merchant_flags.subject_id",
        "the products' flags to re-count, likewise (a product is one merchant's)",
    ),
];

#[test]
fn the_hot_paths_name_their_merchant_on_distributed_tables() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // The SQL's spelling is SQLite's; the plan is the same.
    }
    let plan = plan();
    let app = spawn_app();
    let m = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let mut conn = app.pool.get().unwrap();
    let (mut runs, _) = recorded(&mut conn, |conn| {
        for n in 0..3 {
            ComplaintBuilder::new(m).order_ref(&format!("DY{n}")).insert(conn, &app.config, app.clock.now());
        }
    });
    app.clock.advance(chrono::Duration::hours(49));
    let at = redress::service::conversation::At { config: &app.config, now: app.clock.now() };
    let now = app.clock.now();
    let (sweep, _) = recorded(&mut conn, |conn| {
        assert_eq!(redress::service::sweeper::sweep(conn, at).unwrap().unwrap().response_breaches, 3);
    });
    let (pages, _) = recorded(&mut conn, |conn| {
        let soon = chrono::Duration::hours(12);
        redress::store::dashboard::counters(conn, m, now, soon).unwrap();
        redress::service::scorecard::scorecard(conn, m, now).unwrap().expect("its scorecard");
    });
    runs.extend(sweep);
    runs.extend(pages);
    let mut unrouted = BTreeSet::new();
    for q in runs.iter().filter(|q| ["SELECT", "INSERT", "UPDATE", "DELETE"].iter().any(|v| q.starts_with(v))) {
        let touched: Vec<&String> = plan
            .iter()
            .filter(|(t, p)| matches!(p, Place::Distributed { .. }) && q.contains(&format!("`{t}`")))
            .map(|(t, _)| t)
            .collect();
        if touched.is_empty() || q.contains("pragma_") {
            continue;
        }
        let names_merchant = if q.starts_with("INSERT") {
            q.contains("`merchant_id`")
        } else {
            // A merchant named, or a co-located join on the distribution
            // column.
            q.contains("`merchant_id` = ?")
                || q.contains("`merchant_id` IN (")
                || q.contains("complaints.merchant_id = merchant_flags.merchant_id")
        };
        if !names_merchant && !ACROSS_MERCHANTS.iter().any(|(piece, _)| q.contains(piece)) {
            unrouted.insert(q.split(" FROM ").last().unwrap_or(q).chars().take(400).collect::<String>());
        }
    }
    // Each exception is still met (none is left over from a fixed one).
    for (piece, _) in ACROSS_MERCHANTS {
        assert!(runs.iter().any(|q| q.contains(piece)), "no hot-path statement is {piece:?} any more");
    }
    assert!(
        unrouted.is_empty(),
        "{} statements touch a distributed table without their merchant:\n{}",
        unrouted.len(),
        unrouted.into_iter().collect::<Vec<_>>().join("\n")
    );
}
