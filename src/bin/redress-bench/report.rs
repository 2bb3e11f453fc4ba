//! What a run prints: each phase as it ends, and the table of figures
//! with the budget beside each.

use crate::load::Outcome;

pub fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

pub fn report_phase(name: &str, o: &Outcome) {
    eprintln!(
        "  {name}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms{}",
        o.rps(),
        o.percentile_ms(50.0),
        o.percentile_ms(99.0),
        if o.failed > 0 { format!(", {} failed", o.failed) } else { String::new() }
    );
}

pub fn print_table(f: &serde_json::Value) {
    // Each figure, its unit, and its budget (at least / at most).
    type Row<'a> = (&'a str, &'a str, Option<(&'a str, f64)>);
    let rows: [Row<'_>; 16] = [
        ("intake_rps", "complaints/s", Some((">=", 2000.0))),
        ("intake_p50_ms", "ms", None),
        ("intake_p99_ms", "ms", Some(("<=", 50.0))),
        ("baseline_rps", "rows/s", None),
        ("intake_to_baseline", "", None),
        ("dashboard_p99_ms", "ms", Some(("<=", 20.0))),
        ("queue_p99_ms", "ms", Some(("<=", 20.0))),
        ("scorecard_p99_ms", "ms", None),
        ("merchant_list_p99_ms", "ms", Some(("<=", 20.0))),
        ("api_list_p99_ms", "ms", Some(("<=", 20.0))),
        ("register_p99_ms", "ms", Some(("<=", 20.0))),
        ("register_index_s", "s", None),
        ("open_data_s", "s", None),
        ("merchant_figures_all_s", "s", None),
        ("sweep_10k_of_1m_s", "s", Some(("<=", 0.5))),
        ("rss_mb", "MB", Some(("<=", 150.0))),
    ];
    println!(
        "\n{} · {} complaints · {} merchants · {} cores",
        f["backend"], f["complaints"], f["merchants"], f["cores"]
    );
    println!("| {:<20} | {:>10} | {:<12} | {:<12} |", "figure", "value", "unit", "budget");
    println!("|{:-<22}|{:->12}|{:-<14}|{:-<14}|", "", "", "", "");
    for (key, unit, budget) in rows {
        let value = f[key].as_f64().unwrap_or(f64::NAN);
        let verdict = match budget {
            _ if value.is_nan() => "not run".to_owned(),
            Some((">=", limit)) => format!(">= {limit} {}", if value >= limit { "ok" } else { "MISSED" }),
            Some((_, limit)) => format!("<= {limit} {}", if value <= limit { "ok" } else { "MISSED" }),
            None => String::new(),
        };
        println!("| {key:<20} | {value:>10} | {unit:<12} | {verdict:<12} |");
    }
}
