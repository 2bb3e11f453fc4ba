//! Money as typed by a consumer (yuan, at most two decimals) and as stored
//! (integer fen).

/// The largest amount accepted: one million yuan.
pub const MAX_FEN: i64 = 100_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Invalid,
    TooLarge,
}

/// Parses "99", "99.5", "1,299.00" or "¥99.90" into fen.
pub fn parse_yuan(raw: &str) -> Result<i64, AmountError> {
    let s: String = raw
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s.as_str(), ""),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return Err(AmountError::Invalid);
    }
    if s.ends_with('.') {
        return Err(AmountError::Invalid);
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 9 {
        return Err(AmountError::TooLarge);
    }
    let yuan: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| AmountError::Invalid)? };
    let fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| AmountError::Invalid)? * 10,
        _ => frac.parse().map_err(|_| AmountError::Invalid)?,
    };
    let total = yuan * 100 + fen;
    if total > MAX_FEN {
        return Err(AmountError::TooLarge);
    }
    Ok(total)
}

/// Formats fen as yuan with two decimals: 129900 → "1299.00", -5050 →
/// "-50.50" (a deposit's balance can be below zero).
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_yuan("99"), Ok(9900));
        assert_eq!(parse_yuan("99.5"), Ok(9950));
        assert_eq!(parse_yuan(" 1,299.00 "), Ok(129900));
        assert_eq!(parse_yuan("¥0.01"), Ok(1));
        assert_eq!(parse_yuan("0"), Ok(0));
        assert_eq!(format_yuan(-5050), "-50.50");
        assert_eq!(format_yuan(-5), "-0.05");
        assert_eq!(format_yuan(129900), "1299.00");
    }

    #[test]
    fn refuses_the_rest() {
        for bad in ["", "-1", "1.234", "abc", "1.", ".5", "1e3", "1.2.3", "+5"] {
            assert_eq!(parse_yuan(bad), Err(AmountError::Invalid), "{bad}");
        }
        assert_eq!(parse_yuan("1000000.01"), Err(AmountError::TooLarge));
        assert_eq!(parse_yuan("99999999999999999999"), Err(AmountError::TooLarge));
        assert_eq!(parse_yuan("1000000"), Ok(MAX_FEN));
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(fen in 0..=MAX_FEN) {
            prop_assert_eq!(parse_yuan(&format_yuan(fen)), Ok(fen));
        }

        #[test]
        fn never_panics_and_stays_in_bounds(s in "\\PC{0,20}") {
            if let Ok(fen) = parse_yuan(&s) {
                prop_assert!((0..=MAX_FEN).contains(&fen));
            }
        }
    }
}
