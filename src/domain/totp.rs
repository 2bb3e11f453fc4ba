//! Time-based one-time passwords (RFC 6238) for staff sign-in: the rules,
//! with no I/O. The arithmetic is `totp-rs`'s; what is ours is which steps
//! count, what a typed code may look like, and how a key is shown.

use totp_rs::{Algorithm, TOTP};

/// Seconds per step, digits per code: what every authenticator app expects.
pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: usize = 6;
/// Steps of clock difference accepted either way.
pub const SKEW: u64 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;
/// Wrong codes that end a pending sign-in.
pub const ROUND_FAILURES: i32 = 5;
/// Wrong codes, over all rounds, that close the second step for a while.
pub const WINDOW_FAILURES: i32 = 10;
/// Minutes of that window, and of a pending sign-in's life.
pub const WINDOW_MINUTES: i64 = 15;
pub const PENDING_MINUTES: i64 = 5;
/// Recovery codes handed out at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// The longest input looked at (a recovery code with spaces fits easily).
pub const MAX_INPUT: usize = 64;

/// The issuer shown by authenticator apps.
pub const ISSUER: &str = "Redress";

fn totp(secret: &[u8], account: &str) -> TOTP {
    // `new_unchecked`: our secrets are always SECRET_BYTES long; an e-mail
    // never holds a colon (the label's separator).
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW as u8,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.into()),
        account.replace(':', ""),
    )
}

/// The `otpauth://totp/Redress:{account}?secret=…&issuer=Redress` URI an
/// app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], account: &str) -> String {
    totp(secret, account).get_url()
}

/// The secret in base32 (RFC 4648, no padding), as apps take it typed.
pub fn base32(secret: &[u8]) -> String {
    totp(secret, "").get_secret_base32()
}

/// The secret from its base32 form, if it is one.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    totp_rs::Secret::Encoded(cleaned).to_bytes().ok().filter(|b| b.len() == SECRET_BYTES)
}

/// The base32 key in groups of four, for reading aloud or typing.
pub fn grouped(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The time step a Unix time falls in.
pub fn step_of(unix: i64) -> i64 {
    unix.max(0) / STEP_SECONDS as i64
}

/// The code of one step.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    totp(secret, "").generate(step.max(0) as u64 * STEP_SECONDS)
}

/// The step (within ±[`SKEW`] of `unix`'s) whose code is `code`, if any.
/// Every candidate is compared, in constant time, whatever matches.
pub fn matching_step(secret: &[u8], code: &str, unix: i64) -> Option<i64> {
    let now = step_of(unix);
    let mut found = None;
    for step in (now - SKEW as i64).max(0)..=now + SKEW as i64 {
        let expected = code_at_step(secret, step);
        let same: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), code.as_bytes()).into();
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// What was typed in the code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeInput {
    /// Six digits from the app (spaces and dashes dropped).
    Totp(String),
    /// A recovery code, normalised: lowercase letters and digits only.
    Recovery(String),
    /// Nothing, or nothing a code can be.
    Invalid,
}

impl CodeInput {
    pub fn parse(typed: &str) -> CodeInput {
        if typed.chars().count() > MAX_INPUT {
            return CodeInput::Invalid;
        }
        let kept: String =
            typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect();
        if kept.len() == DIGITS && kept.bytes().all(|b| b.is_ascii_digit()) {
            CodeInput::Totp(kept)
        } else if kept.len() == RECOVERY_LEN && kept.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            CodeInput::Recovery(kept)
        } else {
            CodeInput::Invalid
        }
    }
}

/// Recovery codes: 10 characters of a 32-letter alphabet without 0/o, 1/l
/// (50 bits each), shown as two groups of five.
pub const RECOVERY_LEN: usize = 10;
pub const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// A recovery code from random bytes (one byte per character).
pub fn recovery_code(random: &[u8; RECOVERY_LEN]) -> String {
    random.iter().map(|b| RECOVERY_ALPHABET[(*b & 31) as usize] as char).collect()
}

/// `abcde-fghij`: how a recovery code is shown.
pub fn recovery_display(code: &str) -> String {
    match code.split_at_checked(RECOVERY_LEN / 2) {
        Some((a, b)) => format!("{a}-{b}"),
        None => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, with its 20-byte ASCII secret.
    #[test]
    fn codes_match_the_rfc_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code_at_step(secret, step_of(59)), "287082");
        assert_eq!(code_at_step(secret, step_of(1_111_111_109)), "081804");
        assert_eq!(code_at_step(secret, step_of(2_000_000_000)), "279037");
    }

    #[test]
    fn one_step_of_skew_either_way_and_no_more() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_109;
        let step = step_of(now);
        for offset in [-1, 0, 1] {
            let code = code_at_step(secret, step + offset);
            assert_eq!(matching_step(secret, &code, now), Some(step + offset), "{offset}");
        }
        for offset in [-2, 2] {
            assert_eq!(matching_step(secret, &code_at_step(secret, step + offset), now), None, "{offset}");
        }
    }

    #[test]
    fn typed_codes_are_read_leniently_but_bounded() {
        assert_eq!(CodeInput::parse(" 123 456 "), CodeInput::Totp("123456".into()));
        assert_eq!(CodeInput::parse("ABCDE-FGHJK"), CodeInput::Recovery("abcdefghjk".into()));
        for bad in ["", "12345", "1234567", "abcde-fghi0", &"1".repeat(100)] {
            assert_eq!(CodeInput::parse(bad), CodeInput::Invalid, "{bad}");
        }
    }

    #[test]
    fn keys_are_grouped_and_read_back() {
        let secret = [7u8; SECRET_BYTES];
        let key = base32(&secret);
        assert_eq!(key.len(), 32);
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(from_base32(&grouped(&key).to_lowercase()), Some(secret.to_vec()));
        let uri = otpauth_uri(&secret, "li@merchant.example.cn");
        assert!(uri.starts_with("otpauth://totp/Redress:li%40merchant.example.cn?secret="), "{uri}");
        assert!(uri.contains("issuer=Redress"), "{uri}");
    }

    #[test]
    fn recovery_codes_use_the_alphabet_and_parse_back() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 31, 32, 255, 9, 10]);
        assert_eq!(code.len(), RECOVERY_LEN);
        assert_eq!(CodeInput::parse(&recovery_display(&code).to_uppercase()), CodeInput::Recovery(code));
    }
}
