//! The human-friendly complaint reference: `TS` + the submission date in the
//! deployment's zone + the complaint's number, at least six digits
//! (`TS20261120000123`). Unique because the number is.

use chrono::NaiveDate;

pub fn reference(local_date: NaiveDate, number: i64) -> String {
    format!("TS{}{:06}", local_date.format("%Y%m%d"), number)
}

/// Normalises what someone typed (spaces, lower case) for a look-up; `None`
/// when it cannot be a reference at all.
pub fn normalise(raw: &str) -> Option<String> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let digits = s.strip_prefix("TS")?;
    (digits.len() >= 14 && digits.len() <= 24 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_normalises() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(reference(d, 123), "TS20261120000123");
        assert_eq!(reference(d, 12_345_678), "TS2026112012345678");
        assert_eq!(normalise(" ts2026 1120 000123 ").as_deref(), Some("TS20261120000123"));
        assert_eq!(normalise("TS2026"), None);
        assert_eq!(normalise("XX20261120000123"), None);
    }
}
