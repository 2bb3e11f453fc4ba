//! `GET /metrics` in Prometheus' text format (0.0.4): requests counted and
//! timed by route and status in this instance, and what the database holds
//! (complaints by state, breaches, the mail queue), the same from every
//! instance.
//!
//! Written out by hand rather than with a metrics crate: one counter and
//! one histogram family plus a few gauges are a page of code, and the
//! crates that would do it speak OpenMetrics or bring a registry of their
//! own.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

use actix_web::{HttpResponse, get, web};

use super::AppState;
use crate::error::AppError;
use crate::store::gauges::{self, Backlog, Totals};

/// Upper bounds of the latency buckets, in seconds.
const BOUNDS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    method: String,
    /// The route's pattern (`/t/{token}`), never the path: the label set
    /// stays small and holds no token.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Default)]
struct Series {
    /// Observations at or below each bound (not yet cumulative).
    buckets: [u64; BOUNDS.len()],
    count: u64,
    sum: f64,
}

/// The methods counted by name; any other is `other`.
const METHODS: [&str; 7] = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"];

/// The longest route label: our patterns are far shorter, this only
/// bounds what a pattern with a client's text in it could add.
const ROUTE_LABEL_MAX: usize = 100;

/// At most `max` bytes of `s`, cut at a character boundary.
pub fn bounded(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// How long the database's figures are reused. Counting complaints by
/// state reads every row (about 180 ms at 1,000,000 on SQLite; see the
/// sweep bench), so a scrape every few seconds, or several Prometheus
/// servers, must not each pay for it.
const TOTALS_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// This instance's request figures, and the database's last read.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<Key, Series>>,
    totals: Mutex<Option<(std::time::Instant, Totals)>>,
}

impl Metrics {
    /// The database's figures if read in the last 30 seconds.
    fn recent_totals(&self) -> Option<Totals> {
        let cached = self.totals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.as_ref().filter(|(at, _)| at.elapsed() < TOTALS_TTL).map(|(_, totals)| totals.clone())
    }

    fn keep_totals(&self, totals: &Totals) {
        *self.totals.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((std::time::Instant::now(), totals.clone()));
    }

    /// Counts one answered request. The labels come from short, fixed
    /// lists whatever the client sent: a method outside [`METHODS`] is
    /// `other`, a path no route matched is `unmatched` (each custom method
    /// or random path was a series of its own: 200 requests with a
    /// 60,000-character method made the page 199 MB).
    pub fn observe(&self, method: &str, route: Option<&str>, status: u16, seconds: f64) {
        let method = METHODS.iter().find(|m| **m == method).copied().unwrap_or("other");
        let route = route.map_or("unmatched", |r| bounded(r, ROUTE_LABEL_MAX));
        let key = Key { method: method.to_owned(), route: route.to_owned(), status };
        let mut requests = self.requests.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let series = requests.entry(key).or_default();
        if let Some(i) = BOUNDS.iter().position(|b| seconds <= *b) {
            series.buckets[i] += 1;
        }
        series.count += 1;
        series.sum += seconds;
    }

    /// The exposition: this instance's requests, then the database's figures.
    pub fn render(&self, totals: &Totals, backlog: &Backlog, now: chrono::DateTime<chrono::Utc>) -> String {
        let mut out = String::new();
        let requests = self.requests.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        family(&mut out, "redress_http_requests_total", "counter", "HTTP requests answered, by route and status.");
        for (k, s) in &requests {
            let _ = writeln!(out, "redress_http_requests_total{{{}}} {}", labels(k), s.count);
        }
        let name = "redress_http_request_duration_seconds";
        family(&mut out, name, "histogram", "Time to answer an HTTP request, by route and status.");
        for (k, s) in &requests {
            let mut cumulative = 0;
            for (bound, n) in BOUNDS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(out, "{name}_bucket{{{},le=\"{bound}\"}} {cumulative}", labels(k));
            }
            let _ = writeln!(out, "{name}_bucket{{{},le=\"+Inf\"}} {}", labels(k), s.count);
            let _ = writeln!(out, "{name}_sum{{{}}} {}", labels(k), s.sum);
            let _ = writeln!(out, "{name}_count{{{}}} {}", labels(k), s.count);
        }
        family(&mut out, "redress_complaints", "gauge", "Complaints stored, by state (read at most every 30 s).");
        for (state, n) in &totals.by_state {
            let _ = writeln!(out, "redress_complaints{{state=\"{}\"}} {n}", escape(state.slug()));
        }
        let help = "Deadline breaches recorded, by deadline (read at most every 30 s).";
        family(&mut out, "redress_deadline_breaches", "gauge", help);
        let _ = writeln!(out, "redress_deadline_breaches{{deadline=\"response\"}} {}", totals.response_breaches);
        let _ = writeln!(out, "redress_deadline_breaches{{deadline=\"resolution\"}} {}", totals.resolution_breaches);
        family(&mut out, "redress_outbox", "gauge", "Notices in the mail queue, by state.");
        for (state, n) in [("queued", backlog.queued), ("sending", backlog.sending), ("dead", backlog.dead)] {
            let _ = writeln!(out, "redress_outbox{{state=\"{state}\"}} {n}");
        }
        let name = "redress_outbox_oldest_queued_seconds";
        family(&mut out, name, "gauge", "How long the longest-waiting queued notice has been due.");
        let _ = writeln!(out, "{name} {}", backlog.oldest_waiting(now));
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn labels(k: &Key) -> String {
    format!("method=\"{}\",route=\"{}\",status=\"{}\"", escape(&k.method), escape(&k.route), k.status)
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let recent = state.metrics.recent_totals();
    let (totals, backlog) = match recent {
        Some(totals) => (totals, state.db(|conn| Ok(gauges::backlog(conn)?)).await?),
        None => {
            let (totals, backlog) = state.db(|conn| Ok((gauges::totals(conn)?, gauges::backlog(conn)?))).await?;
            state.metrics.keep_totals(&totals);
            (totals, backlog)
        }
    };
    let body = state.metrics.render(&totals, &backlog, state.clock.now());
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_into_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", Some("/t/{token}"), 200, 0.003);
        m.observe("GET", Some("/t/{token}"), 200, 0.3);
        m.observe("GET", Some("/t/{token}"), 200, 7.0);
        m.observe("POST", None, 404, 0.0005);
        let text = m.render(&Totals::default(), &Backlog::default(), chrono::Utc::now());
        let series = "method=\"GET\",route=\"/t/{token}\",status=\"200\"";
        assert!(text.contains(&format!("redress_http_requests_total{{{series}}} 3\n")), "{text}");
        assert!(text.contains(&format!("_bucket{{{series},le=\"0.0025\"}} 0\n")));
        assert!(text.contains(&format!("_bucket{{{series},le=\"0.005\"}} 1\n")));
        assert!(text.contains(&format!("_bucket{{{series},le=\"0.5\"}} 2\n")));
        assert!(text.contains(&format!("_bucket{{{series},le=\"5\"}} 2\n")));
        assert!(text.contains(&format!("_bucket{{{series},le=\"+Inf\"}} 3\n")));
        assert!(text.contains(&format!("_sum{{{series}}} 7.303\n")));
        assert!(text.contains("redress_http_requests_total{method=\"POST\",route=\"unmatched\",status=\"404\"} 1\n"));
    }

    #[test]
    fn database_figures_are_reused_for_30_seconds_only() {
        let m = Metrics::default();
        assert_eq!(m.recent_totals(), None);
        let totals = Totals { response_breaches: 3, ..Totals::default() };
        m.keep_totals(&totals);
        assert_eq!(m.recent_totals(), Some(totals.clone()));
        let old = std::time::Instant::now() - TOTALS_TTL;
        *m.totals.lock().unwrap() = Some((old, totals));
        assert_eq!(m.recent_totals(), None, "read again once 30 s old");
    }

    #[test]
    fn labels_come_from_short_fixed_lists() {
        let m = Metrics::default();
        m.observe(&"X".repeat(60_000), None, 404, 0.001);
        m.observe("BREW", Some("/healthz"), 404, 0.001);
        m.observe("GET", Some(&format!("/{}", "y".repeat(500))), 200, 0.001);
        let text = m.render(&Totals::default(), &Backlog::default(), chrono::Utc::now());
        assert!(text.contains("redress_http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 1\n"));
        assert!(text.contains("{method=\"other\",route=\"/healthz\",status=\"404\"} 1\n"), "{text}");
        assert!(text.lines().all(|l| l.len() < 300), "{text}");
        assert_eq!(bounded("中文字", 4), "中");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
