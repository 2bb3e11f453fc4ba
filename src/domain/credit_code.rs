//! The unified social credit code (统一社会信用代码), GB 32100-2015:
//! 18 characters = registration authority (1) + organisation type (1) +
//! administrative division (6) + organisation code (9, GB 11714 with its own
//! check digit) + check digit (1, mod 31).

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCodeError {
    Length,
    Character,
    Division,
    OrganisationCheck,
    Check,
}

impl CreditCodeError {
    pub const ALL: [CreditCodeError; 5] = [
        CreditCodeError::Length,
        CreditCodeError::Character,
        CreditCodeError::Division,
        CreditCodeError::OrganisationCheck,
        CreditCodeError::Check,
    ];
}

impl CreditCode {
    pub fn parse(raw: &str) -> Result<CreditCode, CreditCodeError> {
        let code: String = raw.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        let values: Vec<u32> = code.bytes().map(value).collect::<Option<_>>().ok_or(CreditCodeError::Character)?;
        if !code.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Division);
        }
        if org_check(&code.as_bytes()[8..16]) != Some(code.as_bytes()[16]) {
            return Err(CreditCodeError::OrganisationCheck);
        }
        if check(&values[..17]) != values[17] {
            return Err(CreditCodeError::Check);
        }
        Ok(CreditCode(code))
    }

    /// Completes a code from its first 16 characters by computing both check
    /// digits (used by the demo data and tests to make valid codes).
    pub fn complete(first16: &str) -> Result<CreditCode, CreditCodeError> {
        let head = first16.to_ascii_uppercase();
        if head.len() != 16 {
            return Err(CreditCodeError::Length);
        }
        let org = org_check(&head.as_bytes()[8..16]).ok_or(CreditCodeError::Character)?;
        let mut code = head;
        code.push(org as char);
        let values: Vec<u32> = code.bytes().map(value).collect::<Option<_>>().ok_or(CreditCodeError::Character)?;
        code.push(ALPHABET[check(&values) as usize] as char);
        CreditCode::parse(&code)
    }

    /// Registration authority 9 (market regulation) with type 2 is an
    /// individual business (个体工商户), not an organisation.
    pub fn is_individual_business(&self) -> bool {
        self.0.starts_with("92")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value(b: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == b).map(|p| p as u32)
}

fn check(first17: &[u32]) -> u32 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// GB 11714 check character of the 8-character organisation code body.
fn org_check(body: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (b, w) in body.iter().zip(ORG_WEIGHTS) {
        let v = match b {
            b'0'..=b'9' => (b - b'0') as u32,
            b'A'..=b'Z' => (b - b'A') as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        11 => b'0',
        10 => b'X',
        c => b'0' + c as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_codes() {
        // Codes quoted in published examples of the standard.
        for ok in ["91350100M000100Y43", "91110000802100433B"] {
            assert!(CreditCode::parse(ok).is_ok(), "{ok}");
        }
        assert!(CreditCode::parse(" 91350100m000100y43 ").is_ok());
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(CreditCode::parse("9135010"), Err(CreditCodeError::Length));
        assert_eq!(CreditCode::parse("91350100M000100Y4I"), Err(CreditCodeError::Character));
        assert_eq!(CreditCode::parse("9135A100M000100Y43"), Err(CreditCodeError::Division));
        assert_eq!(CreditCode::parse("91350100M000100Y44"), Err(CreditCodeError::Check));
        assert_eq!(CreditCode::parse("91350100M000101Y43"), Err(CreditCodeError::OrganisationCheck));
    }

    #[test]
    fn knows_individual_businesses() {
        let code = CreditCode::complete("9233010219880101").unwrap();
        assert!(code.is_individual_business());
        assert!(!CreditCode::parse("91350100M000100Y43").unwrap().is_individual_business());
    }

    fn body() -> impl Strategy<Value = String> {
        ("[1-9A-HJ-NP-RTUW-Y][1-9]", "[0-9]{6}", "[0-9A-HJ-NP-RTUW-Y]{8}").prop_map(|(a, b, c)| format!("{a}{b}{c}"))
    }

    proptest! {
        #[test]
        fn completed_codes_parse(head in body()) {
            let code = CreditCode::complete(&head).unwrap();
            prop_assert_eq!(CreditCode::parse(code.as_str()), Ok(code.clone()));
        }

        #[test]
        fn any_single_substitution_is_caught(head in body(), pos in 0usize..18, pick in 0usize..31) {
            let code = CreditCode::complete(&head).unwrap();
            let mut bytes = code.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != ALPHABET[pick]);
            bytes[pos] = ALPHABET[pick];
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&mutated).is_err(), "{} accepted", mutated);
        }

        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
