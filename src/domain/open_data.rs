//! The public register as open data: one record per published case with
//! fields modelled on the CFPB's consumer complaint database, written as a
//! CSV line (RFC 4180, defused against CSV injection) and as a JSON
//! object; and each merchant's figures as 12315 publishes them. Values are
//! stable slugs and ISO dates, so the files read the same in any language.

use serde::Serialize;

/// The fields of a case, in the CSV's order (new ones go at the end:
/// readers take columns by position).
pub const CASE_FIELDS: [&str; 17] = [
    "reference",
    "date_received",
    "merchant",
    "merchant_id",
    "credit_code",
    "product_category",
    "category",
    "consent",
    "narrative",
    "merchant_public_response",
    "response_timely",
    "state",
    "outcome",
    "relief",
    "relief_amount",
    "advance_compensation",
    "date_sent_to_merchant",
];

/// What `consent` says of every published case (the CFPB's "Consent provided").
pub const CONSENT_PROVIDED: &str = "consent_provided";

/// One published case, every value written out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    pub reference: String,
    /// `YYYY-MM-DD` in the deployment's zone.
    pub date_received: String,
    pub merchant: String,
    pub merchant_id: i64,
    pub credit_code: String,
    /// A product category's slug, or empty.
    pub product_category: String,
    /// A complaint category's slug.
    pub category: String,
    pub consent: &'static str,
    /// The description, scrubbed.
    pub narrative: String,
    /// A public response's slug, or empty.
    pub merchant_public_response: String,
    /// `yes`, `no`, or empty while the merchant still has time.
    pub response_timely: &'static str,
    pub state: String,
    /// A ruling's slug, or empty.
    pub outcome: String,
    /// `monetary`, `non_monetary`, `explanation`, or empty.
    pub relief: String,
    /// Yuan with two decimals, or empty.
    pub relief_amount: String,
    /// Of it, what the platform paid first from the deposit (yuan), or empty.
    pub advance_compensation: String,
    pub date_sent_to_merchant: String,
}

impl CaseRecord {
    /// Its values in [`CASE_FIELDS`]' order.
    fn values(&self) -> [String; 17] {
        [
            self.reference.clone(),
            self.date_received.clone(),
            self.merchant.clone(),
            self.merchant_id.to_string(),
            self.credit_code.clone(),
            self.product_category.clone(),
            self.category.clone(),
            self.consent.to_owned(),
            self.narrative.clone(),
            self.merchant_public_response.clone(),
            self.response_timely.to_owned(),
            self.state.clone(),
            self.outcome.clone(),
            self.relief.clone(),
            self.relief_amount.clone(),
            self.advance_compensation.clone(),
            self.date_sent_to_merchant.clone(),
        ]
    }

    /// Its CSV line, ending in CRLF.
    pub fn csv_line(&self) -> String {
        csv_line(self.values().iter().map(String::as_str))
    }

    /// Its JSON object.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// The CSV's first line: a byte-order mark (so that spreadsheets read the
/// Chinese right), then the field names.
pub fn csv_header() -> String {
    format!("\u{feff}{}", csv_line(CASE_FIELDS.iter().copied()))
}

fn csv_line<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values.map(csv_field).collect::<Vec<_>>().join(",") + "\r\n"
}

/// A field quoted as RFC 4180 wants it, and defused as OWASP advises
/// against CSV injection: a value a spreadsheet would take for a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`, so that it is shown as the text it is. (As the
/// supervisors' export does.)
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

/// A merchant's complaints as 12315 publishes them (投诉公示): this
/// period's against the one before, how many were resolved, and how many
/// the platform compensated first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MerchantRecord {
    pub merchant_id: i64,
    pub merchant: String,
    pub credit_code: String,
    /// Received in the period.
    pub complaints: i64,
    /// Received in the period before it, as long.
    pub previous_complaints: i64,
    /// `(complaints − previous) / previous × 100`, one decimal; none when
    /// the period before had none.
    pub growth_percent: Option<f64>,
    /// Of the period's complaints: those whose resolution deadline is
    /// decided (met, or passed), and those met.
    pub resolution_decided: i64,
    pub resolved: i64,
    /// `resolved / resolution_decided`, four decimals; none when nothing is
    /// decided yet.
    pub resolution_rate: Option<f64>,
    /// Of the period's complaints, those the platform compensated first
    /// from the merchant's deposit (先行赔付).
    pub compensated: i64,
    /// `compensated / complaints`, four decimals; none without complaints.
    pub advance_compensation_rate: Option<f64>,
}

impl MerchantRecord {
    /// The record, with the growth and the rates worked out of the counts.
    pub fn new(merchant_id: i64, merchant: String, credit_code: String, counts: MerchantCounts) -> MerchantRecord {
        let ratio = |n: i64, of: i64| (of > 0).then(|| round(n as f64 / of as f64, 4));
        MerchantRecord {
            merchant_id,
            merchant,
            credit_code,
            complaints: counts.complaints,
            previous_complaints: counts.previous,
            growth_percent: (counts.previous > 0)
                .then(|| round((counts.complaints - counts.previous) as f64 * 100.0 / counts.previous as f64, 1)),
            resolution_decided: counts.resolution_decided,
            resolved: counts.resolved,
            resolution_rate: ratio(counts.resolved, counts.resolution_decided),
            compensated: counts.compensated,
            advance_compensation_rate: ratio(counts.compensated, counts.complaints),
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// What a [`MerchantRecord`] is worked out of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MerchantCounts {
    pub complaints: i64,
    pub previous: i64,
    pub resolution_decided: i64,
    pub resolved: i64,
    pub compensated: i64,
}

fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (x * scale).round() / scale
}

/// A JSON string literal (for the files' envelopes).
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_spreadsheet_would_run_is_written_as_text() {
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("+86 138"), "'+86 138");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_field("a=b"), "a=b");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn the_csv_starts_with_a_bom_and_has_a_field_per_name() {
        let header = csv_header();
        assert!(header.starts_with('\u{feff}') && header.ends_with("\r\n"));
        let line = CaseRecord { narrative: "=HYPERLINK(\"x\")".into(), ..CaseRecord::default() }.csv_line();
        assert!(line.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{line}");
        assert_eq!(line.matches(',').count(), CASE_FIELDS.len() - 1);
        let json: serde_json::Value = serde_json::from_str(&CaseRecord::default().json()).unwrap();
        assert_eq!(json.as_object().unwrap().len(), CASE_FIELDS.len());
        for f in CASE_FIELDS {
            assert!(json.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn growth_and_rates_are_worked_out_of_the_counts() {
        let counts = MerchantCounts { complaints: 3, previous: 2, resolution_decided: 3, resolved: 2, compensated: 1 };
        let r = MerchantRecord::new(1, "m".into(), "c".into(), counts);
        assert_eq!(r.growth_percent, Some(50.0));
        assert_eq!(r.resolution_rate, Some(0.6667));
        assert_eq!(r.advance_compensation_rate, Some(0.3333));
        let none = MerchantRecord::new(1, "m".into(), "c".into(), MerchantCounts::default());
        assert_eq!((none.growth_percent, none.resolution_rate, none.advance_compensation_rate), (None, None, None));
        let fell = MerchantCounts { complaints: 1, previous: 4, ..MerchantCounts::default() };
        assert_eq!(MerchantRecord::new(1, "m".into(), "c".into(), fell).growth_percent, Some(-75.0));
    }
}
