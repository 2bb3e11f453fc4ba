//! Collective cases (集体投诉) through the real server: a supervisor makes
//! an incident a case, adds complaints (typed, found by a search) and takes
//! them out, rules once — every unfinished member closed once with the
//! ruling on its own timeline, each consumer told once in their language
//! and channel, the merchant once — or dismisses it; a measure on what it
//! is about is taken from the case's page; each consumer's tracking page
//! says the complaint is part of a case and how many others are in it.

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use redress::clock::Clock;
use redress::store::schema::{complaints, incidents, outbox};
use ureq::http::StatusCode;

use crate::helpers::*;
use crate::incidents::{Shop, shop};

/// The incident five complaints about the shop's product opened, and the
/// five complaints' tracking paths.
fn five_about_the_product(app: &TestApp, s: &Shop) -> (i64, Vec<Filed>) {
    let filed: Vec<Filed> = (0..5)
        .map(|i| s.about_product().phone(&format!("1360001000{i}")).without("consumer_email").file(app))
        .collect();
    let conn = &mut app.pool.get().unwrap();
    let id: i64 = incidents::table.select(incidents::id).first(conn).expect("the fifth opened an incident");
    (id, filed)
}

/// Notices of `kind` queued, as (complaint, channel, recipient).
fn queued(app: &TestApp, kind: &str) -> Vec<(Option<i64>, String, String)> {
    let conn = &mut app.pool.get().unwrap();
    outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::id)
        .select((outbox::complaint_id, outbox::channel, outbox::recipient))
        .load(conn)
        .unwrap()
}

fn state_of(app: &TestApp, reference: &str) -> String {
    let conn = &mut app.pool.get().unwrap();
    complaints::table.filter(complaints::reference.eq(reference)).select(complaints::state).first(conn).unwrap()
}

fn case_page(id: i64) -> String {
    format!("/supervisor/incidents/{id}")
}

#[test]
fn one_ruling_closes_every_unfinished_member_once_and_tells_each_consumer_once_in_their_language() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let (id, filed) = five_about_the_product(&app, &s);
    let boss = app.supervisor();
    let page = case_page(id);
    let refs: Vec<String> = filed.iter().map(|f| f.reference(&boss)).collect();
    // One consumer reads English and gave an e-mail address too; one
    // withdrew before the ruling; one the merchant answered.
    {
        let conn = &mut app.pool.get().unwrap();
        diesel::update(complaints::table.filter(complaints::reference.eq(&refs[1])))
            .set((complaints::lang.eq("en"), complaints::consumer_email.eq("lin@example.com")))
            .execute(conn)
            .unwrap();
    }
    let consumer = app.client();
    let res = consumer.submit(filed[4].path(), &format!("{}/withdraw", filed[4].path()), &[]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let staff = app.merchant_staff(s.merchant);
    let answer = format!("/merchant/complaints/{}", refs[2]);
    let res = staff.submit(
        &answer,
        &format!("{answer}/reply"),
        &[("body", "已安排退款，请查收。"), ("visibility", "public")],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let shown = boss.get(&page);
    assert_eq!(shown.html().select_attr("[data-incident-state]", "data-incident-state").as_deref(), Some("open"));
    let res = boss.submit(&page, &page, &[("act", "collective")]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some(format!("{page}?done=collective").as_str()));
    let shown = boss.get(&page).html();
    assert_eq!(shown.select_attr("[data-incident-state]", "data-incident-state").as_deref(), Some("collective"));
    // Each consumer sees the case and how many others, never who.
    let tracking = consumer.get(filed[0].path());
    assert_eq!(tracking.html().select_attr("[data-collective]", "data-collective").as_deref(), Some("4"));
    assert!(tracking.body.contains("另外 4 件投诉"), "{}", tracking.body);
    for other in &refs[1..] {
        assert!(!tracking.body.contains(other.as_str()), "no other complaint named");
    }

    // A ruling posted as on a single complaint's page: no outcome, refused
    // with the text kept.
    let body = "经核查，该批腊肠无生产日期、无SC编号，支持消费者退款诉求。";
    let res = boss.submit(&page, &page, &[("body", body)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(textarea_value(&res.body, "body").as_deref(), Some(body));
    let before_merchant = queued(&app, "merchant_ruling").len() + queued(&app, "merchant_case_ruling").len();
    assert_eq!(before_merchant, 0);

    let res = boss.submit(&page, &page, &[("outcome", "upheld"), ("body", body)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some(format!("{page}?done=rule").as_str()));
    for (i, r) in refs.iter().enumerate() {
        let want = if i == 4 { "withdrawn" } else { "closed" };
        assert_eq!(state_of(&app, r), want, "{r}");
    }
    // On each closed one's own timeline, once.
    for r in &refs[..4] {
        let mine = boss.get(&format!("/supervisor/complaints/{r}")).body;
        assert_eq!(mine.matches(body).count(), 1, "{r}: the ruling once on its timeline");
    }
    let told = queued(&app, "consumer_ruling");
    let mut per: Vec<(Option<i64>, String)> = told.iter().map(|(c, ch, _)| (*c, ch.clone())).collect();
    per.sort();
    per.dedup();
    assert_eq!(per.len(), told.len(), "nobody told twice: {told:?}");
    assert_eq!(told.iter().filter(|(_, ch, _)| ch == "sms").count(), 4, "four by SMS: {told:?}");
    assert_eq!(told.iter().filter(|(_, ch, _)| ch == "mail").count(), 1, "the one with an address by mail too");
    assert_eq!(queued(&app, "merchant_case_ruling").len(), 1, "the merchant told once");
    assert!(queued(&app, "merchant_ruling").is_empty(), "not once per complaint");
    // In the reader's language.
    app.dispatch();
    let texts: Vec<String> = std::fs::read_dir(app.config.data_dir.join("outbox"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sms"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let rulings: Vec<&String> =
        texts.iter().filter(|t| t.contains("集体投诉") || t.contains("collective case")).collect();
    assert_eq!(rulings.len(), 4, "{texts:?}");
    assert_eq!(rulings.iter().filter(|t| t.contains("The platform ruled on the collective case")).count(), 1);

    // The page says how it ended and offers nothing more; ruling again is
    // refused and tells nobody.
    let shown = boss.get(&page);
    let html = shown.html();
    assert_eq!(html.select_attr("[data-case-outcome]", "data-case-outcome").as_deref(), Some("upheld"));
    assert!(html.select_first("form[action='/supervisor/incidents/1'] textarea[name=body]").is_none());
    let res = boss.submit(&page, &page, &[("outcome", "not_upheld"), ("body", "再裁一次。")]);
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(queued(&app, "consumer_ruling").len(), told.len());
    let tracking = consumer.get(filed[0].path()).body;
    assert!(tracking.contains(body) && tracking.contains("data-status=\"closed\""));

    // On the audit log, and in the export.
    let log = boss.get("/supervisor/audit").html();
    let kinds = log.select_attrs("li[data-audit-kind]", "data-audit-kind");
    assert!(kinds.contains(&"case_made".to_owned()) && kinds.contains(&"case_ruled".to_owned()), "{kinds:?}");
    let csv = boss.get("/supervisor/export.csv").body;
    let with_case = csv.lines().filter(|l| l.contains(&format!(",#{id},"))).count();
    assert_eq!(with_case, 5, "{csv}");
}

#[test]
fn complaints_are_added_by_reference_or_search_and_taken_out_and_only_the_merchants_own() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let (id, _) = five_about_the_product(&app, &s);
    let boss = app.supervisor();
    let page = case_page(id);
    // About no product, but plainly the same sausages.
    let same = ComplaintBuilder::new(s.merchant)
        .order_ref("TB99887766")
        .description("直播间买的腊肠发霉了，包装没有生产日期，商家不理。")
        .file(&app)
        .reference(&boss);
    let elsewhere = MerchantBuilder::new("杭州星河优选电子商务有限公司").build(&app);
    let theirs = ComplaintBuilder::new(elsewhere).file(&app).reference(&boss);

    // Adding makes it a case; an unknown or another merchant's complaint is
    // refused, the typed references kept, nothing added.
    let typed = format!("{same}\n{theirs}");
    let res = boss.submit(&page, &page, &[("act", "add"), ("references", &typed)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains(&format!("投诉 {theirs} 属于其他商家")), "{}", res.body);
    assert_eq!(textarea_value(&res.body, "references").as_deref(), Some(typed.as_str()));
    let res = boss.submit(&page, &page, &[("act", "add"), ("references", "TS00000000000000")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = boss.submit(&page, &page, &[("act", "add"), ("references", "  ")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "references").is_some(), "{}", res.body);
    let count = |boss: &Client| boss.get(&page).html().select_attr("[data-count]", "data-count").unwrap();
    assert_eq!(count(&boss), "5");

    // A search by order number or words finds it; ticked, it is added.
    for q in ["TB99887766", "发霉"] {
        let found = boss.get_query(&page, &[("q", q)]).html();
        assert_eq!(
            found.select_attrs("[data-found=searched] [data-candidate]", "data-candidate"),
            vec![same.clone()],
            "{q}"
        );
    }
    let found = boss.get_query(&page, &[("q", "腊肠")]).html();
    assert!(
        !found.select_attrs("[data-found=searched] [data-candidate]", "data-candidate").contains(&theirs),
        "only the merchant's own"
    );
    let res = boss.submit(&page, &page, &[("act", "add"), ("complaint", &same)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&boss), "6");
    let shown = boss.get(&page).html();
    assert!(shown.select_attrs("[data-member]", "data-member").contains(&same));
    let res = boss.submit(&page, &page, &[("act", "add"), ("complaint", &same)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "in it already");

    // Taken out again: off the list, its tracking page says nothing.
    let res = boss.submit(&page, &page, &[("act", "remove"), ("complaint", &same)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&boss), "5");
    assert!(!boss.get(&page).html().select_attrs("[data-member]", "data-member").contains(&same));
    let res = boss.submit(&page, &page, &[("act", "remove"), ("complaint", &same)]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "not in it");
}

#[test]
fn a_measure_is_taken_from_the_case_page_on_what_the_incident_is_about_and_nothing_else() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    for i in 0..5 {
        s.via_session().phone(&format!("1360002000{i}")).file(&app);
    }
    let conn = &mut app.pool.get().unwrap();
    let id: i64 = incidents::table
        .filter(incidents::subject.eq("session"))
        .select(incidents::id)
        .first(conn)
        .expect("a session incident");
    let boss = app.supervisor();
    let page = case_page(id);
    let shown = boss.get(&page).html();
    assert_eq!(shown.select_attrs("[data-offer]", "data-offer"), vec!["room", "host"]);

    let room = s.room.to_string();
    let why = "直播中宣称腊肠“零添加”，与包装配料表不符。";
    let res = boss.submit(
        &page,
        &page,
        &[("act", "measure"), ("target", "room"), ("thing", &room), ("measure", "limit"), ("reason", " ")],
    );
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is needed");
    let res = boss.submit(
        &page,
        &page,
        &[("act", "measure"), ("target", "room"), ("thing", &room), ("measure", "limit"), ("reason", why)],
    );
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let room_page = boss.get(&format!("/supervisor/rooms/{room}")).body;
    assert!(room_page.contains("data-room-status=\"limited\""), "{room_page}");
    assert!(room_page.contains(why) && room_page.contains(&format!("集体投诉 #{id}")), "the reason names the case");
    assert_eq!(queued(&app, "merchant_action").len(), 1, "the merchant is told");

    // Another shop's room through this incident: not found.
    let other = shop(&app, "杭州星河优选电子商务有限公司");
    let res = boss.submit(
        &page,
        &page,
        &[
            ("act", "measure"),
            ("target", "room"),
            ("thing", &other.room.to_string()),
            ("measure", "cut"),
            ("reason", why),
        ],
    );
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let theirs = boss.get(&format!("/supervisor/rooms/{}", other.room)).body;
    assert!(theirs.contains("data-room-status=\"active\""));
}

#[test]
fn only_supervisors_with_a_real_form_act_and_a_dismissal_needs_its_reason() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let (id, _) = five_about_the_product(&app, &s);
    let page = case_page(id);
    let staff = app.merchant_staff(s.merchant);
    let res = staff.get(&page);
    assert_ne!(res.status, StatusCode::OK, "merchant staff don't see incidents");
    let boss = app.supervisor();
    let res = boss.post(&page, &[("act", "collective"), ("csrf_token", "forged")]);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = boss.submit(&page, "/supervisor/incidents/999999", &[("act", "collective")]);
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = boss.submit(&page, &page, &[("act", "nonsense")]);
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    let res = boss.submit(&page, &page, &[("act", "dismiss"), ("reason", "")]);
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(field_error(&res.body, "reason").is_some());
    let why = "五件投诉是同一位消费者用不同号码提交的，已另行处理。";
    let res = boss.submit(&page, &page, &[("act", "dismiss"), ("reason", why)]);
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let shown = boss.get(&page);
    assert_eq!(shown.html().select_attr("[data-incident-state]", "data-incident-state").as_deref(), Some("closed"));
    assert!(shown.body.contains(why));
    let res = boss.submit(&page, &page, &[("act", "collective")]);
    assert_eq!(res.status, StatusCode::CONFLICT, "a closed incident stays closed");
    assert!(queued(&app, "consumer_ruling").is_empty(), "a dismissal rules on nothing");

    // What was dismissed is not counted again: the next complaints about
    // the product open an incident only once five arrived after it.
    let count = |app: &TestApp| -> i64 {
        let conn = &mut app.pool.get().unwrap();
        incidents::table.count().get_result(conn).unwrap()
    };
    app.clock.advance(chrono::Duration::minutes(10));
    for i in 0..4 {
        s.about_product().phone(&format!("1370001000{i}")).file(&app);
        assert_eq!(count(&app), 1, "after {} more: only the dismissed one", i + 1);
    }
    s.about_product().phone("13700010009").file(&app);
    assert_eq!(count(&app), 2, "five since the dismissal open a new one");
    let conn = &mut app.pool.get().unwrap();
    let newest: i32 =
        incidents::table.order(incidents::id.desc()).select(incidents::complaint_count).first(conn).unwrap();
    assert_eq!(newest, 5, "the five since the dismissal, not the ten of the day");
}

#[test]
fn two_supervisors_ruling_at_once_rule_once() {
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let (id, _) = five_about_the_product(&app, &s);
    let page = case_page(id);
    let bosses: Vec<Client> = (0..2).map(|_| app.supervisor()).collect();
    let tokens: Vec<String> = bosses.iter().map(|b| csrf(&b.get(&page).body)).collect();
    let barrier = Arc::new(Barrier::new(2));
    let statuses: Vec<StatusCode> = std::thread::scope(|scope| {
        let handles: Vec<_> = bosses
            .iter()
            .zip(&tokens)
            .zip(["upheld", "not_upheld"])
            .map(|((boss, token), outcome)| {
                let (barrier, page) = (barrier.clone(), page.clone());
                scope.spawn(move || {
                    let fields = [("csrf_token", token.as_str()), ("outcome", outcome), ("body", "统一裁定。")];
                    barrier.wait();
                    boss.post(&page, &fields).status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, vec![StatusCode::SEE_OTHER, StatusCode::CONFLICT], "{statuses:?}");
    assert_eq!(queued(&app, "consumer_ruling").len(), 5, "each consumer told once");
    assert_eq!(queued(&app, "merchant_case_ruling").len(), 1);
    let conn = &mut app.pool.get().unwrap();
    let closed: i64 = complaints::table.filter(complaints::state.eq("closed")).count().get_result(conn).unwrap();
    assert_eq!(closed, 5);
}

/// A case's page finds complaints in ranges of indexes: the search in the
/// merchant's complaints of the last 90 days, the suggestions in the
/// subject's, a complaint's case in its memberships; never a whole table.
#[test]
fn a_cases_searches_read_ranges_of_their_indexes() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return; // SQLite's plans; PostgreSQL runs the same queries above.
    }
    let app = spawn_app();
    let s = shop(&app, "成都蜀香源食品有限公司");
    let (id, _) = five_about_the_product(&app, &s);
    let now = app.clock.now();
    let mut conn = app.pool.get().unwrap();
    let mut queries = crate::plans::captured(&mut conn, |conn| {
        let t = redress::i18n::Lang::ZhCn.tr();
        let r = redress::service::incidents::record::record(conn, &t, app.config.tz, id, now).unwrap().unwrap();
        redress::service::incidents::record::found(conn, &r, "腊肠", now).unwrap();
        redress::service::incidents::case::of_complaint(conn, r.members[0].complaint_id).unwrap();
    });
    queries.dedup();
    let tables = ["complaints", "incidents", "incident_complaints"];
    let (bad, used) = crate::plans::ranges_of(&mut conn, &queries, &tables);
    assert!(bad.is_empty(), "full scans:\n{}", bad.join("\n"));
    // The search: a range of one of the merchant's (merchant_id,
    // submitted_at, …) indexes, whichever SQLite prefers.
    for range in [
        "(merchant_id=? AND submitted_at>?)",
        "complaints_product_submitted (product_id=? AND submitted_at>?)",
        "incident_complaints_complaint (complaint_id=?)",
    ] {
        assert!(used.contains(range), "{range} not read:\n{used}");
    }
}
