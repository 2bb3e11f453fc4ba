//! A merchant's public record: what consumers and regulators see.

pub mod live;

use chrono::{DateTime, Duration, Utc};

use crate::domain::live::Target;
use crate::service::overview::Rates;
use crate::store::actions::{self, ActionRow};
use crate::store::merchants::{self, Merchant};
use crate::store::report::{self, MerchantCounts};
use crate::store::{DbConnection, from_db, ratings};

/// What the scorecard counts of a merchant's complaints and ratings, as of
/// some time: the one definition of its figures, which the public merchant
/// list keeps a copy of per merchant (`service::merchant_list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    /// Over the last 365 days; `recent` over the last 30 and 90.
    pub counts: MerchantCounts,
    /// The sum of the ratings of the last 365 days, and how many.
    pub ratings: (i64, i64),
}

impl Figures {
    /// Complaints received in the last 30, 90 and 365 days.
    pub fn received(&self) -> [usize; 3] {
        let c = &self.counts;
        [c.recent[0], c.recent[1], c.received].map(|n| usize::try_from(n).unwrap_or(0))
    }

    /// The rates; the median first response from `first_responses` (none
    /// given, none shown).
    pub fn rates(&self, first_responses: Vec<Duration>) -> Rates {
        Rates::of_counts(&self.counts, first_responses)
    }

    /// The average rating and how many, if any.
    pub fn satisfaction(&self) -> Option<(f64, i64)> {
        let (sum, count) = self.ratings;
        (count > 0).then(|| (sum as f64 / count as f64, count))
    }
}

/// A merchant's figures as of `now`: a few ranges of the covering indexes
/// `complaints_merchant_figures` and `ratings_merchant_scores`.
pub fn figures(conn: &mut DbConnection, merchant_id: i64, now: DateTime<Utc>) -> diesel::QueryResult<Figures> {
    let year = now - Duration::days(365);
    let recent = [now - Duration::days(30), now - Duration::days(90)];
    Ok(Figures {
        counts: report::merchant_counts(conn, merchant_id, year, recent, now)?,
        ratings: ratings::totals_since(conn, merchant_id, year)?,
    })
}

pub struct Scorecard {
    pub merchant: Merchant,
    /// Complaints received in the last 30, 90 and 365 days.
    pub received: [usize; 3],
    /// Over the last 365 days.
    pub rates: Rates,
    /// Average rating and how many, over the last 365 days.
    pub satisfaction: Option<(f64, i64)>,
    /// Ongoing restrictions and suspensions of the merchant itself.
    pub current: Vec<ActionRow>,
    /// Everything else of the last 365 days, newest first (measures in
    /// force on a room, host or product are shown with it, in `live`).
    pub record: Vec<ActionRow>,
    /// Its live rooms, hosts and products, each with its complaints of the
    /// last 365 days and its measures in force.
    pub live: live::LiveRecord,
    /// Monetary relief by what consumers said of it, since it joined.
    pub relief: crate::store::reliefs::ReliefTotals,
    /// Whether its deposit meets its requirement (the amount is not public).
    pub deposit_sufficient: bool,
    /// The points of the last 12 months that count, and the credit score
    /// left of 100.
    pub points: (i64, i32),
}

pub fn scorecard(
    conn: &mut DbConnection,
    merchant_id: i64,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Option<Scorecard>> {
    let Some(merchant) = merchants::find(conn, merchant_id)? else {
        return Ok(None);
    };
    let year = now - Duration::days(365);
    let figures = figures(conn, merchant_id, now)?;
    let first_responses = report::merchant_first_responses(conn, merchant_id, year)?;
    let all = actions::for_merchant_at(conn, merchant_id, now)?;
    let counted = actions::counted_points(&all, now);
    let live = live::record(conn, merchant_id, year, &all)?;
    let deposit_sufficient = crate::service::deposits::standing_of(conn, &merchant)?.sufficient;
    let (current, record) = all
        .into_iter()
        .filter(|a| a.ended_at.is_none() || from_db(a.taken_at) >= year)
        .filter(|a| !a.reversed)
        .filter(|a| a.target == Target::Merchant || a.ended_at.is_some() || !a.kind.is_ongoing())
        .partition(|a| a.ended_at.is_none() && a.kind.is_ongoing());
    Ok(Some(Scorecard {
        received: figures.received(),
        rates: figures.rates(first_responses),
        satisfaction: figures.satisfaction(),
        current,
        record,
        live,
        relief: crate::store::reliefs::totals(conn, Some(merchant_id))?,
        merchant,
        deposit_sufficient,
        points: (counted, crate::domain::violation::credit_score(counted)),
    }))
}
