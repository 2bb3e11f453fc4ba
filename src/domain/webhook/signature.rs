//! The signature on every delivery, as a receiver checks it:
//!
//! ```text
//! Redress-Signature: t=1795140000,v1=e0b5bb6970c189d61d4b83a4c7fbc66f773c63f45a82e630e3eba58571051359
//! ```
//!
//! (the body `{}` signed with the secret `whsec_test`.)
//! `t` is when it was sent (Unix seconds), `v1` the lower-case hex of
//! HMAC-SHA256 over `"<t>.<body>"` (the body's bytes exactly as sent),
//! keyed with the endpoint's secret as shown to the merchant (its UTF-8
//! bytes). A receiver recomputes it, compares in constant time and
//! refuses a `t` too far from its own clock (replays).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's name.
pub const HEADER: &str = "Redress-Signature";
/// The header naming the event (the same on every attempt).
pub const EVENT_ID_HEADER: &str = "Redress-Event-Id";

/// The hex of HMAC-SHA256(`secret`, `"<t>.<body>"`).
pub fn v1(secret: &[u8], t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The header's value: `t=<t>,v1=<hex>`.
pub fn header(secret: &[u8], t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", v1(secret, t, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_timestamp_and_the_hex_hmac_of_timestamp_dot_body() {
        // Computed apart, with Python's hmac module:
        // hmac.new(b"whsec_test", b"1795140000.{}", hashlib.sha256).hexdigest()
        let h = header(b"whsec_test", 1_795_140_000, b"{}");
        let (t, v1) = h.split_once(',').unwrap();
        assert_eq!(t, "t=1795140000");
        let hex = v1.strip_prefix("v1=").unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{hex}");
        assert_eq!(hex, "e0b5bb6970c189d61d4b83a4c7fbc66f773c63f45a82e630e3eba58571051359");
        assert_ne!(header(b"whsec_other", 1_795_140_000, b"{}"), h, "another secret");
        assert_ne!(header(b"whsec_test", 1_795_140_001, b"{}"), h, "another time");
        assert_ne!(header(b"whsec_test", 1_795_140_000, b"{ }"), h, "another body");
    }
}
