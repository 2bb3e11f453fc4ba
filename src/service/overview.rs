//! The supervisors' figures for the last 30 days.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::store::report::{self, Facts, MerchantCounts};
use crate::store::{DbConnection, from_db};

pub const WINDOW_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub received: usize,
    /// Of the complaints whose response deadline has been decided (met, or
    /// passed), the share met in time; `None` when none has.
    pub on_time_response: Option<f64>,
    pub on_time_resolution: Option<f64>,
    pub median_first_response: Option<Duration>,
    pub open_escalations: i64,
    /// Each day of the window in the deployment's zone: (day, received,
    /// breaches recorded that day).
    pub per_day: Vec<(NaiveDate, usize, usize)>,
    /// Merchants by breaches recorded on those days, most first (at most
    /// ten): (merchant id, name, breaches).
    pub breaches_by_merchant: Vec<(i64, String, usize)>,
    /// Monetary relief across the platform by what consumers said of it,
    /// and what the platform paid first from deposits (all time).
    pub relief: crate::store::reliefs::ReliefTotals,
}

fn rate(met: usize, decided: usize) -> Option<f64> {
    (decided > 0).then(|| met as f64 / decided as f64)
}

/// How a set of complaints was answered and resolved. A deadline counts
/// once it is decided: met, or passed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Answered at all (in time or late), of those whose answer is due.
    pub response: Option<f64>,
    pub on_time_response: Option<f64>,
    pub on_time_resolution: Option<f64>,
    pub median_first_response: Option<Duration>,
}

impl Rates {
    pub fn of(complaints: &[&Facts], now: DateTime<Utc>) -> Rates {
        let decided: Vec<&&Facts> =
            complaints.iter().filter(|f| f.responded_at.is_some() || from_db(f.response_due_at) < now).collect();
        let answered = decided.iter().filter(|f| f.responded_at.is_some()).count();
        let on_time = decided.iter().filter(|f| f.responded_at.is_some_and(|at| at <= f.response_due_at)).count();
        let resolution: Vec<&&Facts> =
            complaints.iter().filter(|f| f.resolution_met_at.is_some() || from_db(f.resolution_due_at) < now).collect();
        let met = resolution.iter().filter(|f| f.resolution_met_at.is_some()).count();
        let first: Vec<Duration> =
            complaints.iter().filter_map(|f| f.responded_at.map(|at| at - f.submitted_at)).collect();
        Rates {
            response: rate(answered, decided.len()),
            on_time_response: rate(on_time, decided.len()),
            on_time_resolution: rate(met, resolution.len()),
            median_first_response: median(first),
        }
    }

    /// The same figures from what the database counted, and the first
    /// response times in any order.
    pub fn of_counts(counts: &MerchantCounts, first_responses: Vec<Duration>) -> Rates {
        let count = |n: i64| usize::try_from(n).unwrap_or(0);
        Rates {
            response: rate(count(counts.responded), count(counts.response_decided)),
            on_time_response: rate(count(counts.responded_on_time), count(counts.response_decided)),
            on_time_resolution: rate(count(counts.resolution_met), count(counts.resolution_decided)),
            median_first_response: median(first_responses),
        }
    }
}

/// The middle value, or the mean of the two middle values.
fn median(mut values: Vec<Duration>) -> Option<Duration> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, upper, _) = values.select_nth_unstable(n / 2);
    let upper = *upper;
    if n % 2 == 1 {
        return Some(upper);
    }
    // The lower middle is the largest of what select_nth left below it.
    let lower = values[..n / 2].iter().max().copied().unwrap_or(upper);
    Some((lower + upper) / 2)
}

pub fn overview(conn: &mut DbConnection, tz: Tz, now: DateTime<Utc>) -> diesel::QueryResult<Overview> {
    let since = now - Duration::days(WINDOW_DAYS);
    // A breach comes at most seven days after the complaint, so complaints
    // received a week before the window carry every breach inside it.
    let rows = report::facts_since(conn, since - Duration::days(8))?;
    let received: Vec<&Facts> = rows.iter().filter(|f| from_db(f.submitted_at) >= since).collect();

    let rates = Rates::of(&received, now);
    let today = now.with_timezone(&tz).date_naive();
    let days: Vec<NaiveDate> = (0..WINDOW_DAYS).rev().map(|d| today - Duration::days(d)).collect();
    let day_of = |at: chrono::NaiveDateTime| from_db(at).with_timezone(&tz).date_naive();
    let first = days[0];
    let mut per_day: HashMap<NaiveDate, (usize, usize)> = HashMap::new();
    let mut by_merchant: HashMap<i64, usize> = HashMap::new();
    for f in &rows {
        if from_db(f.submitted_at) >= since {
            per_day.entry(day_of(f.submitted_at)).or_default().0 += 1;
        }
        for breach in [f.response_breached_at, f.resolution_breached_at].into_iter().flatten() {
            // The days the chart shows: the merchants' ranking counts
            // the same breaches as the columns.
            if day_of(breach) >= first && from_db(breach) <= now {
                per_day.entry(day_of(breach)).or_default().1 += 1;
                *by_merchant.entry(f.merchant_id).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(i64, usize)> = by_merchant.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(10);
    let names: HashMap<i64, String> =
        report::merchant_names(conn, &ranked.iter().map(|(id, _)| *id).collect::<Vec<_>>())?.into_iter().collect();
    Ok(Overview {
        received: received.len(),
        on_time_response: rates.on_time_response,
        on_time_resolution: rates.on_time_resolution,
        median_first_response: rates.median_first_response,
        open_escalations: report::open_escalations(conn)?,
        per_day: days
            .into_iter()
            .map(|d| {
                let (r, b) = per_day.get(&d).copied().unwrap_or_default();
                (d, r, b)
            })
            .collect(),
        breaches_by_merchant: ranked
            .into_iter()
            .map(|(id, n)| (id, names.get(&id).cloned().unwrap_or_default(), n))
            .collect(),
        relief: crate::store::reliefs::totals(conn, None)?,
    })
}
