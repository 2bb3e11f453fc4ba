//! The supervisors' overview charts as the page gives them: a scale of
//! round numbers with grid lines, bars that link to the export of what
//! they count, a table of the same figures, and the median first answer in
//! words, in both languages.

use chrono::Duration;
use scraper::ElementRef;

use crate::helpers::*;

/// The rows of the chart's table: (the row's heading, each cell's text,
/// each cell's link).
fn table(page: &scraper::Html, chart: &str) -> Vec<(String, Vec<String>, Vec<Option<String>>)> {
    let cells = |row: &ElementRef<'_>| -> (Vec<String>, Vec<Option<String>>) {
        let tds = row.select_all("td");
        (
            tds.iter().map(|td| td.text().collect::<String>().trim().to_owned()).collect(),
            tds.iter().map(|td| td.select_attr("a", "href")).collect(),
        )
    };
    page.select_all(&format!("table[data-chart-table=\"{chart}\"] tbody tr"))
        .into_iter()
        .map(|row| {
            let (texts, links) = cells(&row);
            (row.select_text("th").unwrap_or_default(), texts, links)
        })
        .collect()
}

/// The data rows of an export (without its header).
fn exported(boss: &Client, href: &str) -> Vec<String> {
    let res = boss.get(href);
    assert_eq!(res.status, ureq::http::StatusCode::OK, "{href}");
    res.body.lines().skip(1).map(str::to_owned).collect()
}

#[test]
fn the_overview_charts_have_a_round_scale_linked_bars_and_a_table() {
    let app = spawn_app();
    let m = MerchantBuilder::new("深圳极光数码科技有限公司").build(&app);
    let other = MerchantBuilder::new("上海暖阳服饰有限公司").build(&app);
    let boss = app.supervisor();
    for _ in 0..7 {
        ComplaintBuilder::new(other).file(&app); // TS…01 to 07, answered within the minute
    }
    ComplaintBuilder::new(m).file(&app); // TS…08, never answered: breached
    let median =
        |boss: &Client| boss.get("/supervisor/overview").html().select_text("[data-figure=\"median_first_response\"]");
    assert_eq!(median(&boss).as_deref(), Some("还没有回复"), "nothing answered yet");
    app.clock.advance(Duration::seconds(40));
    let staff = app.merchant_staff(other);
    for n in 1..=7 {
        let page = format!("/merchant/complaints/TS2026112000000{n}");
        staff.submit(&page, &format!("{page}/reply"), &[("body", "您好，已为您登记。")]);
    }
    assert_eq!(median(&boss).as_deref(), Some("不到 1 分钟"), "answered within the minute");
    app.clock.advance(Duration::hours(49)); // past TS…08's 48 h, on the 22nd
    app.sweep();

    let html = boss.get("/supervisor/overview").body;
    let page = parse(&html);
    // The scale: 0 to 8 in steps of 2, each a grid line, the axis at 0.
    assert_eq!(page.select_texts(".columns__y span"), ["8", "6", "4", "2", "0"]);
    let lines: Vec<(String, String)> = page
        .select_all("svg.chart line[data-tick]")
        .iter()
        .map(|l| (l.attr("data-tick").unwrap().to_owned(), l.attr("y1").unwrap().to_owned()))
        .collect();
    let at = |v: &str, y: &str| (v.to_owned(), y.to_owned());
    assert_eq!(lines, [at("0", "100%"), at("2", "75%"), at("4", "50%"), at("6", "25%"), at("8", "0%")]);
    assert_eq!(page.select_attr("svg.chart line[data-tick=\"0\"]", "class").as_deref(), Some("axis"));
    // The newest day is named, ending at the plot's right edge.
    let last = page.select_all(".columns__x--narrow text").pop().expect("labels under the axis");
    assert_eq!(last.text().collect::<String>(), "11-22");
    assert_eq!((last.attr("x"), last.attr("text-anchor")), (Some("100%"), Some("end")));

    // Each bar links to the export of what it counts.
    let received = "/supervisor/export.csv?from=2026-11-20&to=2026-11-20";
    let breached = "/supervisor/export.csv?breached_from=2026-11-22&breached_to=2026-11-22";
    let bars = page.select_attrs("svg.chart a", "href");
    assert_eq!(bars, [received, breached], "only the days with something to list");
    assert_eq!(
        page.select_attr(&format!("svg.chart a[href=\"{received}\"] rect.bar"), "height").as_deref(),
        Some("100%")
    );
    assert_eq!(exported(&boss, received).len(), 8);
    let late = exported(&boss, breached);
    assert!(late.len() == 1 && late[0].contains("TS20261120000008"), "{late:?}");
    assert!(exported(&boss, "/supervisor/export.csv?breached_from=2026-11-23").is_empty());

    // The table has the same figures and links, a row a day.
    let rows = table(&page, "per-day");
    assert_eq!(rows.len(), 30);
    assert_eq!(page.select_texts("table[data-chart-table=\"per-day\"] thead th"), ["日期", "收到的投诉", "超时"]);
    let day = |label: &str| rows.iter().find(|r| r.0 == label).cloned().unwrap_or_else(|| panic!("{label}: {rows:?}"));
    assert_eq!(day("11-20"), ("11-20".into(), vec!["8".into(), "0".into()], vec![Some(received.into()), None]));
    assert_eq!(day("11-22"), ("11-22".into(), vec!["0".into(), "1".into()], vec![None, Some(breached.into())]));
    assert_eq!(rows[0].0, "10-24", "the thirty days up to today");
    assert_eq!(page.select_text("svg.chart title").as_deref(), Some("每天的投诉和超时"));
    assert_eq!(page.select_attr("svg.chart", "aria-labelledby").as_deref(), Some("per-day-svg-title per-day-svg-desc"));

    // The merchants' bars: each row links to that merchant's breaches in
    // the same thirty days, and has its row in the table.
    let theirs = format!("/supervisor/export.csv?merchant={m}&breached_from=2026-10-24&breached_to=2026-11-22");
    assert_eq!(page.select_attrs("a.hbar", "href"), std::slice::from_ref(&theirs));
    assert_eq!(page.select_text("a.hbar .hbar__name").as_deref(), Some("深圳极光数码科技有限公司"));
    assert_eq!(page.select_texts(".hbars__axis text"), ["0", "1"]);
    let merchants = table(&page, "by-merchant-title");
    assert_eq!(merchants, [("深圳极光数码科技有限公司".into(), vec!["1".into()], vec![Some(theirs.clone())])]);
    assert_eq!(exported(&boss, &theirs).len(), 1);

    // In English.
    let en = boss.get("/supervisor/overview?lang=en").html();
    assert_eq!(en.select_text("[data-figure=\"median_first_response\"]").as_deref(), Some("under a minute"));
    assert_eq!(
        en.select_texts("table[data-chart-table=\"per-day\"] thead th"),
        ["Day", "complaints received", "breaches"]
    );
    assert_eq!(en.select_text(".columns summary").as_deref(), Some("Show these figures as a table"));
    assert_eq!(en.select_text("svg.chart title").as_deref(), Some("Complaints and breaches per day"));
}
