//! The public register's search in Chinese through the real server (issue
//! 24): words of a published case find it, with or beside the filters;
//! what the scrubber took out (a phone number) finds nothing; unpublished
//! cases are never found; a later public reply is found once indexed
//! again; a withdrawal takes the case out of the results at once.

use chrono::Duration;
use ureq::http::StatusCode;

use crate::helpers::*;

fn found(app: &TestApp, query: &[(&str, &str)]) -> Vec<String> {
    let page = app.get_query("/cases", query);
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.html().select_attrs("[data-case]", "data-case")
}

#[test]
fn words_find_a_published_case_and_a_scrubbed_phone_number_finds_nothing() {
    let app = spawn_app();
    let (a, b) = (app.merchant("杭州星河优选电子商务有限公司"), app.merchant("成都蜀香源食品有限公司"));
    let down = ComplaintBuilder::new(a)
        .description("主播承诺羽绒服含绒量90%，收到后掉毛严重，客服电话13912345678一直不接。")
        .file(&app);
    let cups = ComplaintBuilder::new(b).description("直播间说买二送一，只收到一件保温杯。").file(&app);
    let hidden_words = ComplaintBuilder::new(a).description("羽绒服掉毛，商家说是正常现象。").file(&app);
    app.consent(&down, true);
    app.consent(&cups, true);
    app.clock.advance(Duration::days(16));
    let report = app.index_register();
    assert_eq!((report.indexed, report.unconsented), (2, 0), "{report:?}");
    let (down_ref, cups_ref) = (down.reference(&app), cups.reference(&app));

    assert_eq!(found(&app, &[("q", "掉毛")]), [down_ref.as_str()]);
    assert_eq!(found(&app, &[("q", "羽绒服 掉毛严重")]), [down_ref.as_str()], "every word");
    assert_eq!(found(&app, &[("q", "保温杯")]), [cups_ref.as_str()]);
    assert!(found(&app, &[("q", "羽绒服 保温杯")]).is_empty(), "no case has both");
    assert_eq!(found(&app, &[("q", "掉毛"), ("merchant", &a.to_string())]), [down_ref.as_str()]);
    assert!(found(&app, &[("q", "掉毛"), ("merchant", &b.to_string())]).is_empty());
    assert!(found(&app, &[("q", "掉毛"), ("category", "delivery")]).is_empty());
    // The phone number was scrubbed before the terms were taken.
    assert!(found(&app, &[("q", "13912345678")]).is_empty(), "a scrubbed number finds nothing");
    let page = app.get_query("/cases", &[("q", "13912345678")]);
    assert!(page.html().select_text("[data-empty]").is_some(), "says nothing matches");
    // The unconsented case with the same words is never found.
    let _ = hidden_words;

    // A later public reply: found once the index has seen it.
    let staff = app.merchant_staff(a);
    let path = format!("/merchant/complaints/{down_ref}");
    let body = "已经为您补发一件新的羽绒服，并补偿五十元。";
    let res = staff.submit(&path, &format!("{path}/reply"), &[("body", body), ("visibility", "public")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res =
        staff.submit(&path, &format!("{path}/reply"), &[("body", "内部备注：库存告急"), ("visibility", "internal")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock.advance(Duration::minutes(3));
    let report = app.index_register();
    assert_eq!((report.grown, report.indexed), (1, 1), "{report:?}");
    assert_eq!(found(&app, &[("q", "补发")]), [down_ref.as_str()]);
    assert!(found(&app, &[("q", "库存告急")]).is_empty(), "never an internal note");

    // Consent withdrawn: out of the results at once, terms and all.
    app.consent(&down, false);
    assert!(found(&app, &[("q", "掉毛")]).is_empty());
    assert_eq!(app.index_register().indexed, 0);
    app.consent(&down, true);
    assert!(found(&app, &[("q", "掉毛")]).is_empty(), "not until indexed again");
    assert_eq!(app.index_register().indexed, 1);
    assert_eq!(found(&app, &[("q", "掉毛")]), [down_ref]);
}

#[test]
fn a_search_pages_through_its_results_newest_first() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let mut filed = Vec::new();
    {
        let mut conn = app.pool.get().unwrap();
        for i in 0..44 {
            let words =
                if i % 2 == 0 { "面膜过敏，脸上起红疹。" } else { "保温杯漏水，盖子拧不紧。" };
            let at = redress::clock::Clock::now(&app.clock) + Duration::minutes(i);
            let c = ComplaintBuilder::new(merchant).description(words).order_ref(&format!("DY{i:010}"));
            filed.push((i % 2 == 0, c.insert(&mut conn, &app.config, at)));
        }
    }
    for (_, f) in &filed {
        app.consent(f, true);
    }
    app.clock.advance(Duration::days(16));
    assert_eq!(app.index_register().indexed, 44);
    let masks: Vec<String> = filed.iter().rev().filter(|(m, _)| *m).map(|(_, f)| f.reference(&app)).collect();
    assert_eq!(masks.len(), 22);
    let first = app.get_query("/cases", &[("q", "面膜 红疹")]).html();
    assert_eq!(first.select_attrs("[data-case]", "data-case"), masks[..20]);
    let next = first.select_attr("a[rel=next]", "href").expect("a second page");
    assert!(next.starts_with("/cases?q=%E9%9D%A2"), "the search is kept: {next}");
    let second = app.get(&next).html();
    assert_eq!(second.select_attrs("[data-case]", "data-case"), masks[20..]);
    assert!(second.select_attr("a[rel=next]", "href").is_none());
    let excerpts = first.select_texts("[data-excerpt]");
    assert!(excerpts.iter().all(|e| e.contains("面膜过敏")), "{excerpts:?}");
}

#[test]
fn two_indexers_at_once_index_each_case_once() {
    let app = spawn_app();
    let merchant = app.merchant("杭州星河优选电子商务有限公司");
    let filed: Vec<Filed> = {
        let mut conn = app.pool.get().unwrap();
        let now = redress::clock::Clock::now(&app.clock);
        (0..30)
            .map(|i| {
                let c = ComplaintBuilder::new(merchant)
                    .description("面膜过敏，脸上起红疹。")
                    .order_ref(&format!("DY{i:010}"));
                c.insert(&mut conn, &app.config, now)
            })
            .collect()
    };
    for f in &filed {
        app.consent(f, true);
    }
    app.clock.advance(Duration::days(16));
    let now = redress::clock::Clock::now(&app.clock);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let (pool, barrier) = (app.pool.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                barrier.wait();
                redress::service::published::index::run(&mut conn, now, || true).unwrap()
            })
        })
        .collect();
    let reports: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    let indexed: usize = reports.iter().flatten().map(|r| r.indexed).sum();
    assert_eq!(indexed, 30, "each case once: {reports:?}");
    let terms: i64 = {
        use diesel::prelude::*;
        use redress::store::schema::register_terms;
        let mut conn = app.pool.get().unwrap();
        register_terms::table.filter(register_terms::term.eq("红疹")).count().get_result(&mut conn).unwrap()
    };
    assert_eq!(terms, 30);
    assert_eq!(app.index_register().indexed, 0, "nothing left");
}
